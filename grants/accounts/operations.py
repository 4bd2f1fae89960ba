"""The only place that changes users and their roles, and that decides logins."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.i18n import _
from grants.core.permissions import ROLES, STAKEHOLDER_TYPES
from grants.registry import memberships
from grants.registry.models import Department, Organisation

from .models import LoginAttempt, User, UserRole
from .passwords import DUMMY_HASH, MIN_LENGTH, hash_password, needs_rehash, verify_password

MAX_FAILURES = 5
WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_IP = 30


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


def create_user(session: Session, *, email: str, password: str, roles: list[str], full_name: str = "",
                organisation_krs: str | None = None, department_code: str | None = None,
                stakeholder_type: str | None = None, actor=None) -> User:
    email = normalise_email(email)
    if not roles:
        raise AccountError("role", _("Podaj co najmniej jedną rolę."))
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise AccountError("role", _("Nieznana rola: %(role)s. Dozwolone: %(allowed)s.",
                                     role=", ".join(unknown), allowed=", ".join(ROLES)))
    if len(password or "") < MIN_LENGTH:
        raise AccountError("password", _("Hasło musi mieć co najmniej %(n)s znaków.", n=MIN_LENGTH))
    if session.scalar(select(User.id).where(func.lower(User.email) == email)):
        raise AccountError("email", _("Użytkownik z tym adresem e-mail już istnieje."))
    if stakeholder_type and stakeholder_type not in STAKEHOLDER_TYPES:
        raise AccountError("stakeholder_type", _("Nieznany typ interesariusza."))
    org = None
    if organisation_krs:
        from grants.registry.identifiers import IdentifierError, normalise_krs
        try:
            krs = normalise_krs(organisation_krs)
        except IdentifierError as e:
            raise AccountError("organisation", e.message) from None
        org = session.scalar(select(Organisation).where(Organisation.krs == krs))
        if org is None:
            raise AccountError("organisation", _("Nie ma w rejestrze organizacji o numerze KRS %(krs)s.", krs=krs))
    dept = None
    if department_code:
        dept = session.scalar(select(Department).where(Department.code == department_code))
        if dept is None:
            raise AccountError("department", _("Nieznany wydział: %(code)s.", code=department_code))
    user = User(email=email, full_name=full_name, password_hash=hash_password(password), active=True,
                department=dept, stakeholder_type=stakeholder_type, created_at=clock.real_now())
    user.roles = [UserRole(role=r) for r in dict.fromkeys(roles)]
    session.add(user)
    session.flush()
    if org is not None:  # the command line's board member (R-ORG-MEMBERSHIP), audited on the organisation
        memberships.add_by_command_line(session, user, org, actor=actor)
    audit.record(session, "user", user.id, "create", actor,
                 changes={"email": email, "roles": sorted(user.role_names),
                          "organisation": org.krs if org else None, "department": department_code})
    return user


@dataclass
class LoginResult:
    user: User | None
    error: object | None = None
    locked_minutes: int = 0


def _failures(session: Session, email: str, ip: str, since) -> tuple[int, int]:
    by_email = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.at >= since)) or 0
    by_ip = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.ip == ip, LoginAttempt.success.is_(False), LoginAttempt.at >= since)) or 0
    return by_email, by_ip


def authenticate(session: Session, email: str, password: str, ip: str = "") -> LoginResult:
    """Checks the password, rate-limited per e-mail and per address (technical time)."""
    email = (email or "").strip().lower()
    now = clock.real_now()
    by_email, by_ip = _failures(session, email, ip, now - WINDOW)
    if by_email >= MAX_FAILURES or by_ip >= MAX_FAILURES_PER_IP:
        oldest = session.scalar(select(func.min(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.at >= now - WINDOW)) or now
        minutes = max(1, int(((oldest + WINDOW) - now).total_seconds() // 60) + 1)
        return LoginResult(None, _("Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za %(n)s min.",
                                   n=minutes), locked_minutes=minutes)
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    ok = verify_password(user.password_hash if user else DUMMY_HASH, password or "")
    ok = ok and user is not None and user.is_active
    session.add(LoginAttempt(email=email, ip=ip, success=ok, at=now))
    if ok and needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.commit()
    if not ok:
        return LoginResult(None, _("Nieprawidłowy e-mail lub hasło."))
    return LoginResult(user)
