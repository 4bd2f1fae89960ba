"""The standing pool of NGO candidates for contest commissions (S2, R-COM-NGO): the only place that
changes it.

An organisation's member nominates a person by the e-mail of their registered account, with a short
profile and the fields of public benefit the person knows; the person consents from their own account
(nobody else can), may edit the profile and withdraw; the nominating organisation may withdraw its
nomination. Only consented, not withdrawn candidates are in the pool. Officers compose commissions
from the pool: the candidate sits as an NGO nominee of the nominating organisation, so the R-COM-NGO
exclusion (a nominee of an organisation taking part in the contest) applies as for any NGO member.

Public: the candidate's name and nominating organisation (and the fields, by which the pool is
filtered); the e-mail and the profile never leave the candidate, the nominating organisation and
the staff. Every change is audited on the candidate's own chain ("pool_candidate")."""
from __future__ import annotations

from sqlalchemy import func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from grants.accounts.models import User, UserRole
from grants.accounts.operations import AccountError, normalise_email
from grants.core.errors import FieldErrors
from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import (
    ADMIN,
    APPLICANT,
    COMMISSION_MEMBER,
    OFFICER,
    PermissionDenied,
    has_role,
)
from grants.registry.dictionaries import FIELDS
from grants.registry.models import Organisation
from grants.workflows.errors import NotEditable
from grants.commissions import operations as rops

from .models import PoolCandidate

PROFILE_MAX = 1000  # characters: a short profile, not a CV
OBJECT_TYPE = "pool_candidate"


class PoolError(FieldErrors):
    """Bad input: `errors` are [{"field", "message"}] for the user."""


def _err(field, message) -> PoolError:
    return PoolError([{"field": field, "message": str(message)}])


# ---------------------------------------------------------------- reading

def in_pool_clause():
    return PoolCandidate.consent_at.is_not(None) & PoolCandidate.withdrawn_at.is_(None)


def _people(q):
    return q.options(joinedload(PoolCandidate.user), joinedload(PoolCandidate.organisation))


def visible(q, user):
    """Everyone sees the pool (consented, not withdrawn); the candidate their own nominations; the
    nominating organisation's members its nominations; officers and admins every nomination."""
    q = _people(q)
    if has_role(user, OFFICER, ADMIN):
        return q
    conds = [in_pool_clause()]
    if user is not None:
        conds.append(PoolCandidate.user_id == user.id)
        orgs = list(getattr(user, "organisation_ids", ()) or ())
        if orgs and has_role(user, APPLICANT):
            conds.append(PoolCandidate.organisation_id.in_(orgs))
    return q.where(or_(*conds))


def pool(session: Session, field: str | None = None) -> list[PoolCandidate]:
    """The pool, by name; `field` (a code of FIELDS) keeps the candidates who know it. One query."""
    q = _people(select(PoolCandidate).join(User, User.id == PoolCandidate.user_id)
                .join(Organisation, Organisation.id == PoolCandidate.organisation_id)
                .where(in_pool_clause(), User.active.is_(True))
                .order_by(User.full_name, Organisation.name, PoolCandidate.id))
    rows = list(session.scalars(q).unique())
    if field:
        # the JSON list is read in Python: the same on SQLite and PostgreSQL, and the pool is small
        rows = [c for c in rows if field in (c.fields or [])]
    return rows


def in_pool(c: PoolCandidate) -> bool:
    return c.consent_at is not None and c.withdrawn_at is None


def status(c: PoolCandidate) -> str:
    """"withdrawn", "consented" (in the pool) or "awaiting_consent"."""
    if c.withdrawn_at is not None:
        return "withdrawn"
    return "consented" if c.consent_at is not None else "awaiting_consent"


STATUS_LABELS = {"withdrawn": _("wycofany z puli"), "consented": _("w puli (zgoda wyrażona)"),
                 "awaiting_consent": _("czeka na zgodę kandydata")}


def public_name(c: PoolCandidate) -> str:
    """The name shown in public: the account's full name, never its e-mail."""
    return (c.user.full_name or "").strip() or str(_("(kandydat bez podanego imienia i nazwiska)"))


def awaiting_consent(session: Session, user) -> list[PoolCandidate]:
    """The user's own nominations still waiting for their consent (their home page lists them)."""
    return list(session.scalars(select(PoolCandidate).options(joinedload(PoolCandidate.organisation))
                                .where(PoolCandidate.user_id == user.id, PoolCandidate.consent_at.is_(None),
                                       PoolCandidate.withdrawn_at.is_(None)).order_by(PoolCandidate.id)))


def nominations_of(session: Session, user) -> list[PoolCandidate]:
    """Nominations made by the user's organisations (all states), for the nominating members."""
    orgs = list(getattr(user, "organisation_ids", ()) or ())
    if not orgs or not has_role(user, APPLICANT):
        return []
    return list(session.scalars(_people(select(PoolCandidate).where(PoolCandidate.organisation_id.in_(orgs)))
                                .order_by(PoolCandidate.nominated_at.desc(), PoolCandidate.id.desc())))


