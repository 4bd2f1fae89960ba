"""Users with roles (DOMAIN.md §2); a person may hold several."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.permissions import ROLES
from grants.core.types import UTCDateTime
from grants.registry.models import Department, Membership


class User(IdKey, Base):
    __tablename__ = "users"
    # the people directory's order (GET /api/v1/users: by name), walked by key (issue 20)
    __table_args__ = (Index("ix_users_full_name_id", "full_name", "id"),)

    email: Mapped[str] = mapped_column(String(255), unique=True)
    full_name: Mapped[str] = mapped_column(String(255), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # bumped by logout, password change or reset, "log out everywhere" and deactivation: every
    # session cookie and API token carries the generation it was issued in (grants/accounts/sessions.py)
    session_generation: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # when the last password-reset mail was sent: at most one per RESET_COOLDOWN (no mail floods)
    password_reset_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), index=True)
    # the authority whose staff (officer, admin, finance) the person is; None for applicants and the
    # platform operator (issue 22): staff act within their grantor only
    grantor_id: Mapped[int | None] = mapped_column(ForeignKey("grantors.id"), index=True)
    stakeholder_type: Mapped[str | None] = mapped_column(String(20))
    locale: Mapped[str | None] = mapped_column(String(5))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # None until the owner follows the link e-mailed at registration; such an account cannot sign in
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # optional second factor for staff (grants/accounts/totp.py): the base32 secret once confirmed, the
    # last accepted time step (a code is never accepted twice) and wrong codes since the last password
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    totp_failures: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # R-RODO: set when the person's data was anonymised at their request (grants/privacy/operations.py)
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    roles: Mapped[list["UserRole"]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                   lazy="selectin")
    department: Mapped[Department | None] = relationship()
    memberships: Mapped[list[Membership]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def role_names(self) -> frozenset[str]:
        return frozenset(r.role for r in self.roles)

    @property
    def organisation_ids(self) -> frozenset[int]:
        return frozenset(m.organisation_id for m in self.memberships)

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    # Flask-Login's user protocol
    @property
    def is_active(self) -> bool:
        return bool(self.active)

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Flask-Login stores this in the session: a cookie from an older generation loads no user
        return f"{self.id}:{self.session_generation or 0}"

    def __str__(self) -> str:
        return self.email


class UserRole(IdKey, Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role", name="user_role"),
        CheckConstraint("role IN (%s)" % ", ".join(f"'{r}'" for r in ROLES), name="role_known"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(30))

    user: Mapped[User] = relationship(back_populates="roles")


class LoginAttempt(IdKey, Base):
    """Failed and successful logins, for rate limiting (technical time)."""

    __tablename__ = "login_attempts"

    email: Mapped[str] = mapped_column(String(255), index=True)
    ip: Mapped[str] = mapped_column(String(64), default="")
    success: Mapped[bool] = mapped_column(Boolean, default=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class UsedToken(IdKey, Base):
    """One-time links already used (sign-in links): their id is inserted once, so a second use, even a
    concurrent one, fails on the unique key. Rows older than the links' lifetime may be deleted."""

    __tablename__ = "used_tokens"

    purpose: Mapped[str] = mapped_column(String(30))
    jti: Mapped[str] = mapped_column(String(64), unique=True)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
