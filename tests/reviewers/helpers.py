"""Builders for commission tests: a contest in evaluation with chosen parameters, a commission
composed, declared and scoring, all through the real operations."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select

from grants.core import clock
from grants.core.audit import AuditEntry
from grants.core.outbox import OutboxEvent
from grants.commissions import operations as ops
from reviewers.models import Commission, Declaration, ScoreCard
from tests.factories import compose, contest_values, contest_with_offers, declare_all, evaluate  # noqa: F401

D = Decimal


def contest_in_evaluation(session, officer, offers, before_submit=None, **overrides):
    """offers: [(applicant, organisation, grant)]; `before_submit(contest)` runs while the contest is
    published, before any offer is submitted."""
    c, out = contest_with_offers(session, officer, offers,
                                 contest_values(deadline=clock.now() - timedelta(days=10), **overrides),
                                 before_submit=before_submit)
    evaluate(session, officer, c, out)
    return c, out


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
    nominee of organisation A (excluded automatically).

    Everything is kept as ids and re-read from the current scoped session: an API call through the
    test client ends the request's session, which would leave loaded objects detached."""

    USERS = ("officer", "city2", "nominee", "excluded_nominee", "expert")

    def __init__(self, session, make_user, make_org, grants=("40000.00", "30000.00", "9000.00"), **overrides):
        officer = make_user("officer")
        orgs = [make_org() for _ in grants]
        ngo_org = make_org()
        applicants = [make_user("applicant", org=o) for o in orgs]
        contest, offers = contest_in_evaluation(session, officer, list(zip(applicants, orgs, grants)), **overrides)
        city2, nominee = make_user("officer"), make_user("commission_member")
        excluded_nominee, expert = make_user("commission_member"), make_user("commission_member")
        c = compose(session, officer, contest, [
            (officer, "city", None, True), (city2, "city", None, False), (nominee, "ngo", ngo_org, False),
            (expert, "expert", None, False), (excluded_nominee, "ngo", orgs[0], False)])
        self._users = {k: v.id for k, v in zip(self.USERS, (officer, city2, nominee, excluded_nominee, expert))}
        self._applicants = [u.id for u in applicants]
        self._orgs = [o.id for o in orgs]
        self.cid, self.contest_id = c.id, contest.id
        self.offer_ids = [o.id for o in offers]

    @property
    def s(self):
        from grants.core import db
        return db.session()

    def _user(self, key):
        from grants.accounts.models import User
        return self.s.get(User, self._users[key])

    officer = chair = property(lambda self: self._user("officer"))
    city2 = property(lambda self: self._user("city2"))
    nominee = property(lambda self: self._user("nominee"))
    excluded_nominee = property(lambda self: self._user("excluded_nominee"))
    expert = property(lambda self: self._user("expert"))

    @property
    def applicants(self):
        from grants.accounts.models import User
        return [self.s.get(User, i) for i in self._applicants]

    @property
    def orgs(self):
        from grants.registry.models import Organisation
        return [self.s.get(Organisation, i) for i in self._orgs]

    @property
    def c(self):
        return self.s.get(Commission, self.cid)

    @property
    def contest(self):
        from grants.contests.models import Contest
        return self.s.get(Contest, self.contest_id)

    @property
    def offers(self):
        from grants.offers.models import Offer
        return [self.s.get(Offer, i) for i in self.offer_ids]

    @property
    def crit(self):
        return [x["code"] for x in self.contest.criteria]

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
        from grants.commissions.operations import may_score
        plan = plan or {0: 4, 1: 5, 2: 1}
        c = self.c
        for u in self.declaring:
            for i, o in enumerate(self.offers):
                if i in plan and may_score(self.s, c, c.member_for(u), o) is None and ops.card_for(
                        self.s, c, c.member_for(u), o) is None:
                    score(self.s, c, u, o, expert_points if u.id == self._users["expert"] else plan[i])
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
