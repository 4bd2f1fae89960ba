"""`grants demo`: a small, believable Kraków. Running it twice adds nothing twice: every object
is looked up by its natural key first. Workflow objects are made through operations, so they
carry their history."""
from __future__ import annotations

from datetime import (
    date,
    datetime,
    time,
    timedelta,  # noqa: I001
)
from decimal import Decimal

from sqlalchemy import select
from stdnum import iban as iban_mod
from stdnum.pl import nip as nip_mod
from stdnum.pl import regon as regon_mod

from grants.accounts.models import User
from grants.accounts.operations import create_user
from grants.agreements import operations as aops
from grants.agreements.models import Agreement
from grants.consultations import operations as ops
from grants.consultations.models import Consultation
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants import demo_authorities, demo_beyond, demo_calltypes
from grants.core import clock, db
from grants.core.dates import WARSAW
from grants.directions import operations as dops
from grants.directions.models import Direction
from grants.initiatives import operations as iops
from grants.initiatives.models import Initiative
from grants.offers import operations as oops
from grants.offers.content import DECLARATIONS, empty
from grants.offers.models import Offer
from grants.offers.validation import figures
from grants.programmes.models import Programme
from grants.programmes.operations import plan_contest_from_direction
from grants.programmes.operations import save as save_programme
from grants.registry import memberships
from grants.registry.dictionaries import FIELDS
from grants.registry.models import (
    Department,
    Grantor,
    MembershipInvitation,
    Organisation,
)
from grants.reports import operations as rpops
from grants.reports.models import Report
from grants.settlements import calculation
from grants.settlements.models import Settlement
from grants.small_grants import operations as gops
from grants.small_grants.models import SmallGrant
from grants.workflows.base import SYSTEM, apply_transition
from grants.commissions import operations as rops
from reviewers.declarations import organisations_to_declare
from reviewers.models import Commission
from reviewers.scoring import offers_to_score
from grants.notifications import demo as notification_demo

DEMO_PASSWORD = "Demo-Grants-2026"

DEPARTMENTS = [
    ("BIS", "Biuro Inicjatyw Społecznych"),
    ("SZ", "Wydział Polityki Społecznej i Zdrowia"),
    ("KD", "Wydział Kultury i Dziedzictwa Narodowego"),
    ("SP", "Wydział Sportu"),
    ("ED", "Wydział Edukacji"),
]
# the fields of public benefit each department handles: art. 12 and art. 19a offers go there
DEPARTMENT_FIELDS = {
    "BIS": ["local_communities", "ngo_support", "volunteering", "human_rights", "equal_rights", "economy",
            "european_integration", "ecology", "public_order", "rescue", "consumer"],
    "SZ": ["social_assistance", "social_integration", "charity", "health", "disability", "employment", "seniors",
           "family"],
    "KD": ["culture", "national_tradition", "minorities"],
    "SP": ["sport", "tourism"],
    "ED": ["science_education", "children_youth"],
}

ORGANISATIONS = [
    ("Stowarzyszenie Przyjaciół Nowej Huty", "association", ["local_communities", "culture"], "XVIII"),
    ("Fundacja Krakowskie Forum Seniora", "foundation", ["seniors", "social_assistance"], "II"),
    ("Stowarzyszenie Sportowe Wisła Juniorzy", "association", ["sport", "children_youth"], "V"),
    ("Fundacja Sztuka i Start-up", "foundation", ["culture", "economy"], "I"),
    ("Krakowskie Towarzystwo Dobroczynności", "association", ["charity", "social_assistance"], "I"),
    ("Fundacja Zielony Kraków", "foundation", ["ecology"], "VII"),
    ("Stowarzyszenie Rodzin Zastępczych Małopolski", "association", ["family"], "XIII"),
    ("Fundacja Integracji Osób z Niepełnosprawnościami", "foundation", ["disability", "social_integration"], "XII"),
    ("Stowarzyszenie Edukacji Obywatelskiej Agora", "association", ["national_tradition", "science_education"], "IV"),
    ("Federacja Organizacji Pozarządowych Krakowa", "federation", ["ngo_support"], "I"),
    ("Klub Turystyczny Bezdroża", "association", ["tourism"], "VIII"),
    ("Fundacja Zdrowie Miasta", "foundation", ["health"], "III"),
    ("Stowarzyszenie Młodzi Przedsiębiorczy", "association", ["economy", "children_youth"], "XIV"),
    ("Fundacja Wolontariat Kraków", "foundation", ["volunteering"], "II"),
    ("Stowarzyszenie Kobiet Aktywnych", "association", ["equal_rights"], "VI"),
    ("Fundacja Praw Człowieka Lex", "foundation", ["human_rights"], "I"),
    ("Spółdzielnia Socjalna Razem", "social_cooperative", ["employment", "social_integration"], "XVI"),
    ("Stowarzyszenie Ratownictwa Wodnego", "association", ["rescue"], "X"),
    ("Fundacja Dziedzictwa Podgórza", "foundation", ["culture", "national_tradition"], "XIII"),
    ("Towarzystwo Przyjaciół Zwierząt Azyl", "association", ["ecology"], "XI"),
    ("Fundacja Dzieci Prądnika", "foundation", ["children_youth", "science_education"], "IV"),
    ("Stowarzyszenie Mniejszości Romskiej w Krakowie", "association", ["minorities"], "IX"),
    ("Fundacja Konsumentów Świadomych", "foundation", ["consumer"], "V"),
    ("Stowarzyszenie Europa Kraków", "association", ["european_integration"], "I"),
    ("Klub Seniora Mistrzejowice", "ordinary_association", ["seniors"], "XV"),
    ("Fundacja Bezpieczne Osiedle", "foundation", ["public_order"], "XVII"),
    ("Stowarzyszenie Teatr Ulicy", "association", ["culture"], "III"),
    ("Fundacja Aktywizacji Zawodowej Praca", "foundation", ["employment"], "XII"),
    ("Caritas Parafii św. Józefa", "church_entity", ["charity"], "XIII"),
    ("Uczniowski Klub Sportowy Czyżyny", "sports_club", ["sport"], "XIV"),
]


