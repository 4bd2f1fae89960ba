"""The only place that creates, changes and ends memberships of organisations (R-ORG-MEMBERSHIP).

Membership of an organisation (and so access to its drafts and the right to act for it) is the
organisation's business:
- its board invites a person by e-mail; the invitee accepts or declines from their own account,
  once, before the invitation expires (technical time);
- staff (officers, admins) may add a member only as an exception: with a written reason, for an
  organisation their department works with (`works_with`), never themselves nor another staff
  account (the organisation may invite one); the organisation's
  members are told at once by e-mail and the audit trail keeps the reason;
- the command line (`grants user create --organisation`, the demo) adds a board member as an
  administrator's action, audited;
- the board and staff remove members, a member may leave; the last board member stays until
  another one exists.
Every path that creates a `Membership` goes through `_add` here.
"""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import User, UserRole
from grants.core import audit, clock, outbox
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER, PermissionDenied, has_role

from .models import BOARD, MEMBER, MEMBER_ROLES, Membership, MembershipInvitation, Organisation
from .operations import RegistryError
from .relations import works_with  # noqa: F401 - the relation, also used from here

INVITATION_VALID = timedelta(days=14)  # technical time
REASON_MIN_LENGTH = 20
PENDING = "pending"
ROLE_LABELS = {BOARD: _("zarząd"), MEMBER: _("członek")}
NO_RELATION = _("Członka może wyjątkowo dodać tylko pracownik wydziału, który współpracuje z tą organizacją (oferta, "
                "umowa lub wniosek w sprawach wydziału). Organizacja może zaprosić tę osobę sama.")


class MembershipError(RegistryError):
    """Bad input or a rule refusing: `errors` [{field, message}], nothing changed."""


def _error(field: str, message) -> MembershipError:
    return MembershipError([{"field": field, "message": str(message)}])


def _email(value: str) -> str:
    return (value or "").strip().lower()


# ------------------------------------------------------------------ who is who

def membership_of(user, organisation_id: int) -> Membership | None:
    for m in getattr(user, "memberships", ()) or ():
        if m.organisation_id == organisation_id:
            return m
    return None


def is_board(user, organisation_id: int) -> bool:
    m = membership_of(user, organisation_id)
    return m is not None and m.role == BOARD


def can_invite(actor, org: Organisation) -> bool:
    return actor is not None and is_board(actor, org.id)


def can_see_members(session: Session, actor, org: Organisation) -> bool:
    if actor is None:
        return False
    return membership_of(actor, org.id) is not None or has_role(actor, OFFICER, ADMIN)


def can_remove(session: Session, actor, m: Membership) -> bool:
    """The person themselves (leaving), the organisation's board, staff who work with it."""
    if actor is None:
        return False
    if m.user_id == actor.id or is_board(actor, m.organisation_id):
        return True
    return has_role(actor, OFFICER, ADMIN) and works_with(session, actor, m.organisation)


def members(session: Session, org: Organisation) -> list[Membership]:
    return list(session.scalars(select(Membership).where(Membership.organisation_id == org.id)
                                .order_by(Membership.role, Membership.id)))


def _board_count(session: Session, organisation_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Membership).where(
        Membership.organisation_id == organisation_id, Membership.role == BOARD)) or 0


# ------------------------------------------------------------------ the one way in

def _add(session: Session, user: User, org: Organisation, role: str, *, actor, via: str,
         reason: str | None = None) -> Membership:
    if role not in MEMBER_ROLES:
        raise _error("role", _("Nieznana rola w organizacji."))
    if membership_of(user, org.id) is not None or session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id)) is not None:
        raise _error("email", _("Ta osoba już działa w imieniu organizacji."))
    audit.lock_object(session, Organisation, org.id)
    m = Membership(user=user, organisation=org, role=role)
    session.add(m)
    if APPLICANT not in user.role_names:
        user.roles.append(UserRole(role=APPLICANT))
    session.flush()
    changes = {"user": user.email, "role": role, "via": via}
    if reason:
        changes["reason"] = reason
    audit.record(session, "organisation", org.id, "add_member", actor, changes=changes)
    return m