def may_nominate(user) -> bool:
    return has_role(user, APPLICANT) and bool(getattr(user, "organisation_ids", None))


# ---------------------------------------------------------------- checks

def clean_profile(profile) -> str:
    if profile is not None and not isinstance(profile, str):
        raise _err("profile", _("Profil kandydata musi być tekstem."))
    text = (profile or "").strip()
    if "\x00" in text:
        raise _err("profile", _("Profil zawiera niedozwolony znak."))
    if not text:
        raise _err("profile", _("Podaj krótki profil kandydata (doświadczenie, kompetencje)."))
    if len(text) > PROFILE_MAX:
        raise _err("profile", _("Profil kandydata może mieć najwyżej %(n)s znaków (ma %(len)s).",
                                n=PROFILE_MAX, len=len(text)))
    return text


def clean_fields(fields) -> list[str]:
    if isinstance(fields, str):
        fields = [fields]
    elif not isinstance(fields, (list, tuple)):
        fields = []
    codes = list(dict.fromkeys(str(f).strip() for f in fields if str(f).strip()))
    if not codes:
        raise _err("fields", _("Wskaż co najmniej jedną sferę pożytku publicznego, w której kandydat się zna."))
    unknown = [f for f in codes if f not in FIELDS]
    if unknown:
        raise _err("fields", _("Nieznana sfera pożytku publicznego: %(codes)s.", codes=", ".join(unknown[:5])))
    return codes


def _collect(*checks) -> list:
    """Runs each check; all their errors together, so one answer names every bad field."""
    out, errors = [], []
    for fn, arg in checks:
        try:
            out.append(fn(arg))
        except PoolError as e:
            errors.extend(e.errors)
            out.append(None)
    if errors:
        raise PoolError(errors)
    return out


# ---------------------------------------------------------------- changes

def nominate(session: Session, actor, *, organisation_id: int, email: str, profile: str,
             fields) -> PoolCandidate:
    """A member of the organisation nominates the holder of a registered account. A nomination the
    organisation or the candidate withdrew may be made again: it waits for a fresh consent."""
    if not has_role(actor, APPLICANT) or organisation_id not in getattr(actor, "organisation_ids", ()):
        raise PermissionDenied(_("Kandydata do puli zgłasza członek organizacji, w imieniu której działa."))
    org = session.get(Organisation, organisation_id)
    if org is None:
        raise _err("organisation_id", _("Nie ma takiej organizacji."))

    def person(raw):
        try:
            address = normalise_email(raw if isinstance(raw, str) else "")
        except AccountError:
            raise _err("email", _("Podaj poprawny adres e-mail konta kandydata.")) from None
        user = session.scalar(select(User).where(func.lower(User.email) == address))
        if user is None or not user.active:
            raise _err("email", _("Nie ma aktywnego konta z tym adresem e-mail: kandydat musi najpierw "
                                  "założyć konto w systemie."))
        return user

    user, text, codes = _collect((person, email), (clean_profile, profile), (clean_fields, fields))
    existing = session.scalar(select(PoolCandidate).where(PoolCandidate.organisation_id == org.id,
                                                          PoolCandidate.user_id == user.id))
    now = clock.now()
    if existing is not None:
        if existing.withdrawn_at is None:
            raise _err("email", _("Ta osoba jest już zgłoszona do puli przez tę organizację."))
        audit.lock_object(session, PoolCandidate, existing.id)
        before = {"profile": existing.profile, "fields": existing.fields, "withdrawn_at": existing.withdrawn_at,
                  "consent_at": existing.consent_at}
        existing.profile, existing.fields = text, codes
        existing.nominated_by_id, existing.nominated_at = actor.id, now
        existing.consent_at = existing.withdrawn_at = None
        session.flush()
        audit.record(session, OBJECT_TYPE, existing.id, "nominate_again", actor,
                     changes={k: [v, getattr(existing, k)] for k, v in before.items()})
        return existing
    c = PoolCandidate(organisation_id=org.id, user_id=user.id, profile=text, fields=codes,
                      nominated_by_id=actor.id, nominated_at=now)
    try:
        with session.begin_nested():
            session.add(c)
            session.flush()
    except IntegrityError:  # the same nomination made at the same moment by another member
        raise _err("email", _("Ta osoba jest już zgłoszona do puli przez tę organizację.")) from None
    audit.record(session, OBJECT_TYPE, c.id, "nominate", actor,
                 changes={"organisation_id": org.id, "user_id": user.id, "fields": codes})
    return c


def _own(actor, c: PoolCandidate, message) -> None:
    if actor is None or c.user_id != actor.id:
        raise PermissionDenied(message)


def not_withdrawn(c: PoolCandidate) -> None:
    if c.withdrawn_at is not None:
        raise NotEditable(_("Zgłoszenie zostało wycofane z puli."))