def identifiers(i: int) -> tuple[str, str, str]:
    """Deterministic, valid KRS, NIP and REGON for the i-th demo organisation."""
    krs = f"{100000 + i * 7919:010d}"
    nip = _complete(nip_mod, [f"{p}{i:07d}" for p in range(67, 80)])
    regon = _complete(regon_mod, [f"{p}{i:06d}" for p in range(35, 50)])
    return krs, nip, regon


def _complete(module, bases: list[str]) -> str:
    """The first base that some check digit makes valid, by the library's own validation."""
    for base in bases:
        for digit in "0123456789":
            if module.is_valid(base + digit):
                return base + digit
    raise ValueError("no valid identifier")


# (email, roles, name, department, organisation index or None, stakeholder type)
USERS = [
    ("admin@demo.krakow.pl", ["admin"], "Anna Administratorka", "BIS", None, None),
    ("urzednik@demo.krakow.pl", ["officer"], "Tomasz Urzędnik", "BIS", None, None),
    ("urzedniczka.sz@demo.krakow.pl", ["officer"], "Ewa Nowak (SZ)", "SZ", None, None),
    ("urzednik.kd@demo.krakow.pl", ["officer"], "Piotr Kowalski (KD)", "KD", None, None),
    ("finanse@demo.krakow.pl", ["finance"], "Barbara Księgowa", None, None, None),
    ("komisja@demo.krakow.pl", ["commission_member"], "Jan Ekspert", None, None, None),
    ("urzednik2.sz@demo.krakow.pl", ["officer"], "Marek Zieliński (SZ)", "SZ", None, None),
    ("nominat@demo.krakow.pl", ["commission_member"], "Alicja Wskazana (Federacja NGO)", None, None, None),
    ("nominat2@demo.krakow.pl", ["commission_member"], "Bogdan Wskazany (Przyjaciele Nowej Huty)", None, None, None),
    ("ngo@demo.krakow.pl", ["applicant"], "Maria Działaczka", None, 0, None),
    ("ngo2@demo.krakow.pl", ["applicant"], "Krzysztof Prezes", None, 1, None),
    ("ngo3@demo.krakow.pl", ["applicant"], "Zofia Fundatorka", None, 3, None),
    ("nowy@demo.krakow.pl", ["applicant"], "Adam Bez Organizacji", None, None, None),
    ("mieszkanka@demo.krakow.pl", ["participant"], "Helena Mieszkanka", None, None, "resident"),
    ("firma@demo.krakow.pl", ["participant"], "Robert Przedsiębiorca", None, None, "business"),
]


def demo_iban(i: int) -> str:
    """A valid, distinct Polish account number for demo organisation `i` (each its own account)."""
    bban = f"10901014{i + 1:016d}"
    return "PL" + iban_mod.calc_check_digits("PL00" + bban) + bban


def _grantor(s) -> Grantor:
    g = s.scalar(select(Grantor).where(Grantor.code == "KRK"))
    if g is None:
        g = Grantor(code="KRK", name="Gmina Miejska Kraków", office_name="Urząd Miasta Krakowa", teryt="1261011",
                    address="pl. Wszystkich Świętych 3-4, 31-004 Kraków", nip="6761013717")
        s.add(g)
        s.flush()
    for code, name in DEPARTMENTS:
        d = s.scalar(select(Department).where(Department.grantor_id == g.id, Department.code == code))
        if d is None:
            s.add(Department(grantor=g, code=code, name=name, fields=DEPARTMENT_FIELDS[code]))
        elif not d.fields:  # a database from before departments had fields
            d.fields = DEPARTMENT_FIELDS[code]
    s.flush()
    return g


def _organisations(s) -> list[Organisation]:
    out = []
    for i, (name, form, fields, district) in enumerate(ORGANISATIONS):
        krs, nip, regon = identifiers(i)
        org = s.scalar(select(Organisation).where(Organisation.krs == krs))
        if org is None:
            slug = name.lower().split()[-1]
            org = Organisation(name=name, legal_form=form, krs=krs, nip=nip, regon=regon, fields=fields,
                               district=district, address=f"ul. Przykładowa {i + 1}, 30-0{i:02d} Kraków",
                               email=f"biuro@{slug}.demo.org.pl", phone=f"+48 12 400 {i:02d} {i:02d}",
                               created_at=clock.real_now())
            s.add(org)
        out.append(org)
    s.flush()
    return out


def _users(s, orgs) -> dict[str, User]:
    users = {}
    for email, roles, name, dept, org_i, stakeholder in USERS:
        u = s.scalar(select(User).where(User.email == email))
        if u is None:
            u = create_user(s, email=email, password=DEMO_PASSWORD, roles=roles, full_name=name,
                            department_code=dept, stakeholder_type=stakeholder,
                            organisation_krs=orgs[org_i].krs if org_i is not None else None)
        users[email] = u
    s.flush()
    return users


def _consultations(s, users) -> None:
    officer = users["urzednik@demo.krakow.pl"]
    now = clock.now()
    plan = [
        ("Program współpracy na rok 2028: kierunki otwartych konkursów ofert", "open", -10, 20),
        ("Konsultacje ponadsektorowe: współpraca organizacji z biznesem i uczelniami", "open", -3, 30),
        ("Newsletter dla organizacji: wybór tematów według sfer pożytku", "draft", 10, 40),
        ("Mobilne punkty doradztwa dla NGO w dzielnicach", "closed", -40, 25),
        ("Program współpracy na rok 2027", "reported", -120, 40),
    ]
    for title, target, start_days, length in plan:
        if s.scalar(select(Consultation.id).where(Consultation.title == title)) is not None:
            continue
        c = ops.create(s, officer, title=title, fields=["ngo_support", "local_communities"],
                       description="Zgłoś uwagi i propozycje. Miasto odpowie na każdą w raporcie z konsultacji.",
                       starts_at=now + timedelta(days=start_days),
                       ends_at=now + timedelta(days=max(start_days + length, 1)))
        s.commit()
        if target == "draft":
            continue
        ops.transition(s, c, "open", officer)
        if target in ("closed", "reported"):
            ops.transition(s, c, "close_early", officer, {"reason": "Zakończenie zbierania uwag (dane demonstracyjne)."})
        if target == "reported":
            ops.transition(s, c, "publish_report", officer,
                           {"report": "Zgłoszono 14 propozycji; 9 przyjęto do programu, 3 połączono, 2 odrzucono "
                                      "z uzasadnieniem w tabeli odpowiedzi."})


