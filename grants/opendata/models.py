"""When each OCDS release first appeared in the changes feed. A release's `date` is the date of its
fact, which can lie in the past when the fact is recorded late (a transfer booked a week after it was
made); harvesters ask for what was published since their last visit, so the feed filters on this
instant, not on the fact's date."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from grants.core.db import Base
from grants.core.types import UTCDateTime


class PublishedRelease(Base):
    __tablename__ = "opendata_publications"

    release_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    ocid: Mapped[str] = mapped_column(String(100), index=True)
    first_published_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
