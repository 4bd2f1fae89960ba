"""Attachments of offers and reports: the contest's rules (officer), uploads and removals (the
organisation's members), what a submission still lacks, who may download. The only place that
writes attachments and their rules; each change goes into the owner's audit chain."""
from __future__ import annotations

import functools
import os

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from grants.contests.models import Contest
from grants.core import audit, clock
from grants.core.direct import direct
from grants.core.i18n import _
from grants.core.permissions import OFFICER, PermissionDenied, admin_of, has_role
from grants.offers.models import Offer

from . import files
from .models import Attachment, AttachmentRule

KINDS = {
    "statute": _("Statut organizacji"),
    "partnership_letter": _("List partnerski"),
    "signed_confirmation": _("Podpisane potwierdzenie złożenia oferty"),
    "invoices": _("Zestawienie faktur (rachunków)"),
    "other": _("Inny załącznik"),
}
OFFER_KINDS = ("statute", "partnership_letter", "signed_confirmation", "other")
REPORT_KINDS = ("invoices", "other")
#: an offer's attachments change while it can be edited; the signed confirmation comes after submission
OFFER_EDITABLE = ("draft", "needs_correction")
CONFIRMATION_STATES = ("submitted", "needs_correction", "eligible")
REPORT_EDITABLE = ("draft", "needs_correction")


def max_bytes_default() -> int:
    """GRANTS_ATTACHMENT_MAX_MB (default 10): the largest file anywhere, a contest may set less."""
    try:
        return int(float(os.environ.get("GRANTS_ATTACHMENT_MAX_MB", "10")) * 1024 * 1024)
    except ValueError:
        return files.DEFAULT_MAX_BYTES


class AttachmentError(ValueError):
    pass


def rules_of(session: Session, contest: Contest) -> dict[str, AttachmentRule]:
    """The contest's rules by kind. A contest with attachments allowed and no rules set allows
    every offer kind up to the default size, requires none."""
    rows = {r.kind: r for r in session.scalars(select(AttachmentRule).where(AttachmentRule.contest_id == contest.id))}
    if rows or not contest.attachments_allowed:
        return rows
    return {k: AttachmentRule(contest_id=contest.id, kind=k, required=False, max_bytes=max_bytes_default())
            for k in OFFER_KINDS}


