"""One grammar for money and points typed or sent by people: the API's schemas, the HTML forms
and the imports all parse through `parse_decimal` (and its `parse_money` / `parse_points` faces).

Accepted (the "json" grammar: API bodies, imports of machine-written files):
    digits, optionally a dot and at most `places` decimals: "1250", "1250.5", "1250.50"
    (a leading "-" only where the field allows a sign). A JSON integer is taken as it is.
Also accepted in the "typed" grammar (HTML forms, spreadsheets typed by people): a comma as the
decimal separator and spaces (also non-breaking and narrow non-breaking ones) between groups of
three digits, as Polish users write "1 250,50", and the unit typed after the figure ("12,50 zł",
"10 %", "25 pkt").
Refused, with a message naming what is wrong: exponents ("1e3"), NaN and infinities, a sign
where none is allowed, more decimals than the field keeps, values above the field's maximum,
inputs longer than MAX_LENGTH characters, floats (a JSON number with a fraction loses grosze)
and anything else.

Money keeps two places (grosze, grants.core.money conventions). Points keep at most two places
too: criteria maxima and pass thresholds are given to the hundredth (the announcement form), and
the scores themselves are further held to whole or half points by R-SCORE
(grants.commissions.operations.check_scores), so two places never round a legal score.

Flask-free; the pydantic annotated types (`Money`, `Points`, ...) live here too, the WTForms field
that uses the same function in grants.forms.fields.
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BeforeValidator, ValidationInfo, WithJsonSchema
from pydantic_core import PydanticCustomError

from .i18n import _

MAX_LENGTH = 40  # characters of input, spaces included: "10 000 000 000,00" is 17
MAX_MONEY = Decimal("10000000000")  # 10 bln PLN: anything above is a typing error
MAX_POINTS = Decimal("1000")
MAX_PERCENT = Decimal("100")

Grammar = Literal["json", "typed"]

_SPACES = "\u0020\u00a0\u202f"
_JSON = re.compile(r"(?P<sign>-?)(?P<int>[0-9]+)(?:\.(?P<frac>[0-9]+))?", re.ASCII)
_TYPED = re.compile(r"(?P<sign>-?)(?P<int>[0-9]{1,3}(?:[%s][0-9]{3})+|[0-9]+)(?:[.,](?P<frac>[0-9]+))?" % _SPACES,
                    re.ASCII)
_EXPONENT = re.compile(r"[0-9.,]\s*[eE]\s*[+-]?[0-9]", re.ASCII)
_UNIT = re.compile(r"[%s]*(?:zł|zl|PLN|%%|pkt proc\.?|pkt\.?)$" % _SPACES, re.IGNORECASE)
_NOT_FINITE = re.compile(r"[+-]?(nan|s?nan|inf|infinity)", re.IGNORECASE)


class NumberError(ValueError):
    """Bad input; `message` is for people (Polish source, translated when shown)."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def parse_decimal(value, *, places: int = 2, maximum: Decimal = MAX_MONEY, minimum: Decimal | None = None,
                  signed: bool = False, allow_zero: bool = True, grammar: Grammar = "json") -> Decimal:
    """The value as a Decimal with exactly `places` places, or NumberError saying what is wrong.
    `minimum` defaults to 0 (or to -maximum when `signed`)."""
    if isinstance(value, bool):
        raise NumberError(_("to nie jest liczba"))
    if isinstance(value, float):
        raise NumberError(_("podaj kwotę jako tekst, np. \"1250.00\""))
    if isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise NumberError(_("to nie jest liczba"))
        d = value
        if d.as_tuple().exponent < 0 and -d.normalize().as_tuple().exponent > places:
            raise NumberError(_("najwyżej %(n)s miejsca po przecinku", n=places))
    elif isinstance(value, str):
        d = _parse_text(value, places=places, grammar=grammar)
    else:
        raise NumberError(_("to nie jest liczba"))
    low = minimum if minimum is not None else (-maximum if signed else Decimal(0))
    if d < 0 and low >= 0:
        raise NumberError(_("wartość nie może być ujemna"))
    if d > maximum or d < low:
        # above a money-sized maximum is a typing error; a small one (points, percentages) is a range
        raise NumberError(_("wartość jest nierealnie duża") if abs(d) > maximum > MAX_POINTS
                          else _("wartość musi mieścić się w przedziale %(lo)s–%(hi)s", lo=_plain(low),
                                 hi=_plain(maximum)))
    if d == 0 and not allow_zero:
        raise NumberError(_("wartość musi być większa od zera"))
    d = d.quantize(Decimal(1).scaleb(-places))
    return d.copy_abs() if d.is_zero() else d  # never "-0.00"


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


