from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.contests.models import Contest
from grants.core.db import Base, IdKey
from grants.core.i18n import _
from grants.core.types import Money, UTCDateTime
from grants.registry.models import Organisation
from grants.workflows.base import WorkflowMixin


OFFER_STATES = {
    "draft": _("szkic"),
    "submitted": _("złożona"),
    "needs_correction": _("do uzupełnienia"),
    "eligible": _("poprawna formalnie"),
    "formally_rejected": _("odrzucona formalnie"),
    "selected": _("wybrana"),
    "not_selected": _("niewybrana"),
    "update_required": _("wymaga aktualizacji"),
    "ready_for_agreement": _("gotowa do umowy"),
    "declined": _("rezygnacja"),
    "withdrawn": _("wycofana"),
}


class Offer(WorkflowMixin, Base, states=OFFER_STATES):
    __tablename__ = "offers"
    # what submission's checks and frozen revision read (deadline, registry data of the applicants)
    __lock_loads__ = ("contest", "organisation", "partners.organisation")
    # what none of the offer's transitions reads of those rows (read on first use if one ever does)
    __lock_defers__ = {
        "contest": ("grant_rules", "task_conditions", "procedure", "previous_tasks", "announcement",
                    "criteria", "cancel_reason", "cancelled_at", "cloned_from_id",
                    "created_by_id", "created_at", "planned_announcement", "results_published_at"),
        "organisation": ("description", "created_at"),
        "partners.organisation": ("description", "created_at"),
    }
    # who locks an offer's row changes it (its version) or appends to its chain (a federation
    # member's answer, record_change): the engine's write sees both (grants.workflows.base)
    __plain_read__ = True

    contest_id: Mapped[int] = mapped_column(ForeignKey("contests.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    title: Mapped[str] = mapped_column(String(500), default="")
    content: Mapped[dict] = mapped_column(JSON, default=dict)  # the working copy (draft or being corrected)
    requested_grant: Mapped[Decimal | None] = mapped_column(Money())
    total_cost: Mapped[Decimal | None] = mapped_column(Money())
    proposed_grant: Mapped[Decimal | None] = mapped_column(Money())  # R-ALLOC: the officer's proposal
    awarded_grant: Mapped[Decimal | None] = mapped_column(Money())  # the authority's decision (R-RESULTS)
    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    receipt: Mapped[dict | None] = mapped_column(JSON)
    revision_count: Mapped[int] = mapped_column(Integer, default=0)
    formal_checks: Mapped[dict] = mapped_column(JSON, default=dict)
    deficiencies: Mapped[list | None] = mapped_column(JSON)
    correction_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    rejection_reasons: Mapped[str | None] = mapped_column(Text)
    withdraw_reason: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    contest: Mapped[Contest] = relationship()
    organisation: Mapped[Organisation] = relationship()
    partners: Mapped[list["OfferPartner"]] = relationship(cascade="all, delete-orphan", order_by="OfferPartner.id")
    revisions: Mapped[list["OfferRevision"]] = relationship(cascade="all, delete-orphan",
                                                            order_by="OfferRevision.number")

    @property
    def partner_ids(self) -> list[int]:
        return [p.organisation_id for p in self.partners]

    @property
    def is_joint(self) -> bool:
        return bool(self.partners)


class OfferPartner(IdKey, Base):
    """A partner organisation of a joint offer (R-OFF-JOINT); its members see the offer too."""

    __tablename__ = "offer_partners"
    __table_args__ = (UniqueConstraint("offer_id", "organisation_id", name="offer_org"),)

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    organisation: Mapped[Organisation] = relationship()


class OfferRevision(IdKey, Base):
    """A frozen version of the offer's content: each submission, correction or update (R-OFF-DEADLINE)."""

    __tablename__ = "offer_revisions"
    __table_args__ = (UniqueConstraint("offer_id", "number", name="offer_number"),)

    offer_id: Mapped[int] = mapped_column(ForeignKey("offers.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # submission, correction, update
    content: Mapped[dict] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
