"""Builders for commission tests: a contest in evaluation with chosen parameters, a commission
composed, declared and scoring, all through the real operations."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from grants.core import clock
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from reviewers import operations as ops
from reviewers.models import Commission, Declaration, ScoreCard
from tests.factories import contest_values, offer_content

D = Decimal


def contest_in_evaluation(session, officer, offers, before_submit=None, **overrides):
    """offers: [(applicant, organisation, grant)]; `before_submit(contest)` runs while the contest is
    published, before any offer is submitted."""
    from grants.contests import operations as cops
    from grants.offers import operations as oops
    from grants.workflows.base import SYSTEM, apply_transition
    now = clock.now()
    published = now - timedelta(days=40)
    c = cops.create(session, officer, contest_values(deadline=now - timedelta(days=10), **overrides))
    session.commit()
    cops.transition(session, c, "publish", officer, received_at=published)
    if before_submit is not None:
        before_submit(c)
        session.commit()
    out = []
    for k, (user, org, grant) in enumerate(offers):
        o = oops.create(session, user, c, org.id, at=published + timedelta(days=1))
        oops.save_sections(session, o, user, offer_content(c, grant))
        session.commit()
        oops.transition(session, o, "submit", user, received_at=published + timedelta(days=2, minutes=k))
        out.append(o)
    apply_transition(session, c, "close", SYSTEM)
    cops.transition(session, c, "start_formal_review", officer)
    checks = {x["code"]: True for x in c.formal_checklist}
    for o in out:
        oops.set_formal_checks(session, o, officer, checks)
        session.commit()
        oops.transition(session, o, "accept_formally", officer)
    cops.transition(session, c, "start_evaluation", officer)
    return c, out


def compose(session, officer, contest, members):
    """members: [(user, kind, nominating organisation or None, is_chair)]."""
    c = ops.create(session, officer, contest)
    session.commit()
    for user, kind, org, chair in members:
        ops.add_member(session, officer, c, user_id=user.id, kind=kind,
                       nominating_organisation_id=org.id if org else None, is_chair=chair)
        session.commit()
    return c


def declare_all(session, c, users, conflicts=()):
    """Each user declares towards each organisation; `conflicts` holds (user, organisation) pairs."""
    from reviewers.declarations import organisations_to_declare
    pairs = {(u.id, o.id) for u, o in conflicts}
    for u in users:
        for org in organisations_to_declare(session, c):
            conflict = (u.id, org) in pairs
            ops.declare(session, u, c, org, conflict, ["family"] if conflict else [])
            session.commit()


def score(session, c, user, offer, points, submit=True, justification="Uzasadnienie oceny"):
    """points: one number for every criterion, or a dict code -> points."""
    crit = [x["code"] for x in c.contest.criteria]
    if not isinstance(points, dict):
        points = {k: min(D(str(points)), D(str(x["max_points"]))) for k, x in zip(crit, c.contest.criteria)}
    card = ops.save_card(session, user, c, offer, {k: str(v) for k, v in points.items()},
                         {k: justification for k in crit}, submit)
    session.commit()
    return card


class World:
    """A contest with three offers (40 000, 30 000, 9 000 requested) and a commission: chair and a
    second city member, an NGO nominee of a non-participating organisation, an expert, and an NGO
    nominee of organisation A (excluded automatically)."""

    def __init__(self, session, make_user, make_org, grants=("40000.00", "30000.00", "9000.00"), **overrides):
        self.s = session
        self.officer = make_user("officer")
        self.orgs = [make_org() for _ in grants]
        self.ngo_org = make_org()
        self.applicants = [make_user("applicant", org=o) for o in self.orgs]
        self.contest, self.offers = contest_in_evaluation(
            session, self.officer, list(zip(self.applicants, self.orgs, grants)), **overrides)
        self.chair = self.officer
        self.city2 = make_user("officer")
        self.nominee = make_user("commission_member")
        self.excluded_nominee = make_user("commission_member")
        self.expert = make_user("commission_member")
        self.c = compose(session, self.officer, self.contest, [
            (self.chair, "city", None, True), (self.city2, "city", None, False),
            (self.nominee, "ngo", self.ngo_org, False), (self.expert, "expert", None, False),
            (self.excluded_nominee, "ngo", self.orgs[0], False)])

    @property
    def declaring(self):
        return [self.chair, self.city2, self.nominee, self.expert]

    @property
    def voters(self):
        return [self.chair, self.city2, self.nominee]

    def member(self, user):
        return self.c.member_for(user)

    def open(self):
        ops.transition(self.s, self.c, "open_declarations", self.officer, {})
        return self

    def declared(self, conflicts=()):
        self.open()
        declare_all(self.s, self.c, self.declaring, conflicts)
        ops.transition(self.s, self.c, "start_scoring", self.chair, {})
        return self

    def scored(self, plan=None, expert_points=1):
        """plan: offer index -> points per criterion for every voter not excluded."""
        from reviewers.operations import may_score
        plan = plan or {0: 4, 1: 5, 2: 1}
        for u in self.declaring:
            for i, o in enumerate(self.offers):
                if may_score(self.s, self.c, self.member(u), o) is None:
                    score(self.s, self.c, u, o, expert_points if u is self.expert else plan[i])
        return self

    def closed(self, reason=None):
        ops.transition(self.s, self.c, "close_scoring", self.chair, {"reason": reason} if reason else {})
        return self

    def approved(self):
        ops.transition(self.s, self.c, "approve_protocol", self.chair, {})
        return self


def counts(session) -> dict:
    """Rows that a refused request must not add."""
    session.expire_all()
    return {"cards": session.scalar(select(func.count()).select_from(ScoreCard)),
            "declarations": session.scalar(select(func.count()).select_from(Declaration)),
            "audit": session.scalar(select(func.count()).select_from(AuditEntry)),
            "outbox": session.scalar(select(func.count()).select_from(OutboxEvent)),
            "commission_versions": tuple(session.scalars(select(Commission.version).order_by(Commission.id)))}
