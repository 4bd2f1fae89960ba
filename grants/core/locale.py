"""The reader's language and the plain written forms of a number and a day, shared by translated
messages (grants.core.i18n writes a Decimal or a date put in a message this way) and by
grants.core.formatting. The web layer plugs the language getter; outside a request it is Polish."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from babel import dates as babel_dates
from babel import numbers as babel_numbers

from .dates import WARSAW

_locale_getter: Callable[[], str] = lambda: "pl"  # noqa: E731


def set_locale_getter(fn: Callable[[], str]) -> None:
    global _locale_getter
    _locale_getter = fn


def current_locale() -> str:
    try:
        return _locale_getter() or "pl"
    except Exception:  # outside a request
        return "pl"


def decimal_text(d: Decimal, locale: str | None = None) -> str:
    """With the places the value carries ("20 000,00", "12,5"): an amount keeps its grosze."""
    exponent = d.as_tuple().exponent
    places = min(-exponent, 6) if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return babel_numbers.format_decimal(d, format=pattern, locale=locale or current_locale(),
                                        decimal_quantization=True)


def day_text(value: date, locale: str | None = None) -> str:
    """A day: "28.11.2025" (pl); a moment is taken on its Warsaw day."""
    loc = locale or current_locale()
    if isinstance(value, datetime):
        value = value.astimezone(WARSAW).date()
    return babel_dates.format_date(value, "dd.MM.yyyy" if loc.startswith("pl") else "medium", locale=loc)
