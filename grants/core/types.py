"""Column types that keep money exact and datetimes aware on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from .money import MoneyError, to_money

_BIGINT_MAX = 2**63 - 1


class _Hundredths(TypeDecorator):
    """A Decimal with two places stored exactly as a whole number of hundredths in a BIGINT (SQLite's
    NUMERIC goes through float)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        hundredths = int(to_money(value).scaleb(2))
        if abs(hundredths) > _BIGINT_MAX:
            raise MoneyError(f"amount out of range for a {type(self).__name__} column: {value!r}")
        return hundredths

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-2)


class Money(_Hundredths):
    """Decimal PLN stored as whole grosze."""

    cache_ok = True


class UTCDateTime(TypeDecorator):
    """Stores UTC, returns aware UTC datetimes; naive input is refused (it hides bugs)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"UTCDateTime needs a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


class Percent(_Hundredths):
    """A percentage (or percentage points) with two places, stored exactly as hundredths."""

    cache_ok = True
