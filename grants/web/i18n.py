"""Flask-Babel: Polish first (the source strings are Polish), English second."""
from __future__ import annotations

from pathlib import Path

from flask import (
    Flask,
    current_app,
    g,
    has_app_context,
    has_request_context,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import Babel, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from grants.core import i18n as core_i18n

from .security import csrf

LANGUAGES = ("pl", "en")


def select_locale() -> str:
    """The request's language, worked out once per request (every formatted number and label asks)."""
    lang = g.get("_locale")
    if lang is None:
        lang = g._locale = _choose_locale()
    return lang


def _choose_locale() -> str:
    if is_api_request():
        return _api_locale()
    lang = session.get("lang")
    if lang in LANGUAGES:
        return lang
    if current_user and getattr(current_user, "is_authenticated", False) and current_user.locale in LANGUAGES:
        return current_user.locale
    return "pl"


def is_api_request() -> bool:
    """A call of the JSON API (its human docs page is a page like the others)."""
    return request.path.startswith("/api/") and request.blueprint != "api_docs"


def _api_locale() -> str:
    """The API's language: the request's Accept-Language (pl or en), else the token holder's own
    (their profile's), else Polish. Never the session cookie, which the API does not read."""
    asked = request.accept_languages.best_match(LANGUAGES)
    if asked:
        return asked
    locale = getattr(g.get("api_user"), "locale", None)
    return locale if locale in LANGUAGES else "pl"


def _same_origin() -> bool:
    origin = request.headers.get("Origin", "")
    if origin and origin != "null":
        return origin.rstrip("/") == request.host_url.rstrip("/")
    return request.headers.get("Sec-Fetch-Site") == "same-origin"


def _catalogue():
    """The catalogue of the current language: Flask-Babel looks it up for every string (a page
    writes dozens); kept on `g` for as long as the language stays the same object (force_locale
    sets another, so a mail in the recipient's language gets its own)."""
    ctx = getattr(g, "_flask_babel", None)
    kept = g.get("_grants_catalogue")
    if kept is not None and ctx is not None and kept[0] is getattr(ctx, "babel_locale", None):
        return kept[1]
    catalogue = get_translations()
    g._grants_catalogue = (getattr(g._flask_babel, "babel_locale", None), catalogue)
    return catalogue


def _translate(msgid: str) -> str:
    if not has_request_context():
        return msgid
    return _catalogue().ugettext(msgid)


def _template_gettext(msgid: str) -> str:
    return _catalogue().ugettext(msgid) if has_app_context() else get_translations().ugettext(msgid)


@pass_context
def _template_text(__context, __string: str, **variables):
    """The templates' _(): as Jinja's new-style gettext (escaping under autoescape, always a format
    string), with each Decimal or day written as its reader writes it (grants.core.i18n.written):
    `_("do %(d)s", d=a_date)` says "do 12.01.2027", not "do 2027-01-12"."""
    rv = __context.call(_template_gettext, __string)
    if __context.eval_ctx.autoescape:
        rv = Markup(rv)
    return rv % {k: core_i18n.written(v) for k, v in variables.items()}


def init(app: Flask) -> None:
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(Path(__file__).resolve().parents[1] / "translations"))
    Babel(app, locale_selector=select_locale)
    core_i18n.set_translator(_translate)
    # the templates' _() through the same kept catalogue (Flask-Babel installs one that looks it up each time)
    app.jinja_env.install_gettext_callables(
        gettext=_template_gettext,
        ngettext=lambda s, p, n: get_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: get_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: get_translations().unpgettext(c, s, p, n))
    app.jinja_env.globals["gettext"] = _template_text  # `_` looks "gettext" up when called

    @app.route("/lang/<code>", methods=["POST"])
    @csrf.exempt
    def set_language(code):
        # A public page carries no CSRF token (a shared cache must not hand one visitor's token to
        # another, grants.web.public_cache): a browser's same-origin Origin header stands for it.
        if current_app.config.get("WTF_CSRF_ENABLED", True) and not _same_origin():
            csrf.protect()
        if code in LANGUAGES:
            session["lang"] = code
        target = request.form.get("next") or url_for("home.index")
        if not target.startswith("/") or target.startswith("//"):
            target = url_for("home.index")
        return redirect(target)

    @app.context_processor
    def _lang():
        return {"current_lang": select_locale(), "languages": LANGUAGES}

    current_app  # noqa: B018 - keep import used in tooling
