from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Length

from .fields import account_email_field


class LoginForm(FlaskForm):
    email = account_email_field()
    password = PasswordField(_l("Hasło"), validators=[DataRequired(_l("Podaj hasło.")), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    """Self-registration of a participant (S1): anyone may take part in consultations."""
    full_name = StringField(_l("Imię i nazwisko"), validators=[DataRequired(_l("Podaj imię i nazwisko.")), Length(max=255)])
    email = account_email_field(autocomplete="email")
    stakeholder_type = RadioField(_l("Kim jesteś?"), choices=[
        ("resident", _l("mieszkaniec")), ("business", _l("biznes")), ("school", _l("szkoła lub uczelnia")),
        ("city_unit", _l("jednostka miejska"))], validators=[DataRequired(_l("Wybierz, kim jesteś."))])
    password = PasswordField(_l("Hasło (co najmniej 10 znaków)"), validators=[DataRequired(_l("Podaj hasło.")),
                                                                             Length(min=10, max=200)],
                             render_kw={"autocomplete": "new-password"})


class SigninLinkForm(FlaskForm):
    """Asks for a one-time sign-in link by e-mail (the way in while password attempts are throttled)."""
    email = account_email_field()


class ConfirmForm(FlaskForm):
    """A button that uses a one-time link (a POST, so mail scanners that open links use nothing)."""
