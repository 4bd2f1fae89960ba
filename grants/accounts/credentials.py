"""Password change and password reset (issue 21). Flask-free: grants/web/account.py and
grants/web/password_reset.py wire them.

A reset link is an itsdangerous URLSafeTimedSerializer token with its own salt, valid RESET_MAX_AGE
seconds, and bound to a fingerprint of the user's password hash and session generation: the reset
changes both, so a link works once (and a later logout everywhere or password change kills it).
Asking for a link answers the same whether or not the e-mail has an account."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta
from typing import Callable

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.core import clock, outbox
from grants.core.i18n import _

from . import sessions
from .models import User
from .operations import AccountError, normalise_email
from .passwords import hash_password, password_problem, verify_password

RESET_SALT = "grants.password-reset"
RESET_MAX_AGE = 3600  # seconds (technical time)
RESET_COOLDOWN = timedelta(minutes=5)  # at most one reset mail per account in this time


class ResetLinkInvalid(ValueError):
    """The link is malformed, expired, already used or of an inactive account."""


def change_password(session: Session, user: User, *, current: str, new: str) -> None:
    """The user changes their own password: the current one is required; every session and token
    of the user ends (the caller signs the current browser in again)."""
    if not verify_password(user.password_hash, current or ""):
        raise AccountError("current_password", _("Obecne hasło jest nieprawidłowe."))
    _set_password(session, user, new, reason=sessions.PASSWORD_CHANGED, actor=user)


def _set_password(session: Session, user: User, new: str, *, reason: str, actor) -> None:
    problem = password_problem(new, email=user.email, name=user.full_name)
    if problem is not None:
        raise AccountError("password", problem)
    if verify_password(user.password_hash, new):
        raise AccountError("password", _("Nowe hasło musi się różnić od obecnego."))
    user.password_hash = hash_password(new)
    sessions.end_all_sessions(session, user, reason=reason, actor=actor)


def _serializer(secret: str | bytes) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    return hashlib.sha256(f"{user.password_hash}:{user.session_generation or 0}".encode()).hexdigest()[:32]


def reset_token(secret: str | bytes, user: User) -> str:
    return _serializer(secret).dumps({"u": user.id, "f": _fingerprint(user)})


def user_for_reset(session: Session, secret: str | bytes, token: str) -> User:
    """The user a reset link is for; ResetLinkInvalid when it is bad, expired or used."""
    try:
        data = _serializer(secret).loads(token or "", max_age=RESET_MAX_AGE)
        user = session.get(User, int(data["u"]))
        fingerprint = str(data["f"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise ResetLinkInvalid() from None
    if user is None or not user.is_active or not hmac.compare_digest(fingerprint, _fingerprint(user)):
        raise ResetLinkInvalid()
    return user


def request_reset(session: Session, secret: str | bytes, email: str, link_for: Callable[[str], str]) -> None:
    """Mails a reset link when the e-mail belongs to an active account and no link was mailed to it
    in the last RESET_COOLDOWN; does nothing otherwise. The caller answers the same either way."""
    try:
        email = normalise_email(email)
    except AccountError:
        return
    user = session.scalar(select(User).where(func.lower(User.email) == email))
    if user is None or not user.is_active:
        return
    now = clock.real_now()
    if user.password_reset_sent_at is not None and now - user.password_reset_sent_at < RESET_COOLDOWN:
        return  # the link sent a moment ago still works; nobody floods a mailbox through this form
    user.password_reset_sent_at = now
    link = link_for(reset_token(secret, user))
    minutes = RESET_MAX_AGE // 60
    body = str(_("Ktoś (prawdopodobnie Ty) poprosił o ustawienie nowego hasła do konta %(email)s w serwisie Granty.\n\n"
                 "Aby ustawić nowe hasło, otwórz ten link (ważny %(n)s min, działa jeden raz):\n%(link)s\n\n"
                 "Po zmianie hasła wszystkie sesje i tokeny API tego konta zostaną zakończone.\n"
                 "Jeśli to nie Ty, zignoruj tę wiadomość: hasło się nie zmieni.",
                 email=user.email, n=minutes, link=link))
    outbox.emit(session, "email.send", {"to": user.email, "subject": str(_("Ustawienie nowego hasła")),
                                        "body": body})


def reset_password(session: Session, secret: str | bytes, token: str, new: str) -> User:
    """Sets a new password from a reset link; every session and token of the user ends."""
    user = user_for_reset(session, secret, token)
    _set_password(session, user, new, reason=sessions.PASSWORD_RESET, actor=user)
    return user
