"""R-RODO: the only place that records deletion requests, anonymises people and purges what is past
its retention period (docs/rodo.md). Documents of public procedures are never touched here: they keep
pointing at the (anonymised) account for as long as the law requires (privacy.retention)."""
from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from grants.accounts import links
from grants.accounts.admin import manageable, of_admins_authority
from grants.accounts.models import LoginAttempt, User
from grants.accounts.passwords import hash_password
from grants.api.models import ApiToken, IdempotencyRecord
from grants.calltypes.federation.models import PoolCandidate
from grants.core import audit, clock, outbox
from grants.core.i18n import _
from grants.core.permissions import ADMIN, PermissionDenied, has_role
from grants.directions.models import Direction
from grants.registry.models import Membership, MembershipInvitation
from grants.small_grants.models import SmallGrantComment

from . import retention
from .models import DeletionRequest

ANONYMOUS_NAME = "Osoba anonimowa"
ANONYMOUS_DOMAIN = "anonymised.invalid"  # RFC 2606: never deliverable


class PrivacyError(ValueError):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def pending_request(session: Session, user) -> DeletionRequest | None:
    return session.scalar(select(DeletionRequest).where(DeletionRequest.user_id == user.id,
                                                        DeletionRequest.state == "requested"))


def request_deletion(session: Session, user, reason: str = "") -> DeletionRequest:
    """The person asks for deletion (art. 17). Where nothing must be kept the request is carried out
    at once; otherwise it waits for an admin (answer within `retention.deletion_answer_days`)."""
    if user.anonymised_at is not None:
        raise PrivacyError(_("Dane tego konta zostały już zanonimizowane."))
    existing = pending_request(session, user)
    if existing is not None:
        return existing
    req = DeletionRequest(user_id=user.id, state="requested", reason=(reason or "").strip()[:2000],
                          requested_at=clock.real_now(),
                          kept=[k.as_dict() for k in retention.kept_documents(session, user)])
    session.add(req)
    session.flush()
    audit.record(session, "deletion_request", req.id, "request", user)
    if not retention.must_keep(session, user):
        _carry_out(session, req, None)
    return req


def handle(session: Session, req: DeletionRequest, actor, *, approve: bool, note: str = "") -> DeletionRequest:
    """An admin carries out a request (anonymisation, documents kept) or refuses it with a reason:
    of a user of their own authority or of none, as with every account (issue 22)."""
    if not has_role(actor, ADMIN) or not manageable(actor, req.user):
        raise PermissionDenied()
    if req.state != "requested":
        raise PrivacyError(_("To żądanie zostało już rozpatrzone."))
    note = (note or "").strip()[:2000]
    if approve:
        req.note = note
        _carry_out(session, req, actor)
    else:
        if not note:
            raise PrivacyError(_("Podaj powód odmowy."))
        req.state, req.note, req.handled_at, req.handled_by_id = "refused", note, clock.real_now(), actor.id
        audit.record(session, "deletion_request", req.id, "refuse", actor)
        _answer(session, req, req.user.email)
    return req


def _answer(session: Session, req: DeletionRequest, email: str) -> None:
    """The answer to the person by e-mail (the account may be gone by the time it is read)."""
    if req.state == "refused":
        body = str(_("Odmówiliśmy usunięcia Twoich danych osobowych. Uzasadnienie: %(note)s", note=req.note))
    else:
        lines = [str(_("Twoje dane osobowe zostały zanonimizowane, a konto zamknięte.")),
                 str(_("Prawo wymaga przechowania tych dokumentów (art. 17 ust. 3 lit. b i d RODO):"))]
        for k in req.kept:
            until = k.get("until") or str(_("do końca sprawy i przez okres archiwalny po jej zakończeniu"))
            label = " ".join(x for x in (str(retention.KIND_LABELS.get(k.get("kind"), k.get("kind"))), k.get("label")) if x)
            lines.append(f"- {label}: {until}")
        if req.note:
            lines.append(req.note)
        body = "\n".join(lines)
    outbox.emit(session, "email.send", {"to": email, "subject": str(_("Odpowiedź na żądanie usunięcia danych")),
                                        "body": body})


def _carry_out(session: Session, req: DeletionRequest, actor) -> None:
    user = session.get(User, req.user_id)
    req.kept = [k.as_dict() for k in retention.kept_documents(session, user)]
    email = user.email
    anonymise(session, user, actor)
    req.state, req.handled_at, req.handled_by_id = "done", clock.real_now(), getattr(actor, "id", None)
    audit.record(session, "deletion_request", req.id, "done", actor,
                 changes={"kept": len(req.kept)})
    _answer(session, req, email)


