"""Test data built through the real operations (so audit entries exist as in production)."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from grants import demo_calltypes
from grants.accounts.operations import create_user
from grants.core import clock
from grants.registry.models import Department, Grantor, Organisation

PASSWORD = "Test-Password-123"
_seq = itertools.count(1)


def department(session, code: str = "BIS") -> Department:
    # codes are unique per authority: where several have this code, Kraków's (the tests' default)
    d = session.scalar(select(Department).join(Grantor, Grantor.id == Department.grantor_id)
                       .where(Department.code == code).order_by(Grantor.code != "KRK", Department.id).limit(1))
    if d is None:
        g = session.scalar(select(Grantor).where(Grantor.code == "KRK"))
        if g is None:
            g = Grantor(code="KRK", name="Gmina Miejska Kraków")
            session.add(g)
        # the tests' default department handles every field of public benefit, so art. 12 and
        # art. 19a offers go to it (grants.registry.departments); tests of routing set their own
        from grants.registry.dictionaries import FIELDS
        d = Department(grantor=g, code=code, name=f"Wydział {code}", fields=list(FIELDS) if code == "BIS" else [])
        session.add(d)
        session.flush()
    return d


def make_org(session, name: str | None = None) -> Organisation:
    from grants.demo import identifiers
    n = next(_seq)
    krs, nip, regon = identifiers(200 + n)
    org = Organisation(name=name or f"Fundacja Testowa {n}", legal_form="foundation", krs=krs, nip=nip,
                       regon=regon, fields=["culture"], district="I", created_at=clock.real_now())
    session.add(org)
    session.commit()
    return org


def make_user(session, *roles: str, org: Organisation | None = None, department_code: str | None = None,
              email: str | None = None, stakeholder_type: str | None = None):
    roles = roles or ("applicant",)
    if department_code is None and ("officer" in roles or "admin" in roles):
        department_code = "BIS"
    grantor_code = department(session, department_code).grantor.code if department_code else None
    if grantor_code is None and "finance" in roles and session.scalar(select(Grantor.id).where(Grantor.code == "KRK")):
        grantor_code = "KRK"  # staff of no department: Kraków's, the tests' default authority
    user = create_user(session, email=email or f"user{next(_seq)}@test.example.org", password=PASSWORD,
                       roles=list(roles), organisation_krs=org.krs if org else None,
                       department_code=department_code, stakeholder_type=stakeholder_type,
                       full_name="Test User", grantor_code=grantor_code)
    session.commit()
    return user


# ---------------------------------------------------------------- contests and offers

def contest_values(**overrides) -> dict:
    """A complete standard announcement (R-ANN-CONTENT) with its parameters (R-ANN-PARAMS)."""
    from datetime import date, timedelta
    from decimal import Decimal
    now = clock.now()
    year = now.year + 1
    values = {
        "title": f"Wspieranie kultury w dzielnicach {year}", "year": year,
        "task_type": "Upowszechnianie kultury w dzielnicach Krakowa", "field": "culture", "form": "support",
        "budget": Decimal("300000.00"), "min_grant": Decimal("5000.00"), "max_grant": Decimal("50000.00"),
        "min_own_total_pct": Decimal("10"), "min_own_financial_pct": Decimal("0"),
        "min_own_nonfinancial_pct": Decimal("0"), "max_admin_pct": Decimal("10"),
        "grant_rules": "Dotacja do 90% kosztów zadania.", "task_conditions": "Zadanie realizowane w Krakowie.",
        "procedure": "Ocena formalna i merytoryczna przez komisję konkursową.",
        "previous_tasks": "W roku bieżącym i poprzednim: 12 zadań, 280 000 zł.",
        "deadline": now + timedelta(days=30), "decision_by": (now + timedelta(days=60)).date(),
        "task_start": date(year, 1, 1), "task_end": date(year, 12, 31),
        "eligible_categories": ["personnel", "materials", "services", "venue", "admin"],
        "ineligible_categories": ["investment"], "pass_threshold": Decimal("20"),
    }
    values.update(overrides)
    return values


def make_contest(session, officer, publish: bool = True, **overrides):
    from grants.contests import operations as cops
    c = cops.create(session, officer, contest_values(**overrides))
    session.commit()
    if publish:
        cops.transition(session, c, "publish", officer)
    return c


def offer_content(contest, grant: str = "9000.00") -> dict:
    """A complete offer for `contest`: passes every submission rule."""
    from decimal import Decimal
    from grants.offers.content import DECLARATIONS, empty
    year = contest.task_start.year
    c = empty()
    c["basic"]["task_type"] = contest.task_type
    c["applicant"].update(contact_person="Jan Kowalski", contact_email="jan@example.org", contact_phone="123456789")
    c["task"].update(title="Warsztaty teatralne dla seniorów", start_date=f"{year}-03-01", end_date=f"{year}-11-30",
                     place="Nowa Huta", target_group="Seniorzy 60+", need="Brak oferty kulturalnej",
                     summary="Cykl warsztatów", expected_results="Spektakl i 40 uczestników",
                     actions=[{"name": "Warsztaty", "description": "20 spotkań", "schedule": "III-XI"}],
                     results=[{"result": "Uczestnicy", "planned_value": "40", "monitoring": "Listy obecności"}])
    c["profile"]["experience"] = "10 lat warsztatów"
    from decimal import ROUND_UP
    total = (Decimal(grant) / Decimal("0.9")).quantize(Decimal("0.01"), rounding=ROUND_UP)  # own share ≥ 10%
    admin = (total * Decimal("0.05")).quantize(Decimal("0.01"))
    action = total - admin
    c["costs"] = [
        {"category": "action", "action_no": 1, "cost_type": "personnel", "name": "Instruktor", "unit": "godz.",
         "unit_cost": str(action), "units": "1"},
        {"category": "admin", "cost_type": "admin", "name": "Koordynacja", "unit": "mies.",
         "unit_cost": str(admin), "units": "1"},
    ]
    own = total - Decimal(grant)
    c["sources"] = {"grant": grant, "own_financial": str(own), "own_personal": "0.00", "own_in_kind": "0.00",
                    "beneficiaries": "0.00"}
    c["declarations"]["accepted"] = list(DECLARATIONS)
    return c


def complete_draft(session, user, contest, org, content: dict | None = None, at=None):
    """A draft offer of `user` for `org` in `contest` with every section filled (`content`, by default
    offer_content), committed; `at` is when it was started (the clock by default)."""
    from grants.offers import operations as oops
    offer = oops.create(session, user, contest, org.id, at=at)
    oops.save_sections(session, offer, user, content or offer_content(contest))
    session.commit()
    return offer


def contest_in_evaluation(session, officer, members_and_grants, values: dict | None = None, content=None):
    """A contest whose offers (one per (applicant user, organisation, grant)) were submitted, the
    deadline passed and all were accepted formally; the contest is in evaluation. `values` and
    `content(contest, grant)` make it another call type's (default: contest_values, offer_content)."""
    contest, offers = contest_with_offers(session, officer, members_and_grants, values, content)
    evaluate(session, officer, contest, offers)
    return contest, offers


