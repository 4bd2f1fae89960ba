"""Forms of R-RODO (deletion requests) and of the TOTP second factor."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional


class DeletionRequestForm(FlaskForm):
    reason = TextAreaField(_l("Uzasadnienie (nieobowiązkowe)"), validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(_l("Rozumiem, że konto zostanie zamknięte, a dokumenty, które urząd musi przechowywać, "
                              "pozostaną w archiwum."),
                           validators=[DataRequired(_l("Potwierdź, że chcesz usunąć swoje dane."))])


class DeletionDecisionForm(FlaskForm):
    decision = RadioField(_l("Decyzja"), choices=[("approve", _l("anonimizuj dane")),
                                                  ("refuse", _l("odmów (podaj powód)"))],
                          validators=[DataRequired(_l("Wybierz decyzję."))])
    note = TextAreaField(_l("Odpowiedź dla osoby"), validators=[Optional(), Length(max=2000)])


class TotpCodeForm(FlaskForm):
    code = StringField(_l("Kod z aplikacji uwierzytelniającej"),
                       validators=[DataRequired(_l("Podaj sześciocyfrowy kod.")), Length(min=6, max=8)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"})
