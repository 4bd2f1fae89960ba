"""Money is Decimal with two places, ROUND_HALF_UP. Never float.

`to_money` converts values the application already holds (it rounds, and reads any Decimal
spelling); what people send or type goes through the strict grammar of grants.core.numbers
(`parse_money`: no exponent, no rounding, a clear message), which returns the same two-place Decimal."""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

# ASCII digits only (Decimal() would also take e.g. Arabic-Indic digits, underscores and tuples)
_AMOUNT = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)


class MoneyError(ValueError):
    pass


def to_money(value) -> Decimal:
    """Decimal, int or a numeric string ("1 250,50", "1250.5") to a two-place Decimal,
    ROUND_HALF_UP. Floats, booleans, NaN, infinities and anything else raise MoneyError."""
    original = value
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("money must not be a float")
    if isinstance(value, str):
        text = value.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
        if not _AMOUNT.fullmatch(text):
            raise MoneyError(f"not an amount: {original!r}")
        value = text
    elif not isinstance(value, (int, Decimal)):
        raise MoneyError(f"not an amount: {original!r}")
    try:
        d = Decimal(value)
        finite = d.is_finite()
        if finite:
            d = d.quantize(CENT, rounding=ROUND_HALF_UP)
    except InvalidOperation as e:  # more digits or a larger exponent than the decimal context holds
        raise MoneyError(f"amount too large: {original!r}") from e
    if not finite:
        raise MoneyError(f"not an amount: {original!r}")
    if d.is_zero():
        return ZERO  # never "-0.00"
    return d


def format_pln(value: Decimal | None, locale: str = "pl") -> str:
    """1250.5 -> '1 250,50 zł' (pl, non-breaking spaces) or 'PLN 1,250.50' (en)."""
    if value is None:
        return ""
    d = to_money(value)
    sign = "-" if d < 0 else ""
    whole, frac = f"{abs(d):.2f}".split(".")
    if locale.startswith("pl"):
        groups = f"{int(whole):,}".replace(",", "\u00a0")
        return f"{sign}{groups},{frac}\u00a0zł"
    return f"{sign}PLN {int(whole):,}.{frac}"
