"""Each role's home lists what waits for them. Areas add sections through `section()`."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from flask import Blueprint, render_template
from flask_login import current_user
from sqlalchemy import func, select

from grants.accounts.models import User, UserRole
from grants.core import db
from grants.core.i18n import LazyText, _
from grants.core.permissions import (
    ADMIN,
    PARTICIPANT,
    ROLE_LABELS,
    ROLES,
    STAKEHOLDER_TYPES,
    has_role,
)
from grants.registry.models import Department, Organisation
from grants.web import portal

bp = Blueprint("home", __name__)


@dataclass
class Item:
    title: str
    url: str = ""  # empty: shown as text, not as a link
    meta: str = ""
    flag: str = ""  # e.g. "overdue": shown as text, never by colour alone


@dataclass
class Section:
    title: LazyText
    items: list[Item] = field(default_factory=list)
    empty: LazyText = _("Nic nie czeka.")
    order: int = 50


Provider = Callable[[object], "Section | None"]
_providers: list[tuple[tuple[str, ...], Provider]] = []


def section(*roles: str):
    """Register a provider of a home section for users holding any of `roles` ("public" for all)."""
    def deco(fn: Provider):
        _providers.append((roles, fn))
        return fn
    return deco


def sections_for(user) -> list[Section]:
    out = []
    for roles, fn in _providers:
        if "public" in roles or has_role(user, *roles):
            s = fn(user)
            if s is not None:
                out.append(s)
    return sorted(out, key=lambda s: s.order)


@bp.route("/")
def index():
    user = current_user if current_user.is_authenticated else None
    if user is None:  # a visitor on an authority's own host name sees its portal (issue 22); the signed-in their tasks
        g = portal.for_host()
        if g is not None:
            return portal.render_authority(g)
    return render_template("home/index.html", sections=sections_for(user),
                           roles=[r for r in ROLES if has_role(user, r)])


@section("applicant")
def _my_organisations(user):
    orgs = [m.organisation for m in user.memberships]
    return Section(_("Moje organizacje"), [Item(o.name, "", f"KRS {o.krs}" if o.krs else "") for o in orgs],
                   empty=_("Nie należysz jeszcze do żadnej organizacji: nie widzisz danych żadnej z nich."),
                   order=10)


@section(PARTICIPANT)
def _participant_profile(user):
    kind = STAKEHOLDER_TYPES.get(user.stakeholder_type or "")
    items = [Item(str(_("Biorę udział jako: %(kind)s", kind=kind)))] if kind else []
    return Section(_("Mój udział w konsultacjach"), items,
                   empty=_("Nie podano typu interesariusza: poproś administratora o uzupełnienie profilu."),
                   order=12)


@section(ADMIN)
def _administration(user):

    s = db.session()
    by_role = dict(s.execute(select(UserRole.role, func.count()).join(User).where(User.active.is_(True))
                             .group_by(UserRole.role)).all())
    items = [Item(str(_("Konta z rolą „%(label)s”: %(n)s", label=ROLE_LABELS[r], n=by_role.get(r, 0))))
             for r in ROLES]
    items.append(Item(str(_("Wydziały: %(n)s", n=s.scalar(select(func.count()).select_from(Department))))))
    items.append(Item(str(_("Organizacje w rejestrze: %(n)s",
                            n=s.scalar(select(func.count()).select_from(Organisation))))))
    return Section(_("Administracja: użytkownicy i rejestr"), items, order=90)
