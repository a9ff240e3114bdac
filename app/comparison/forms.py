from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired


class CohortForm(FlaskForm):
    file = FileField("Comparison cohort (CSV)", validators=[FileRequired("Choose the CSV file to upload")])
