"""The only place that changes users and their roles, and that decides logins."""
from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import GRANTOR_STAFF, ROLES, STAKEHOLDER_TYPES
from grants.registry import memberships
from grants.registry.identifiers import IdentifierError, normalise_krs
from grants.registry.departments import default_grantor_id, primary_grantor_id
from grants.registry.models import Department, Grantor, Organisation

from . import throttle
from .models import User, UserRole
from .passwords import (
    DUMMY_HASH,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)


class AccountError(ValueError):
    """Bad input for an account: `field` names the input, `message` is for the user."""

    def __init__(self, field: str, message):
        self.field, self.message = field, message
        super().__init__(f"{field}: {message}")


def normalise_email(email: str) -> str:
    try:
        return validate_email((email or "").strip(), check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        raise AccountError("email", _("Nieprawidłowy adres e-mail.")) from None


def check_new_password(password: str, *, email: str = "", full_name: str = "") -> None:
    """Raises AccountError when a new password is not acceptable. Registration calls it before it
    looks the e-mail up, so a refused password never depends on whether the account exists."""
    problem = password_problem(password, email=email, name=full_name)
    if problem is not None:
        raise AccountError("password", problem)


def create_user(session: Session, *, email: str, password: str, roles: list[str], full_name: str = "",
                organisation_krs: str | None = None, department_code: str | None = None,
                stakeholder_type: str | None = None, actor=None, email_confirmed: bool = True,
                grantor_code: str | None = None) -> User:
    """Creates an account. Accounts made by the office, the CLI and the demo are confirmed; a
    self-registered one (grants.accounts.registration) starts unconfirmed. Staff (officers, admins,
    finance) belong to an authority (issue 22): their department's, else `grantor_code`'s, else the
    deployment's first."""
    email = normalise_email(email)
    if not roles:
        raise AccountError("role", _("Podaj co najmniej jedną rolę."))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError("role", _("Nieznana rola: %(role)s. Dozwolone: %(allowed)s.",
                                     role=", ".join(unknown), allowed=", ".join(ROLES)))
    check_new_password(password, email=email, full_name=full_name)
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError("email", _("Użytkownik z tym adresem e-mail już istnieje."))
    if stakeholder_type and stakeholder_type not in STAKEHOLDER_TYPES:
        raise AccountError("stakeholder_type", _("Nieznany typ interesariusza."))
    org = None
    if organisation_krs:
        try:
            krs = normalise_krs(organisation_krs)
        except IdentifierError as e:
            raise AccountError("organisation", e.message) from None
        org = session.scalar(select(Organisation).where(Organisation.krs == krs))
        if org is None:
            raise AccountError("organisation", _("Nie ma w rejestrze organizacji o numerze KRS %(krs)s.", krs=krs))
    dept = None
    if department_code:
        # codes are unique per authority (issue 22): with several authorities, the grantor's code says whose
        q = select(Department).where(Department.code == department_code).order_by(Department.id)
        if grantor_code:
            q = q.join(Grantor, Grantor.id == Department.grantor_id).where(Grantor.code == grantor_code)
        found = session.scalars(q.limit(2)).all()
        if not found:
            raise AccountError("department", _("Nieznany wydział: %(code)s.", code=department_code))
        if len(found) > 1:
            raise AccountError("department", _("Wydział %(code)s jest w kilku organach: podaj kod organu.",
                                               code=department_code))
        dept = found[0]
    grantor_id = _staff_grantor(session, roles, dept, grantor_code)
    user = User(email=email, full_name=full_name, password_hash=hash_password(password), active=True,
                department=dept, grantor_id=grantor_id, stakeholder_type=stakeholder_type, created_at=clock.real_now(),
                email_confirmed_at=clock.real_now() if email_confirmed else None)
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    session.add(user)
    session.flush()
    if org is not None:  # the command line's board member (R-ORG-MEMBERSHIP), audited on the organisation
        memberships.add_by_command_line(session, user, org, actor=actor)
    audit.record(session, "user", user.id, "create", actor,
                 changes={"email": email, "roles": sorted(user.role_names),
                          "organisation": org.krs if org else None, "department": department_code})
    return user


def _staff_grantor(session: Session, roles, dept, grantor_code: str | None) -> int | None:
    if dept is not None:
        if grantor_code and session.scalar(select(Grantor.code).where(Grantor.id == dept.grantor_id)) != grantor_code:
            raise AccountError("department", _("Wydział należy do innego organu dotującego."))
        return dept.grantor_id
    if not any(r in GRANTOR_STAFF for r in roles):
        return None
    if grantor_code:
        gid = session.scalar(select(Grantor.id).where(Grantor.code == grantor_code))
        if gid is None:
            raise AccountError("grantor", _("Nieznany organ dotujący: %(code)s.", code=grantor_code))
        return gid
    gid = default_grantor_id(session)
    if gid is None and primary_grantor_id(session) is not None:
        raise AccountError("grantor", _("Podaj organ dotujący pracownika: w systemie jest kilka organów."))
    return gid


@dataclass
class LoginResult:
    user: User | None
    error: object | None = None
    retry_after: int = 0  # seconds the pair must wait (a 429 with Retry-After); 0 when not throttled
    unconfirmed: bool = False  # the right password of an account whose e-mail is not confirmed yet

    @property
    def throttled(self) -> bool:
        return self.retry_after > 0


def authenticate(session: Session, email: str, password: str, ip: str = "") -> LoginResult:
    """Checks the password, throttled per (e-mail, address) pair with a growing delay
    (grants.accounts.throttle): failures from other addresses never stop the owner."""
    email = (email or "").strip().lower()
    now = clock.real_now()
    verdict = throttle.check(session, email, ip, now)
    if not verdict.allowed:
        return LoginResult(None, throttle.wait_message(verdict.wait_seconds), retry_after=verdict.wait_seconds)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password or "")
    ok = ok and user is not None and user.is_active
    if ok and user.email_confirmed_at is None:
        # only someone who knows the password learns this; no attempt is recorded
        return LoginResult(None, _("Najpierw potwierdź adres e-mail linkiem z wiadomości, którą wysłaliśmy po "
                                   "rejestracji. Nie dotarła? Zarejestruj się ponownie tym samym adresem, a "
                                   "wyślemy nowy link."), unconfirmed=True)
    throttle.record(session, email, ip, ok, now)
    if ok and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    if not ok:
        return LoginResult(None, _("Nieprawidłowy e-mail lub hasło."))
    return LoginResult(user)
