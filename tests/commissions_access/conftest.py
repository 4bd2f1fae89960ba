"""Who sees what in commissions: one world of contests, commissions, members and cards per module.

The matrix sends hundreds of requests against the same data, so the data is built once per module
through the real operations and wiped at the module's end; the root conftest's per-test wipe is
switched off for this package. Every request here is either a read or a write that must be refused
(or that repeats what is stored), and each write checks that nothing changed.

Four commissions, all for contests of department BIS:
- k_scoring: scoring open; every member's cards submitted for offers A and B (the conflicted member
  declared a conflict with organisation B, so has no card for B), nobody's for C except a draft of
  the city member;
- k_closed: scoring closed with every card; the default allocation filled in;
- k_approved: the protocol approved and the contest decided (results public);
- k_other: forming, nobody sits on it (members see only the commissions they sit on).
Each card's justification is a marker "J-<commission>-<author>-<offer>" that is scanned for in every
response body: a marker reaching someone who may not read that card is a leak.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.access import Requests
from tests.conftest import wiped
from tests.factories import signed_in

ROLES = ("anonymous", "applicant_a", "officer_same", "officer_other", "admin", "finance", "participant",
         "chair", "member_city", "nominee", "expert", "excluded_nominee", "conflicted")
STAFF = frozenset({"officer_same", "admin", "chair"})  # officers of the contest's department (the chair is one) and admins
MEMBERS = ("chair", "member_city", "nominee", "expert", "excluded_nominee", "conflicted")
ACTIVE = frozenset(MEMBERS) - {"excluded_nominee"}
VOTERS = frozenset({"chair", "member_city", "nominee", "conflicted"})
COMMISSIONS = ("k_scoring", "k_closed", "k_approved", "k_other")
SAT_ON = frozenset({"k_scoring", "k_closed", "k_approved"})  # the members sit on these, not on k_other
CONFLICT = {("conflicted", "ob")}  # (member, offer) excluded by a declared conflict
CLOSED = frozenset({"k_closed", "k_approved"})
OFFERS = ("oa", "ob", "oc")
POINTS = {"oa": 4, "ob": 5, "oc": 2}


def sees_commission(role: str, k: str) -> bool:
    if role in ("officer_same", "admin", "chair"):
        return True
    return role in MEMBERS and k in SAT_ON


def hidden_for(role: str, offer: str) -> bool:
    """The scores of this offer must never reach this member (R-COM-IMPARTIAL)."""
    return role == "excluded_nominee" or (role, offer) in CONFLICT


def may_read_card(role: str, k: str, author: str, offer: str) -> bool:
    if not sees_commission(role, k):
        return False
    if role == author:
        return True
    if k not in CLOSED:
        return False  # blind scoring
    if role in MEMBERS:
        return not hidden_for(role, offer)
    return role in STAFF


@pytest.fixture(autouse=True)
def _clean_database():
    """Replaces the root conftest's per-test wipe: `world` wipes once, at the module's end."""
    yield


@dataclass
class World(Requests):
    app: object
    ids: dict = field(default_factory=dict)        # ("k_scoring", "oa") -> offer id; "k_scoring" -> commission id
    users: dict = field(default_factory=dict)      # role -> user id
    members: dict = field(default_factory=dict)    # (commission key, role) -> member id
    orgs: dict = field(default_factory=dict)       # "A", "B", "C", "N" -> organisation id
    contests: dict = field(default_factory=dict)   # commission key -> contest id
    clients: dict = field(default_factory=dict)
    tokens: dict = field(default_factory=dict)
    markers: list = field(default_factory=list)    # (marker, commission key, author role, offer key)

    def assert_no_leak(self, role: str, r) -> None:
        body = r.get_data(as_text=True)
        for marker, k, author, offer in self.markers:
            if marker in body:
                assert may_read_card(role, k, author, offer), \
                    f"{marker} leaked to {role} ({r.request.method} {r.request.path})"

    def snapshot(self) -> dict:
        """Everything a commission request could change, read in a session of its own."""
        from grants.contests.models import Contest
        from grants.core import db
        from grants.offers.models import Offer
        from reviewers.models import Commission, CommissionMember, Declaration, ScoreCard
        with Session(db.get_engine()) as s:
            return {
                "commissions": sorted(s.execute(select(Commission.id, Commission.state, Commission.version,
                                                       Commission.protocol_hash, Commission.close_reason)).all()),
                "members": sorted(s.execute(select(CommissionMember.id, CommissionMember.commission_id,
                                                   CommissionMember.user_id, CommissionMember.kind,
                                                   CommissionMember.is_chair, CommissionMember.excluded_reason)).all()),
                "declarations": sorted(s.execute(select(Declaration.id, Declaration.member_id,
                                                        Declaration.organisation_id, Declaration.conflict)).all()),
                "cards": sorted((r[0], r[1], r[2], repr(r[3]), repr(r[4])) for r in s.execute(select(
                    ScoreCard.id, ScoreCard.state, ScoreCard.version, ScoreCard.scores, ScoreCard.justifications))),
                "offers": sorted(s.execute(select(Offer.id, Offer.state, Offer.version, Offer.proposed_grant,
                                                  Offer.awarded_grant)).all()),
                "contests": sorted(s.execute(select(Contest.id, Contest.state, Contest.version)).all()),
            }

    def version(self, k: str) -> int:
        from grants.core import db
        from reviewers.models import Commission
        with Session(db.get_engine()) as s:
            return s.get(Commission, self.ids[k]).version

    def proposed(self, k: str) -> dict:
        from grants.core import db
        from grants.offers.models import Offer
        with Session(db.get_engine()) as s:
            return {o: s.get(Offer, self.ids[(k, o)]).proposed_grant for o in OFFERS}


def is_login_redirect(r) -> bool:
    return r.status_code == 302 and urlparse(r.headers["Location"]).path == "/login"


def _build(app) -> World:
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    from grants.contests import operations as cops
    from grants.core import db
    from grants.commissions import operations as rops
    from reviewers.declarations import organisations_to_declare
    from tests.factories import contest_in_evaluation, make_contest, make_org, make_user

    w = World(app=app)
    s = db.session()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        orgs = {"A": make_org(s, "Fundacja A"), "B": make_org(s, "Stowarzyszenie B"), "C": make_org(s, "Klub C"),
                "N": make_org(s, "Federacja N (nie startuje)")}
        w.orgs = {k: o.id for k, o in orgs.items()}
        users = {
            "applicant_a": make_user(s, "applicant", org=orgs["A"]),
            "officer_same": make_user(s, "officer", department_code="BIS"),
            "officer_other": make_user(s, "officer", department_code="KUL"),
            "admin": make_user(s, "admin", department_code="KUL"),  # admins see every department
            "finance": make_user(s, "finance"),
            "participant": make_user(s, "participant", stakeholder_type="resident"),
            "chair": make_user(s, "officer", department_code="BIS"),
            "member_city": make_user(s, "commission_member"),
            "nominee": make_user(s, "commission_member"),
            "expert": make_user(s, "commission_member"),
            "excluded_nominee": make_user(s, "commission_member"),
            "conflicted": make_user(s, "commission_member"),
        }
        applicant_b = make_user(s, "applicant", org=orgs["B"])
        applicant_c = make_user(s, "applicant", org=orgs["C"])
        w.users = {r: u.id for r, u in users.items()}
        officer, chair = users["officer_same"], users["chair"]
        composition = [("chair", "city", None, True), ("member_city", "city", None, False),
                       ("nominee", "ngo", "N", False), ("expert", "expert", None, False),
                       ("excluded_nominee", "ngo", "A", False), ("conflicted", "city", None, False)]

        for k in ("k_scoring", "k_closed", "k_approved"):
            contest, offers = contest_in_evaluation(s, officer, [(users["applicant_a"], orgs["A"], "40000.00"),
                                                                 (applicant_b, orgs["B"], "30000.00"),
                                                                 (applicant_c, orgs["C"], "9000.00")])
            w.contests[k] = contest.id
            for key, o in zip(OFFERS, offers):
                w.ids[(k, key)] = o.id
            com = rops.create(s, officer, contest, name=f"Komisja {k}")
            for role, kind, org, is_chair in composition:
                m = rops.add_member(s, officer, com, user_id=users[role].id, kind=kind, is_chair=is_chair,
                                    nominating_organisation_id=w.orgs[org] if org else None)
                w.members[(k, role)] = m.id
            s.commit()
            w.ids[k] = com.id
            assert [m.user_id for m in com.members if not m.active] == [users["excluded_nominee"].id]
            rops.transition(s, com, "open_declarations", officer)
            for role in ACTIVE:
                for org_id in organisations_to_declare(s, com):
                    conflict = role == "conflicted" and org_id == w.orgs["B"]
                    rops.declare(s, users[role], com, org_id, conflict, ["family"] if conflict else [])
            s.commit()
            rops.transition(s, com, "start_scoring", chair)
            crit = [x["code"] for x in contest.criteria]
            for role in sorted(ACTIVE):
                for key, o in zip(OFFERS, offers):
                    if (role, key) in CONFLICT or (k == "k_scoring" and key == "oc" and role != "member_city"):
                        continue
                    marker = f"J-{k}-{role}-{key}"
                    pts = 1 if role == "expert" else POINTS[key]
                    draft = k == "k_scoring" and key == "oc"
                    rops.save_card(s, users[role], com, o, {x: str(pts) for x in crit},
                                   {x: f"{marker} {x}" for x in crit}, submit=not draft)
                    w.markers.append((marker, k, role, key))
            s.commit()
            if k in CLOSED:
                rops.transition(s, com, "close_scoring", chair)
            if k == "k_approved":
                s.expire_all()
                rops.transition(s, com, "approve_protocol", chair)
                cops.transition(s, contest, "decide", officer)
                assert contest.results_published_at is not None

        other = make_contest(s, officer, title="Konkurs bez członków komisji")
        k_other = rops.create(s, officer, other, name="Komisja k_other")
        s.commit()
        w.ids["k_other"], w.contests["k_other"] = k_other.id, other.id
        emails = {role: u.email for role, u in users.items()}
        db.session.remove()

        clients, tokens = signed_in(app, emails)
        w.clients.update(clients)
        w.tokens.update(tokens)
    return w


@pytest.fixture(scope="module")
def world(app):
    with wiped():
        yield _build(app)
