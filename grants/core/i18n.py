"""Translatable text without Flask: the kernel marks strings with `_()`, the web layer plugs
in the translator (Flask-Babel) so each request sees its own language. Source strings are
Polish (Polish first); the English catalog translates them."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from markupsafe import escape

from .locale import day_text, decimal_text

_translate: Callable[[str], str] = lambda s: s  # noqa: E731


def set_translator(fn: Callable[[str], str]) -> None:
    global _translate
    _translate = fn


class LazyText:
    """A message rendered in the current language when turned into a string."""

    __slots__ = ("msgid", "params")

    def __init__(self, msgid: str, params: dict | None = None):
        self.msgid = msgid
        self.params = params or {}

    def __str__(self) -> str:
        try:
            text = _translate(self.msgid)
        except Exception:  # outside a request: the source text
            text = self.msgid
        return text % {k: written(v) for k, v in self.params.items()} if self.params else text

    def __repr__(self) -> str:
        return f"LazyText({self.msgid!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __html__(self) -> str:  # Jinja escapes it like a str
        return str(escape(str(self)))


def written(value, locale: str | None = None):
    """A Decimal or a day as its reader writes it ("20 000,00", "28.11.2025"), never "20000.00" or
    "2025-11-28"; anything else as it is (a moment is written by grants.core.formatting.When).
    `locale` for a reader other than the request's (an e-mail in its recipient's language)."""
    if isinstance(value, Decimal):
        return decimal_text(value, locale)
    if isinstance(value, date) and not isinstance(value, datetime):
        return day_text(value, locale)
    return value


def _(msgid: str, **params) -> LazyText:
    return LazyText(msgid, params)


def lazy_gettext(msgid: str, **params) -> LazyText:
    return LazyText(msgid, params)
