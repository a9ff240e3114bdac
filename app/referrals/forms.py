"""The referral form used at or straight after a GP MDT meeting."""
from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.converters import whole_number
from app.fields import DateInputField, DateRequired, MultiCheckboxField
from app.forms_equality import (EqualityFields, carer_field, ethnic_category_field, interpreter_needed_field,
                                preferred_language_field, reasonable_adjustments_field,
                                reasonable_adjustments_flag_field, sex_field)
from app.models.base import uk_today
from app.models.vocab import ContactMethod, HomeVisitRisk, NeedArea, ReferralSource, choices
from app.validators import Normalised, age_on, normalise_nhs_number, normalise_phone, normalise_postcode

ADULT_AGE = 18


def _not_in_future(form, field):
    if field.data and field.data > uk_today():
        raise ValidationError(f"{field.label.text} must be today or in the past")


def _adult(form, field):
    if field.data is None:
        return
    if field.data > uk_today():
        raise ValidationError("Date of birth must be in the past")
    if age_on(field.data, uk_today()) < ADULT_AGE:
        raise ValidationError("The link service supports adults: the person must be 18 or over")
    if field.data < uk_today() - timedelta(days=365 * 120):
        raise ValidationError("Date of birth must be within the last 120 years")


def _recent_meeting(form, field):
    if field.data and field.data < uk_today() - timedelta(days=366):
        raise ValidationError("MDT meeting date must be within the last year")


class ReferralForm(EqualityFields):
    given_name = StringField("First name", validators=[InputRequired("Enter the person's first name"), Length(max=80)])
    family_name = StringField("Last name", validators=[InputRequired("Enter the person's last name"), Length(max=80)])
    date_of_birth = DateInputField("Date of birth", validators=[DateRequired(), _adult],
                                   required_message="Enter the person's date of birth")
    nhs_number = StringField("NHS number", validators=[Normalised(normalise_nhs_number)])
    address = TextAreaField("Address", validators=[InputRequired("Enter the person's address"), Length(max=500)])
    postcode = StringField("Postcode", validators=[Normalised(normalise_postcode)])
    phone = StringField("Phone number", validators=[Optional(), Length(max=30), Normalised(normalise_phone)])
    contact_method = RadioField("How does the person prefer to be contacted?", choices=choices(ContactMethod),
                                validators=[InputRequired("Choose how the person prefers to be contacted")])
    contact_times = StringField("Best times to contact them", validators=[Optional(), Length(max=200)])
    interpreter_needed = interpreter_needed_field()
    preferred_language = preferred_language_field()
    reasonable_adjustments_flag = reasonable_adjustments_flag_field()
    reasonable_adjustments = reasonable_adjustments_field()
    accessibility_needs = TextAreaField("Other accessibility needs", validators=[Optional(), Length(max=1000)])
    sex = sex_field()
    ethnic_category = ethnic_category_field()
    carer = carer_field()

    need_areas = MultiCheckboxField("Why are you referring them?", choices=choices(NeedArea),
                                    validators=[InputRequired("Tick at least one reason for the referral")])
    concerns = TextAreaField("What is the practice worried about?",
                             validators=[InputRequired("Say what the practice is worried about"), Length(max=4000)])
    risks = MultiCheckboxField("Risks for a lone home visit", choices=choices(HomeVisitRisk),
                               invalid_message="Choose the risks from the list")
    risk_notes = TextAreaField("Anything else a lone worker should know", validators=[Optional(), Length(max=2000)])

    referrer_name = StringField("Your name", validators=[InputRequired("Enter your name"), Length(max=120)])
    referrer_role = StringField("Your role", validators=[InputRequired("Enter your role, for example GP or practice nurse"),
                                                        Length(max=80)])
    mdt_meeting_date = DateInputField("MDT meeting date", validators=[DateRequired(), _not_in_future, _recent_meeting],
                                      required_message="Enter the date of the MDT meeting")

    consent_to_referral = BooleanField("The person agreed to be referred to the link service", validators=[
        InputRequired("The person must agree to be referred. Ask them, or do not refer them yet")])
    consent_to_share = BooleanField(
        "The person agreed to their information being shared with the link service", validators=[
            InputRequired("The person must agree to their information being shared with the link service. "
                          "Without it we cannot make the referral")])

    def details(self) -> dict:
        """The referral's fields as the service function takes them."""
        names = ["given_name", "family_name", "date_of_birth", "nhs_number", "address", "postcode", "phone",
                 "contact_method", "contact_times", "accessibility_needs", "need_areas", "concerns", "risks",
                 "risk_notes", "referrer_name", "referrer_role", "mdt_meeting_date", "consent_to_referral",
                 "consent_to_share"]
        return {name: getattr(self, name).data for name in names} | self.equality_details()


