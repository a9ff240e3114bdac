"""The small form for recording that the person declined social prescribing."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, TextAreaField
from wtforms.validators import InputRequired, Length

from app.fields import DateInputField, DateRequired
from app.models.base import uk_today


class PersonDeclinedForm(FlaskForm):
    on = DateInputField("When did they decline?", validators=[DateRequired()], default=uk_today,
                        required_message="Enter the date the person declined")
    reason = TextAreaField("What did they say?", validators=[
        InputRequired("Write what the person said, in their words; the practice will see it"), Length(max=2000)])
    version = HiddenField(validators=[InputRequired()])
