from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, Length


class LoginForm(FlaskForm):
    email = EmailField(_l("Adres e-mail"), validators=[DataRequired(_l("Podaj adres e-mail.")),
                                                       Email(_l("Nieprawidłowy adres e-mail.")),
                                                       Length(max=255)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Hasło"), validators=[DataRequired(_l("Podaj hasło.")), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
