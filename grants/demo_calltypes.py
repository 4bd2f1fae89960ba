"""Demo data for the call types (S2, S9, S11): one contest of each type in a different state, made
through the operations so each carries its history. Like `grants.demo`, running it twice adds
nothing twice: each contest is looked up by its title first."""
from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from grants.calltypes.federation import members as fm
from grants.calltypes.federation import pool as pl
from grants.calltypes.federation.models import PoolCandidate
from grants.calltypes.innovation import operations as kops
from grants.calltypes.innovation import scoring
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.core import clock
from grants.offers import operations as oops
from grants.workflows.base import SYSTEM, apply_transition
from grants.commissions import operations as rops
from reviewers.declarations import organisations_to_declare


def _once(s, title: str) -> bool:
    return s.scalar(select(Contest.id).where(Contest.title == title)) is None


CONCEPTS = [
    # organisation index, title, partners (name, sector, role)
    (3, "Teatr z aplikacją dla seniorów z Nowej Huty",
     [("Fundacja Sztuka i Start-up", "ngo", "Spektakle i rekrutacja seniorów"),
      ("AppTeatr sp. z o.o.", "startup", "Aplikacja i analiza danych o udziale")]),
    (0, "Mapa sąsiedzkich zasobów z uczelnią",
     [("Stowarzyszenie Przyjaciół Nowej Huty", "ngo", "Warsztaty z mieszkańcami"),
      ("Akademia Górniczo-Hutnicza, Wydział Geodezji", "university", "Model danych i mapa")]),
    (8, "Debaty uczniowskie z badaczami",
     [("Stowarzyszenie Edukacji Obywatelskiej Agora", "ngo", "Prowadzenie debat"),
      ("Instytut Socjologii UJ", "science", "Badanie efektów")]),
]


def _concept_values(title: str, partners) -> dict:
    return {"title": title,
            "problem": "Mieszkańcy osiedli rzadko biorą udział w życiu dzielnicy; dotychczasowe zajęcia docierają "
                       "do tych samych osób.",
            "novelty": "Połączenie pracy organizacji z narzędziem lub metodą partnera spoza sektora pozarządowego; "
                       "nikt w Krakowie nie sprawdził tego w praktyce.",
            "partners": [{"name": n, "sector": sec, "role": r} for n, sec, r in partners],
            "pilot_plan": "Trzy miesiące w dwóch osiedlach; punkt kontrolny po pierwszym miesiącu (liczba "
                          "uczestników), drugi po trzecim (czy uczestnicy wracają).",
            "estimated_budget": "80000.00"}


def concept_call(s, users, orgs, values_for, year: int) -> None:
    """Stage 1 decided: three concepts scored by the commission, two shortlisted, one not."""
    title = f"Pilotaże innowacji międzysektorowych {year} – etap I: koncepcje"
    if not _once(s, title):
        return
    officer, officer2 = users["urzednik@demo.krakow.pl"], users["admin@demo.krakow.pl"]
    now = clock.now()
    published = now - timedelta(days=50)
    values = values_for(title, year, "economy", "400000.00", (now - timedelta(days=20)).replace(
        hour=15, minute=0, second=0, microsecond=0), call_type="innovation_concept",
        call_params={"shortlist_size": 2}, pass_threshold=Decimal("20"), min_grant=None, max_grant=None,
        min_own_total_pct=Decimal("0"))
    values["task_type"] = ("Koncepcje pilotaży łączących organizacje pozarządowe z biznesem, start-upami, kulturą "
                           "i nauką. Etap I nie przyznaje dotacji: wybiera koncepcje do konkursu na pilotaż.")
    c = cops.create(s, officer, values, at=published - timedelta(days=7))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=published)
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}
    concepts = []
    for k, (i, ktitle, partners) in enumerate(CONCEPTS):
        user = members[i]
        concept = kops.create(s, user, c, orgs[i].id, _concept_values(ktitle, partners),
                              at=published + timedelta(days=2))
        s.commit()
        kops.transition(s, concept, "submit", user, received_at=published + timedelta(days=3, hours=k))
        concepts.append(concept)
    apply_transition(s, c, "close", SYSTEM, received_at=values["deadline"])
    cops.transition(s, c, "start_formal_review", officer)
    cops.transition(s, c, "start_evaluation", officer)
    com = commission_scoring(s, officer, officer2, c)
    points = [(8, 9, 7, 8, 9), (7, 8, 6, 7, 6), (4, 5, 5, 3, 4)]
    for m in com.members:
        for concept, pts in zip(concepts, points):
            scores = {cr["code"]: str(min(p, int(Decimal(cr["max_points"])))) for cr, p in zip(c.criteria, pts)}
            scoring.save_card(s, m.user, com, concept, scores,
                              {cr["code"]: "Ocena zgodna z opisem koncepcji." for cr in c.criteria}, True)
            s.commit()
    rops.transition(s, com, "close_scoring", officer)
    rops.transition(s, com, "approve_protocol", officer)
    cops.transition(s, c, "decide", officer)
    s.commit()