def contest_with_offers(session, officer, members_and_grants, values: dict | None = None, content=None,
                        before_submit=None):
    """A published contest, its deadline passed, with one offer submitted per (user, organisation, grant);
    `before_submit(contest)` runs while the contest is published, before any offer is submitted."""
    from datetime import timedelta
    from grants.contests import operations as cops
    from grants.offers import operations as oops
    now = clock.now()
    published = now - timedelta(days=40)
    c = cops.create(session, officer, values or contest_values(deadline=now - timedelta(days=10)))
    session.commit()
    cops.transition(session, c, "publish", officer, received_at=published)
    if before_submit is not None:
        before_submit(c)
        session.commit()
    offers = []
    for k, (user, org, grant) in enumerate(members_and_grants):
        o = complete_draft(session, user, c, org, (content or offer_content)(c, grant), at=published + timedelta(days=1))
        oops.transition(session, o, "submit", user, received_at=published + timedelta(days=2, minutes=k))
        offers.append(o)
    return c, offers


def evaluate(session, officer, contest, offers) -> None:
    """Its deadline passed: the contest closes, formal review accepts every offer, evaluation starts."""
    from grants.contests import operations as cops
    from grants.offers import operations as oops
    from grants.workflows.base import SYSTEM, apply_transition
    apply_transition(session, contest, "close", SYSTEM)
    cops.transition(session, contest, "start_formal_review", officer)
    checks = {x["code"]: True for x in contest.formal_checklist}
    for o in offers:
        oops.set_formal_checks(session, o, officer, checks)
        session.commit()
        oops.transition(session, o, "accept_formally", officer)
    cops.transition(session, contest, "start_evaluation", officer)


