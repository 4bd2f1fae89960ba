"""Pages of the federation call type: the applicant names member organisations on the offer page
(the panel calltypes/federation_building/offer_panel.html posts here); a member of a named
organisation confirms or declines from its own account on the membership page, reached from the
home section "Potwierdź członkostwo". A named member sees the offer's title, applicant and contest
and its own membership only, never the rest of a draft."""
from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.calltypes import get
from grants.core import db
from grants.core.dates import local
from grants.core.i18n import _
from grants.core.permissions import APPLICANT
from grants.offers import operations as oops
from grants.registry.models import Organisation
from grants.web.home import Item, Section, section
from grants.web.areas import act
from grants.web.transitions import require_csrf
from grants.workflows.offer import member_of_applicant

from . import members as mops
from . import pool_views  # noqa: F401 - the commission pool pages (on this blueprint)
from .blueprint import bp
from .calltype import APPLICANT_KINDS


def _access(oid: int) -> mops.Access:
    acc = mops.access(db.session(), current_user, oid)
    if acc is None:
        abort(404)
    return acc


def _version() -> int:
    try:
        return int(request.form.get("version", ""))
    except ValueError:
        abort(400)


def _back(acc: mops.Access):
    if acc.full:
        return url_for("offers.show", oid=acc.offer.id) + "#members"
    return url_for(".membership", oid=acc.offer.id)


def _applicant(oid: int) -> mops.Access:
    """The offer's access for its applicant's own change to the member list (403 otherwise), CSRF checked."""
    acc = _access(oid)
    if not acc.full:
        abort(403)
    require_csrf()
    return acc


@bp.route("/federation/offers/<int:oid>/members", methods=["POST"])
@login_required
def add_member(oid):
    acc = _applicant(oid)
    return act(lambda: mops.add(db.session(), current_user, acc.offer, request.form.get("organisation_id", ""), _version()),
               _back(acc), _("Dodano organizację członkowską. Jej członkowie potwierdzą członkostwo ze swoich kont."))


@bp.route("/federation/offers/<int:oid>/members/<int:org_id>/remove", methods=["POST"])
@login_required
def remove_member(oid, org_id):
    acc = _applicant(oid)
    return act(lambda: mops.remove(db.session(), current_user, acc.offer, org_id, _version()), _back(acc),
               _("Usunięto organizację z listy członków."), missing=mops.NoSuchMember)


def _answer(oid: int, org_id: int, yes: bool):
    acc = _access(oid)
    require_csrf()
    # a refusal's page names the reason: only a member of that organisation answers for it
    return act(lambda: (mops.confirm if yes else mops.decline)(db.session(), current_user, acc.offer, org_id),
               _back(acc), _("Potwierdzono członkostwo.") if yes else _("Zapisano: organizacja nie potwierdza członkostwa."),
               missing=mops.NoSuchMember, explain_forbidden=True)


@bp.route("/federation/offers/<int:oid>/members/<int:org_id>/confirm", methods=["POST"])
@login_required
def confirm_member(oid, org_id):
    return _answer(oid, org_id, True)


@bp.route("/federation/offers/<int:oid>/members/<int:org_id>/decline", methods=["POST"])
@login_required
def decline_member(oid, org_id):
    return _answer(oid, org_id, False)


@bp.route("/federation/offers/<int:oid>/membership")
@login_required
def membership(oid):
    acc = _access(oid)
    if not acc.own and not acc.full:
        abort(404)
    return render_template("calltypes/federation_building/membership.html", acc=acc, o=acc.offer,
                           c=acc.offer.contest, status=mops.status, labels=mops.STATUS_LABELS,
                           open=acc.offer.state in oops.EDITABLE_STATES)


# ---------------------------------------------------------------- for the offer page's panel

@bp.app_template_global()
def federation_panel(o, choices: bool = True) -> dict:
    """What the offer panel shows: members with their state, whether the caller edits the list,
    the registry organisations that may be added, the caller's own organisations among members."""
    s = db.session()
    rows = mops.members_of(s, o)
    ct = get(o.contest.call_type)
    kind = ct.offer_section(o.content).applicant_kind
    confirmed = sum(1 for m in rows if m.confirmed_at is not None)
    user = current_user if current_user.is_authenticated else None
    mine = set(getattr(user, "organisation_ids", ())) if user is not None else set()
    editable = (o.state in oops.EDITABLE_STATES and user is not None and member_of_applicant(o, user))
    options = []
    if editable and choices:
        named = {m.organisation_id for m in rows} | {o.organisation_id}
        options = [org for org in s.scalars(select(Organisation).order_by(Organisation.name)) if org.id not in named]
    return {"members": rows, "status": mops.status, "labels": mops.STATUS_LABELS, "editable": editable,
            "choices": options, "mine": mine, "open": o.state in oops.EDITABLE_STATES,
            "need": ct.min_members(o.contest), "confirmed": confirmed, "coalition": kind == "coalition",
            "counted": confirmed + (1 if kind == "coalition" else 0),
            "kind_label": str(APPLICANT_KINDS[kind]) if kind in APPLICANT_KINDS else ""}


# ---------------------------------------------------------------- the applicant's home

@section(APPLICANT)
def _confirm_membership(user):
    rows = mops.awaiting(db.session(), user)
    if not rows:
        return None
    items = []
    for m in rows:
        o = m.offer
        meta = str(_("%(org)s · oferta: %(applicant)s · konkurs: %(contest)s", org=m.organisation.name,
                     applicant=o.organisation.name, contest=o.contest.title))
        if o.state == "draft" and o.contest.deadline:
            meta += " · " + str(_("termin %(d)s", d=local(o.contest.deadline).strftime("%Y-%m-%d %H:%M")))
        flag = str(_("odmówiono")) if mops.status(m) == mops.DECLINED else ""
        items.append(Item(o.title or str(_("(bez tytułu)")), url_for("federation.membership", oid=o.id), meta, flag=flag))
    return Section(_("Potwierdź członkostwo"), items, empty=_("Żadna oferta nie czeka na potwierdzenie."), order=9)

