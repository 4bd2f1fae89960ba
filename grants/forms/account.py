"""Forms of the account page, the password reset and the admin's users page (issue 21)."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from grants.accounts.passwords import MAX_LENGTH
from grants.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, MAX_NAME

from .fields import account_email_field

PASSWORD_HINT = _l("Co najmniej 10 znaków, trudne do odgadnięcia: najlepiej kilka nietypowych słów. "
                   "Nie może zawierać Twojego imienia, nazwiska ani adresu e-mail.")


class CsrfForm(FlaskForm):
    """A button that only needs the CSRF token (log out everywhere, revoke, deactivate)."""


def _new_password_fields():
    new = PasswordField(_l("Nowe hasło"), validators=[DataRequired(_l("Podaj nowe hasło.")), Length(max=MAX_LENGTH)],
                        render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Powtórz nowe hasło"),
                            validators=[DataRequired(_l("Powtórz nowe hasło.")),
                                        EqualTo("password", _l("Hasła nie są takie same."))],
                            render_kw={"autocomplete": "new-password"})
    return new, confirm


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Obecne hasło"), validators=[DataRequired(_l("Podaj obecne hasło.")),
                                                                    Length(max=MAX_LENGTH)],
                                     render_kw={"autocomplete": "current-password"})
    password, confirm = _new_password_fields()


class ResetPasswordForm(FlaskForm):
    password, confirm = _new_password_fields()


class ForgotPasswordForm(FlaskForm):
    email = account_email_field(_l("Adres e-mail konta"))


class TokenForm(FlaskForm):
    name = StringField(_l("Nazwa tokenu (np. do czego służy)"), validators=[Optional(), Length(max=MAX_NAME)])
    expires_in_days = IntegerField(_l("Ważność (dni)"), default=DEFAULT_DAYS,
                                   validators=[InputRequired(_l("Podaj liczbę dni.")),
                                               NumberRange(1, MAX_DAYS, _l("Od 1 do %(max)s dni."))],
                                   render_kw={"min": 1, "max": MAX_DAYS})
