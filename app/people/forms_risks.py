"""Forms for the risk record and safeguarding concerns. Each form owns its validation messages;
the rules that need the database (a risk already in force, dates in order) are the service's."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.fields import DateInputField, DateRequired
from app.models.base import uk_today
from app.models.risk import OTHER_RISK
from app.models.vocab import HomeVisitRisk, choices
from app.people.forms import VersionedForm

RISK_CHOICES = choices(HomeVisitRisk) + [(OTHER_RISK, "Another risk")]


class RiskForm(FlaskForm):
    risk = RadioField("What is the risk?", choices=RISK_CHOICES,
                      validators=[InputRequired("Choose the risk, or choose another risk and describe it")])
    other_text = StringField("If another risk, what is it?", validators=[Optional(), Length(max=200)])
    detail = TextAreaField("What should a lone worker know or do? (optional)",
                           validators=[Optional(), Length(max=4000)],
                           description="For example: ask for the dog to be shut in another room before going in")


class RiskReviewForm(VersionedForm):
    detail = TextAreaField("What should a lone worker know or do?", validators=[Optional(), Length(max=4000)],
                           description="Bring this up to date if anything has changed")


class RiskEndForm(VersionedForm):
    reason = TextAreaField("Why does this risk no longer apply?",
                           validators=[InputRequired("Say why this risk no longer applies"), Length(max=2000)],
                           description="For example: the dog was rehomed in March")


class NoKnownRisksForm(FlaskForm):
    note = TextAreaField("How you know (optional)", validators=[Optional(), Length(max=2000)],
                         description="For example: asked the person and their daughter at the first visit")


class ConcernForm(FlaskForm):
    raised_on = DateInputField("Date the concern was raised", validators=[DateRequired()], default=uk_today,
                               required_message="Enter the date the concern was raised")
    concern = TextAreaField("What is the concern?",
                            validators=[InputRequired("Describe the concern"), Length(max=4000)])
    action_taken = TextAreaField("What was done?",
                                 validators=[InputRequired("Say what was done, for example who it was reported to"),
                                             Length(max=4000)],
                                 description="Who you told (your manager, the local authority safeguarding team), "
                                             "when, and any reference number")


class ConcernCloseForm(VersionedForm):
    action_taken = TextAreaField("What was done?", validators=[InputRequired("Say what was done"), Length(max=4000)])
    outcome = TextAreaField("Outcome", validators=[InputRequired("Say what the outcome was"), Length(max=4000)],
                            description="For example: the local authority closed its enquiry with a care package")
    closed_on = DateInputField("Date closed", validators=[DateRequired()], default=uk_today,
                               required_message="Enter the date the concern was closed")
