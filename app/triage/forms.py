from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional


class AcceptForm(FlaskForm):
    officer_id = SelectField("Allocate to a link officer now (optional)", coerce=int, validators=[Optional()])
    version = HiddenField(validators=[InputRequired()])


class DeclineForm(FlaskForm):
    reason = TextAreaField("Why are you declining this referral?", validators=[
        InputRequired("Give the reason for declining; the practice will see it"), Length(max=2000)])
    version = HiddenField(validators=[InputRequired()])


class QuestionForm(FlaskForm):
    question = TextAreaField("What do you need to know from the practice?", validators=[
        InputRequired("Write the question for the practice"), Length(max=2000)])
    version = HiddenField(validators=[InputRequired()])


class AllocateForm(FlaskForm):
    officer_id = SelectField("Link officer", coerce=int, validators=[InputRequired("Choose a link officer")])
    version = HiddenField(validators=[InputRequired()])
