"""The inbox (/notifications), the bell in the header, the preferences section of /account and
the admin's page of undelivered mail."""
from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from grants.core import db
from grants.core.i18n import _
from grants.registry.departments import manages_deployment
from grants.forms.account import CsrfForm
from grants.web.account import Section as AccountSection
from grants.web.account import add_section
from grants.web.areas import act, listing
from grants.web.home import Item, Section, section
from grants.web.transitions import require_csrf

from . import facts, kinds, mailer, undelivered
from . import operations as ops
from .errors import NotificationError
from .models import Notification

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")
PER_PAGE = 50


def _locale() -> str:
    loc = str(get_locale() or "pl")[:2]
    return loc if loc in mailer.LOCALES else "pl"


def shown(n) -> dict:
    """A notification as the reader sees it, in the page's language."""
    t = mailer.texts(n.kind, n.params or {}, n.object_type, _locale())
    return {"id": n.id, "subject": t["subject"], "happened": t["happened"], "todo": t["todo"],
            "category": kinds.CATEGORIES[n.category], "obligation": t["obligation"], "unread": n.read_at is None,
            "created_at": n.created_at, "url": facts.path_for(n.object_type, n.object_id)}


def unread(user) -> int:
    """The user's unread count, counted once per request (one count on the index of the user's
    unread rows) whether the bell, the home page's section or both ask."""
    cached = g.get("notifications_unread")
    if cached is None or cached[0] != user.id:
        cached = g.notifications_unread = (user.id, ops.unread_count(db.session(), user))
    return cached[1]


@bp.app_context_processor
def _bell():
    if getattr(current_user, "is_authenticated", False):
        return {"notifications_unread": unread(current_user)}
    return {"notifications_unread": None}


@bp.route("/")
@login_required
def index():
    unread_only = request.args.get("unread") == "1"
    page = listing(ops.inbox(current_user, unread_only), Notification, *ops.INBOX_ORDER, per_page=PER_PAGE)
    return render_template("notifications/index.html", items=[shown(n) for n in page.rows], page=page,
                           unread_only=unread_only, form=CsrfForm())


@bp.route("/<int:nid>")
@login_required
def open_(nid: int):
    """Marks the notification read and goes to its object."""
    s = db.session()
    try:
        n = ops.mark_read(s, current_user, nid)
        s.commit()
    except NotificationError:
        s.rollback()
        abort(404)
    return redirect(facts.path_for(n.object_type, n.object_id), 303)


@bp.route("/<int:nid>/read", methods=["POST"])
@login_required
def read(nid: int):
    require_csrf()
    return act(lambda: ops.mark_read(db.session(), current_user, nid), url_for(".index"), missing=NotificationError)


@bp.route("/read-all", methods=["POST"])
@login_required
def read_all():
    require_csrf()
    ops.mark_all_read(db.session(), current_user)
    db.session.commit()
    flash(_("Wszystkie powiadomienia oznaczono jako przeczytane."), "success")
    return redirect(url_for(".index"), 303)


# ---------------------------------------------------------------- preferences (a section of /account)

def _preferences_context(user) -> dict:
    prefs = ops.preferences_of(db.session(), [user.id])[user.id]
    return {"notification_categories": kinds.CATEGORIES, "notification_modes": kinds.MODES,
            "notification_prefs": prefs, "notification_locked": kinds.LOCKED}


add_section(AccountSection("notifications", "notifications/_preferences.html", _preferences_context))


@bp.route("/preferences", methods=["POST"])
@login_required
def preferences():
    require_csrf()
    choices = {c: request.form.get(f"pref_{c}", "") for c in kinds.CATEGORIES if c not in kinds.LOCKED}
    locked = {c: request.form[f"pref_{c}"] for c in kinds.LOCKED if f"pref_{c}" in request.form}
    return act(lambda: ops.set_preferences(db.session(), current_user, {**choices, **locked}),
               url_for("account.index") + "#notifications", _("Zapisano ustawienia powiadomień."),
               refusals=NotificationError)


# ---------------------------------------------------------------- admin: undelivered mail

@bp.route("/undelivered")
@login_required
def undelivered_index():
    if not manages_deployment(db.session(), current_user):  # every authority's people's mail
        abort(403)
    return render_template("notifications/undelivered.html", rows=undelivered.listing(db.session()), form=CsrfForm())


@bp.route("/undelivered/<event_id>/retry", methods=["POST"])
@login_required
def undelivered_retry(event_id: str):
    if not manages_deployment(db.session(), current_user):
        abort(403)
    require_csrf()
    return act(lambda: undelivered.retry(db.session(), event_id, current_user), url_for(".undelivered_index"),
               _("Wiadomość ponownie przekazano do wysyłki."), refusals=NotificationError)


@section("public")
def _unread_home(user):
    if user is None or not unread(user):  # the bell's count: nothing more is asked without unread items
        return None
    rows = ops.unread_rows(db.session(), user, limit=5)
    return Section(_("Nowe powiadomienia"), [Item(shown(n)["subject"], url_for("notifications.open_", nid=n.id),
                                                  str(n.created_at.date())) for n in rows], order=5)