# more members, so that demo offers come from many organisations (password as above)
EXTRA_MEMBERS = [(f"czlonek{i}@demo.krakow.pl", i) for i in range(4, 16)]


def _extra_members(s, orgs, users) -> None:
    for email, i in EXTRA_MEMBERS:
        u = s.scalar(select(User).where(User.email == email))
        if u is None:
            u = create_user(s, email=email, password=DEMO_PASSWORD, roles=["applicant"],
                            full_name=f"Członek zarządu: {orgs[i].name}", organisation_krs=orgs[i].krs)
        users[email] = u
    s.flush()


def _invitations(s, orgs, users) -> None:
    """R-ORG-MEMBERSHIP: the first organisation's board has invited the person without an
    organisation, who sees the invitation on their home page."""
    invitee = users["nowy@demo.krakow.pl"]
    if s.scalar(select(MembershipInvitation.id).where(MembershipInvitation.email == invitee.email)) is None \
            and not invitee.memberships:
        memberships.invite(s, users["ngo@demo.krakow.pl"], orgs[0], invitee.email, "member")


def _contest_values(title: str, year: int, field: str, budget: str, deadline, **kw) -> dict:
    values = {
        "title": title, "year": year, "field": field, "form": "support",
        "task_type": f"{title}: realizacja zadania publicznego w sferze „{FIELDS[field]}”",
        "budget": Decimal(budget), "min_grant": Decimal("5000.00"), "max_grant": Decimal("60000.00"),
        "min_own_total_pct": Decimal("10"), "max_admin_pct": Decimal("10"),
        "grant_rules": "Dotacja może pokryć do 90% kosztów zadania. Wkład własny co najmniej 10%, "
                       "w tym może być wkładem osobowym (wolontariat).",
        "task_conditions": f"Zadanie realizowane w Krakowie w roku {year}, zgodnie z umową i harmonogramem oferty.",
        "procedure": "Ocena formalna (lista kontrolna), następnie ocena merytoryczna komisji konkursowej "
                     "według kryteriów z art. 15 ust. 1 UDPP. Decyzję podejmuje Prezydent Miasta Krakowa.",
        "previous_tasks": f"W roku {year - 2} i {year - 1} Gmina zleciła 14 zadań tego rodzaju na łączną kwotę "
                          "412 000 zł (dotacje).",
        "deadline": deadline, "decision_by": (deadline + timedelta(days=30)).date(),
        "task_start": date(year, 1, 1), "task_end": date(year, 12, 31),
        "eligible_categories": ["personnel", "materials", "services", "venue", "admin"],
        "ineligible_categories": ["investment"], "pass_threshold": Decimal("25"),
    }
    values.update(kw)
    return values


def _offer_content(contest, org, i: int, grant: str) -> dict:

    year = contest.year
    total = (Decimal(grant) / Decimal("0.85")).quantize(Decimal("0.01"))
    admin = (total * Decimal("0.06")).quantize(Decimal("0.01"))
    c = empty()
    c["basic"]["task_type"] = contest.task_type
    c["applicant"].update(address=org.address, contact_person="Koordynator projektu", contact_email=org.email,
                          contact_phone=org.phone)
    c["task"].update(
        title=["Warsztaty międzypokoleniowe", "Spacery z historią dzielnicy", "Klub aktywnego seniora",
               "Teatr podwórkowy", "Zielone podwórka", "Liga osiedlowa"][i % 6] + f" ({org.name.split()[-1]})",
        start_date=f"{year}-03-01", end_date=f"{year}-11-30", place=f"Kraków, dzielnica {org.district}",
        target_group="Mieszkańcy dzielnicy, ok. 60 osób", need="Mało oferty dostępnej bezpłatnie w dzielnicy.",
        summary="Cykl spotkań i warsztatów prowadzonych przez doświadczonych instruktorów.",
        expected_results="60 uczestników, 20 spotkań, wydarzenie podsumowujące.",
        actions=[{"name": "Rekrutacja uczestników", "description": "Plakaty, media lokalne", "schedule": "III"},
                 {"name": "Warsztaty", "description": "20 spotkań po 2 godziny", "schedule": "IV–X"},
                 {"name": "Wydarzenie podsumowujące", "description": "Pokaz efektów", "schedule": "XI"}],
        results=[{"result": "Liczba uczestników", "planned_value": "60", "monitoring": "Listy obecności"},
                 {"result": "Liczba spotkań", "planned_value": "20", "monitoring": "Dziennik zajęć"}])
    c["profile"].update(experience="Organizacja działa od 2012 r.; zrealizowała 9 zadań zleconych przez Gminę.",
                        resources="Dwóch instruktorów, sala w siedzibie, 10 wolontariuszy.")
    action_total = total - admin
    c["costs"] = [
        {"category": "action", "action_no": 1, "cost_type": "materials", "name": "Materiały promocyjne",
         "unit": "kpl.", "unit_cost": "500.00", "units": "1"},
        {"category": "action", "action_no": 2, "cost_type": "personnel", "name": "Wynagrodzenie instruktora",
         "unit": "godz.", "unit_cost": str(((action_total - Decimal("500.00")) / 40).quantize(Decimal("0.01"))),
         "units": "40"},
        {"category": "admin", "cost_type": "admin", "name": "Koordynacja i księgowość", "unit": "mies.",
         "unit_cost": str(admin), "units": "1"},
    ]
    real_total = figures(c)["total"]
    own = real_total - Decimal(grant)
    c["sources"] = {"grant": grant, "own_financial": str((own / 2).quantize(Decimal("0.01"))),
                    "own_personal": str(own - (own / 2).quantize(Decimal("0.01"))), "own_in_kind": "0.00",
                    "beneficiaries": "0.00"}
    c["declarations"]["accepted"] = list(DECLARATIONS)
    return c


