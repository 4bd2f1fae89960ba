"""The optional TOTP second factor of staff (RFC 6238 through pyotp): enabling, disabling and checking
a code. A code is accepted once (its time step is stored) and within one step of drift; wrong codes
after a password are counted on the account, so a replayed cookie of the pending login gains nothing.
Technical time (`clock.real_now()`). The only place that changes the TOTP columns of users."""
from __future__ import annotations

import hmac

import pyotp
import segno
from sqlalchemy.orm import Session

from grants.core import audit, clock

from .models import LoginAttempt
from grants.core.i18n import _
from grants.core.permissions import ADMIN, COMMISSION_MEMBER, FINANCE, OFFICER, has_role

STAFF_ROLES = (OFFICER, FINANCE, ADMIN, COMMISSION_MEMBER)
ISSUER = "Granty"
MAX_WRONG_CODES = 3  # then the person starts again from the password
PENDING_SECONDS = 300  # a password accepted longer ago asks for it again
DRIFT_STEPS = 1


class TotpError(ValueError):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


def may_enable(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def enabled(user) -> bool:
    return bool(getattr(user, "totp_secret", None))


def required(user, production: bool) -> bool:
    """Admins must use it in production."""
    return production and has_role(user, ADMIN)


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The otpauth:// URI as an inline SVG QR code (segno), for authenticator apps."""
    return segno.make(uri, error="m").svg_inline(scale=4, title=ISSUER)


def _matching_step(secret: str, code: str) -> int | None:
    code = "".join((code or "").split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = clock.real_now()
    step = totp.timecode(now)
    for s in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(s), code):
            return s
    return None


def _accept(user, secret: str, code: str) -> bool:
    step = _matching_step(secret, code)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        return False  # wrong, or already used (a replay within its time step)
    user.totp_last_step = step
    return True


def enable(session: Session, user, secret: str, code: str) -> None:
    """Confirms the secret shown to the person with a first code from their app."""
    if not may_enable(user):
        raise TotpError(_("Drugi składnik logowania jest dostępny dla pracowników urzędu i członków komisji."))
    if enabled(user):
        raise TotpError(_("Drugi składnik logowania jest już włączony."))
    user.totp_last_step = None
    if not secret or not _accept(user, secret, code):
        raise TotpError(_("Nieprawidłowy kod. Wpisz sześć cyfr z aplikacji uwierzytelniającej."))
    user.totp_secret, user.totp_failures = secret, 0
    audit.record(session, "user", user.id, "totp_enable", user)


def disable(session: Session, user, code: str) -> None:
    if not enabled(user):
        raise TotpError(_("Drugi składnik logowania nie jest włączony."))
    if not _accept(user, user.totp_secret, code):
        raise TotpError(_("Nieprawidłowy kod. Wpisz sześć cyfr z aplikacji uwierzytelniającej."))
    user.totp_secret, user.totp_last_step, user.totp_failures = None, None, 0
    audit.record(session, "user", user.id, "totp_disable", user)


def start_login(session: Session, user) -> None:
    """The password was right: a fresh allowance of wrong codes."""
    user.totp_failures = 0


def check_login(session: Session, user, code: str, ip: str = "") -> bool:
    """One code after a password: True once. A wrong code counts on the account and as a failed
    login attempt, so the login throttle limits guessing as it limits passwords."""
    if not enabled(user) or user.totp_failures >= MAX_WRONG_CODES:
        return False
    if _accept(user, user.totp_secret, code):
        user.totp_failures = 0
        return True
    user.totp_failures += 1
    session.add(LoginAttempt(email=user.email, ip=ip, success=False, at=clock.real_now()))
    return False


def exhausted(user) -> bool:
    return user.totp_failures >= MAX_WRONG_CODES