def decided_contest(session, officer, members_and_grants, second_officer, amounts: dict[int, str] | None = None,
                    values: dict | None = None, content=None):
    """contest_in_evaluation, then a two-officer commission scores every offer full marks, the chair
    approves the protocol and the officer decides: every offer ready for an agreement (full awards).
    `amounts` maps an offer's position to its award before the protocol is approved (less than
    requested: the offer needs an update)."""
    contest, offers = contest_in_evaluation(session, officer, members_and_grants, values, content)
    decide(session, officer, second_officer, contest, offers, amounts)
    return contest, offers


def commission_scoring(session, officer, second_officer, contest):
    """A two-officer commission (the first chairs) whose members declared no conflict: scoring open."""
    return demo_calltypes.commission_scoring(session, officer, second_officer, contest)


def full_marks(contest) -> tuple[dict, dict]:
    """Scores and justifications of a card with every criterion's maximum."""
    return ({c["code"]: str(c["max_points"]) for c in contest.criteria}, {c["code"]: "ok" for c in contest.criteria})


def decide(session, officer, second_officer, contest, offers, amounts: dict[int, str] | None = None) -> None:
    """A contest in evaluation decided: commission_scoring, every member scores every offer full
    marks, scoring closes (with `amounts`, see decided_contest), the protocol is approved, the officer decides."""
    from decimal import Decimal
    from grants.contests import operations as cops
    from grants.commissions import operations as rops
    com = commission_scoring(session, officer, second_officer, contest)
    for m in com.members:
        for o in offers:
            rops.save_card(session, m.user, com, o, *full_marks(contest), submit=True)
    session.commit()
    rops.transition(session, com, "close_scoring", officer)
    if amounts:
        rops.set_amounts(session, officer, com, {offers[k].id: Decimal(v) for k, v in amounts.items()})
        session.commit()
    rops.transition(session, com, "approve_protocol", officer)
    cops.transition(session, contest, "decide", officer)


def compose(session, officer, contest, members):
    """A commission of `contest`; members: [(user, kind, nominating organisation or None, is_chair)]."""
    from grants.commissions import operations as rops
    c = rops.create(session, officer, contest)
    session.commit()
    for user, kind, org, chair in members:
        rops.add_member(session, officer, c, user_id=user.id, kind=kind,
                        nominating_organisation_id=org.id if org else None, is_chair=chair)
        session.commit()
    return c


def declare_all(session, c, users, conflicts=()):
    """Each user declares towards each organisation; `conflicts` holds (user, organisation) pairs."""
    from grants.commissions import operations as rops
    from reviewers.declarations import organisations_to_declare
    pairs = {(u.id, o.id) for u, o in conflicts}
    for u in users:
        for org in organisations_to_declare(session, c):
            conflict = (u.id, org) in pairs
            rops.declare(session, u, c, org, conflict, ["family"] if conflict else [])
            session.commit()


def signed_in(app, emails: dict, password: str = PASSWORD) -> tuple[dict, dict]:
    """One logged-in test client and one API token header per role ({role: email}), the visitor's
    ("anonymous") among them: a module-scoped world's callers."""
    clients, tokens = {"anonymous": app.test_client()}, {"anonymous": {}}
    for role, email in emails.items():
        c = app.test_client()
        r = c.post("/login", data={"email": email, "password": password})
        assert r.status_code == 302, r.get_data(as_text=True)[:500]
        clients[role] = c
        r = c.post("/api/v1/tokens", json={"email": email, "password": password})
        assert r.status_code == 201, r.get_data(as_text=True)
        tokens[role] = {"Authorization": f"Bearer {r.get_json()['token']}"}
    return clients, tokens
