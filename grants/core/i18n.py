"""Translatable text without Flask: the kernel marks strings with `_()`, the web layer plugs
in the translator (Flask-Babel) so each request sees its own language. Source strings are
Polish (Polish first); the English catalog translates them."""
from __future__ import annotations

from typing import Callable

from markupsafe import escape

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
        return text % self.params if self.params else text

    def __repr__(self) -> str:
        return f"LazyText({self.msgid!r})"

    def __eq__(self, other) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(self.msgid)

    def __html__(self) -> str:  # Jinja escapes it like a str
        return str(escape(str(self)))


def _(msgid: str, **params) -> LazyText:
    return LazyText(msgid, params)


def lazy_gettext(msgid: str, **params) -> LazyText:
    return LazyText(msgid, params)
