from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from workspace.blueprints.form_base import Form
from workspace.services.accounts.users import MIN_PASSWORD_LENGTH

_password_rules = [DataRequired(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                                          message=f"Use at least {MIN_PASSWORD_LENGTH} "
                                                  "characters.")]


def _email_field(label: str = "Email"):
    return EmailField(label, validators=[DataRequired(), Length(max=254),
                                         Email(message="Enter an email address like "
                                                       "name@example.org.")])


class SignUpForm(Form):
    """Sign-up's first step: the address the link to finish it goes to."""
    email = _email_field()


class RegisterForm(Form):
    """Sign-up's second step, from the emailed link: name and password."""
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    password = PasswordField("Password", validators=_password_rules)
    confirm = PasswordField("Repeat password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class LoginForm(Form):
    email = _email_field()
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    remember = BooleanField("Keep me signed in on this device")


class ProfileForm(Form):
    name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    email = _email_field()
    current_password = PasswordField("Current password (only to change your email)",
                                     validators=[Optional(), Length(max=200)])


class ChangePasswordForm(Form):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    password = PasswordField("New password", validators=_password_rules)
    confirm = PasswordField("Repeat new password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class ResetRequestForm(Form):
    email = _email_field()


class ResetPasswordForm(Form):
    password = PasswordField("New password", validators=_password_rules)
    confirm = PasswordField("Repeat new password", validators=[
        DataRequired(), EqualTo("password", message="The two passwords differ.")])


class ConfirmPasswordForm(Form):
    password = PasswordField("Your password", validators=[DataRequired(), Length(max=200)])