def _contests(s, users, orgs) -> None:
    now = clock.now()
    year = clock.today().year + 1
    officer = users["urzednik@demo.krakow.pl"]
    officer_sz = users["urzedniczka.sz@demo.krakow.pl"]
    officer_kd = users["urzednik.kd@demo.krakow.pl"]
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}

    def offer(c, i, grant, at, submit=True):
        u = members[i]
        o = oops.create(s, u, c, orgs[i].id, at=at)
        oops.save_sections(s, o, u, _offer_content(c, orgs[i], i, grant), at=at + timedelta(minutes=30))
        s.commit()
        if submit:
            oops.transition(s, o, "submit", u, received_at=at + timedelta(hours=1))
        return o

    plan = [
        # title, officer, field, budget, target state, days from now of publication and deadline
        (f"Kultura w dzielnicach {year}", officer_kd, "culture", "400000.00", "published", -5, 25),
        (f"Aktywni seniorzy {year}", officer_sz, "seniors", "250000.00", "formal_review", -60, -30),
        (f"Profilaktyka zdrowotna {year}", officer_sz, "health", "180000.00", "evaluation", -70, -40),
        (f"Sport dzieci i młodzieży {year}", officer, "sport", "300000.00", "closed", -50, -2),
        (f"Festiwal sąsiedzki {year}", officer, "local_communities", "60000.00", "cancelled", -45, -20),
        (f"Ekologia w szkołach {year}", officer, "ecology", "90000.00", "draft", None, 40),
        (f"Budowanie reprezentacji i federacji NGO {year}", officer, "ngo_support", "120000.00", "planned", None, 90),
    ]
    for title, who, field, budget, target, pub_days, dl_days in plan:
        if s.scalar(select(Contest.id).where(Contest.title == title)) is not None:
            continue
        deadline = (now + timedelta(days=dl_days)).replace(hour=15, minute=0, second=0, microsecond=0)
        values = _contest_values(title, year, field, budget, deadline)
        if target == "planned":
            values["planned_announcement"] = (now + timedelta(days=60)).date()
        # the history reads in order: made a week before its publication (drafts and plans: now)
        made_at = now + timedelta(days=pub_days - 7) if pub_days is not None else None
        c = cops.create(s, who, values, planned=target == "planned", at=made_at)
        s.commit()
        if target in ("planned", "draft"):
            continue
        published = now + timedelta(days=pub_days)
        cops.transition(s, c, "publish", who, received_at=published)
        if target == "published":
            offer(c, 0, "30000.00", published + timedelta(days=1), submit=False)
            offer(c, 3, "45000.00", published + timedelta(days=2), submit=False)
            offer(c, 1, "25000.00", published + timedelta(days=3))
            continue
        if target == "cancelled":
            apply_transition(s, c, "close", SYSTEM, received_at=deadline)  # what the scheduler does at the deadline
            cops.transition(s, c, "cancel", who, {"reason": "Nie złożono żadnej oferty (R-CANCEL): konkurs "
                                                            "unieważniony obowiązkowo."}, received_at=now - timedelta(days=19))
            continue
        subs = {"formal_review": [(0, "40000.00"), (1, "35000.00"), (4, "20000.00"), (5, "15000.00"), (6, "50000.00"),
                                  (7, "30000.00")],
                "evaluation": [(12, "30000.00"), (8, "45000.00"), (9, "25000.00")],
                "closed": [(10, "20000.00"), (11, "28000.00")]}[target]
        made = [offer(c, i, grant, published + timedelta(days=2 + k)) for k, (i, grant) in enumerate(subs)]
        apply_transition(s, c, "close", SYSTEM, received_at=deadline)  # the deadline has passed: what the scheduler does
        if target == "closed":
            continue
        review_at = now - timedelta(days=2)
        cops.transition(s, c, "start_formal_review", who, received_at=review_at)
        checks = {x["code"]: True for x in c.formal_checklist}

        def accept(o):
            oops.set_formal_checks(s, o, who, checks, at=review_at + timedelta(hours=1))
            s.commit()
            oops.transition(s, o, "accept_formally", who, received_at=review_at + timedelta(hours=2))

        if target == "formal_review":
            accept(made[0])
            oops.transition(s, made[1], "request_correction", who,
                            {"deficiencies": ["Brak podpisu drugiej osoby upoważnionej do reprezentacji.",
                                              "Niewypełniona tabela rezultatów dla działania 3."]},
                            received_at=now - timedelta(days=1))
            oops.transition(s, made[2], "reject_formally", who,
                            {"reasons": "Zadanie nie mieści się w działalności statutowej oferenta."},
                            received_at=review_at + timedelta(hours=3))
            oops.transition(s, made[3], "withdraw", members[5], {"reason": "Zmiana planów organizacji."},
                            received_at=review_at + timedelta(hours=4))
            # made[4], made[5]: submitted, waiting for the officer
        else:
            accept(made[0])
            accept(made[1])
            oops.transition(s, made[2], "reject_formally", who, {"reasons": "Oferta złożona przez podmiot nieuprawniony."},
                            received_at=review_at + timedelta(hours=3))
            cops.transition(s, c, "start_evaluation", who, received_at=review_at + timedelta(hours=5))


