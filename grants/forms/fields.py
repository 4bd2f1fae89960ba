"""WTForms fields for numbers people type: the same parser as the API and the imports
(grants.core.numbers), in its "typed" grammar ("1 250,50" as Polish users write it); and the
account's e-mail field the sign-in, registration and reset forms share."""
from __future__ import annotations

from decimal import Decimal
from functools import partial

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, Field
from wtforms.validators import DataRequired, Email, Length
from wtforms.widgets import TextInput

from grants.core.numbers import NumberError, parse_money, parse_percent, parse_points


def _show(value: Decimal, places: int) -> str:
    return f"{value:.{places}f}".replace(".", ",")


class NumberField(Field):
    """A text input parsed by one grammar; the data is a Decimal or None when left empty.
    An error (Polish, translated) appears next to the field; the typed text is shown back as typed."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, parse=parse_money, places: int = 2, **kw):
        kw.setdefault("render_kw", {})
        kw["render_kw"].setdefault("inputmode", "decimal")
        super().__init__(label, validators, **kw)
        self.parse, self.places = parse, places

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return _show(self.data, self.places) if isinstance(self.data, Decimal) else ""

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        text = valuelist[0]
        if text is None or not str(text).strip():
            self.data = None
            return
        try:
            self.data = self.parse(str(text), grammar="typed")
        except NumberError as e:
            self.data = None
            raise ValueError(str(e.message)) from None


def MoneyField(label=None, validators=None, **kw) -> NumberField:  # noqa: N802 - reads as a field class
    return NumberField(label, validators, parse=partial(parse_money, **kw.pop("limits", {})), **kw)


def PointsField(label=None, validators=None, **kw) -> NumberField:  # noqa: N802
    return NumberField(label, validators, parse=partial(parse_points, **kw.pop("limits", {})), **kw)


def PercentField(label=None, validators=None, **kw) -> NumberField:  # noqa: N802
    return NumberField(label, validators, parse=partial(parse_percent, **kw.pop("limits", {})), **kw)


def account_email_field(label=_l("Adres e-mail"), autocomplete: str = "username") -> EmailField:
    """The e-mail address that names an account (signing in, registering, a link or a reset by
    mail): required, well-formed, at most the column's 255 characters."""
    return EmailField(label, validators=[DataRequired(_l("Podaj adres e-mail.")),
                                         Email(_l("Nieprawidłowy adres e-mail.")), Length(max=255)],
                      render_kw={"autocomplete": autocomplete})