def add_by_command_line(session: Session, user: User, org: Organisation, role: str = BOARD, actor=None) -> Membership:
    """`grants user create --organisation` and the demo: an administrator's action at the server's
    command line (no web or API path reaches it), audited."""
    return _add(session, user, org, role, actor=actor, via="command_line")


def _user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == _email(email)))


def _member_addresses(session: Session, org: Organisation) -> list[str]:
    rows = session.scalars(select(User.email).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organisation_id == org.id)).all()
    out = list(dict.fromkeys([*rows, *([org.email] if org.email else [])]))
    return out


def add_by_staff(session: Session, actor, org: Organisation, email: str, reason: str,
                 role: str = MEMBER) -> Membership:
    """The staff exception: a written reason, an organisation the actor's department works with,
    never the actor; the organisation's members (and its address) are told at once."""
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if not works_with(session, actor, org):
        raise PermissionDenied(NO_RELATION)
    reason = (reason or "").strip()
    errors = []
    if len(reason) < REASON_MIN_LENGTH:
        errors.append({"field": "reason", "message": str(_(
            "Podaj pisemne uzasadnienie wyjątku (co najmniej %(n)s znaków).", n=REASON_MIN_LENGTH))})
    user = _user_by_email(session, email)
    if user is None:
        errors.append({"field": "email", "message": str(_("Nie ma użytkownika z tym adresem e-mail."))})
    elif user.id == actor.id:
        errors.append({"field": "email", "message": str(_("Pracownik urzędu nie może dodać siebie do organizacji."))})
    elif has_role(user, OFFICER, ADMIN):  # a colleague in an NGO's drafts is the same conflict of interest
        errors.append({"field": "email", "message": str(_(
            "Konta pracownika urzędu nie dodaje się do organizacji w trybie wyjątku; organizacja może je zaprosić."))})
    if errors:
        raise MembershipError(errors)
    m = _add(session, user, org, role, actor=actor, via="staff_exception", reason=reason[:4000])
    body = str(_("Pracownik urzędu %(who)s dodał(a) osobę %(person)s (%(email)s) jako działającą w imieniu "
                 "organizacji „%(org)s” (rola: %(role)s).\n\nUzasadnienie: %(reason)s\n\nJeśli to pomyłka, zarząd "
                 "organizacji może usunąć tę osobę na stronie organizacji (Członkowie).",
                 who=getattr(actor, "display_name", ""), person=user.display_name, email=user.email,
                 org=org.name, role=ROLE_LABELS[role], reason=reason))
    for address in _member_addresses(session, org):
        outbox.emit(session, "email.send", {"to": address, "subject": str(_(
            "Nowa osoba w organizacji „%(org)s” dodana przez urząd", org=org.name)), "body": body})
    return m


# ------------------------------------------------------------------ invitations