def _commissions(s, users, orgs) -> None:
    """Commissions in several states; one contest goes all the way to published results, with a declared
    conflict, an excluded NGO nominee, a partial award and its update."""


    now = clock.now()
    year = clock.today().year + 1
    chair = users["urzedniczka.sz@demo.krakow.pl"]
    city2 = users["urzednik2.sz@demo.krakow.pl"]
    expert = users["komisja@demo.krakow.pl"]
    nominee = users["nominat@demo.krakow.pl"]
    nominee_taking_part = users["nominat2@demo.krakow.pl"]
    members = {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
               if m.organisation in orgs}

    def in_evaluation(title, field, subs):
        c = s.scalar(select(Contest).where(Contest.title == title))
        if c is not None:
            return c, None
        published, deadline = now - timedelta(days=75), now - timedelta(days=45)
        c = cops.create(s, chair, _contest_values(title, year, field, "150000.00", deadline),
                        at=published - timedelta(days=7))
        s.commit()
        cops.transition(s, c, "publish", chair, received_at=published)
        made = []
        for k, (i, grant) in enumerate(subs):
            o = oops.create(s, members[i], c, orgs[i].id, at=published + timedelta(days=1))
            oops.save_sections(s, o, members[i], _offer_content(c, orgs[i], i, grant),
                               at=published + timedelta(days=2))
            s.commit()
            oops.transition(s, o, "submit", members[i], received_at=published + timedelta(days=3, hours=k))
            made.append(o)
        apply_transition(s, c, "close", SYSTEM, received_at=deadline)
        cops.transition(s, c, "start_formal_review", chair, received_at=now - timedelta(days=30))
        checks = {x["code"]: True for x in c.formal_checklist}
        for o in made:
            oops.set_formal_checks(s, o, chair, checks, at=now - timedelta(days=29, hours=1))
            s.commit()
            oops.transition(s, o, "accept_formally", chair, received_at=now - timedelta(days=29))
        cops.transition(s, c, "start_evaluation", chair, received_at=now - timedelta(days=28))
        return c, made

    def compose(c, with_ngo=True):
        com = rops.create(s, chair, c)
        rops.add_member(s, chair, com, user_id=chair.id, kind="city", is_chair=True)
        rops.add_member(s, chair, com, user_id=city2.id, kind="city")
        if with_ngo:
            rops.add_member(s, chair, com, user_id=nominee.id, kind="ngo", nominating_organisation_id=orgs[9].id)
            rops.add_member(s, chair, com, user_id=nominee_taking_part.id, kind="ngo",
                            nominating_organisation_id=orgs[0].id)
        rops.add_member(s, chair, com, user_id=expert.id, kind="expert")
        s.commit()
        return com

    def declare_all(com, conflict_member=None, conflict_org=None):
        for m in com.members:
            if not m.active:
                continue
            for org_id in organisations_to_declare(s, com):
                conflict = m.user_id == getattr(conflict_member, "id", None) and org_id == conflict_org
                rops.declare(s, m.user, com, org_id, conflict, ["family"] if conflict else [],
                             "Siostra jest członkinią zarządu." if conflict else "")
        s.commit()

    def score_all(com, points):
        for m in com.members:
            if not m.active:
                continue
            for o in offers_to_score(s, com):
                if rops.may_score(s, com, m, o) is not None:
                    continue
                base = points[o.id] - (1 if m.kind == "expert" else 0)
                scores = {cr["code"]: str(max(0, min(int(Decimal(str(cr["max_points"]))), base)))
                          for cr in com.contest.criteria}
                just = {cr["code"]: "Ocena zgodna z opisem oferty i kosztorysem." for cr in com.contest.criteria}
                rops.save_card(s, m.user, com, o, scores, just, submit=True)
        s.commit()


    # 1. all the way to results: declarations with a conflict, an excluded nominee, a partial award and its update
    title = f"Wypoczynek letni dzieci i młodzieży {year}"
    c, made = in_evaluation(title, "children_youth", [(0, "60000.00"), (13, "50000.00"), (14, "45000.00"),
                                                     (15, "30000.00")])
    if made:
        com = compose(c)
        rops.transition(s, com, "open_declarations", chair)
        declare_all(com, conflict_member=city2, conflict_org=orgs[13].id)
        rops.transition(s, com, "start_scoring", chair)
        score_all(com, {made[0].id: 5, made[1].id: 5, made[2].id: 5, made[3].id: 2})
        rops.transition(s, com, "close_scoring", chair)
        s.expire_all()
        rops.transition(s, com, "approve_protocol", chair)
        cops.transition(s, c, "decide", chair)
        s.expire_all()
        partial = next((o for o in made if o.state == "update_required"), None)
        if partial is not None:
            i = orgs.index(partial.organisation)
            oops.save_sections(s, partial, members[i], _offer_content(c, orgs[i], i, str(partial.awarded_grant)))
            s.commit()
            oops.transition(s, partial, "submit_update", members[i])
    # 2. scoring in progress
    c, made = in_evaluation(f"Integracja osób z niepełnosprawnościami {year}", "disability",
                            [(4, "40000.00"), (6, "35000.00"), (7, "25000.00")])
    if made:
        com = compose(c)
        rops.transition(s, com, "open_declarations", chair)
        declare_all(com)
        rops.transition(s, com, "start_scoring", chair)
        o = made[0]
        rops.save_card(s, chair, com, o, {cr["code"]: "4" for cr in c.criteria}, {cr["code"]: "Dobrze opisane." for cr in c.criteria},
                       submit=True)
        s.commit()
    # 3. declarations open; 4. composition being formed
    c, made = in_evaluation(f"Przeciwdziałanie samotności seniorów {year}", "seniors", [(10, "30000.00"), (11, "20000.00")])
    if made:
        com = compose(c, with_ngo=False)
        rops.transition(s, com, "open_declarations", chair, {"without_ngo_reason": "none_nominated"})
    c, made = in_evaluation(f"Zdrowie psychiczne młodzieży {year}", "health", [(5, "30000.00"), (12, "25000.00")])
    if made:
        com = rops.create(s, chair, c)
        rops.add_member(s, chair, com, user_id=chair.id, kind="city", is_chair=True)
        s.commit()
    date  # noqa: B018
    Commission  # noqa: B018