def anonymise(session: Session, user: User, actor=None) -> None:
    """Replaces the person's name and e-mail with a placeholder, clears the profile, deactivates the
    account (its sessions and tokens end) and removes what has no purpose left: login history, tokens,
    memberships, candidacies, unsent drafts of proposals. The account row stays, so the documents that
    must be kept still point at one (anonymous) author."""
    old_email = user.email
    user.email = f"anon-{user.id}-{secrets.token_hex(4)}@{ANONYMOUS_DOMAIN}"
    user.full_name = ANONYMOUS_NAME
    user.stakeholder_type = None
    user.locale = None
    user.active = False
    user.session_generation = User.session_generation + 1  # every session and token ends at once
    user.password_hash = hash_password(secrets.token_urlsafe(32))  # nobody knows it
    user.totp_secret, user.totp_last_step, user.totp_failures = None, None, 0
    user.anonymised_at = clock.real_now()
    session.execute(delete(LoginAttempt).where(LoginAttempt.email == old_email))
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    session.execute(delete(IdempotencyRecord).where(IdempotencyRecord.user_id == user.id))
    session.execute(delete(Membership).where(Membership.user_id == user.id))
    session.execute(delete(MembershipInvitation).where(MembershipInvitation.email == old_email))
    session.execute(update(PoolCandidate).where(PoolCandidate.user_id == user.id, PoolCandidate.withdrawn_at.is_(None))
                    .values(withdrawn_at=clock.real_now(), profile=""))
    session.execute(update(SmallGrantComment).where(SmallGrantComment.user_id == user.id)
                    .values(author_name=ANONYMOUS_NAME))
    session.execute(delete(Direction).where(Direction.author_id == user.id, Direction.state == "draft"))
    session.expire(user, ["memberships"])
    audit.record(session, "user", user.id, "anonymise", actor)


def purge(session: Session) -> dict:
    """Removes what is past its retention period (technical time; run daily by the scheduler and by
    `grants rodo purge`). Idempotent. Returns what it did."""
    now = clock.real_now()
    today = now.date()
    done: dict = {}
    since = now - timedelta(days=retention.days(session, "retention.login_attempts_days", today))
    done["login_attempts"] = session.execute(delete(LoginAttempt).where(LoginAttempt.at < since)).rowcount or 0
    since = now - timedelta(days=retention.days(session, "retention.expired_tokens_days", today))
    done["api_tokens"] = session.execute(delete(ApiToken).where(ApiToken.expires_at < since)).rowcount or 0
    done["used_links"] = links.purge_used(session)
    # self-registered accounts whose address was never confirmed: they could not sign in, so they
    # hold nothing but the address and the name typed at registration
    since = now - timedelta(days=retention.days(session, "retention.unconfirmed_accounts_days", today))
    stale = session.scalars(select(User).where(User.email_confirmed_at.is_(None), User.created_at < since)).all()
    for user in stale:
        session.delete(user)
    done["unconfirmed_accounts"] = len(stale)
    # requests that need no admin (nothing to keep) and were left pending, e.g. by a crash
    carried = 0
    for req in session.scalars(select(DeletionRequest).where(DeletionRequest.state == "requested")).all():
        if not retention.must_keep(session, req.user):
            _carry_out(session, req, None)
            carried += 1
    done["deletion_requests"] = carried
    # what is left of anonymised accounts' login history (attempts logged under the placeholder)
    done["anonymised_logins"] = session.execute(delete(LoginAttempt).where(
        LoginAttempt.email.like(f"%@{ANONYMOUS_DOMAIN}"))).rowcount or 0
    if any(done.values()):
        audit.record(session, "retention", today.isoformat(), "purge", None, changes=done)
    return done


def requests_for(session: Session, actor) -> list[DeletionRequest]:
    """The requests an admin handles (of the users they manage), the waiting ones first, oldest first."""
    return session.scalars(select(DeletionRequest).join(User, User.id == DeletionRequest.user_id)
                           .where(of_admins_authority(actor))
                           .order_by(DeletionRequest.state != "requested", DeletionRequest.requested_at)).all()


def overdue_requests(session: Session) -> list[DeletionRequest]:
    """Requests waiting longer than the answer period (shown first to admins)."""
    limit = clock.real_now() - timedelta(days=retention.days(session, "retention.deletion_answer_days"))
    return session.scalars(select(DeletionRequest).where(DeletionRequest.state == "requested",
                                                         DeletionRequest.requested_at < limit)).all()