def invite(session: Session, actor, org: Organisation, email: str, role: str = MEMBER) -> MembershipInvitation:
    """The board invites a person; the invitee accepts from their own account (an e-mail without an
    account: the mail says to register with it first; the invitation waits until it expires)."""
    if not can_invite(actor, org):
        raise PermissionDenied(_("Zapraszać do organizacji może jej zarząd."))
    address = _email(email)
    if "@" not in address or len(address) > 255:
        raise _error("email", _("Nieprawidłowy adres e-mail."))
    if role not in MEMBER_ROLES:
        raise _error("role", _("Nieznana rola w organizacji."))
    user = _user_by_email(session, address)
    if user is not None and session.scalar(select(Membership.id).where(
            Membership.user_id == user.id, Membership.organisation_id == org.id)) is not None:
        raise _error("email", _("Ta osoba już działa w imieniu organizacji."))
    now = clock.real_now()
    if session.scalar(select(MembershipInvitation.id).where(
            MembershipInvitation.organisation_id == org.id, MembershipInvitation.email == address,
            MembershipInvitation.status == PENDING, MembershipInvitation.expires_at > now)) is not None:
        raise _error("email", _("Ta osoba ma już oczekujące zaproszenie do organizacji."))
    audit.lock_object(session, Organisation, org.id)
    inv = MembershipInvitation(organisation_id=org.id, email=address, role=role, status=PENDING,
                               invited_by_id=actor.id, created_at=now, expires_at=now + INVITATION_VALID)
    session.add(inv)
    session.flush()
    audit.record(session, "organisation", org.id, "invite_member", actor,
                 changes={"invitation": inv.id, "email": address, "role": role})
    days = INVITATION_VALID.days
    if user is not None:
        how = str(_("Zaloguj się i przyjmij albo odrzuć zaproszenie na stronie „Zaproszenia do organizacji” "
                    "(/invitations)."))
    else:
        how = str(_("Nie masz jeszcze konta: najpierw zarejestruj się z tym adresem e-mail (%(email)s), a potem "
                    "przyjmij zaproszenie na stronie „Zaproszenia do organizacji” (/invitations).", email=address))
    outbox.emit(session, "email.send", {"to": address, "subject": str(_(
        "Zaproszenie do organizacji „%(org)s”", org=org.name)), "body": "\n\n".join([
            str(_("%(who)s zaprasza Cię do działania w imieniu organizacji „%(org)s” (rola: %(role)s).",
                  who=getattr(actor, "display_name", ""), org=org.name, role=ROLE_LABELS[role])),
            how, str(_("Zaproszenie jest ważne %(n)s dni; można z niego skorzystać jeden raz.", n=days))])})
    return inv


def pending_for(session: Session, user) -> list[MembershipInvitation]:
    """The invitations waiting for this account's e-mail (not expired, not answered)."""
    if user is None:
        return []
    return list(session.scalars(select(MembershipInvitation).where(
        MembershipInvitation.email == _email(user.email), MembershipInvitation.status == PENDING,
        MembershipInvitation.expires_at > clock.real_now()).order_by(MembershipInvitation.id)))


def pending_of(session: Session, org: Organisation) -> list[MembershipInvitation]:
    return list(session.scalars(select(MembershipInvitation).where(
        MembershipInvitation.organisation_id == org.id, MembershipInvitation.status == PENDING,
        MembershipInvitation.expires_at > clock.real_now()).order_by(MembershipInvitation.id)))


def visible_invitation(session: Session, user, invitation_id) -> MembershipInvitation | None:
    """The invitee's own invitation (any status), or None: others' invitations are not there for them."""
    try:
        pk = int(invitation_id)
    except (TypeError, ValueError):
        return None
    if user is None or not 0 < pk < 2**31:
        return None
    inv = session.get(MembershipInvitation, pk)
    if inv is None or inv.email != _email(user.email):
        return None
    return inv


def _answerable(inv: MembershipInvitation) -> None:
    if inv.status != PENDING:
        raise _error("invitation", _("To zaproszenie zostało już wykorzystane albo wycofane."))
    if inv.expires_at <= clock.real_now():
        raise _error("invitation", _("To zaproszenie wygasło. Poproś organizację o nowe."))


def accept(session: Session, actor, inv: MembershipInvitation) -> Membership:
    if actor is None or inv.email != _email(actor.email):
        raise PermissionDenied(_("Zaproszenie przyjmuje osoba zaproszona, ze swojego konta."))
    _answerable(inv)
    org = session.get(Organisation, inv.organisation_id)
    m = _add(session, actor, org, inv.role, actor=actor, via="invitation")
    inv.status, inv.answered_at, inv.answered_by_id = "accepted", clock.real_now(), actor.id
    audit.record(session, "organisation", org.id, "accept_invitation", actor, changes={"invitation": inv.id})
    session.flush()
    return m


