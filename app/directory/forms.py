from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.fields import MultiCheckboxField
from app.models.directory import AccessRoute, ServiceStatus
from app.models.vocab import NeedArea, Sector, choices
from app.oruk.checks import uri_check
from app.oruk.csv_format import COST_PART, SCHEDULE_PART
from app.validators import YearInRange

CORRECTABLE_FIELDS = [
    ("phone", "Phone number"), ("schedule", "When it runs"), ("address", "Where it is"),
    ("description", "What it is"), ("who_it_is_for", "Who it is for"), ("application_process", "How to get in"),
    ("url", "Website"), ("email", "E-mail address"), ("status", "It has closed or paused"), ("other", "Something else"),
]


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search: bookmarkable, nothing changes

    q = StringField("Search by words", validators=[Optional(), Length(max=200)])
    need = SelectField("Need area", choices=[("", "Any need area")] + choices(NeedArea), validators=[Optional()])
    locality = SelectField("Locality", coerce=lambda v: int(v) if v else 0, validators=[Optional()])
    sector = SelectField("Sector", choices=[("", "Any sector")] + choices(Sector), validators=[Optional()])
    open_now = BooleanField("Open now", validators=[Optional()])
    review = BooleanField("Only entries due for checking", validators=[Optional()])


def _schedule_text(form, field):
    for part in [p for p in (field.data or "").split(";") if p.strip()]:
        if not SCHEDULE_PART.match(part.strip()):
            raise ValidationError(f"'{part.strip()}' should look like MO,TH 10:00-12:00 (or 2TU 18:00-20:00 for "
                                  "the second Tuesday of the month); separate times with ;")


def _cost_text(form, field):
    value = (field.data or "").strip()
    if value and value.lower() != "free" and not COST_PART.match(value):
        raise ValidationError("Enter Free, or an amount like 3.50 per session")


def _web_address(form, field):
    # http and https only, as the ORUK importer checks: a javascript: or data: address would run in a link.
    if uri_check(field.data or ""):
        raise ValidationError("Enter a web address starting with https://, like https://www.example.org")


class ServiceForm(FlaskForm):
    version = HiddenField()
    name = StringField("Service name", validators=[InputRequired("Enter the service's name"), Length(max=200)])
    organisation_name = StringField("Organisation that runs it", validators=[
        InputRequired("Enter the organisation's name"), Length(max=200)])
    sector = SelectField("Sector", choices=choices(Sector), validators=[InputRequired("Choose the sector")])
    status = SelectField("Status", choices=choices(ServiceStatus), default="active")
    description = TextAreaField("What it is", validators=[Optional(), Length(max=4000)])
    who_it_is_for = TextAreaField("Who it is for", validators=[Optional(), Length(max=2000)])
    access_routes = MultiCheckboxField("How to get in", choices=choices(AccessRoute),
                                       invalid_message="Choose how people get in from the list")
    application_process = TextAreaField("How to get in, in words", validators=[Optional(), Length(max=2000)])
    need_areas = MultiCheckboxField("Need areas it meets", choices=choices(NeedArea), validators=[
        InputRequired("Choose at least one need area the service meets")])
    locality_ids = MultiCheckboxField("Localities it serves", coerce=int,
                                      invalid_message="Choose the localities it serves from the list")
    schedule = StringField("When it runs", validators=[Optional(), Length(max=300), _schedule_text])
    location_name = StringField("Venue name", validators=[Optional(), Length(max=200)])
    address_1 = StringField("Address line", validators=[Optional(), Length(max=200)])
    city = StringField("Town or city", validators=[Optional(), Length(max=100)])
    postcode = StringField("Postcode", validators=[Optional(), Length(max=10)])
    phone = StringField("Phone number", validators=[Optional(), Length(max=40)])
    url = StringField("Website", validators=[Optional(), _web_address, Length(max=500)])
    email = StringField("E-mail address", validators=[Optional(), Email("Enter an e-mail address like name@example.org"),
                                                      Length(max=254)])
    cost = StringField("Cost", validators=[Optional(), Length(max=100), _cost_text])

    def validate_postcode(self, field):
        if (self.address_1.data or "").strip() and not (field.data or "").strip():
            raise ValidationError("Enter the postcode of the venue, or leave the address empty")

    def validate_city(self, field):
        if (self.address_1.data or "").strip() and not (field.data or "").strip():
            raise ValidationError("Enter the town or city of the venue, or leave the address empty")


class CorrectionForm(FlaskForm):
    field = SelectField("What is wrong", choices=CORRECTABLE_FIELDS, validators=[InputRequired("Choose what is wrong")])
    proposed_value = TextAreaField("What it should say", validators=[
        InputRequired("Enter what the entry should say"), Length(max=2000)])
    reason = TextAreaField("How you know (optional)", validators=[Optional(), Length(max=1000)])


class DecisionForm(FlaskForm):
    note = TextAreaField("Note for the officer (optional)", validators=[Optional(), Length(max=1000)])


class ImportForm(FlaskForm):
    file = FileField("Directory file", validators=[
        FileRequired("Choose a CSV or Open Referral UK JSON file to upload"),
        FileAllowed(["csv", "json"], "Upload a .csv or .json file")])


class DemandForm(FlaskForm):
    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional(), YearInRange()])
    end = DateField("To", validators=[Optional(), YearInRange()])


class EmptyForm(FlaskForm):
    """POST-only buttons still carry a CSRF token."""
