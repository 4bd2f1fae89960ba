"""One-time links sent by e-mail: the sign-in link (proof of possession of the mailbox, the way in
while attackers keep failing passwords) and the e-mail confirmation of a new account.

Both are itsdangerous URLSafeTimedSerializer tokens, each purpose with its own salt, timed on the
technical clock. Single use:
- a sign-in link carries a random id that is inserted into `used_tokens` when it is used; the
  unique key refuses a second use, even a concurrent one;
- a confirmation link is bound to the account being unconfirmed and to its current password hash:
  confirming changes the first, registering again with the same address changes the second, so an
  older link stops working.
Flask-free; the caller passes the secret and a function that turns a token into an absolute URL.
"""
from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import Callable

from itsdangerous import BadSignature, SignatureExpired, TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grants.core import audit, clock, outbox
from grants.core.i18n import _

from . import throttle
from .models import UsedToken, User

SIGNIN_SALT = "grants.accounts.signin-link"
CONFIRM_SALT = "grants.accounts.confirm-email"
SIGNIN_MAX_AGE = timedelta(minutes=15)
CONFIRM_MAX_AGE = timedelta(hours=48)

LinkFor = Callable[[str], str]


class LinkError(ValueError):
    """A link that cannot be used: `message` is for the user (the same whatever the reason)."""

    def __init__(self, message, expired: bool = False):
        self.message, self.expired = message, expired
        super().__init__(str(message))


class _RealTimeSigner(TimestampSigner):
    """Timestamps on the technical clock (grants.core.clock.real_now), not time.time() directly."""

    def get_timestamp(self) -> int:
        return int(clock.real_now().timestamp())


def _serializer(secret: str, salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt=salt, signer=_RealTimeSigner)


def _load(secret: str, salt: str, token: str, max_age: timedelta) -> dict:
    try:
        data = _serializer(secret, salt).loads(token, max_age=int(max_age.total_seconds()))
    except SignatureExpired:
        raise LinkError(_("Link wygasł. Poproś o nowy."), expired=True) from None
    except BadSignature:
        raise LinkError(_("Link jest nieprawidłowy albo został już użyty.")) from None
    if not isinstance(data, dict):
        raise LinkError(_("Link jest nieprawidłowy albo został już użyty."))
    return data


def find_user(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(func.lower(User.email) == (email or "").strip().lower()))


def can_sign_in(user: User | None) -> bool:
    return user is not None and user.is_active and user.email_confirmed_at is not None


# ---------------------------------------------------------------- sign-in link

def request_signin_link(session: Session, email: str, *, secret: str, link_for: LinkFor) -> bool:
    """Queues a sign-in link to the account's address when there is an account that may sign in;
    the caller answers the same either way. Returns whether a mail was queued (for tests and logs,
    never for the answer)."""
    user = find_user(session, email)
    if not can_sign_in(user):
        return False
    token = _serializer(secret, SIGNIN_SALT).dumps({"u": user.id, "j": uuid.uuid4().hex})
    minutes = int(SIGNIN_MAX_AGE.total_seconds() // 60)
    body = "\n\n".join(str(x) for x in (
        _("Ktoś (zapewne Ty) poprosił o jednorazowy link do logowania w serwisie konkursów grantowych."),
        _("Aby się zalogować, otwórz link i potwierdź przyciskiem (link działa raz, przez %(n)s minut):", n=minutes),
        link_for(token),
        _("Jeśli to nie Ty, zignoruj tę wiadomość: bez tego linku nikt się nie zaloguje, a Twoje hasło "
          "pozostaje bez zmian."),
    ))
    outbox.emit(session, "email.send", {"to": user.email, "subject": str(_("Jednorazowy link do logowania")),
                                        "body": body})
    return True


def use_signin_link(session: Session, token: str, *, secret: str, ip: str = "") -> User:
    """Signs the link's owner in once: records the link used and a successful attempt of the pair
    (which also resets the pair's throttle). Raises LinkError otherwise; the caller commits."""
    data = _load(secret, SIGNIN_SALT, token, SIGNIN_MAX_AGE)
    user = session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    jti = data.get("j")
    if not can_sign_in(user) or not isinstance(jti, str):
        raise LinkError(_("Link jest nieprawidłowy albo został już użyty."))
    session.add(UsedToken(purpose="signin", jti=jti[:64], used_at=clock.real_now()))
    try:
        session.flush()
    except IntegrityError:  # used before (or at this very moment by another request)
        session.rollback()
        raise LinkError(_("Link jest nieprawidłowy albo został już użyty.")) from None
    throttle.record(session, user.email, ip, True)
    return user


def purge_used(session: Session) -> int:
    """Forgets used sign-in links older than their lifetime (they are expired anyway)."""
    cut = clock.real_now() - SIGNIN_MAX_AGE - timedelta(minutes=1)
    return session.execute(delete(UsedToken).where(UsedToken.used_at < cut)).rowcount or 0


# ---------------------------------------------------------------- e-mail confirmation

def _fingerprint(user: User) -> str:
    return hashlib.sha256((user.password_hash or "").encode()).hexdigest()[:20]


def confirmation_token(user: User, secret: str) -> str:
    return _serializer(secret, CONFIRM_SALT).dumps({"u": user.id, "p": _fingerprint(user)})


def confirm_email(session: Session, token: str, *, secret: str) -> User:
    """Marks the address confirmed, once. Raises LinkError for a bad, expired or used link; the
    caller commits."""
    data = _load(secret, CONFIRM_SALT, token, CONFIRM_MAX_AGE)
    user = session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.email_confirmed_at is not None or data.get("p") != _fingerprint(user):
        raise LinkError(_("Link jest nieprawidłowy albo został już użyty."))
    user.email_confirmed_at = clock.real_now()
    audit.record(session, "user", user.id, "confirm_email", user, changes={"email": user.email})
    return user