def set_rules(session: Session, actor, contest: Contest, rules: dict[str, tuple[str, int]]) -> None:
    """`rules`: kind -> (mode, max MB) with mode "no", "allowed" or "required". Commits."""
    if not (admin_of(contest, actor) or (has_role(actor, OFFICER) and actor.department_id == contest.department_id)):
        raise PermissionDenied(_("Załączniki konkursu ustala urzędnik wydziału, który go prowadzi."))
    if contest.state not in ("planned", "draft"):
        raise AttachmentError(_("Wymagane załączniki można zmieniać tylko przed ogłoszeniem konkursu."))
    limit = max_bytes_default()
    clean = {}
    for kind, (mode, mb) in rules.items():
        if kind not in OFFER_KINDS or mode not in ("no", "allowed", "required"):
            raise AttachmentError(_("Nieznany rodzaj załącznika."))
        if mode == "no":
            continue
        if not (0 < mb * 1024 * 1024 <= limit):
            raise AttachmentError(_("Limit rozmiaru „%(k)s” musi być od 1 do %(m)s MB.", k=KINDS[kind], m=limit // 1048576))
        clean[kind] = (mode == "required", int(mb * 1024 * 1024))
    audit.lock_object(session, Contest, contest.id)
    for r in session.scalars(select(AttachmentRule).where(AttachmentRule.contest_id == contest.id)):
        session.delete(r)
    session.flush()
    for kind, (required, max_b) in clean.items():
        session.add(AttachmentRule(contest_id=contest.id, kind=kind, required=required, max_bytes=max_b))
    contest.attachments_allowed = bool(clean)
    audit.record(session, "contest", contest.id, "attachment_rules", actor,
                 changes={"attachment_rules": {k: {"required": r, "max_bytes": m} for k, (r, m) in clean.items()}})
    session.commit()


def of_owner(session: Session, owner_type: str, owner_id: int) -> list[Attachment]:
    return list(session.scalars(select(Attachment).where(Attachment.owner_type == owner_type,
                                                         Attachment.owner_id == owner_id).order_by(Attachment.id)))


def missing_required(session: Session, offer: Offer) -> list[str]:
    """The labels of the required attachments the offer does not have (submission refuses then)."""
    rows = direct(_missing_statement(), session.bind.dialect).rows(
        session, {"offer_id": offer.id, "contest_id": offer.contest_id})
    return [str(KINDS[k]) for k, in rows]


@functools.cache
def _missing_statement():
    """One query, built once (every submission runs it): the contest's required kinds the offer
    has no file of (a contest without rules of its own requires none: rules_of's defaults are all
    optional)."""
    have = select(Attachment.id).where(Attachment.owner_type == "offer", Attachment.owner_id == bindparam("offer_id"),
                                       Attachment.kind == AttachmentRule.kind)
    return select(AttachmentRule.kind).where(
        AttachmentRule.contest_id == bindparam("contest_id"), AttachmentRule.required.is_(True),
        AttachmentRule.kind != "signed_confirmation", ~have.exists()).order_by(AttachmentRule.id)


def allowed_kinds(session: Session, owner) -> dict[str, int]:
    """kind -> max bytes this owner accepts now."""
    if isinstance(owner, Offer):
        rules = rules_of(session, owner.contest)
        if owner.state in OFFER_EDITABLE:
            return {k: r.max_bytes for k, r in rules.items()}
        if owner.state in CONFIRMATION_STATES:  # frozen with the offer, except the signed confirmation
            return {"signed_confirmation": rules["signed_confirmation"].max_bytes
                    if "signed_confirmation" in rules else max_bytes_default()}
        return {}
    if owner.state in REPORT_EDITABLE:
        return {k: max_bytes_default() for k in REPORT_KINDS}
    return {}


def _check_member(actor, owner) -> None:
    org_id = owner.organisation_id if isinstance(owner, Offer) else owner.agreement.organisation_id
    if org_id not in getattr(actor, "organisation_ids", frozenset()):
        raise PermissionDenied(_("Załączniki dodają i usuwają członkowie organizacji."))


def _owner_type(owner) -> str:
    return "offer" if isinstance(owner, Offer) else "report"


def upload(session: Session, store, actor, owner, kind: str, data: bytes, name: str,
           signature_check=None) -> Attachment:
    """Check and store the file, record it on the owner. `signature_check(data)` returns the
    verification of a signed confirmation (a dict) or None. Commits."""
    _check_member(actor, owner)
    allowed = allowed_kinds(session, owner)
    if kind not in KINDS:
        raise AttachmentError(_("Nieznany rodzaj załącznika."))
    if kind not in allowed:
        if isinstance(owner, Offer) and owner.state not in OFFER_EDITABLE:
            raise AttachmentError(_("Oferta jest złożona: jej załączniki są zamrożone razem z nią."))
        raise AttachmentError(_("Ten konkurs nie przewiduje załącznika „%(k)s”.", k=KINDS[kind]))
    checked = files.check(data, name, min(allowed[kind], max_bytes_default()))
    if kind == "signed_confirmation" and checked.content_type != "application/pdf":
        raise files.FileRefused(_("Podpisane potwierdzenie musi być plikiem PDF (podpis PAdES)."))
    key = store.put(checked.data)
    owner_type = _owner_type(owner)
    audit.lock_object(session, type(owner), owner.id)
    a = Attachment(owner_type=owner_type, owner_id=owner.id, kind=kind, filename=checked.filename,
                   content_type=checked.content_type, size=len(checked.data), sha256=key, storage_key=key,
                   uploaded_at=clock.now(), uploaded_by_id=getattr(actor, "id", None),
                   signature=signature_check(checked.data) if signature_check and kind == "signed_confirmation" else None)
    session.add(a)
    session.flush()
    audit.record(session, owner_type, owner.id, "attachment_added", actor,
                 payload={"attachment_id": a.id, "kind": kind, "filename": a.filename, "sha256": a.sha256,
                          "size": a.size})
    session.commit()
    return a


def remove(session: Session, actor, owner, attachment: Attachment) -> None:
    _check_member(actor, owner)
    if attachment.kind not in allowed_kinds(session, owner):
        raise AttachmentError(_("Oferta jest złożona: jej załączniki są zamrożone razem z nią."))
    audit.lock_object(session, type(owner), owner.id)
    audit.record(session, _owner_type(owner), owner.id, "attachment_removed", actor,
                 payload={"attachment_id": attachment.id, "kind": attachment.kind, "sha256": attachment.sha256})
    session.delete(attachment)
    session.commit()
