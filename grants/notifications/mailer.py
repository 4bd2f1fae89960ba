"""Notifications as real mail: Jinja templates (HTML and plain text), in the recipient's language
(users.locale, Polish by default), times in Europe/Warsaw and money in Polish formats, a link to
the object on GRANTS_PUBLIC_URL, the office's signature. Free of Flask: it runs in requests, in
workers and in the scheduler alike, and goes out through the outbox (once-only delivery).

Each kind has its body template, templates/notifications/mail/kinds/<kind>.jinja: it extends the
layout (`notification.txt` or `.html`, the same file rendered twice, escaped for HTML only) and
lists the facts the mail states, e.g. the offer's number, the amount ("35 000,00 zł"), the due
date in Warsaw time."""
from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader
from markupsafe import Markup

from grants.core import config
from grants.core.i18n import LazyText, written
from grants.workflows.registry import workflows

from .kinds import KINDS

WARSAW = ZoneInfo("Europe/Warsaw")
LOCALES = ("pl", "en")
TEMPLATES = Path(__file__).parent / "templates" / "notifications" / "mail"
TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"


def locale_of(user) -> str:
    loc = (getattr(user, "locale", None) or "pl")[:2].lower()
    return loc if loc in LOCALES else "pl"


@functools.lru_cache(maxsize=4)
def translations(locale: str):
    if locale == "pl":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [locale])


FORMATS = ("txt", "html")


@functools.lru_cache(maxsize=8)
def environment(locale: str, fmt: str = "txt") -> Environment:
    """The templates of one language and format: HTML escaped, plain text not (a kind's .jinja
    body is compiled in both)."""
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), extensions=["jinja2.ext.i18n"],
                      autoescape=fmt == "html", trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale), newstyle=True)
    env.globals["facts"] = _facts_html if fmt == "html" else _facts_text
    return env


def _shown(rows) -> list[tuple[str, str]]:
    """(label, value) rows with a value: a fact the notification does not have is left out."""
    return [(str(label), str(value)) for label, value in rows if value and str(value) != "—"]


def _facts_text(rows) -> str:
    return "\n".join(f"{label}: {value}" for label, value in _shown(rows))


def _facts_html(rows) -> Markup:
    cells = Markup("").join(Markup('<tr><th style="text-align: left; padding-right: 1em">{}</th><td>{}</td></tr>')
                            .format(label, value) for label, value in _shown(rows))
    return Markup('<table role="presentation">{}</table>').format(cells) if cells else Markup("")


def translate(text: LazyText | str, locale: str, **params) -> str:
    if isinstance(text, LazyText):
        msg = translations(locale).gettext(text.msgid)
        values = {**{k: written(v, locale) for k, v in text.params.items()}, **params}
    else:
        msg, values = str(text), params
    if not values:
        return msg
    try:
        return msg % _Missing(values)
    except (TypeError, ValueError):
        return msg


class _Missing(dict):
    """A placeholder without a value shows as a dash rather than breaking the message."""

    def __missing__(self, key):
        return "—"


def format_moment(value: str | None, locale: str) -> str:
    """An ISO date or datetime as the reader reads it: Warsaw time, e.g. „15 marca 2027, 23:59”."""
    if not value:
        return "—"
    if len(value) == 10:
        return format_date(date.fromisoformat(value), "d MMMM y", locale=locale)
    dt = datetime.fromisoformat(value)
    return format_datetime(dt, "d MMMM y, HH:mm", tzinfo=WARSAW, locale=locale) + (" (czas warszawski)"
                                                                                  if locale == "pl" else " (Warsaw time)")


def format_money(value: str | None, locale: str) -> str:
    if value is None:
        return "—"
    return format_currency(Decimal(value), "PLN", locale="pl_PL" if locale == "pl" else "en_GB")


def state_label(object_type: str | None, state: str | None, locale: str) -> str:
    for wf in workflows().values():
        if wf.object_type == object_type and state in wf.states:
            return translate(wf.states[state], locale)
    return state or ""


def shown_params(params: dict, object_type: str | None, locale: str) -> dict:
    out = dict(params)
    out["due"] = format_moment(params.get("due"), locale)
    out["amount"] = format_money(params.get("amount"), locale)
    if "state" in params:
        out["state"] = state_label(object_type, params["state"], locale)
    return out


def texts(kind_code: str, params: dict, object_type: str | None, locale: str) -> dict:
    """subject, happened and todo of a notification in `locale`."""
    kind = KINDS[kind_code]
    values = shown_params(params, object_type, locale)
    return {"subject": translate(kind.subject, locale, **values),
            "happened": translate(kind.happened, locale, **values),
            "todo": translate(kind.todo, locale, **values) if kind.todo is not None else "",
            "obligation": kind.obligation}


def public_url() -> str:
    settings = config.load(validate=False)
    return settings.public_url or f"http://localhost:{settings.port}"


def render(template: str, locale: str, **context) -> tuple[str, str]:
    """(plain text, HTML) of `template`.txt / .html with the common context."""
    context = {"locale": locale, "base_url": public_url(), **context}
    return tuple(environment(locale, fmt).get_template(f"{template}.{fmt}").render(**context)  # type: ignore[return-value]
                 for fmt in FORMATS)


def kind_template(kind_code: str) -> str:
    return f"kinds/{kind_code}.jinja"


def notification_mail(user, kind_code: str, params: dict, object_type: str | None, path: str) -> dict:
    """subject, text, html of the mail telling `user` of a notification: the kind's template in
    the layout of each format, with the kind's sentences and its facts in the reader's formats."""
    locale = locale_of(user)
    t = texts(kind_code, params, object_type, locale)
    base = public_url()
    context = {**shown_params(params, object_type, locale), **t, "locale": locale, "base_url": base,
               "name": getattr(user, "full_name", "") or "", "link": base + path,
               "preferences": base + "/account/#notifications"}
    text, html = (environment(locale, fmt).get_template(kind_template(kind_code))
                  .render(layout=f"notification.{fmt}", **context) for fmt in FORMATS)
    return {"subject": t["subject"], "text": text, "html": html, "locale": locale}
