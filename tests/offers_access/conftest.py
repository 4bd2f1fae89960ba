"""Who sees what: one world of contests, offers and people per test module.

The matrix runs hundreds of requests against the same data, so the data is built once per module
(through the real operations) and wiped at the module's end. The per-test wipe of the root
conftest is switched off for this package; every test here leaves the data as it found it (a test
that creates an offer deletes it again), and each mutating request checks that nothing changed.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlparse

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tests.access import Requests
from tests.conftest import wiped
from tests.factories import signed_in

ROLES = ("anonymous", "applicant_a", "applicant_b", "applicant_partner", "applicant_no_org", "officer_same",
         "officer_other", "admin", "finance", "commission_member", "participant")
STAFF = frozenset({"officer_same", "admin"})  # officers of the contests' department, and admins

# titles that must never reach anyone outside the listed roles (scanned in every response body)
SECRET_A = "SEKRET-SZKIC-A-5e1c"            # org A's draft
SECRET_JOINT = "SEKRET-SZKIC-WSPOLNY-9b4d"  # draft joint offer of A with partner P
SECRET_B = "SEKRET-SZKIC-B-77a0"            # org B's draft
SECRET_WITHDRAWN = "SEKRET-WYCOFANY-A-c41d"  # A's draft, withdrawn without ever being submitted
SECRET_CONTEST = "SEKRET-KONKURS-SZKIC-3f2e"  # the department's draft announcement
SECRETS = {
    SECRET_A: frozenset({"applicant_a"}),
    SECRET_JOINT: frozenset({"applicant_a", "applicant_partner"}),
    SECRET_B: frozenset({"applicant_b"}),
    SECRET_WITHDRAWN: frozenset({"applicant_a"}),
    SECRET_CONTEST: STAFF,
}
TITLE_OS = "Zlozona oferta A (warsztaty)"
TITLE_OJ = "Zlozona oferta wspolna A+P"
TITLE_PUB = "Konkurs opublikowany: kultura"
TITLE_PLANNED = "Konkurs planowany: sport"  # a planned contest is public (the calendar, S6)

# who sees each object (DOMAIN.md §2, issue 4 "Who sees what")
CONTEST_VISIBLE = {"c_draft": STAFF, "c_planned": frozenset(ROLES), "c_pub": frozenset(ROLES)}
CONTEST_EDITABLE = {"c_draft": True, "c_planned": True, "c_pub": False}  # the announcement before publication
OFFER_VISIBLE = {
    "od": frozenset({"applicant_a"}),                                   # A's draft
    "os": frozenset({"applicant_a"}) | STAFF,                            # A's submitted offer
    "oj": frozenset({"applicant_a", "applicant_partner"}) | STAFF,       # joint A+P, submitted
    "ojd": frozenset({"applicant_a", "applicant_partner"}),              # joint A+P, draft
    "ob": frozenset({"applicant_b"}),                                   # B's draft
    "ow": frozenset({"applicant_a"}),                                   # A's draft, withdrawn unsubmitted
}
OFFER_LEAD = {"od": "applicant_a", "os": "applicant_a", "oj": "applicant_a", "ojd": "applicant_a",
              "ob": "applicant_b", "ow": "applicant_a"}
OFFER_STATE = {"od": "draft", "os": "submitted", "oj": "submitted", "ojd": "draft", "ob": "draft",
               "ow": "withdrawn"}
OFFER_DRAFT = {k: v == "draft" for k, v in OFFER_STATE.items()}  # editable by its lead organisation
OFFER_HAS_LINES = {k: v == "submitted" for k, v in OFFER_STATE.items()}  # the drafts hold no cost lines


@pytest.fixture(autouse=True)
def _clean_database():
    """Replaces the root conftest's per-test wipe: `world` wipes once, at the module's end."""
    yield


@dataclass
class World(Requests):
    app: object
    ids: dict = field(default_factory=dict)        # object key -> id; also "org_a", "org_b", "org_p"
    clients: dict = field(default_factory=dict)    # role -> logged-in web test client
    tokens: dict = field(default_factory=dict)     # role -> Authorization header ({} for anonymous)
    checklist: list = field(default_factory=list)

    # ------------------------------------------------------------ requests

    @staticmethod
    def assert_no_leak(role: str, r) -> None:
        body = r.get_data(as_text=True)
        for secret, allowed in SECRETS.items():
            if role not in allowed:
                assert secret not in body, f"{secret} leaked to {role} ({r.request.method} {r.request.path})"

    # ------------------------------------------------------------ state

    def snapshot(self) -> dict:
        """Every contest and offer (id, state, version, title), read in a session of its own."""
        from grants.contests.models import Contest
        from grants.core import db
        from grants.offers.models import Offer, OfferPartner
        with Session(db.get_engine()) as s:
            return {
                "contests": sorted(s.execute(select(Contest.id, Contest.state, Contest.version, Contest.title)).all()),
                "offers": sorted(s.execute(select(Offer.id, Offer.state, Offer.version, Offer.title,
                                                  Offer.formal_checks)).all(), key=lambda r: r[0]),
                "partners": sorted(s.execute(select(OfferPartner.offer_id, OfferPartner.organisation_id)).all()),
            }

    def version(self, key: str) -> int:
        from grants.contests.models import Contest
        from grants.core import db
        from grants.offers.models import Offer
        model = Contest if key.startswith("c_") else Offer
        with Session(db.get_engine()) as s:
            return s.get(model, self.ids[key]).version

    def offer_task(self, key: str) -> dict:
        from grants.core import db
        from grants.offers.models import Offer
        with Session(db.get_engine()) as s:
            return dict(s.get(Offer, self.ids[key]).content["task"])

    def remove_contests_except_known(self) -> list[int]:
        """Deletes contests this world did not build (a clone or a new announcement a test made)."""
        from grants.contests.models import Contest
        from grants.core import db
        known = {v for k, v in self.ids.items() if k in CONTEST_VISIBLE}
        with Session(db.get_engine()) as s:
            extra = [i for i in s.scalars(select(Contest.id)) if i not in known]
            if extra:
                s.execute(delete(Contest).where(Contest.id.in_(extra)))
                s.commit()
        return extra

    def remove_offers_except_known(self) -> list[int]:
        """Deletes offers this world did not build (created by a test that was allowed to)."""
        from grants.core import db
        from grants.offers.models import Offer
        known = {v for k, v in self.ids.items() if k in OFFER_VISIBLE}
        with Session(db.get_engine()) as s:
            extra = [i for i in s.scalars(select(Offer.id)) if i not in known]
            if extra:
                s.execute(delete(Offer).where(Offer.id.in_(extra)))
                s.commit()
        return extra


def is_login_redirect(r) -> bool:
    return r.status_code == 302 and urlparse(r.headers["Location"]).path == "/login"


def _build(app) -> World:
    from grants.contests import operations as cops
    from grants.core import db
    from grants.offers import operations as oops
    from tests.factories import contest_values, make_contest, make_org, make_user, offer_content

    w = World(app=app)
    s = db.session()
    org_a, org_b, org_p = make_org(s, "Fundacja A"), make_org(s, "Stowarzyszenie B"), make_org(s, "Partner P")
    w.ids.update(org_a=org_a.id, org_b=org_b.id, org_p=org_p.id)
    users = {
        "applicant_a": make_user(s, "applicant", org=org_a),
        "applicant_b": make_user(s, "applicant", org=org_b),
        "applicant_partner": make_user(s, "applicant", org=org_p),
        "applicant_no_org": make_user(s, "applicant"),
        "officer_same": make_user(s, "officer", department_code="BIS"),
        "officer_other": make_user(s, "officer", department_code="KUL"),
        "admin": make_user(s, "admin", department_code="KUL"),  # admins see every department
        "finance": make_user(s, "finance"),
        "commission_member": make_user(s, "commission_member"),
        "participant": make_user(s, "participant", stakeholder_type="resident"),
    }
    officer, ngo_a, ngo_b = users["officer_same"], users["applicant_a"], users["applicant_b"]
    # a draft announcement that cannot be published (R-ANN-CONTENT: previous tasks missing), so a
    # permitted "publish" is refused by its guard and changes nothing
    c_draft = make_contest(s, officer, publish=False, title=SECRET_CONTEST, previous_tasks="")
    c_pub = make_contest(s, officer, title=TITLE_PUB)
    c_planned = cops.create(s, officer, contest_values(title=TITLE_PLANNED), planned=True)
    s.commit()
    w.ids.update(c_draft=c_draft.id, c_planned=c_planned.id, c_pub=c_pub.id)
    w.checklist = [x["code"] for x in c_pub.formal_checklist]

    def offer(actor, org, title, partners=(), submit=False, withdraw=False):
        o = oops.create(s, actor, c_pub, org.id)
        if partners:
            oops.set_partners(s, o, actor, [p.id for p in partners])
        if submit:
            content = offer_content(c_pub)
            for line in content["costs"] if partners else ():
                line["by_partner"] = {str(org.id): str(line_value(line))}
            content["task"]["title"] = title
            oops.save_sections(s, o, actor, content)
            s.commit()
            oops.transition(s, o, "submit", actor)
        else:
            oops.save_sections(s, o, actor, {"task": {"title": title}})  # incomplete: submit is refused
            s.commit()
        if withdraw:
            oops.transition(s, o, "withdraw", actor)
        assert o.state == ("submitted" if submit else "withdrawn" if withdraw else "draft"), o.state
        return o.id

    w.ids["od"] = offer(ngo_a, org_a, SECRET_A)
    w.ids["os"] = offer(ngo_a, org_a, TITLE_OS, submit=True)
    w.ids["oj"] = offer(ngo_a, org_a, TITLE_OJ, partners=[org_p], submit=True)
    w.ids["ojd"] = offer(ngo_a, org_a, SECRET_JOINT, partners=[org_p])
    w.ids["ob"] = offer(ngo_b, org_b, SECRET_B)
    w.ids["ow"] = offer(ngo_a, org_a, SECRET_WITHDRAWN, withdraw=True)
    emails = {role: u.email for role, u in users.items()}
    db.session.remove()

    # one logged-in client and one API token per role, for the whole module
    clients, tokens = signed_in(app, emails)
    w.clients.update(clients)
    w.tokens.update(tokens)
    return w


def line_value(line: dict):
    from decimal import Decimal
    return (Decimal(line["unit_cost"]) * Decimal(line["units"])).quantize(Decimal("0.01"))


@pytest.fixture(scope="module")
def world(app):
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    with wiped():
        with pytest.MonkeyPatch.context() as mp:  # cheap hashing for the users and their logins
            mp.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
            w = _build(app)
        yield w