def _before_the_contest(s, users, orgs) -> None:
    """Directions in a consultation, next year's programme, art. 12 initiatives and art. 19a small grants."""


    now = clock.now()
    year = clock.today().year + 1
    officer = users["urzednik@demo.krakow.pl"]
    ngo, business, resident = users["ngo@demo.krakow.pl"], users["firma@demo.krakow.pl"], users["mieszkanka@demo.krakow.pl"]
    ngo2 = users["ngo2@demo.krakow.pl"]
    consultation = s.scalar(select(Consultation).where(Consultation.state == "open").order_by(Consultation.id))
    if consultation is not None and s.scalar(select(Direction.id).limit(1)) is None:
        plan = [
            (ngo, orgs[0].id, "Kluby sąsiedzkie w Nowej Hucie", "Samotność starszych mieszkańców bloków",
             "Seniorzy i ich sąsiedzi", "Sieć klubów sąsiedzkich prowadzonych przez organizacje", "120000", "seniors", "XVIII"),
            (business, None, "Start-upy i artyści razem: pilotaże innowacji", "Pomysły łączące sztukę i technologię nie "
             "mieszczą się w zwykłych konkursach", "Artyści, start-upy, organizacje kultury",
             "Konkurs na pilotaże innowacyjnych projektów międzysektorowych", "200000", "culture", None),
            (resident, None, "Więcej ławek i zieleni przy szkołach", "Brak miejsc do odpoczynku",
             "Uczniowie i rodzice", "Mikrogranty na zazielenianie otoczenia szkół", "50000", "ecology", "IV"),
            (ngo2, orgs[1].id, "Kluby seniora w dzielnicach", "Samotność seniorów", "Seniorzy",
             "Kluby dla seniorów w każdej dzielnicy", "100000", "seniors", None),
        ]
        made = []
        for author, org_id, title, problem, target, task, funds, field, district in plan:
            d = dops.create(s, author, consultation, {"title": title, "problem": problem, "target_group": target,
                                                      "proposed_task": task, "estimated_funds": Decimal(funds),
                                                      "field": field, "district": district}, org_id)
            s.commit()
            dops.transition(s, d, "submit", author)
            made.append(d)
        for d in made[:3]:
            for supporter in (ngo, business, resident, ngo2):
                if supporter.id != d.author_id:
                    dops.support(s, d, supporter)
        dops.comment(s, made[1], ngo, "Chętnie dołączymy jako partner: mamy doświadczenie z instalacjami miejskimi.")
        s.commit()
        dops.transition(s, made[0], "start_review", officer)
        dops.transition(s, made[0], "accept", officer, {"answer": "Przyjęto: zadanie trafi do programu współpracy na "
                                                                  f"rok {year} jako konkurs w sferze działalności na rzecz seniorów."})
        plan_contest_from_direction(s, officer, made[0], announcement=date(year, 2, 1))
        s.commit()
        dops.transition(s, made[2], "start_review", officer)
        dops.transition(s, made[2], "reject", officer, {"answer": "To zadanie inwestycyjne Zarządu Zieleni Miejskiej, "
                                                                  "nie zadanie pożytku publicznego; przekazano do ZZM."})
        dops.transition(s, made[3], "merge", officer, {"into_id": str(made[0].id)})
    this_year = clock.today().year
    if s.scalar(select(Programme.id).where(Programme.year == this_year)) is None:
        save_programme(s, officer, {"year": str(this_year), "title": f"Program współpracy na rok {this_year}",
                                    "adopted_on": date(this_year - 1, 11, 26).isoformat(),
                                    "funds.seniors": "700000", "funds.culture": "1400000", "funds.sport": "1100000"})
        s.commit()
    if s.scalar(select(Programme.id).where(Programme.year == year)) is None:
        save_programme(s, officer, {"year": str(year), "title": f"Program współpracy Gminy Miejskiej Kraków z organizacjami "
                                                               f"pozarządowymi na rok {year}",
                                    "priorities": "Przeciwdziałanie samotności seniorów\nKultura w dzielnicach\n"
                                                  "Wzmacnianie federacji i reprezentacji organizacji",
                                    "commission_rules": "Komisje powołuje Prezydent; co najmniej dwie osoby wskazane przez organizacje.",
                                    "funds.seniors": "800000", "funds.culture": "1500000", "funds.sport": "1200000",
                                    "funds.ngo_support": "300000", "funds.health": "600000"})
        s.commit()
    if s.scalar(select(Initiative.id).limit(1)) is None:
        specs = [("Miejskie ogrody społeczne na osiedlach", "under_assessment"),
                 ("Rowerowa szkoła dla dorosłych", "expedient"),
                 ("Festiwal kuchni mniejszości", "not_expedient"),
                 ("Warsztaty cyfrowe dla seniorów", "submitted")]
        for i, (title, target) in enumerate(specs):
            m = members_of(users, orgs)[i + 4]
            o = iops.submit(s, m, orgs[i + 4].id, {"title": title, "description": f"{title}: zadanie zaproponowane z "
                                                   "własnej inicjatywy organizacji, z opisem odbiorców, działań i rezultatów.",
                                                   "field": "local_communities", "estimated_cost": Decimal("45000.00")})
            s.commit()
            if target == "submitted":
                continue
            iops.transition(s, o, "start_assessment", officer)
            if target == "expedient":
                iops.transition(s, o, "deem_expedient", officer, {"announcement_date": date(year, 3, 1).isoformat(),
                                                                 "justification": "Zgodne z priorytetami programu."})
            elif target == "not_expedient":
                iops.transition(s, o, "deem_not_expedient", officer,
                                {"justification": "Zadanie jest już finansowane w konkursie na kulturę w dzielnicach."})
    if s.scalar(select(SmallGrant.id).limit(1)) is None:
        # each goes to the department of its field (grants.registry.departments), whose officer decides it
        specs = [("Piknik sąsiedzki na Bieżanowie", "6000.00", "submitted", "local_communities"),
                 ("Warsztaty pierwszej pomocy dla seniorów", "8000.00", "published", "seniors"),
                 ("Turniej szachowy dla dzieci", "4500.00", "comments_closed", "local_communities"),
                 ("Sprzątanie brzegów Wisły", "7000.00", "awarded", "ecology"),
                 ("Koncert charytatywny", "9500.00", "refused", "culture")]
        by_department = {users[e].department_id: users[e] for e in ("urzednik@demo.krakow.pl",
                                                                    "urzedniczka.sz@demo.krakow.pl",
                                                                    "urzednik.kd@demo.krakow.pl")}
        for i, (title, amount, target, field) in enumerate(specs):
            m = members_of(users, orgs)[i + 8]
            start = clock.today() + timedelta(days=30)
            g, _warnings = gops.submit(s, m, orgs[i + 8].id, {"title": title, "description": f"{title}: małe zadanie "
                                                                "lokalne w trybie art. 19a.", "amount": Decimal(amount),
                                                                "field": field, "task_start": start,
                                                                "task_end": start + timedelta(days=40)})
            decider = by_department[g.department_id]
            s.commit()
            if target == "submitted":
                continue
            if target == "published":
                gops.transition(s, g, "publish", decider)
                gops.add_comment(s, g, None, "Jan Mieszkaniec", "Bardzo potrzebne, zgłoszę mamę!")
                s.commit()
                continue
            apply_transition(s, g, "publish", decider, received_at=now - timedelta(days=10))
            apply_transition(s, g, "close_comments", SYSTEM)
            if target == "awarded":
                gops.transition(s, g, "award", decider, {"justification": "Uwag nie zgłoszono; zadanie celowe."})
            elif target == "refused":
                gops.transition(s, g, "refuse", decider, {"justification": "Zadanie nie ma charakteru pożytku publicznego."})


