"""`grants demo`: a small, believable Kraków. Running it twice adds nothing twice: every object
is looked up by its natural key first. Workflow objects are made through operations, so they
carry their history."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from stdnum.pl import nip as nip_mod
from stdnum.pl import regon as regon_mod

from grants.accounts.models import User
from grants.accounts.operations import create_user
from grants.core import clock, db
from grants.registry.models import Department, Grantor, Membership, Organisation

DEMO_PASSWORD = "Demo-Grants-2026"

DEPARTMENTS = [
    ("BIS", "Biuro Inicjatyw Społecznych"),
    ("SZ", "Wydział Polityki Społecznej i Zdrowia"),
    ("KD", "Wydział Kultury i Dziedzictwa Narodowego"),
    ("SP", "Wydział Sportu"),
    ("ED", "Wydział Edukacji"),
]

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
    ("ngo@demo.krakow.pl", ["applicant"], "Maria Działaczka", None, 0, None),
    ("ngo2@demo.krakow.pl", ["applicant"], "Krzysztof Prezes", None, 1, None),
    ("ngo3@demo.krakow.pl", ["applicant"], "Zofia Fundatorka", None, 3, None),
    ("nowy@demo.krakow.pl", ["applicant"], "Adam Bez Organizacji", None, None, None),
    ("mieszkanka@demo.krakow.pl", ["participant"], "Helena Mieszkanka", None, None, "resident"),
    ("firma@demo.krakow.pl", ["participant"], "Robert Przedsiębiorca", None, None, "business"),
]


def _grantor(s) -> Grantor:
    g = s.scalar(select(Grantor).where(Grantor.code == "KRK"))
    if g is None:
        g = Grantor(code="KRK", name="Gmina Miejska Kraków", office_name="Urząd Miasta Krakowa",
                    address="pl. Wszystkich Świętych 3-4, 31-004 Kraków", nip="6761013717")
        s.add(g)
        s.flush()
    for code, name in DEPARTMENTS:
        if s.scalar(select(Department.id).where(Department.code == code)) is None:
            s.add(Department(grantor=g, code=code, name=name))
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
    from grants.consultations import operations as ops
    from grants.consultations.models import Consultation
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
        return (f"demo data ready: {len(orgs)} organisations, {len(users)} demo users "
                f"(password for all: {DEMO_PASSWORD})")
    finally:
        db.session.remove()
