from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField
from wtforms.validators import Optional


class ExtractForm(FlaskForm):
    file = FileField("Activity extract (CSV)", validators=[FileRequired("Choose the CSV file to upload")])
    practice_id = SelectField("Whose extract is this?", coerce=int, choices=[], validate_choice=False,
                              validators=[Optional()])
