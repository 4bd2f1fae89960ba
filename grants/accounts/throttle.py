"""Login throttling that cannot lock the owner out (issue 21, "lock-out as a weapon").

Failures are counted per pair (account e-mail, client address), not per account: a rival failing on
purpose from their own addresses slows only themselves. After FREE_FAILURES failures of a pair, each
further attempt of that pair waits a delay that doubles with every failure (BASE_DELAY, 2×, 4×, …, at
most MAX_DELAY), counted from the pair's last failure; a successful sign-in of the pair starts it
afresh. Nothing is ever a lock: once the wait has passed, the right password works.

The account-wide ceiling only slows: when an account has ACCOUNT_CEILING failures or more in the
window (from any addresses, a distributed guess), a pair from an address that has never signed in
to the account (within KNOWN_ADDRESS_DAYS) gets one free failure instead of FREE_FAILURES. The
owner's first attempt from any address, and every attempt from an address they used before, is
still checked; the one-time sign-in link (grants.accounts.signin_link) is never throttled here.

Coarse per-address limits (how many failures one address may make across all accounts, sign-in
link and registration requests) are Flask-Limiter's, in grants.ratelimits. Technical time:
clock.real_now(). Flask-free.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, delete, func, select
from sqlalchemy.orm import Session

from grants.core import clock
from grants.core.i18n import _

from .models import LoginAttempt

WINDOW = timedelta(hours=1)          # failures older than this are forgotten
FREE_FAILURES = 3                    # a pair's failures before any delay
BASE_DELAY = timedelta(seconds=2)    # the first delay; doubles with each further failure
MAX_DELAY = timedelta(minutes=15)
ACCOUNT_CEILING = 20                 # an account's failures in the window that mean "under attack"
KNOWN_ADDRESS_DAYS = 90              # an address that signed in to the account this recently is known
KEEP = timedelta(days=KNOWN_ADDRESS_DAYS + 1)  # attempts older than this may be purged


@dataclass(frozen=True)
class Verdict:
    """What the throttle says about one attempt of a pair, before the password is checked."""
    wait_seconds: int      # 0: the attempt may go ahead; otherwise how long the pair must wait
    pair_failures: int     # failures of this pair since its last success, within the window
    account_failures: int  # failures of the account from every address within the window
    slowed: bool           # the account-wide ceiling applies to this pair

    @property
    def allowed(self) -> bool:
        return self.wait_seconds == 0


def delay_after(failures: int, free: int = FREE_FAILURES) -> timedelta:
    """The wait after `failures` failures of a pair: none up to `free`, then BASE_DELAY doubling,
    at most MAX_DELAY. Pure, so tests can check the whole curve."""
    if failures < free:
        return timedelta(0)
    exponent = min(failures - free, 20)  # 2 s × 2^20 is far beyond MAX_DELAY already
    return min(BASE_DELAY * (2 ** exponent), MAX_DELAY)


def check(session: Session, email: str, ip: str, now: datetime | None = None) -> Verdict:
    """May this pair try a password now? Reads only; `record` writes the outcome."""
    now = now or clock.real_now()
    since = now - WINDOW
    last_success = session.scalar(select(func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.success.is_(True),
        LoginAttempt.at >= now - timedelta(days=KNOWN_ADDRESS_DAYS)))
    pair_since = max(since, last_success) if last_success else since
    pair_failures, last_failure = session.execute(select(func.count(), func.max(LoginAttempt.at)).where(
        LoginAttempt.email == email, LoginAttempt.ip == ip, LoginAttempt.success.is_(False),
        LoginAttempt.at >= pair_since)).one()
    account_failures = session.scalar(select(func.count()).select_from(LoginAttempt).where(
        and_(LoginAttempt.email == email, LoginAttempt.success.is_(False), LoginAttempt.at >= since))) or 0
    slowed = account_failures >= ACCOUNT_CEILING and last_success is None
    delay = delay_after(pair_failures, 1 if slowed else FREE_FAILURES)
    wait = 0
    if delay and last_failure is not None:
        remaining = (last_failure + delay - now).total_seconds()
        wait = max(0, math.ceil(remaining))
    return Verdict(wait_seconds=wait, pair_failures=pair_failures or 0,
                   account_failures=account_failures, slowed=slowed)


def record(session: Session, email: str, ip: str, success: bool, now: datetime | None = None) -> None:
    session.add(LoginAttempt(email=email, ip=ip, success=success, at=now or clock.real_now()))


def purge(session: Session, now: datetime | None = None) -> int:
    """Deletes attempts older than KEEP (nothing reads them); returns how many."""
    now = now or clock.real_now()
    return session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP)).rowcount or 0


def wait_message(seconds: int):
    """The Polish message for a throttled attempt, saying how long to wait."""
    if seconds < 60:
        return _("Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za %(n)s s.", n=max(1, seconds))
    return _("Zbyt wiele nieudanych prób logowania. Spróbuj ponownie za %(n)s min.", n=math.ceil(seconds / 60))
