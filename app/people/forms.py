"""Forms for the support record's sections. Each form owns its validation messages."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.fields import DateInputField, DateRequired
from app.models.base import uk_today
from app.models.person import DischargeReason
from app.models.support import GoalStatus, NeedStatus, Severity
from app.models.vocab import choices, need_areas_by_dimension


def need_area_choices(blank: str | None = None) -> list[tuple[str, str]]:
    grouped = [(area.value, f"{dimension.label}: {area.label}")
               for dimension, areas in need_areas_by_dimension() for area in areas]
    return ([("", blank)] if blank else []) + grouped


class VersionedForm(FlaskForm):
    """Carries the record's version so a save from an out-of-date page is refused, not merged."""
    version = HiddenField()


class NeedForm(FlaskForm):
    area = SelectField("Need area", choices=need_area_choices("Choose a need area"),
                       validators=[InputRequired("Choose the need area")])
    severity = RadioField("How much is this affecting the person?", choices=choices(Severity),
                          validators=[InputRequired("Choose how severe the need is: low, medium or high")])
    notes = TextAreaField("Notes (optional)", validators=[Optional(), Length(max=4000)])


class NeedUpdateForm(VersionedForm):
    status = RadioField("Status", choices=choices(NeedStatus), validators=[InputRequired("Choose the status")])
    severity = RadioField("Severity", choices=choices(Severity), validators=[InputRequired("Choose the severity")])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=4000)])


class WhatMattersForm(VersionedForm):
    what_matters_to_me = TextAreaField("What matters to me", validators=[Length(max=8000)])


class GoalForm(FlaskForm):
    description = TextAreaField("The goal, in the person's own words",
                                validators=[InputRequired("Write the goal, in the person's own words"),
                                            Length(max=2000)])
    need_area = SelectField("Need it helps with (optional)", choices=need_area_choices("Not linked to one need"),
                            validators=[Optional()])
    review_on = DateInputField("Review date", validators=[DateRequired()],
                               required_message="Enter the date you will review this goal together")
    action = StringField("First action (optional)", validators=[Optional(), Length(max=500)])
    action_by = StringField("Who will do it", validators=[Optional(), Length(max=120)])
    action_due = DateInputField("Action due by (optional)")


class GoalUpdateForm(VersionedForm):
    description = TextAreaField("The goal, in the person's own words",
                                validators=[InputRequired("Write the goal"), Length(max=2000)])
    status = RadioField("Where has it got to?", choices=choices(GoalStatus),
                        validators=[InputRequired("Choose where the goal has got to")])
    review_on = DateInputField("Review date")


class GoalActionForm(FlaskForm):
    description = StringField("Action", validators=[InputRequired("Describe the action"), Length(max=500)])
    who = StringField("Who will do it", validators=[InputRequired("Say who will do this action"), Length(max=120)],
                      description="For example: the person, the link officer, their daughter")
    due_on = DateInputField("Due by (optional)")


class DischargeForm(VersionedForm):
    reason = RadioField("Why is support ending?", choices=choices(DischargeReason),
                        validators=[InputRequired("Choose the reason support is ending")])
    summary = TextAreaField("Summary for the practice", validators=[
        InputRequired("Write a summary for the practice"), Length(max=4000)])
    on = DateInputField("Date support ended", validators=[DateRequired()], default=uk_today,
                        required_message="Enter the date support ended")


def score_field(label: str, low: int, high: int) -> IntegerField:
    message = f"Enter a whole number from {low} to {high}"
    return IntegerField(label, validators=[InputRequired(message), NumberRange(low, high, message)])


def stage_field() -> RadioField:
    return RadioField("When", choices=[("baseline", "Baseline"), ("review", "Review"), ("discharge", "Discharge")],
                      validators=[InputRequired("Choose when the questions were asked")])


class Ons4Form(FlaskForm):
    stage = stage_field()
    taken_on = DateInputField("Date asked", validators=[DateRequired()], default=uk_today)
    life_satisfaction = score_field("Overall, how satisfied are you with your life nowadays?", 0, 10)
    worthwhile = score_field("Overall, to what extent do you feel the things you do in your life are worthwhile?", 0, 10)
    happiness = score_field("Overall, how happy did you feel yesterday?", 0, 10)
    anxiety = score_field("Overall, how anxious did you feel yesterday?", 0, 10)


UCLA_ANSWERS = [("1", "Hardly ever"), ("2", "Some of the time"), ("3", "Often")]


def ucla_field(label: str) -> RadioField:
    return RadioField(label, choices=UCLA_ANSWERS, coerce=int,
                      validators=[InputRequired("Choose hardly ever, some of the time or often")])


class UclaForm(FlaskForm):
    stage = stage_field()
    taken_on = DateInputField("Date asked", validators=[DateRequired()], default=uk_today)
    ucla_companionship = ucla_field("How often do you feel that you lack companionship?")
    ucla_left_out = ucla_field("How often do you feel left out?")
    ucla_isolated = ucla_field("How often do you feel isolated from others?")