def consent(session: Session, actor, c: PoolCandidate) -> PoolCandidate:
    """The candidate's own consent, from their own account: only then they are in the pool."""
    _own(actor, c, _("Zgodę na kandydowanie wyraża wyłącznie sam kandydat, ze swojego konta."))
    not_withdrawn(c)
    if c.consent_at is not None:
        raise NotEditable(_("Zgoda została już wyrażona."))
    audit.lock_object(session, PoolCandidate, c.id)
    c.consent_at = clock.now()
    session.flush()
    audit.record(session, OBJECT_TYPE, c.id, "consent", actor, changes={"consent_at": [None, c.consent_at]})
    return c


def update_profile(session: Session, actor, c: PoolCandidate, *, profile=None, fields=None) -> PoolCandidate:
    """The candidate edits their own profile and fields (None leaves one as it is)."""
    _own(actor, c, _("Profil kandydata zmienia tylko sam kandydat."))
    not_withdrawn(c)
    checks = []
    if profile is not None:
        checks.append((clean_profile, profile))
    if fields is not None:
        checks.append((clean_fields, fields))
    values = _collect(*checks)
    new = {}
    if profile is not None:
        new["profile"] = values.pop(0)
    if fields is not None:
        new["fields"] = values.pop(0)
    changes = {k: [getattr(c, k), v] for k, v in new.items() if getattr(c, k) != v}
    if changes:
        audit.lock_object(session, PoolCandidate, c.id)
        for k, (_old, v) in changes.items():
            setattr(c, k, v)
        session.flush()
        audit.record(session, OBJECT_TYPE, c.id, "update_profile", actor, changes=changes)
    return c


def may_withdraw(actor, c: PoolCandidate) -> bool:
    if actor is None:
        return False
    return c.user_id == actor.id or (has_role(actor, APPLICANT)
                                     and c.organisation_id in getattr(actor, "organisation_ids", ()))


def withdraw(session: Session, actor, c: PoolCandidate) -> PoolCandidate:
    """The candidate withdraws, or the nominating organisation withdraws its nomination: the
    candidate leaves the pool (commissions already composed keep their members)."""
    if not may_withdraw(actor, c):
        raise PermissionDenied(_("Zgłoszenie wycofuje sam kandydat albo organizacja, która go zgłosiła."))
    not_withdrawn(c)
    audit.lock_object(session, PoolCandidate, c.id)
    c.withdrawn_at = clock.now()
    session.flush()
    audit.record(session, OBJECT_TYPE, c.id, "withdraw", actor,
                 changes={"withdrawn_at": [None, c.withdrawn_at],
                          "by": "candidate" if c.user_id == actor.id else "organisation"})
    return c


def add_from_pool(session: Session, actor, commission, candidate_id, expected_version: int | None = None):
    """An officer of the contest adds a pool candidate to a forming commission as the NGO nominee of
    the nominating organisation (R-COM-NGO: excluded when that organisation takes part). A candidate
    without the commission member's role receives it: their consent is to sit on commissions."""
    rops.check_composition(actor, commission, expected_version)
    try:
        cid = int(candidate_id)
        if not 0 < cid < 2**31:
            raise ValueError
    except (TypeError, ValueError):
        raise _err("candidate_id", _("Nie ma takiego kandydata w puli.")) from None
    c = session.scalar(_people(select(PoolCandidate).where(PoolCandidate.id == cid)))
    if c is None:
        raise _err("candidate_id", _("Nie ma takiego kandydata w puli."))
    if c.withdrawn_at is not None:
        raise _err("candidate_id", _("Ten kandydat został wycofany z puli."))
    if c.consent_at is None:
        raise _err("candidate_id", _("Kandydat nie wyraził jeszcze zgody: do komisji można powołać tylko osobę, "
                                     "która się zgodziła."))
    user = c.user
    if not user.active:
        raise _err("candidate_id", _("Konto kandydata jest nieaktywne."))
    if commission.member_for(user) is not None:
        raise _err("candidate_id", _("Ta osoba już zasiada w komisji."))
    if not has_role(user, OFFICER, ADMIN, COMMISSION_MEMBER):
        user.roles.append(UserRole(role=COMMISSION_MEMBER))
        session.flush()
        audit.record(session, "user", user.id, "grant_role", actor,
                     changes={"role": COMMISSION_MEMBER, "pool_candidate_id": c.id, "commission_id": commission.id})
    member = rops.add_member(session, actor, commission, user_id=user.id, kind="ngo",
                             nominating_organisation_id=c.organisation_id, expected_version=expected_version)
    audit.lock_object(session, PoolCandidate, c.id)
    audit.record(session, OBJECT_TYPE, c.id, "add_to_commission", actor,
                 changes={"commission_id": commission.id, "member_id": member.id,
                          "excluded": member.excluded_reason})
    return member