def _parse_text(value: str, *, places: int, grammar: Grammar) -> Decimal:
    if len(value) > MAX_LENGTH:
        raise NumberError(_("wartość jest za długa (najwyżej %(n)s znaków)", n=MAX_LENGTH))
    text = value.strip(_SPACES + "\t")
    if grammar == "typed":  # the unit people type after the figure: "12,50 zł", "10 %", "25 pkt"
        text = _UNIT.sub("", text)
    if _EXPONENT.search(text):
        raise NumberError(_("wpisz liczbę bez zapisu wykładniczego, np. 1000 zamiast 1e3"))
    if _NOT_FINITE.fullmatch(text):
        raise NumberError(_("to nie jest liczba"))
    m = (_TYPED if grammar == "typed" else _JSON).fullmatch(text)
    if m is None:
        if text.startswith("+"):
            raise NumberError(_("wpisz liczbę bez znaku „+”"))
        raise NumberError(_("to nie jest liczba"))
    digits = re.sub("[%s]" % _SPACES, "", m["int"])
    frac = m["frac"] or ""
    if len(frac) > places:
        raise NumberError(_("najwyżej %(n)s miejsca po przecinku", n=places) if places
                          else _("podaj liczbę całkowitą"))
    if len(digits.lstrip("0")) > 15:
        raise NumberError(_("wartość jest nierealnie duża"))
    return Decimal(f"{m['sign']}{digits}.{frac or '0'}")


def parse_money(value, **kw) -> Decimal:
    """Money in PLN, two places (grosze), not negative unless signed=True, at most 10 bln."""
    kw.setdefault("maximum", MAX_MONEY)
    return parse_decimal(value, places=2, **kw)


def parse_points(value, **kw) -> Decimal:
    """Points (criteria maxima, thresholds, scores): two places at most, 0..1000 by default."""
    kw.setdefault("maximum", MAX_POINTS)
    return parse_decimal(value, places=2, **kw)


def parse_percent(value, **kw) -> Decimal:
    kw.setdefault("maximum", MAX_PERCENT)
    return parse_decimal(value, places=2, **kw)


def _validator(parse, **kw):
    """A pydantic BeforeValidator; the grammar comes from the validation context
    (`model_validate(data, context={"grammar": "typed"})` for what a form posted)."""
    def validate(value, info: ValidationInfo):
        grammar = (info.context or {}).get("grammar", "json") if isinstance(info.context, dict) else "json"
        try:
            return parse(value, grammar=grammar, **kw)
        except NumberError as e:
            raise PydanticCustomError("number", str(e.message)) from None
    return BeforeValidator(validate)


def json_schema(places: int = 2, signed: bool = False, maximum: Decimal = MAX_MONEY, example: str = "1250.00"):
    """What the OpenAPI document says of such a field: a string in the JSON grammar."""
    digits = len(str(int(maximum)))
    frac = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    return WithJsonSchema({"type": "string", "pattern": rf"^{'-?' if signed else ''}[0-9]{{1,{digits}}}{frac}$",
                           "maxLength": MAX_LENGTH, "examples": [example],
                           "description": f"a decimal number as a string, at most {places} decimal places, "
                                          f"no exponent, at most {maximum}"})


def _schema(kw: dict, places: int, default_max: Decimal, example: str):
    return json_schema(places, kw.get("signed", False), kw.get("maximum", default_max), example)


def money_type(**kw):
    return Annotated[Decimal, _validator(parse_money, **kw), _schema(kw, 2, MAX_MONEY, "1250.00")]


def points_type(**kw):
    return Annotated[Decimal, _validator(parse_points, **kw), _schema(kw, 2, MAX_POINTS, "7.5")]


def decimal_type(**kw):
    return Annotated[Decimal, _validator(parse_decimal, **kw),
                     _schema(kw, kw.get("places", 2), MAX_MONEY, "1.5")]


def money_text_type(**kw):
    """Money kept as its two-place string ("1250.50"), as JSON documents (offer content) store it."""
    def parse(value, **k):
        return f"{parse_money(value, **k):.2f}"
    return Annotated[str, _validator(parse, **kw), _schema(kw, 2, MAX_MONEY, "1250.00")]


def decimal_text_type(*, places: int, **kw):
    def parse(value, **k):
        return f"{parse_decimal(value, places=places, **k):.{places}f}"
    return Annotated[str, _validator(parse, **kw), _schema(kw, places, MAX_MONEY, "1.5")]


def _id(value: str) -> str:
    if not (value.isascii() and value.isdigit() and len(value) <= 9 and not value.startswith("0")):
        raise PydanticCustomError("id", "must be an id: a whole number from 1 to 999999999")
    return value


# an object's id as clients send it (a string), bounded so that no database sees a number its INTEGER
# columns cannot hold (a 500 otherwise); whether it points anywhere is for the operation to say
Id = Annotated[str, AfterValidator(_id), WithJsonSchema({"type": "string", "pattern": "^[1-9][0-9]{0,8}$",
                                                        "examples": ["42"]})]

Money = money_type()
Points = points_type()
Percent = Annotated[Decimal, _validator(parse_percent), json_schema(2, False, MAX_PERCENT, "10")]
