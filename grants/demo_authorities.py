"""Demo data of a second authority (issue 22): Gmina Wieliczka, Kraków's neighbour, with its own
department, officer and admin, its own published contest, and an NGO of the shared registry that
applies to both Kraków and Wieliczka (its members see both offers on their home page). The
platform operator's account manages the authorities."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.accounts.models import User
from grants.accounts.operations import create_user
from grants.contests import operations as cops
from grants.contests.models import Contest
from grants.core import clock
from grants.offers import operations as oops
from grants.registry import authorities
from grants.registry.models import Department

CODE = "WIELICZKA"
DEPARTMENT = "WIE-RSS"
# email, roles, name, department, grantor code
USERS = [
    ("urzednik@demo.wieliczka.pl", ["officer"], "Ewa Solna", DEPARTMENT, None),
    ("admin@demo.wieliczka.pl", ["admin"], "Tomasz Kopalniany", None, CODE),
    ("operator@demo.grants.pl", ["operator"], "Operator Platformy", None, None),
]


def seed(s, password: str, users: dict, orgs: list, contest_values, offer_content) -> None:
    g = authorities.by_code(s, CODE)
    if g is None:
        g = authorities.create(s, None, code=CODE, name="Gmina Wieliczka", teryt="1219063",
                               office_name="Urząd Miasta i Gminy Wieliczka", colour="#006b3f",
                               address="ul. Powstania Warszawskiego 1, 32-020 Wieliczka")
        s.add(Department(grantor=g, code=DEPARTMENT, name="Referat Spraw Społecznych", fields=["culture", "seniors"]))
        s.flush()
    for email, roles, name, dept, grantor in USERS:
        if s.scalar(select(User.id).where(User.email == email)) is None:
            users[email] = create_user(s, email=email, password=password, roles=roles, full_name=name,
                                       department_code=dept, grantor_code=grantor)
    s.commit()
    officer = s.scalar(select(User).where(User.email == USERS[0][0]))
    year = clock.today().year + 1
    title = f"Kultura w Wieliczce {year}"
    if s.scalar(select(Contest.id).where(Contest.title == title)) is not None:
        return
    now = clock.now()
    deadline = (now + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)
    values = contest_values(title, year, "culture", "80000.00", deadline,
                            task_conditions=f"Zadanie realizowane w Gminie Wieliczka w roku {year}.",
                            procedure="Ocena formalna, następnie ocena merytoryczna komisji. Decyzję podejmuje "
                                      "Burmistrz Miasta i Gminy Wieliczka.")
    published = now - timedelta(days=3)
    c = cops.create(s, officer, values, at=published - timedelta(days=7))
    s.commit()
    cops.transition(s, c, "publish", officer, received_at=published)
    # the NGO that also applies in Kraków ("Kultura w dzielnicach"): one registry, one home for both
    member = next(u for u in users.values() for m in u.memberships if m.organisation_id == orgs[1].id)
    o = oops.create(s, member, c, orgs[1].id, at=published + timedelta(days=1))
    oops.save_sections(s, o, member, offer_content(c, orgs[1], 1, "20000.00"), at=published + timedelta(days=1, hours=1))
    s.commit()
    oops.transition(s, o, "submit", member, received_at=published + timedelta(days=2))
    s.commit()
