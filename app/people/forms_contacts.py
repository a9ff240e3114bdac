"""Forms for contacts, home visits, onward support and peer support."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (BooleanField, HiddenField, IntegerField, RadioField, SelectMultipleField, StringField,
                     TextAreaField, TimeField)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.fields import DateRequired
from app.models.base import uk_today
from app.models.contact import ContactKind
from app.models.onward import OnwardKind, OnwardStatus
from app.models.support import PeerKind
from app.models.vocab import Sector, choices
from app.people.forms import DateInputField, VersionedForm, need_area_choices


class ContactForm(FlaskForm):
    status = RadioField("Has it happened?", choices=[("held", "Yes, record what happened"),
                                                      ("planned", "No, plan it")],
                        validators=[InputRequired("Say whether the contact happened or is planned")])
    kind = RadioField("Kind of contact", choices=choices(ContactKind),
                      validators=[InputRequired("Choose the kind of contact")])
    contact_on = DateInputField("Date", validators=[DateRequired()], default=uk_today,
                                required_message="Enter the date of the contact")
    at_time = TimeField("Time (optional)", validators=[Optional()])
    duration_minutes = IntegerField("How long, in minutes", validators=[
        Optional(), NumberRange(1, 720, "Enter how long the contact lasted, in minutes (1 to 720)")])
    who_was_there = StringField("Who was there (optional)", validators=[Optional(), Length(max=300)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=8000)])


class ContactUpdateForm(VersionedForm):
    status = RadioField("What happened?", choices=[("held", "It happened"), ("cancelled", "It was cancelled"),
                                                   ("planned", "Still planned")],
                        validators=[InputRequired("Say what happened")])
    duration_minutes = IntegerField("How long, in minutes", validators=[
        Optional(), NumberRange(1, 720, "Enter how long the contact lasted, in minutes (1 to 720)")])
    who_was_there = StringField("Who was there (optional)", validators=[Optional(), Length(max=300)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=8000)])


class CheckInForm(FlaskForm):
    expected_end = TimeField("Expected end time", validators=[
        InputRequired("Enter the time you expect to leave, like 14:30")],
        description="In 24-hour time. For an evening visit, a time after midnight is tomorrow's. "
                    "Your manager is alerted if you have not checked out soon after this time.")
    note = StringField("Anything the office should know (optional)", validators=[Optional(), Length(max=500)],
                       description="For example: a different address, or the number to reach you on")
    risks_read = BooleanField("I have read the risk information for this visit",
                              validators=[InputRequired("Confirm you have read the risk information")])


class ExpectedEndForm(FlaskForm):
    expected_end = TimeField("New expected end time", validators=[
        InputRequired("Enter the time you now expect to leave, like 15:15")],
        description="In 24-hour time. For an evening visit, a time after midnight is tomorrow's. "
                    "Your manager is alerted if you have not checked out soon after this time.")


class CheckOutForm(FlaskForm):
    who_was_there = StringField("Who was there (optional)", validators=[Optional(), Length(max=300)])
    notes = TextAreaField("Notes from the visit (optional)", validators=[Optional(), Length(max=8000)])


class OnwardForm(FlaskForm):
    service_id = HiddenField()
    organisation_name = StringField("Organisation", validators=[
        InputRequired("Enter the organisation's name"), Length(max=200)])
    service_name = StringField("Service or activity (optional)", validators=[Optional(), Length(max=200)])
    sector = RadioField("Sector", choices=choices(Sector), validators=[InputRequired("Choose the organisation's sector")])
    kind = RadioField("Kind", choices=choices(OnwardKind), validators=[InputRequired("Choose a linkage or a formal referral")])
    status = RadioField("Where is it now?", choices=[("made", "Made: the person has been linked or referred"),
                                                      ("suggested", "Suggested: the person is thinking about it")],
                        default="made", validators=[InputRequired("Choose where it is now")])
    need_areas = SelectMultipleField("Needs it addresses", choices=need_area_choices())  # no Optional(): it lets '' through
    consent_to_share = BooleanField("The person has given written consent to share their information")
    consent_recorded_on = DateInputField("Date consent was given")
    accompanied = BooleanField("I will go with the person (accompanied)")
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=4000)])


class OnwardMoveForm(VersionedForm):
    to = RadioField("What has happened?", choices=[], validators=[InputRequired("Choose what has happened")])
    on = DateInputField("Date", validators=[DateRequired()], default=uk_today)

    def set_choices(self, current: OnwardStatus) -> None:
        from app.models.onward import ONWARD_MOVES

        self.to.choices = [(s.value, s.label) for s in OnwardStatus if s in ONWARD_MOVES[current]]


class PeerForm(VersionedForm):
    kind = RadioField("What did the person start?", choices=choices(PeerKind),
                      validators=[InputRequired("Choose a peer-led activity or volunteering")])
    started_on = DateInputField("Date they started", validators=[DateRequired()], default=uk_today)
    where = StringField("Where", validators=[InputRequired("Say where: the group, organisation or venue"),
                                             Length(max=200)])
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=2000)])
