"""Column types that keep money exact and datetimes aware on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

from .money import MoneyError, to_money

_BIGINT_MAX = 2**63 - 1


class Money(TypeDecorator):
    """Decimal PLN stored as whole grosze in a BIGINT (SQLite's NUMERIC goes through float)."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        grosze = int(to_money(value).scaleb(2))
        if abs(grosze) > _BIGINT_MAX:
            raise MoneyError(f"amount out of range for a Money column: {value!r}")
        return grosze

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return Decimal(int(value)).scaleb(-2)


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


class Percent(TypeDecorator):
    """A percentage (or percentage points) with two places, stored exactly as hundredths in an INTEGER."""

    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        return int(to_money(value) * 100)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return (Decimal(int(value)) / 100).quantize(Decimal("0.01"))
