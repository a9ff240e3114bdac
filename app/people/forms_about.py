"""The officer's edit of the person's own details: where they live, and the equality questions."""
from __future__ import annotations

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms_equality import (EqualityFields, carer_field, ethnic_category_field, interpreter_needed_field,
                                preferred_language_field, reasonable_adjustments_field,
                                reasonable_adjustments_flag_field, sex_field)
from app.validators import Normalised, normalise_phone, normalise_postcode


class AboutPersonForm(EqualityFields):
    version = HiddenField()
    address = TextAreaField("Address", validators=[InputRequired("Enter the person's address"), Length(max=500)])
    postcode = StringField("Postcode", validators=[Normalised(normalise_postcode)])
    phone = StringField("Phone number", validators=[Optional(), Length(max=30), Normalised(normalise_phone)])
    sex = sex_field()
    ethnic_category = ethnic_category_field()
    carer = carer_field()
    interpreter_needed = interpreter_needed_field()
    preferred_language = preferred_language_field()
    reasonable_adjustments_flag = reasonable_adjustments_flag_field()
    reasonable_adjustments = reasonable_adjustments_field()
