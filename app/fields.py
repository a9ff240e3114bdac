"""A date field that reads the NHS.UK date input (three boxes: day, month, year)."""
from __future__ import annotations

from datetime import date

from wtforms import Field, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget

from app.validators import FIRST_YEAR, LAST_YEAR, YEAR_RANGE_MESSAGE


class DateInputField(Field):
    """Posts `<name>-day`, `<name>-month`, `<name>-year`; keeps what was typed when it is wrong."""

    def __init__(self, label=None, validators=None, required_message="Enter a date", **kwargs):
        super().__init__(label, validators, **kwargs)
        self.required_message = required_message
        self.parts = {"day": "", "month": "", "year": ""}

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value or data is None:  # a new form: show the default (e.g. today)
            data = self.default() if callable(self.default) else self.default
        self.data = data
        if self.data:
            self.parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        if formdata is not None and any(f"{self.name}-{part}" in formdata for part in self.parts):
            self.parts = {part: (formdata.get(f"{self.name}-{part}") or "").strip() for part in self.parts}
            self.data = None
            self._parse()

    def _parse(self):
        day, month, year = self.parts["day"], self.parts["month"], self.parts["year"]
        if not (day or month or year):
            return
        if not (day and month and year):
            missing = [name for name, value in self.parts.items() if not value]
            self.process_errors.append(f"{self.label.text} must include a {' and '.join(missing)}")
            return
        # ASCII digits only (isdigit() is also true of '²'), and no more of them than a date has.
        if not all(part.isascii() and part.isdigit() for part in (day, month, year)) \
                or len(day) > 2 or len(month) > 2 or len(year) != 4:
            self.process_errors.append(f"{self.label.text} must be a real date, like 27 3 1950")
            return
        if not FIRST_YEAR <= int(year) <= LAST_YEAR:
            self.process_errors.append(YEAR_RANGE_MESSAGE)
            return
        try:
            self.data = date(int(year), int(month), int(day))
        except ValueError:
            self.process_errors.append(f"{self.label.text} must be a real date, like 27 3 1950")

    def pre_validate(self, form):
        if self.process_errors:  # already in self.errors; stop the other validators
            raise StopValidation()

    def _value(self):
        return self.parts


class MultiCheckboxField(SelectMultipleField):
    """NHS.UK checkboxes. Ticking none is allowed (add InputRequired to need one); any value that is
    not one of the choices, an empty one included, is a form error with `invalid_message`.

    Do not add Optional(): it stops validation when the first value posted is empty, which would
    let an unknown value through to the service."""
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, invalid_message="Choose from the options given", **kwargs):
        super().__init__(label, validators, invalid_value_message=invalid_message,
                         invalid_choice_message=invalid_message, **kwargs)


class DateRequired:
    """Marks a DateInputField required (the message comes from the field)."""
    field_flags = {"required": True}

    def __call__(self, form, field):
        if field.data is None:
            raise StopValidation(field.required_message)
