"""Fast bulk rows for load and query-count tests: ORM bulk INSERTs copying one real row built
through the operations (so the values are realistic), not hundreds of HTTP calls."""
from __future__ import annotations

import itertools
import uuid
from datetime import timedelta

from sqlalchemy import insert

from grants.accounts.models import User, UserRole
from grants.accounts.passwords import DUMMY_HASH
from grants.api.auth import digest
from grants.api.models import ApiToken
from grants.contests.models import Contest
from grants.core import clock
from grants.offers.models import Offer
from grants.registry.models import Membership, Organisation

_seq = itertools.count(1)


def _ids(session, model, rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return list(session.scalars(insert(model).returning(model.id), rows))


def organisations(session, n: int) -> list[int]:
    from grants.demo import identifiers
    now = clock.real_now()
    rows = []
    for _ in range(n):
        i = 5000 + next(_seq)
        krs, nip, regon = identifiers(i)
        rows.append({"name": f"Stowarzyszenie Obciążeniowe {i}", "legal_form": "association", "krs": krs,
                     "nip": nip, "regon": regon, "fields": ["culture"], "district": "I",
                     "address": f"ul. Testowa {i}, Kraków", "created_at": now})
    return _ids(session, Organisation, rows)


def applicants(session, org_ids: list[int]) -> list[tuple[int, str]]:
    """One applicant per organisation, each with an API token: [(user_id, token)]."""
    now = clock.real_now()
    tag = uuid.uuid4().hex[:8]
    user_ids = _ids(session, User, [
        {"email": f"load-{tag}-{i}@test.example.org", "full_name": f"Wnioskodawca {i}", "password_hash": DUMMY_HASH,
         "active": True, "created_at": now} for i in range(len(org_ids))])
    session.execute(insert(UserRole), [{"user_id": u, "role": "applicant"} for u in user_ids])
    session.execute(insert(Membership), [{"user_id": u, "organisation_id": o, "function": "", "role": "board"}
                                         for u, o in zip(user_ids, org_ids)])
    tokens = [f"load-{tag}-{uuid.uuid4().hex}" for _ in user_ids]
    session.execute(insert(ApiToken), [{"user_id": u, "token_hash": digest(t), "created_at": now,
                                        "expires_at": now + timedelta(days=1)} for u, t in zip(user_ids, tokens)])
    return list(zip(user_ids, tokens))


def _columns(obj, skip=("id",)) -> dict:
    return {col.key: getattr(obj, col.key) for col in type(obj).__mapper__.column_attrs if col.key not in skip}


def contests(session, template: Contest, n: int, **overrides) -> list[int]:
    """n copies of `template` (a real contest), each with its own title."""
    base = _columns(template)
    base.update(overrides)
    return _ids(session, Contest, [{**base, "title": f"{base['title']} #{next(_seq)}"} for _ in range(n)])


def offers(session, pairs: list[tuple[int, int]], content: dict, state: str = "draft", created_by_id=None) -> list[int]:
    """One offer per (contest_id, organisation_id); submitted ones get a number, a receipt time and figures."""
    from decimal import Decimal
    now = clock.now()
    rows = []
    for contest_id, org_id in pairs:
        row = {"contest_id": contest_id, "organisation_id": org_id, "state": state, "version": 1, "content": content,
               "title": content.get("task", {}).get("title", ""), "revision_count": 0, "formal_checks": {},
               "created_by_id": created_by_id, "created_at": now}
        if state != "draft":
            k = next(_seq)
            row.update(number=f"L/{contest_id}/{org_id}/{k}", submitted_at=now, revision_count=1,
                       requested_grant=Decimal("9000.00"), total_cost=Decimal("10000.00"))
        rows.append(row)
    return _ids(session, Offer, rows)
