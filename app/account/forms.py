from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import EqualTo, InputRequired, Length

from app.auth import passwords


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[
        InputRequired("Enter your current password"), Length(max=passwords.MAX_LENGTH, message=passwords.TOO_LONG)])
    new_password = PasswordField("New password", validators=[
        InputRequired("Enter a new password"), Length(max=passwords.MAX_LENGTH, message=passwords.TOO_LONG)])
    confirm_password = PasswordField("Re-type your new password", validators=[
        InputRequired("Re-type your new password"),
        EqualTo("new_password", message="The passwords do not match. Type the same new password twice")])


class SignOutForm(FlaskForm):
    """The sign-out buttons carry only a CSRF token."""
