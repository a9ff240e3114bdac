from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import InputRequired, Length, Regexp


class SignInForm(FlaskForm):
    email = EmailField("Email address", validators=[
        InputRequired("Enter your email address"), Length(max=254)])
    password = PasswordField("Password", validators=[
        InputRequired("Enter your password"), Length(max=200)])


class AppCodeForm(FlaskForm):
    """The 6-digit code from an authenticator app (spaces allowed, as some apps show them)."""
    code = StringField("Security code", validators=[
        InputRequired("Enter the 6-digit code from your authenticator app"),
        Length(max=20, message="Enter the 6-digit code from your authenticator app, like 123456"),
        Regexp(r"^\s*(\d\s*){6}$", message="Enter the 6-digit code from your authenticator app, like 123456")])


class RecoveryCodeForm(FlaskForm):
    code = StringField("Recovery code", validators=[
        InputRequired("Enter one of your recovery codes"),
        Length(max=40, message="Enter a recovery code, like abcd-efgh-jkmn")])
