"""Shared set-up of the commission pool tests: an organisation, a member who nominates, a candidate
with a registered account and a profile the public must never see."""
from __future__ import annotations

from sqlalchemy import func, select

from grants.calltypes.federation.models import PoolCandidate
from grants.core.audit import AuditEntry

SECRET_PROFILE = "Profil poufny: 12 lat w radzie seniorów Nowej Huty, mediatorka"


def named(session, user, name):
    user.full_name = name
    session.commit()
    return user


def nominate_api(client, headers, org, candidate, fields=("seniors",), profile=SECRET_PROFILE):
    return client.post("/api/v1/commission-pool", headers=headers,
                       json={"organisation_id": str(org.id), "email": candidate.email, "profile": profile,
                             "fields": list(fields)})


def counts(session) -> tuple[int, int]:
    """(pool rows, audit entries about the pool): what a refused request must leave unchanged."""
    session.expire_all()
    return (session.scalar(select(func.count()).select_from(PoolCandidate)),
            session.scalar(select(func.count()).select_from(AuditEntry)
                           .where(AuditEntry.object_type == "pool_candidate")))
