"""Building blocks for the youth-entrepreneurship call type's tests: a youth contest (through the
operations or the API), a complete extra offer section, and a decided youth contest ready for its
agreements (the factories' contest_in_evaluation / decided_contest, for this call type)."""
from __future__ import annotations

import copy
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from grants.core import clock
from tests.factories import contest_in_evaluation, contest_values, decided_contest, offer_content

CODE = "youth_entrepreneurship"
PARAMS = {"min_age": 13, "max_age": 19, "min_ventures": 1}


def youth_values(**overrides) -> dict:
    values = contest_values(call_type=CODE, call_params=dict(PARAMS), field="economy",
                           title="Przedsiębiorczość młodzieży w szkołach Krakowa",
                           task_type="Rozwój przedsiębiorczości młodzieży we współpracy ze szkołami i uczelniami")
    values.update(overrides)
    return values


def api_body(**overrides) -> dict:
    """youth_values as the JSON of POST /api/v1/contests."""
    body = {}
    for k, x in youth_values(**overrides).items():
        if isinstance(x, Decimal):
            body[k] = str(x)
        elif isinstance(x, (date, datetime)):
            body[k] = x.isoformat()
        else:
            body[k] = x
    return body


def youth_contest(session, officer, publish: bool = True, **overrides):
    from grants.contests import operations as cops
    c = cops.create(session, officer, youth_values(**overrides))
    session.commit()
    if publish:
        cops.transition(session, c, "publish", officer)
    return c


def section(**overrides) -> dict:
    """A complete extra section: a school partner, 15 pupils of 14-18, two ventures with mentors,
    both declarations on the protection of minors."""
    s = {
        "partner": {"name": "XII Liceum Ogólnokształcące w Krakowie", "kind": "school",
                    "contact": "Anna Nowak, wicedyrektorka, 12 345 67 89",
                    "role": "Udostępnia sale, nauczyciele przedsiębiorczości prowadzą zajęcia."},
        "age_from": 14, "age_to": 18, "participants": 15,
        "ventures": [
            {"name": "Szkolny sklepik ekologiczny", "kind": "mini_company",
             "description": "Sprzedaż wyrobów z recyklingu na kiermaszach.",
             "mentor": {"name": "Piotr Zając", "role": "właściciel lokalnej firmy"}},
            {"name": "Spółdzielnia Kawa na Ławę", "kind": "cooperative",
             "description": "Kawiarenka na szkolnych wydarzeniach.",
             "mentor": {"name": "Ewa Wrona", "role": "doradczyni spółdzielni socjalnych"}},
        ],
        "child_protection_standards": True, "offender_register_checked": True,
    }
    s.update(overrides)
    return s


def youth_content(contest, grant: str = "9000.00", **call) -> dict:
    c = offer_content(contest, grant)
    c["call"] = section(**call)
    return c


def without(d: dict, *path) -> dict:
    """A deep copy with the key at `path` removed (e.g. without(s, "ventures", 0, "mentor"))."""
    out = copy.deepcopy(d)
    node = out
    for p in path[:-1]:
        node = node[p]
    del node[path[-1]]
    return out


def report_call(**overrides) -> dict:
    """A complete report section: both ventures recorded, indicators consistent."""
    r = {
        "ventures": [
            {"name": "Szkolny sklepik ekologiczny", "activity": "Sześć kiermaszy, 2 300 zł przychodu.",
             "participants": 8, "continues": True},
            {"name": "Spółdzielnia Kawa na Ławę", "activity": "Kawiarenka na dniach otwartych.",
             "participants": 7, "continues": False},
        ],
        "indicators": {"age_groups": [{"age_from": 14, "age_to": 15, "participants": 6},
                                      {"age_from": 16, "age_to": 18, "participants": 9}],
                       "ventures_started": 2, "ventures_active_at_end": 1, "mentor_hours": "64.5"},
    }
    r.update(overrides)
    return r


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


# ------------------------------------------------------------------ a decided youth contest

def youth_in_evaluation(session, officer, members_and_grants):
    """A youth contest whose offers (one per (applicant, organisation, grant)) were submitted with the
    extra section, the deadline passed and all were accepted formally; the contest is in evaluation."""
    return contest_in_evaluation(session, officer, members_and_grants,
                                 youth_values(deadline=clock.now() - timedelta(days=10)), youth_content)


def youth_decided(session, officer, second_officer, members_and_grants):
    """youth_in_evaluation, then a two-officer commission scores every offer full marks on every
    criterion (the youth presets among them) and the officer decides: full awards."""
    return decided_contest(session, officer, members_and_grants, second_officer,
                           values=youth_values(deadline=clock.now() - timedelta(days=10)), content=youth_content)
