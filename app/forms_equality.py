"""The optional equality questions, shared by the referral forms and the officer's edit.

Every question has an explicit "not stated" answer that is also the default, so a blank form
records "not stated", never a guess (CONTRACT §6). Values are checked again by
services/equality.py, whatever route they come by.
"""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, Optional

from app.models.vocab import CarerStatus, EthnicCategory, Sex, choices, ethnic_category_groups
from app.services.equality import ADJUSTMENTS_MAX, EQUALITY_FIELDS, LANGUAGE_MAX


def ethnic_category_choices() -> list[tuple[str, str]]:
    """"Not stated" first, then each letter under its NHS group: "Asian or Asian British: Indian"."""
    return [(EthnicCategory.NOT_STATED.value, "Not stated")] + [
        (letter, f"{group}: {label}") for group, letters in ethnic_category_groups() for letter, label in letters]


def sex_field():
    return RadioField("Sex", choices=choices(Sex), default=Sex.NOT_STATED.value)


def ethnic_category_field():
    return SelectField("Ethnic group", choices=ethnic_category_choices(), default=EthnicCategory.NOT_STATED.value)


def carer_field():
    return RadioField("Do they look after someone as an unpaid carer?", choices=choices(CarerStatus),
                      default=CarerStatus.NOT_KNOWN.value)


def interpreter_needed_field():
    return BooleanField("They need an interpreter")


def preferred_language_field():
    return StringField("Preferred language", validators=[Optional(), Length(max=LANGUAGE_MAX)])


def reasonable_adjustments_flag_field():
    return BooleanField("They need reasonable adjustments")


def reasonable_adjustments_field():
    return TextAreaField("Reasonable adjustments", validators=[Optional(), Length(max=ADJUSTMENTS_MAX)])


class EqualityFields(FlaskForm):
    """A form with the equality questions. Each form declares the fields itself, with the
    functions above, where they sit on its page, so the error summary lists them in page order."""

    def equality_details(self) -> dict:
        return {name: getattr(self, name).data for name in EQUALITY_FIELDS}