class AnswerForm(FlaskForm):
    answer = TextAreaField("Your answer", validators=[InputRequired("Enter your answer to the question"),
                                                      Length(max=4000)])
    version = StringField(validators=[InputRequired()])


def _recent_referral(form, field):
    if field.data and field.data < uk_today() - timedelta(days=366):
        raise ValidationError("The date the referral was made must be within the last year")


def _practice_id(value) -> int:
    """The chosen practice's id; 0 (refused as "choose a practice") for anything else typed."""
    return whole_number(str(value)) or 0


def _declared_order(form_class) -> list[str]:
    fields = [(getattr(form_class, name), name) for name in dir(form_class)
              if isinstance(getattr(form_class, name), UnboundField)]
    return [name for field, name in sorted(fields, key=lambda pair: pair[0].creation_counter)]


class OtherSourceReferralForm(ReferralForm):
    """The manager enters a referral that came from someone other than a GP practice: the same
    questions and checks as the practice's form, plus who sent it and the person's GP practice.
    The referral date is kept where a practice's MDT meeting date is."""
    FIRST = ("source", "source_organisation", "practice_id", "referrer_name", "referrer_role", "mdt_meeting_date")

    source = RadioField("Who made the referral?", choices=[(s.value, s.label) for s in ReferralSource
                                                            if s is not ReferralSource.GP_PRACTICE],
                        validators=[InputRequired("Choose who made the referral")])
    source_organisation = StringField("Organisation or team", validators=[Optional(), Length(max=120)])
    practice_id = SelectField("The person's GP practice", coerce=_practice_id, choices=[],
                              validators=[InputRequired("Choose the person's GP practice")],
                              validate_choice=False)
    referrer_name = StringField("Name of the person who made the referral",
                                validators=[InputRequired("Enter the name of the person who made the referral"),
                                            Length(max=120)])
    referrer_role = StringField("Their role, or their relationship to the person",
                                validators=[InputRequired("Enter their role, or their relationship to the person"),
                                            Length(max=80)])
    mdt_meeting_date = DateInputField("Date the referral was made",
                                      validators=[DateRequired(), _not_in_future, _recent_referral],
                                      required_message="Enter the date the referral was made")
    concerns = TextAreaField("Why were they referred?",
                             validators=[InputRequired("Say why the person was referred"), Length(max=4000)])

    def __init__(self, *args, practices: list[tuple[int, str]] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.practice_id.choices = [(0, "Choose a practice")] + list(practices)
        # Page order, for the error summary: who sent it first, then the practice form's order
        # (the questions redefined here would otherwise move to the end).
        order = [*self.FIRST, "csrf_token", *_declared_order(ReferralForm)]
        for name in reversed([name for name in order if name in self._fields]):
            self._fields.move_to_end(name, last=False)

    def validate_practice_id(self, field):
        if field.data not in {value for value, _ in field.choices if value}:
            raise ValidationError("Choose the person's GP practice")

    def details(self) -> dict:
        return super().details() | {"source": self.source.data,
                                    "source_organisation": self.source_organisation.data or ""}
