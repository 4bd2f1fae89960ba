"""Navigation per role."""
from __future__ import annotations

from flask import request, url_for

from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, FINANCE, OFFICER, OPERATOR, has_role
from grants.registry.departments import manages_deployment


_visitors: dict[str, list] = {}  # a visitor's menu per script root: the same on every public page


def nav_for(user) -> list[tuple[str, str]]:
    if user is None or not getattr(user, "is_authenticated", False):
        root = request.script_root
        if root not in _visitors:
            _visitors[root] = _items(None)  # labels stay lazy: each page writes them in its language
        return _visitors[root]
    return _items(user)


def _items(user) -> list[tuple[str, str]]:
    items = [(url_for("home.index"), _("Start")),
             (url_for("contests.index"), _("Konkursy")),
             (url_for("consultations.index"), _("Konsultacje")),
             (url_for("programmes.calendar"), _("Kalendarz")),
             (url_for("small_grants.index"), _("Małe granty")),
             (url_for("calltypes.index"), _("Typy naborów")),
             (url_for("registry.index"), _("Organizacje"))]
    if user is not None and getattr(user, "is_authenticated", False) and (
            has_role(user, OFFICER, ADMIN, FINANCE) or getattr(user, "organisation_ids", None)):
        items.append((url_for("agreements.index"), _("Umowy")))
    if has_role(user, OFFICER, ADMIN):
        items.append((url_for("workflows.index"), _("Procesy")))
    if has_role(user, ADMIN):
        items.append((url_for("users_admin.index"), _("Użytkownicy")))
        items.append((url_for("privacy.requests_index"), _("Żądania RODO")))
    if has_role(user, ADMIN, OPERATOR) and manages_deployment(db.session(), user):
        items.append((url_for("params.index"), _("Parametry")))
        items.append((url_for("notifications.undelivered_index"), _("Niedostarczone e-maile")))
    items.append((url_for("subscriptions.index"), _("Newsletter")))
    items.append((url_for("api_docs.docs"), _("API")))
    return items
