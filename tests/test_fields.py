"""The three-box NHS.UK date field."""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.fields import DateInputField, DateRequired
from app.models.base import uk_today


class VisitForm(FlaskForm):
    class Meta:
        csrf = False

    on = DateInputField("Visit date", validators=[DateRequired()], default=uk_today,
                        required_message="Enter the visit date")


def test_a_new_form_shows_the_default_date(app):
    with app.test_request_context():
        form = VisitForm()
        today = uk_today()
        assert form.on.data == today
        assert form.on._value() == {"day": str(today.day), "month": str(today.month), "year": str(today.year)}


def test_typed_parts_become_a_date(app):
    with app.test_request_context():
        form = VisitForm(formdata=MultiDict({"on-day": "7", "on-month": "3", "on-year": "2025"}))
        assert form.validate() and form.on.data == date(2025, 3, 7)


def test_an_impossible_date_keeps_what_was_typed_and_says_why(app):
    with app.test_request_context():
        form = VisitForm(formdata=MultiDict({"on-day": "30", "on-month": "2", "on-year": "2025"}))
        assert not form.validate()
        assert form.on.errors == ["Visit date must be a real date, like 27 3 1950"]
        assert form.on._value() == {"day": "30", "month": "2", "year": "2025"}


def test_a_missing_part_is_named(app):
    with app.test_request_context():
        form = VisitForm(formdata=MultiDict({"on-day": "30", "on-month": "", "on-year": "2025"}))
        assert not form.validate()
        assert form.on.errors == ["Visit date must include a month"]


def test_an_empty_required_date_gets_its_own_message(app):
    with app.test_request_context():
        form = VisitForm(formdata=MultiDict({"on-day": "", "on-month": "", "on-year": ""}))
        assert not form.validate()
        assert form.on.errors == ["Enter the visit date"]