def _agreements(s, users) -> None:
    """Agreements from the decided contest: one signed with its tranches, one in draft."""

    if s.scalar(select(Agreement.id).limit(1)) is not None:
        return
    officer = users["urzedniczka.sz@demo.krakow.pl"]
    ready = s.scalars(select(Offer).where(Offer.state == "ready_for_agreement").order_by(Offer.id)).all()
    for k, o in enumerate(ready[:2]):
        a = aops.draft_from_offer(s, officer, o, pattern="80/20")
        aops.update(s, officer, a, {"iban": demo_iban(o.organisation_id)})
        s.commit()
        if k == 0:
            today = clock.today()
            aops.transition(s, a, "sign", officer, {"signed_by_organisation_on": today.isoformat(),
                                                    "signed_by_grantor_on": today.isoformat()})
            finance = users["finanse@demo.krakow.pl"]
            aops.transition(s, a.tranches[-1], "withhold", finance,
                            {"reason": "Wstrzymana do przyjęcia sprawozdania częściowego."})
            aops.transition(s, a.tranches[0], "release", finance, {})  # the first one waits for finance
    date  # noqa: B018


def _settled_story(s, users, orgs, title: str = "Letnie półkolonie w Podgórzu 2025", org_index: int = 6,
                   stop: str = "closed") -> None:
    """Issue 6's story in the past (2025): signed, two tranches paid, a final report with one cost line
    over the allowed shift, a settlement whose return is paid 10 days late with interest across the
    2025-12-04 rate change, closed; the contest concluded. `stop` ends the story earlier
    ("calculated", "awaiting_return"), so the demo shows settlements in several states."""


    if s.scalar(select(Contest.id).where(Contest.title == title)) is not None:
        return
    officer = users["urzedniczka.sz@demo.krakow.pl"]
    city2 = users["urzednik2.sz@demo.krakow.pl"]
    finance = users["finanse@demo.krakow.pl"]
    applicant = members_of(users, orgs)[org_index]
    org = orgs[org_index]

    def at(y, m, d, h=10):
        return datetime.combine(date(y, m, d), time(h), tzinfo=WARSAW)

    values = _contest_values(title, 2025, "children_youth", "80000.00", at(2025, 3, 31, 15),
                             task_start=date(2025, 5, 1), task_end=date(2025, 10, 31), tranche_pattern="60/40")
    c = cops.create(s, officer, values, at=at(2025, 2, 20))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=at(2025, 3, 1))
    content = empty()
    content["basic"]["task_type"] = c.task_type
    content["applicant"].update(contact_person="Koordynatorka", contact_email=org.email or "biuro@example.org")
    content["task"].update(title="Półkolonie z Podgórzem", start_date="2025-05-01", end_date="2025-10-31",
                           place="Podgórze", target_group="Dzieci 7-12 lat", need="Brak opieki w wakacje",
                           summary="Dwa turnusy półkolonii", expected_results="60 dzieci",
                           actions=[{"name": "Turnus I"}, {"name": "Turnus II"}],
                           results=[{"result": "Uczestnicy", "planned_value": "60", "monitoring": "Listy"}])
    content["profile"]["experience"] = "Od 2015 r. organizujemy półkolonie."
    content["costs"] = [
        {"category": "action", "action_no": 1, "cost_type": "materials", "name": "Materiały plastyczne", "unit": "kpl.",
         "unit_cost": "1000.00", "units": "1"},
        {"category": "action", "action_no": 2, "cost_type": "personnel", "name": "Wychowawcy", "unit": "godz.",
         "unit_cost": "50.00", "units": "200"},
        {"category": "admin", "cost_type": "admin", "name": "Księgowość", "unit": "mies.", "unit_cost": "500.00",
         "units": "1"},
    ]
    content["sources"] = {"grant": "10000.00", "own_financial": "1500.00", "own_personal": "0.00",
                          "own_in_kind": "0.00", "beneficiaries": "0.00"}
    content["declarations"]["accepted"] = list(DECLARATIONS)
    o = oops.create(s, applicant, c, org.id, at=at(2025, 3, 5))
    oops.save_sections(s, o, applicant, content, at=at(2025, 3, 6))
    s.commit()
    oops.transition(s, o, "submit", applicant, received_at=at(2025, 3, 10))
    apply_transition(s, c, "close", SYSTEM, received_at=at(2025, 3, 31, 15))
    cops.transition(s, c, "start_formal_review", officer, received_at=at(2025, 4, 1))
    oops.set_formal_checks(s, o, officer, {x["code"]: True for x in c.formal_checklist}, at=at(2025, 4, 1, 12))
    s.commit()
    oops.transition(s, o, "accept_formally", officer, received_at=at(2025, 4, 2))
    cops.transition(s, c, "start_evaluation", officer, received_at=at(2025, 4, 3))
    com = demo_calltypes.commission_scoring(s, officer, city2, c)
    for m in com.members:
        rops.save_card(s, m.user, com, o, {x["code"]: str(x["max_points"]) for x in c.criteria},
                       {x["code"]: "Oferta bardzo dobra." for x in c.criteria}, submit=True)
    s.commit()
    rops.transition(s, com, "close_scoring", officer)
    rops.transition(s, com, "approve_protocol", officer)
    cops.transition(s, c, "decide", officer, received_at=at(2025, 4, 10))
    s.expire_all()
    a = aops.draft_from_offer(s, officer, o, pattern="60/40")
    aops.update(s, officer, a, {"iban": demo_iban(org_index)})
    s.commit()
    aops.transition(s, a, "sign", officer, {"signed_by_organisation_on": "2025-04-20", "signed_by_grantor_on": "2025-04-22"})
    apply_transition(s, a, "start", SYSTEM)
    for t, paid_on in zip(a.tranches, ("2025-05-02", "2025-07-01")):
        apply_transition(s, t, "become_due", SYSTEM)
        aops.transition(s, t, "pay", finance, {"paid_on": paid_on, "transfer_ref": f"PRZELEW/2025/{a.number}/{t.number}"})
    apply_transition(s, a, "finish", SYSTEM)
    report = s.scalar(select(Report).where(Report.agreement_id == a.id, Report.kind == "final"))
    # the materials line went 400 zł over its 10% shift: 1,500 spent against 1,000 planned (limit 1,100)
    rpops.save(s, applicant, report, {
        "narrative": "Zorganizowano dwa turnusy półkolonii dla 62 dzieci.",
        "results": [{"result": "Uczestnicy", "planned": "60", "achieved": "62"}],
        "expenditure": [{"line": 0, "from_grant": "1500.00", "from_other": "0.00"},
                        {"line": 1, "from_grant": "8000.00", "from_other": "2000.00"},
                        {"line": 2, "from_grant": "500.00", "from_other": "0.00"}],
        "sources": {"grant": "10000.00", "own_financial": "2000.00"}})
    s.commit()
    rpops.transition(s, report, "submit", applicant)
    rpops.transition(s, report, "start_review", officer)
    rpops.transition(s, report, "accept", officer, {"note": "Przyjęte; przekroczenie w poz. 1 do zwrotu."})
    st = s.scalar(select(Settlement).where(Settlement.agreement_id == a.id))
    apply_transition(s, st, "calculate", finance, {}, received_at=at(2025, 11, 14))
    if stop == "calculated":
        return
    apply_transition(s, st, "request_return", finance)
    if stop == "awaiting_return":
        return
    s.refresh(st)
    due = date.fromisoformat(st.obligations[0]["due"])
    late = due + timedelta(days=10)
    owed = calculation.outstanding(st, late)
    calculation.book_payment(s, finance, st, late, owed, "ZWROT/2025/1")
    s.commit()
    apply_transition(s, st, "mark_returned", finance, received_at=at(late.year, late.month, late.day, 12))
    apply_transition(s, st, "close", finance, received_at=at(late.year, late.month, late.day, 12))
    Decimal  # noqa: B018