def decline(session: Session, actor, inv: MembershipInvitation) -> MembershipInvitation:
    if actor is None or inv.email != _email(actor.email):
        raise PermissionDenied(_("Zaproszenie odrzuca osoba zaproszona, ze swojego konta."))
    _answerable(inv)
    audit.lock_object(session, Organisation, inv.organisation_id)
    inv.status, inv.answered_at, inv.answered_by_id = "declined", clock.real_now(), actor.id
    session.flush()
    audit.record(session, "organisation", inv.organisation_id, "decline_invitation", actor,
                 changes={"invitation": inv.id})
    return inv


def revoke(session: Session, actor, inv: MembershipInvitation) -> MembershipInvitation:
    if not is_board(actor, inv.organisation_id):
        raise PermissionDenied(_("Zaproszenie wycofuje zarząd organizacji."))
    if inv.status != PENDING:
        raise _error("invitation", _("To zaproszenie zostało już wykorzystane albo wycofane."))
    audit.lock_object(session, Organisation, inv.organisation_id)
    inv.status, inv.answered_at, inv.answered_by_id = "revoked", clock.real_now(), actor.id
    session.flush()
    audit.record(session, "organisation", inv.organisation_id, "revoke_invitation", actor,
                 changes={"invitation": inv.id, "email": inv.email})
    return inv


# ------------------------------------------------------------------ roles and the way out

def _keep_a_board(session: Session, m: Membership) -> None:
    if m.role == BOARD and _board_count(session, m.organisation_id) <= 1:
        raise _error("membership", _("To ostatnia osoba z zarządu organizacji. Najpierw nadaj rolę „zarząd” innej "
                                     "osobie (albo zaproś ją), potem usuń tę."))


def set_role(session: Session, actor, m: Membership, role: str) -> Membership:
    if not is_board(actor, m.organisation_id):
        raise PermissionDenied(_("Role w organizacji zmienia jej zarząd."))
    if role not in MEMBER_ROLES:
        raise _error("role", _("Nieznana rola w organizacji."))
    if role == m.role:
        return m
    audit.lock_object(session, Organisation, m.organisation_id)
    if role == MEMBER:
        _keep_a_board(session, m)
    before, m.role = m.role, role
    session.flush()
    audit.record(session, "organisation", m.organisation_id, "set_member_role", actor,
                 changes={"user": m.user.email, "role": [before, role]})
    return m


def remove(session: Session, actor, m: Membership, reason: str = "") -> None:
    """Ends a membership: the person themselves (leaving), the board, or staff who work with the
    organisation. The removed person is told by e-mail."""
    if not can_remove(session, actor, m):
        raise PermissionDenied(_("Osoby z organizacji usuwa jej zarząd albo pracownik wydziału, który z nią "
                                 "współpracuje; każdy może sam zrezygnować."))
    audit.lock_object(session, Organisation, m.organisation_id)
    _keep_a_board(session, m)
    org, user = m.organisation, m.user
    leaving = m.user_id == actor.id
    session.delete(m)
    if m in user.memberships:
        user.memberships.remove(m)
    session.flush()
    changes = {"user": user.email, "role": m.role, "via": "left" if leaving else "removed"}
    if reason:
        changes["reason"] = reason.strip()[:4000]
    audit.record(session, "organisation", org.id, "remove_member", actor, changes=changes)
    if not leaving:
        outbox.emit(session, "email.send", {"to": user.email, "subject": str(_(
            "Koniec działania w imieniu organizacji „%(org)s”", org=org.name)), "body": str(_(
                "%(who)s zakończył(a) Twoje działanie w imieniu organizacji „%(org)s”. Nie masz już dostępu do jej "
                "spraw w systemie.", who=getattr(actor, "display_name", ""), org=org.name))})
