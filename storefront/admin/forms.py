"""Back-office forms."""

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import InputRequired


class LoginForm(FlaskForm):
    email = EmailField("Email", [InputRequired()])
    password = PasswordField("Password", [InputRequired()])


class ActionForm(FlaskForm):
    """A button that changes something: only the CSRF token."""