def pilot_contest(s, users, orgs, values_for, year: int) -> None:
    """Stage 2 published, linked to the decided concept call; a shortlisted organisation's draft."""
    title = f"Pilotaże innowacji międzysektorowych {year} – etap II: konkurs na pilotaż"
    if not _once(s, title):
        return
    call = s.scalar(select(Contest).where(Contest.call_type == "innovation_concept", Contest.state == "decided")
                    .order_by(Contest.id.desc()))
    if call is None:
        return
    officer = users["urzednik@demo.krakow.pl"]
    now = clock.now()
    deadline = (now + timedelta(days=24)).replace(hour=15, minute=0, second=0, microsecond=0)
    values = values_for(title, year, "economy", "300000.00", deadline, call_type="innovation_pilot",
                        call_params={"concept_call_id": call.id}, max_grant=Decimal("90000.00"))
    c = cops.create(s, officer, values, at=now - timedelta(days=9))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=now - timedelta(days=2))
    ngo3 = users["ngo3@demo.krakow.pl"]
    try:
        oops.create(s, ngo3, c, orgs[3].id)
        s.commit()
    except Exception:  # noqa: BLE001 - not shortlisted in this run: the page explains why
        s.rollback()


def youth_contest(s, users, orgs, values_for, offer_content, year: int) -> None:
    """Youth entrepreneurship in formal review: two offers submitted with schools and ventures."""
    title = f"Przedsiębiorczość młodzieży {year}"
    if not _once(s, title):
        return
    officer = users["urzednik@demo.krakow.pl"]
    now = clock.now()
    published = now - timedelta(days=45)
    values = values_for(title, year, "children_youth", "150000.00", (now - timedelta(days=5)).replace(
        hour=15, minute=0, second=0, microsecond=0), call_type="youth_entrepreneurship",
        call_params={"min_age": 13, "max_age": 19, "min_ventures": 1})
    c = cops.create(s, officer, values, at=published - timedelta(days=7))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=published)
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}
    plan = [(12, "XV Liceum Ogólnokształcące im. A. Fredry", "school", "Minispółdzielnia uczniowska „Kawiarenka”",
             "cooperative"),
            (8, "Uniwersytet Ekonomiczny w Krakowie", "university", "Zespół projektowy „Apka dla dzielnicy”",
             "project_team")]
    for k, (i, school, kind, venture, vkind) in enumerate(plan):
        if i not in members:
            continue
        u = members[i]
        o = oops.create(s, u, c, orgs[i].id, at=published + timedelta(days=3))
        content = offer_content(c, orgs[i], i, "20000.00")
        content["call"] = {
            "partner": {"name": school, "kind": kind, "contact": "wicedyrektor ds. wychowawczych",
                        "role": "Rekrutacja uczniów, sala, opiekun ze strony szkoły"},
            "age_from": 15, "age_to": 18, "participants": 24,
            "ventures": [{"name": venture, "kind": vkind, "description": "Młodzież prowadzi przedsięwzięcie sama: "
                          "plan, budżet, sprzedaż i decyzje.", "mentor": {"name": "Joanna Mentorka",
                                                                          "role": "przedsiębiorczyni"}}],
            "child_protection_standards": True, "offender_register_checked": True}
        oops.save_sections(s, o, u, content, at=published + timedelta(days=3, hours=1))
        s.commit()
        oops.transition(s, o, "submit", u, received_at=published + timedelta(days=4, hours=k))
    apply_transition(s, c, "close", SYSTEM, received_at=values["deadline"])
    cops.transition(s, c, "start_formal_review", officer)
    s.commit()