def members_of(users, orgs) -> dict:
    return {i: u for u in users.values() for m in u.memberships for i in [orgs.index(m.organisation)]
            if m.organisation in orgs}


def already_seeded() -> bool:
    s = db.session()
    try:
        return s.scalar(select(Grantor.id).where(Grantor.code == "KRK")) is not None
    finally:
        db.session.remove()


def logins() -> str:
    lines = [f"  Demo logins (password for all: {DEMO_PASSWORD}):"]
    for email, roles, name, dept, org_i, _st in USERS:
        extra = f", {ORGANISATIONS[org_i][0]}" if org_i is not None else (f", {dept}" if dept else "")
        lines.append(f"    {email:<34} {'+'.join(roles)}{extra}")
    return "\n".join(lines)


def seed() -> str:
    s = db.session()
    try:
        _grantor(s)
        orgs = _organisations(s)
        users = _users(s, orgs)
        s.commit()
        _consultations(s, users)
        s.commit()
        _extra_members(s, orgs, users)
        s.commit()
        _invitations(s, orgs, users)
        s.commit()
        _contests(s, users, orgs)
        s.commit()
        _commissions(s, users, orgs)
        s.commit()
        _before_the_contest(s, users, orgs)
        s.commit()
        _agreements(s, users)
        s.commit()
        _settled_story(s, users, orgs)
        _settled_story(s, users, orgs, "Warsztaty wakacyjne w Bieżanowie 2025", 7, stop="awaiting_return")
        _settled_story(s, users, orgs, "Letnia akademia sportu w Czyżynach 2025", 8, stop="calculated")
        s.commit()
        demo_calltypes.seed(s, users, orgs, _contest_values, _offer_content)
        s.commit()
        demo_beyond.seed(s, users, orgs, members_of)  # issue 17: education, mutual services, partnerships
        demo_authorities.seed(s, DEMO_PASSWORD, users, orgs, _contest_values, _offer_content)  # issue 22
        s.commit()
        notification_demo.settle_inboxes(s)  # issue 12: the newest few unread, the rest read
        s.commit()
        return (f"demo data ready: {len(orgs)} organisations, {len(users)} demo users "
                f"(password for all: {DEMO_PASSWORD})")
    finally:
        db.session.remove()
