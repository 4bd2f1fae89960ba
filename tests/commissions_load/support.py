"""A commission built quickly for load, concurrency and query-count tests: the contest and the
commission go through the real operations and transitions; the many rows in between (extra
offers, declarations, score cards) are bulk-inserted copies of what the operations write."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import insert

from grants.core import clock
from grants.commissions import operations as rops
from grants.commissions.composition import participating_organisations
from reviewers.models import Declaration, ScoreCard
from tests.factories import contest_in_evaluation, make_org, make_user
from tests.offers_load import bulk


@dataclass
class World:
    contest_id: int
    commission_id: int
    offer_ids: list[int]
    officer: object  # of the contest's department, not on the commission
    chair: object  # an officer chairing the commission
    member: object  # a commission_member with a vote (outsider)
    conflicted: object  # declared a conflict with the first offer's organisation
    members: list = field(default_factory=list)  # all users on the commission
    member_ids: dict = field(default_factory=dict)  # user id -> commission member id


def build(session, *, real: int, extra: int = 0, members: int = 3, grants=None, experts: int = 1,
          points=None, complete: bool = False) -> World:
    """`real` offers submitted through the operations (one organisation and applicant each) and
    `extra` bulk-inserted eligible ones; `members` people on the commission (the chair, the
    conflicted member, the plain member, then more voting members, and `experts` advisory ones
    among them when there is room). `points(k, member id)` is each card's score per criterion
    (default: spread over 1-5); `complete` gives the plain member every card too."""
    assert members >= 3
    officer = make_user(session, "officer")
    pairs = []
    for k in range(real):
        org = make_org(session)
        pairs.append((make_user(session, "applicant", org=org), org, (grants or {}).get(k, "9000.00")))
    contest, offers = contest_in_evaluation(session, officer, pairs)
    offer_ids = [o.id for o in offers]
    if extra:
        orgs = bulk.organisations(session, extra)
        from tests.factories import offer_content
        offer_ids += bulk.offers(session, [(contest.id, o) for o in orgs], offer_content(contest), state="eligible")
        session.commit()
    chair = make_user(session, "officer")
    conflicted = make_user(session, "commission_member")
    member = make_user(session, "commission_member")
    people = [(chair, "city", True), (conflicted, "city", False), (member, "city", False)]
    for i in range(members - 3):
        kind = "expert" if i < experts else "city"
        people.append((make_user(session, "commission_member"), kind, False))
    com = rops.create(session, officer, contest)
    session.commit()
    for u, kind, is_chair in people:
        rops.add_member(session, officer, com, user_id=u.id, kind=kind, is_chair=is_chair)
    session.commit()
    rops.transition(session, com, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    member_ids = {m.user_id: m.id for m in com.members}
    orgs = sorted(participating_organisations(session, contest.id))
    first_org = offers[0].organisation_id
    now = clock.now()
    session.execute(insert(Declaration), [
        {"member_id": mid, "organisation_id": org, "conflict": uid == conflicted.id and org == first_org,
         "grounds": ["family"] if uid == conflicted.id and org == first_org else [], "note": "",
         "declared_at": now}
        for uid, mid in member_ids.items() for org in orgs])
    session.commit()
    rops.transition(session, com, "start_scoring", officer)
    codes = [c["code"] for c in contest.criteria]
    rows = []
    for uid, mid in member_ids.items():
        for k, oid in enumerate(offer_ids):
            if uid == conflicted.id and k == 0:
                continue  # excluded: never a card
            if uid == member.id and k % 2 and not complete:
                continue  # the plain member still has cards to fill in
            pts = str(points(k, mid) if points else 1 + (k * 7 + mid) % 5)
            rows.append({"commission_id": com.id, "member_id": mid, "offer_id": oid, "state": "submitted",
                         "scores": {c: pts for c in codes}, "justifications": {c: "Uzasadnienie" for c in codes},
                         "submitted_at": now, "version": 1})
    session.execute(insert(ScoreCard), rows)
    session.commit()
    return World(contest_id=contest.id, commission_id=com.id, offer_ids=offer_ids, officer=officer, chair=chair,
                 member=member, conflicted=conflicted, members=[p[0] for p in people], member_ids=member_ids)


def close_scoring(session, world: World, reason: str = "Brak części kart: zamknięcie za zgodą komisji") -> None:
    from reviewers.models import Commission
    com = session.get(Commission, world.commission_id)
    rops.transition(session, com, "close_scoring", world.chair, {"reason": reason})


def approve(session, world: World) -> None:
    from reviewers.models import Commission
    com = session.get(Commission, world.commission_id)
    rops.transition(session, com, "approve_protocol", world.chair)


def money(v) -> Decimal:
    return Decimal(v).quantize(Decimal("0.01"))
