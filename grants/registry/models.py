"""The grantor, its departments, organisations and their members."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.core.db import Base, IdKey
from grants.core.types import UTCDateTime


class Grantor(IdKey, Base):
    """The local authority granting (Gmina Miejska Kraków by default); one deployment may serve several."""

    __tablename__ = "grantors"

    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    office_name: Mapped[str] = mapped_column(String(255), default="")
    address: Mapped[str] = mapped_column(String(255), default="")
    nip: Mapped[str | None] = mapped_column(String(10))
    # issue 22: many authorities in one deployment. TERYT code of the unit (its first two digits are
    # the voivodeship), the portal's look (coat of arms image URL, colour) and an optional host name
    teryt: Mapped[str] = mapped_column(String(7), default="", server_default="")
    coat_of_arms_url: Mapped[str] = mapped_column(String(255), default="", server_default="")
    colour: Mapped[str] = mapped_column(String(7), default="#1d4f91", server_default="#1d4f91")
    host: Mapped[str | None] = mapped_column(String(255), unique=True)

    departments: Mapped[list["Department"]] = relationship(back_populates="grantor", order_by="Department.code")


class Department(IdKey, Base):
    """A department (Wydział/Biuro) of the grantor's office."""

    __tablename__ = "departments"
    # each authority names its own departments: two may both have a "WK" (issue 22)
    __table_args__ = (UniqueConstraint("grantor_id", "code", name="uq_departments_grantor_code"),)

    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"))
    code: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(255))
    # fields of public benefit (dictionaries.FIELDS codes) the department handles: an art. 12 or
    # art. 19a offer in one of them goes to this department (grants.registry.departments)
    fields: Mapped[list] = mapped_column(JSON, default=list)

    grantor: Mapped[Grantor] = relationship(back_populates="departments")


class Organisation(IdKey, Base):
    __tablename__ = "organisations"
    # the registry's list by name, paged by key (grants.core.keyset, issue 20)
    __table_args__ = (Index("ix_organisations_name_id", "name", "id"),)

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
    # a merged record stays as a redirect to the one kept (grants.registry.merging)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)

    memberships: Mapped[list["Membership"]] = relationship(back_populates="organisation",
                                                           cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.name


BOARD, MEMBER = "board", "member"
MEMBER_ROLES = (BOARD, MEMBER)


class Membership(IdKey, Base):
    """A user acting for an organisation (R-ORG-MEMBERSHIP). `role`: the board submits, withdraws and
    signs for the organisation and manages its members; a member drafts."""

    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("user_id", "organisation_id", name="user_org"),
                      CheckConstraint("role IN ('board', 'member')", name="membership_role"))

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    function: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(10), default=MEMBER)

    organisation: Mapped[Organisation] = relationship(back_populates="memberships")
    user: Mapped["User"] = relationship(back_populates="memberships")  # noqa: F821


class MembershipInvitation(IdKey, Base):
    """An organisation's invitation of a person, by e-mail (R-ORG-MEMBERSHIP): accepted or declined
    from the invitee's own account, once, before it expires (technical time)."""

    __tablename__ = "membership_invitations"
    __table_args__ = (CheckConstraint("role IN ('board', 'member')", name="invitation_role"),
                      CheckConstraint("status IN ('pending', 'accepted', 'declined', 'revoked')",
                                      name="invitation_status"))

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(String(255), index=True)
    role: Mapped[str] = mapped_column(String(10), default=MEMBER)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    organisation: Mapped[Organisation] = relationship()
    invited_by: Mapped["User | None"] = relationship(foreign_keys=[invited_by_id])  # noqa: F821


class OfferOutsideContest:
    """The columns of an offer an organisation submits outside a contest (art. 12 own initiative,
    art. 19a small grant): who submits it for whom, the department it is assigned to, what it is."""

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True, sort_order=-1)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"), sort_order=-1)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), sort_order=-1)
    title: Mapped[str] = mapped_column(String(255), sort_order=-1)
    description: Mapped[str] = mapped_column(Text, default="", sort_order=-1)
    field: Mapped[str | None] = mapped_column(String(40), sort_order=-1)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"), index=True)  # the authority (issue 22)


class OrganisationNote(IdKey, Base):
    """One authority's own note on an organisation of the shared registry (issue 22): its staff read
    and write them; another authority's staff and the organisation never see them."""

    __tablename__ = "organisation_notes"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    grantor_id: Mapped[int] = mapped_column(ForeignKey("grantors.id"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
