"""How numbers, money, percentages, points and times are written for people: one place, through
Babel (the CLDR rules of the reader's language), Flask-free so that pages, mails and exports
write them the same way.

- money: "1 250,50 zł" (pl), "PLN 1,250.50" (en)
- percentages (held as Decimals such as 88.93 meaning 88.93 %): "88,93%", "10%"
- points: "25 pkt", "12,5 pkt"
- times: Europe/Warsaw, "20.01.2027, 16:00" (pl), "1/20/27, 4:00 PM" (en)

The language is the current request's (the web layer plugs `set_locale_getter`), or Polish
outside a request. `Money(value)`, `Percent(value)`, `Points(value)` are lazy: put them in a
translatable message's parameters and they are written in the language the message is shown in.
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Callable

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from stdnum import iban as _iban

from .dates import WARSAW
from .i18n import _
from .locale import current_locale, day_text, set_locale_getter  # noqa: F401 (set by the web layer)

def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, float):
        return Decimal(repr(value))
    try:
        return Decimal(str(value).replace("\u00a0", "").replace(" ", "").replace(",", "."))
    except (InvalidOperation, ValueError):
        return None


def money(value, locale: str | None = None) -> str:
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    if d.is_finite():  # equal amounts are written alike (two places), so one entry serves them all
        return _money(d, locale or current_locale())
    return babel_numbers.format_currency(d, "PLN", locale=locale or current_locale())


@lru_cache(maxsize=4096)
def _money(d: Decimal, locale: str) -> str:
    # Babel takes ~0.1 ms an amount; a list page writes the same amounts request after request
    return babel_numbers.format_currency(d, "PLN", locale=locale)


def number(value, locale: str | None = None, places: int = 2) -> str:
    """A plain number with at most `places` decimals (no trailing zeros): "1 234,5"."""
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    pattern = "#,##0" + ("." + "#" * places if places else "")
    return babel_numbers.format_decimal(d, format=pattern, locale=locale or current_locale(),
                                        decimal_quantization=True)


def number_for_input(value: Decimal) -> str:
    """An amount as a money field shows it to be edited: Polish digits, two places, plain spaces
    between thousands ("30 000,00": what grants.core.numbers reads back in any language)."""
    return babel_numbers.format_decimal(value, format="#,##0.00", locale="pl").replace("\xa0", " ")


def percent(value, locale: str | None = None, places: int = 2) -> str:
    """`value` in percent (88.93 means 88.93 %)."""
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    pattern = "#,##0" + ("." + "#" * places if places else "") + "%"
    return babel_numbers.format_percent(d / 100, format=pattern, locale=locale or current_locale(),
                                        decimal_quantization=True)


def _with_unit(value, locale: str | None, polish: str, english: str) -> str:
    """A number followed (after a no-break space) by its unit in the locale's language."""
    d = _decimal(value)
    if d is None:
        return "" if value is None else str(value)
    loc = locale or current_locale()
    unit = polish if loc.startswith("pl") else english
    return f"{number(d, loc)}\u00a0{unit}"


def points(value, locale: str | None = None) -> str:
    return _with_unit(value, locale, "pkt", "pts")


def percentage_points(value, locale: str | None = None) -> str:
    return _with_unit(value, locale, "pkt proc.", "pp")


def when(value, locale: str | None = None, seconds: bool = False) -> str:
    """A moment in Warsaw time; a date as a date."""
    if value is None or value == "":
        return ""
    loc = locale or current_locale()
    if isinstance(value, str):
        parsed = parse_moment(value)
        if parsed is None:
            return value
        value = parsed
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return _moment(value, loc, seconds)
    if isinstance(value, date):
        return day(value, loc)
    return str(value)


@lru_cache(maxsize=4096)
def _moment(value: datetime, loc: str, seconds: bool) -> str:
    # Babel's date formatting costs ~0.1 ms; list pages and calendars write the same moments again
    local = value.astimezone(WARSAW)
    d = babel_dates.format_date(local.date(), "short" if not loc.startswith("pl") else "dd.MM.yyyy", locale=loc)
    t = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{d}, {t}"


def iban(value) -> str:
    """An account number as banks print it, in groups of four ("PL77 1090 1014 ..."), so a reader
    can copy and check it."""
    return _iban.format(value) if value else ""


def day(value, locale: str | None = None) -> str:
    if value is None or value == "":
        return ""
    loc = locale or current_locale()
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    return day_text(value, loc)


def month_name(year: int, month: int, locale: str | None = None) -> str:
    return babel_dates.format_date(date(year, month, 1), "LLLL yyyy", locale=locale or current_locale())


def weekday_names(locale: str | None = None) -> list[str]:
    loc = locale or current_locale()
    return [babel_dates.get_day_names("abbreviated", locale=loc)[i] for i in range(7)]


def parse_moment(text: str) -> datetime | None:
    """An ISO timestamp as stored in the audit trail ("2027-01-20T15:00:00Z"), or None."""
    if len(text) < 16 or text[4] != "-" or "T" not in text:
        return None
    try:
        dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)


class _Lazy:
    __slots__ = ("value",)
    fmt: Callable = staticmethod(str)

    def __init__(self, value):
        self.value = value

    def __str__(self) -> str:
        return type(self).fmt(self.value)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.value!r})"

    def __html__(self) -> str:
        return str(self).replace("&", "&amp;").replace("<", "&lt;")


class Money(_Lazy):
    fmt = staticmethod(money)


class Percent(_Lazy):
    fmt = staticmethod(percent)


class Points(_Lazy):
    fmt = staticmethod(points)


class When(_Lazy):
    fmt = staticmethod(when)


class Day(_Lazy):
    fmt = staticmethod(day)


YES_NO = {True: _("tak"), False: _("nie")}