def federation_contest(s, users, orgs, values_for, offer_content, year: int) -> None:
    """Federation building published: the federation's draft names three members, two confirmed;
    the third organisation's member sees the request on their home page."""
    title = f"Wzmacnianie federacji i reprezentacji organizacji {year}"
    if not _once(s, title):
        return
    officer = users["urzednik@demo.krakow.pl"]
    now = clock.now()
    deadline = (now + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)
    values = values_for(title, year, "ngo_support", "120000.00", deadline, call_type="federation_building",
                        call_params={"min_members": 3})
    c = cops.create(s, officer, values, at=now - timedelta(days=8))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=now - timedelta(days=1))
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}
    if 9 not in members:
        return
    fed = members[9]  # Federacja Organizacji Pozarządowych Krakowa
    o = oops.create(s, fed, c, orgs[9].id)
    content = offer_content(c, orgs[9], 9, "30000.00")
    content["call"] = {"applicant_kind": "federation",
                       "representation": "Wspólne stanowiska w konsultacjach, delegaci do Rady Działalności "
                                         "Pożytku Publicznego i komisji dialogu obywatelskiego."}
    oops.save_sections(s, o, fed, content)
    s.commit()
    for i in (0, 1, 3):
        fm.add(s, fed, o, orgs[i].id)
        s.commit()
    for i in (0, 1):
        fm.confirm(s, members[i], o, orgs[i].id)
        s.commit()


def pool(s, users, orgs) -> None:
    """Two NGO nominees in the standing pool of commission candidates."""
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}
    for email, org_i, profile, fields in (
            ("nominat@demo.krakow.pl", 9, "Koordynatorka sieci organizacji seniorskich, 12 lat w radach dzielnic.",
             ["seniors", "ngo_support"]),
            ("nominat2@demo.krakow.pl", 0, "Animator kultury, współautor programu współpracy Nowej Huty.",
             ["culture", "local_communities"])):
        user = users.get(email)
        if user is None or org_i not in members:
            continue
        if s.scalar(select(PoolCandidate.id).where(PoolCandidate.user_id == user.id)) is not None:
            continue
        cand = pl.nominate(s, members[org_i], organisation_id=orgs[org_i].id, email=email, profile=profile,
                           fields=fields)
        s.commit()
        pl.consent(s, user, cand)
        s.commit()


def seed(s, users, orgs, values_for, offer_content) -> None:
    year = clock.today().year + 1
    concept_call(s, users, orgs, values_for, year)
    pilot_contest(s, users, orgs, values_for, year)
    youth_contest(s, users, orgs, values_for, offer_content, year)
    federation_contest(s, users, orgs, values_for, offer_content, year)
    pool(s, users, orgs)


def commission_scoring(s, officer, second, c):
    """The contest's commission of two city members (the officer chairs) who declared no conflict, open
    for scoring (also the standard demo contest's, grants.demo, and the tests' factory)."""
    com = rops.create(s, officer, c)
    rops.add_member(s, officer, com, user_id=officer.id, kind="city", is_chair=True)
    rops.add_member(s, officer, com, user_id=second.id, kind="city")
    s.commit()
    rops.transition(s, com, "open_declarations", officer, {"without_ngo_reason": "none_nominated"})
    for m in com.members:
        for org_id in organisations_to_declare(s, com):
            rops.declare(s, m.user, com, org_id, False)
    s.commit()
    rops.transition(s, com, "start_scoring", officer)
    return com
