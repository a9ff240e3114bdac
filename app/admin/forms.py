from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from app.auth import passwords
from app.security import ROLE_LABELS


class LocalityForm(FlaskForm):
    name = StringField("Locality name", validators=[InputRequired("Enter the locality name"), Length(max=80)])


class PracticeForm(FlaskForm):
    ods_code = StringField("ODS code", validators=[InputRequired("Enter the practice's ODS code"), Length(max=6)])
    name = StringField("Practice name", validators=[InputRequired("Enter the practice name"), Length(max=120)])
    locality_id = SelectField("Locality", coerce=int, validators=[InputRequired("Choose a locality")])


class UserForm(FlaskForm):
    name = StringField("Full name", validators=[InputRequired("Enter the person's full name"), Length(max=120)])
    email = StringField("Email address", validators=[InputRequired("Enter an email address"), Length(max=254)])
    role = SelectField("Role", choices=[(role.value, label) for role, label in ROLE_LABELS.items()],
                       validators=[InputRequired("Choose a role")])
    practice_id = SelectField("GP practice (GP practice users only)", coerce=int, validators=[Optional()])
    locality_id = SelectField("Locality (link officers)", coerce=int, validators=[Optional()])
    password = PasswordField("Temporary password", validators=[
        InputRequired("Enter a temporary password"), Length(max=passwords.MAX_LENGTH, message=passwords.TOO_LONG)])


class PasswordResetForm(FlaskForm):
    password = PasswordField("New password", validators=[
        InputRequired("Enter a new password"), Length(max=passwords.MAX_LENGTH, message=passwords.TOO_LONG)])


class EmptyForm(FlaskForm):
    """POST-only buttons still carry a CSRF token."""
