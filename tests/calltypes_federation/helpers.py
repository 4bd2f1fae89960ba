"""Building blocks for the federation-building call type's tests: a federation contest, offers whose
member organisations confirm from their own accounts, and a decided federation contest (the
factories' contest_in_evaluation / decided_contest, for this call type, with time moved by the clock
fixture so confirmations come before the submission)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.core import clock, db
from tests import factories
from tests.factories import contest_values, offer_content

CODE = "federation_building"
SECRET = "SEKRET-TRESC-SZKICU-FEDERACJI-41c7"  # in the draft's content: only the applicant may read it


def fed_values(min_members: int = 3, **overrides) -> dict:
    values = contest_values(call_type=CODE, call_params={"min_members": min_members},
                            title="Budowanie reprezentacji organizacji pozarządowych",
                            task_type="Wzmacnianie federacji i reprezentacji organizacji w dialogu z miastem")
    values.update(overrides)
    return values


def api_body(**overrides) -> dict:
    """fed_values as the JSON of POST /api/v1/contests."""
    body = {}
    for k, x in fed_values(**overrides).items():
        if isinstance(x, Decimal):
            body[k] = str(x)
        elif isinstance(x, (date, datetime)):
            body[k] = x.isoformat()
        else:
            body[k] = x
    return body


def fed_contest(session, officer, min_members: int = 3, publish: bool = True, **overrides):
    from grants.contests import operations as cops
    c = cops.create(session, officer, fed_values(min_members, **overrides))
    session.commit()
    if publish:
        cops.transition(session, c, "publish", officer)
    return c


def fed_content(contest, kind: str = "federation", grant: str = "9000.00", split_to: int | None = None) -> dict:
    """A complete offer with the federation section; `split_to` puts V.C (a joint offer's split of
    each cost line) on that organisation."""
    c = offer_content(contest, grant)
    c["task"]["summary"] = f"Wspólne stanowiska federacji {SECRET}"
    c["call"] = {"applicant_kind": kind,
                 "representation": "Delegujemy przedstawicieli do rady pożytku i komisji dialogu; "
                                   "członkowie uzgadniają stanowiska na comiesięcznych spotkaniach."}
    if split_to is not None:
        for line in c["costs"]:
            value = (Decimal(line["unit_cost"]) * Decimal(line["units"])).quantize(Decimal("0.01"))
            line["by_partner"] = {str(split_to): str(value)}
    return c


@dataclass
class Fed:
    """A federation contest, the applicant (org + user) and member organisations each with a user."""
    officer: object
    contest: object
    lead_org: object
    lead: object
    orgs: list = field(default_factory=list)
    users: list = field(default_factory=list)
    offer: object = None
    offer_id: int = 0

    def o(self, session):
        """The offer in `session` (an API call in between ends the test's session)."""
        from grants.offers.models import Offer
        self.offer = session.get(Offer, self.offer_id)
        return self.offer


def build(session, make_user, make_org, *, min_members: int = 3, members: int = 3, kind: str = "federation",
          partners: int = 0, officer=None) -> Fed:
    """A published contest and a draft offer (complete statutory content) naming `members` member
    organisations, none confirmed; the first `partners` of them are also partners of a joint offer."""
    from grants.calltypes.federation import members as mops
    from grants.offers import operations as oops
    officer = officer or make_user("officer")
    contest = fed_contest(session, officer, min_members)
    lead_org = make_org("Federacja Organizacji Krakowskich")
    lead = make_user("applicant", org=lead_org)
    orgs = [make_org(f"Stowarzyszenie Członkowskie {i + 1}") for i in range(members)]
    users = [make_user("applicant", org=o) for o in orgs]
    offer = oops.create(session, lead, contest, lead_org.id)
    if partners:
        oops.set_partners(session, offer, lead, [o.id for o in orgs[:partners]])
    oops.save_sections(session, offer, lead, fed_content(contest, kind, split_to=lead_org.id if partners else None))
    for o in orgs:
        mops.add(session, lead, offer, o.id)
    session.commit()
    fed = Fed(officer=officer, contest=contest, lead_org=lead_org, lead=lead, orgs=orgs, users=users, offer=offer)
    fed.offer_id = offer.id
    return fed


def confirm_all(session, fed: Fed, which=None) -> None:
    from grants.calltypes.federation import members as mops
    offer = fed.o(session)
    for k in (range(len(fed.orgs)) if which is None else which):
        mops.confirm(session, fed.users[k], offer, fed.orgs[k].id)
    session.commit()


def fresh(model, pk):
    """The row as the database has it now (another session, nothing cached)."""
    with Session(db.get_engine(), expire_on_commit=False) as s:
        return s.get(model, pk)


def member_rows(offer_id: int) -> list[tuple[int, bool, bool]]:
    """(organisation_id, confirmed, answered) per member, as the database has them."""
    from grants.calltypes.federation.models import OfferMember
    with Session(db.get_engine()) as s:
        return [(m.organisation_id, m.confirmed_at is not None, m.confirmed_by_id is not None)
                for m in s.scalars(select(OfferMember).where(OfferMember.offer_id == offer_id).order_by(OfferMember.id))]


def audit_actions(offer_id: int) -> list[str]:
    from grants.core.audit import AuditEntry
    with Session(db.get_engine()) as s:
        return list(s.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "offer",
                                                              AuditEntry.object_id == str(offer_id))
                              .order_by(AuditEntry.id)))


def count(model) -> int:
    with Session(db.get_engine()) as s:
        return s.scalar(select(func.count()).select_from(model))


def decide(session, officer, second_officer, contest, offers):
    """The rest of tests.factories.decided_contest for a contest whose offers were submitted: formal
    review accepts every offer, a two-officer commission scores full marks, the protocol is approved
    and the officer decides."""
    factories.evaluate(session, officer, contest, offers)
    factories.decide(session, officer, second_officer, contest, offers)


def after_deadline(clock_at, contest) -> None:
    deadline = contest.deadline
    clock_at(deadline + timedelta(minutes=1))


__all__ = ["CODE", "SECRET", "Fed", "after_deadline", "api_body", "audit_actions", "build", "clock", "confirm_all",
           "count", "decide", "fed_contest", "fed_content", "fed_values", "fresh", "member_rows"]
