"""The grantor, its departments, organisations and their members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base
from grants.core.types import UTCDateTime


class Grantor(Base):
    """The local authority granting (Gmina Miejska Kraków by default); one deployment may serve several."""

    __tablename__ = "grantors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    office_name: Mapped[str] = mapped_column(String(255), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    nip: Mapped[str | None] = mapped_column(String(10))

    departments: Mapped[list["Department"]] = relationship(back_populates="grantor", order_by="Department.code")


class Department(Base):
    """A department (Wydział/Biuro) of the grantor's office."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"))
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))

    grantor: Mapped[Grantor] = relationship(back_populates="departments")


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    legal_form: Mapped[str] = mapped_column(String(40))
    krs: Mapped[str | None] = mapped_column(String(10), unique=True)
    nip: Mapped[str | None] = mapped_column(String(10), unique=True)
    regon: Mapped[str | None] = mapped_column(String(14))
    fields: Mapped[list] = mapped_column(JSON, default=list)
    district: Mapped[str | None] = mapped_column(String(10))
    address: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str] = mapped_column(String(255), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation",
                                                           cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


class Membership(Base):
    """A user acting for an organisation."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="user_org"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    function: Mapped[str] = mapped_column(String(100), default="")

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821
