"""Money is Decimal with two places, ROUND_HALF_UP. Never float."""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

CENT = Decimal("0.01")


class MoneyError(ValueError):
    pass


def to_money(value) -> Decimal:
    """Decimal, int or a numeric string to a two-place Decimal; floats are refused."""
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError("money must not be a float")
    if isinstance(value, str):
        value = value.strip().replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        d = Decimal(value)
    except (InvalidOperation, TypeError, ValueError) as e:
        raise MoneyError(f"not an amount: {value!r}") from e
    if not d.is_finite():
        raise MoneyError(f"not an amount: {value!r}")
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def format_pln(value: Decimal | None, locale: str = "pl") -> str:
    """1250.5 -> '1 250,50 zł' (pl) or 'PLN 1,250.50' (en)."""
    if value is None:
        return ""
    d = to_money(value)
    sign = "-" if d < 0 else ""
    whole, frac = f"{abs(d):.2f}".split(".")
    if locale.startswith("pl"):
        groups = f"{int(whole):,}".replace(",", "\u00a0")
        return f"{sign}{groups},{frac}\u00a0zł"
    return f"{sign}PLN {int(whole):,}.{frac}"
