"""Notifications as real mail: Jinja templates (HTML and plain text), in the recipient's language
(users.locale, Polish by default), times in Europe/Warsaw and money in Polish formats, a link to
the object on GRANTS_PUBLIC_URL, the office's signature. Free of Flask: it runs in requests, in
workers and in the scheduler alike, and goes out through the outbox (once-only delivery)."""
from __future__ import annotations

import functools
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_datetime
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations
from jinja2 import Environment, FileSystemLoader, select_autoescape

from grants.core import config
from grants.core.i18n import LazyText
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


@functools.lru_cache(maxsize=4)
def environment(locale: str) -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), extensions=["jinja2.ext.i18n"],
                      autoescape=select_autoescape(["html"]), trim_blocks=True, lstrip_blocks=True)
    env.install_gettext_translations(translations(locale), newstyle=True)
    return env


def translate(text: LazyText | str, locale: str, **params) -> str:
    if isinstance(text, LazyText):
        msg = translations(locale).gettext(text.msgid)
        values = {**text.params, **params}
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
    env = environment(locale)
    context = {"locale": locale, "base_url": public_url(), **context}
    return env.get_template(f"{template}.txt").render(**context), env.get_template(f"{template}.html").render(**context)


def notification_mail(user, kind_code: str, params: dict, object_type: str | None, path: str) -> dict:
    """subject, text, html of the mail telling `user` of a notification."""
    locale = locale_of(user)
    t = texts(kind_code, params, object_type, locale)
    text, html = render(f"kinds/{kind_code}" if (TEMPLATES / "kinds" / f"{kind_code}.txt").exists()
                        else "notification", locale, name=getattr(user, "full_name", "") or "", link=public_url() + path,
                        preferences=public_url() + "/account/#notifications", **t)
    return {"subject": t["subject"], "text": text, "html": html, "locale": locale}
