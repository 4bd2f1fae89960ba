"""What the public portals list (issue 22): one authority's announcements at /<code>/, and the
national view of every authority's open calls (S5: one place for an NGO to find every call),
filterable by authority, voivodeship, district (powiat) and field. Public states only."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.registry.models import Grantor

from .models import Contest

PUBLIC_ON_PORTAL = ("planned", "published", "closed", "formal_review", "evaluation")
RESULTS = ("decided", "concluded")


#: the national list's order: nearest deadline first (its keys walk ix_contests_state_deadline)
OPEN_ORDER = (Contest.deadline.asc().nulls_last(), Contest.id)


def open_calls(*, grantor_id: int | None = None, teryt_prefix: str = "", field: str | None = None):
    """Published contests (taking offers) of every authority, or of those filtered: a query of the
    columns the national list shows, to be paged in OPEN_ORDER (thousands at the national size)."""
    q = (select(Contest.id, Contest.title, Contest.deadline, Grantor.code.label("grantor_code"),
                Grantor.name.label("grantor_name"), Grantor.teryt.label("grantor_teryt"))
         .join(Grantor, Grantor.id == Contest.grantor_id).where(Contest.state == "published"))
    if grantor_id is not None:
        q = q.where(Contest.grantor_id == grantor_id)
    if teryt_prefix:  # a voivodeship's 2 digits or a powiat's 4
        q = q.where(Grantor.teryt.startswith(teryt_prefix, autoescape=True))
    if field:
        q = q.where(Contest.field == field)
    return q


def of_authority(session: Session, grantor_id: int, states=PUBLIC_ON_PORTAL) -> list[Contest]:
    q = (select(Contest).where(Contest.grantor_id == grantor_id, Contest.state.in_(states))
         .order_by(Contest.deadline.desc().nulls_last(), Contest.id.desc()))
    return list(session.scalars(q))
