"""R-19A-LIMITS with many authorities (issue 22): the yearly caps count one authority's awards
against its own programme. Kraków's 20 % share is used up to the grosz; the same offer addressed to
Wieliczka (its own programme, its own officer) is awarded there, and Kraków's officer may not
decide it."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from grants.core import clock
from grants.programmes.models import Programme
from grants.registry import authorities
from grants.registry.dictionaries import FIELDS
from grants.registry.models import Department
from grants.small_grants import operations as gops
from grants.workflows.base import SYSTEM, apply_transition
from grants.workflows.errors import GuardRefused, TransitionForbidden

from .conftest import fresh


def _programme(session, grantor_id: int, total: str) -> None:
    session.add(Programme(grantor_id=grantor_id, year=2027, title="Program 2027", priorities="", commission_rules="",
                          planned_funds={"culture": total}, adopted_on=date(2026, 11, 20), created_at=clock.now()))
    session.commit()


def _closed(session, officer, member, org, amount: str, grantor: str = "KRK"):
    # with two authorities the applicant names the one addressed (never silently the first)
    values = {"title": "Piknik", "amount": Decimal(amount), "task_start": date(2027, 5, 1), "task_end": date(2027, 6, 30),
              "grantor": grantor}
    g, warnings = gops.submit(session, member, org.id, values)
    session.commit()
    gops.transition(session, g, "publish", officer)
    apply_transition(session, g, "close_comments", SYSTEM)
    return g, warnings


def test_r_19a_limits_caps_count_each_authoritys_own_awards_and_programme(session, officer, make_org, make_user,
                                                                           clock_at):
    clock_at("2027-03-10T10:00")
    _programme(session, officer.grantor_id, "100000.00")  # Kraków: 20 % = 20 000.00
    wie = authorities.create(session, None, code="WIE", name="Gmina Wieliczka", teryt="1219063")
    session.add(Department(grantor=wie, code="WIE-BIS", name="Referat", fields=list(FIELDS)))
    session.commit()
    _programme(session, wie.id, "100000.00")
    wie_officer = make_user("officer", department_code="WIE-BIS")
    people = [(make_user("applicant", org=o), o) for o in (make_org("Fundacja A"), make_org("Fundacja B"))]
    gops.transition(session, _closed(session, officer, *people[0], "10000.00")[0], "award", officer)
    gops.transition(session, _closed(session, officer, *people[1], "10000.00")[0], "award", officer)
    over, warnings = _closed(session, officer, *people[0], "0.01")
    assert warnings and "limit to 20% planowanych dotacji" in warnings[-1]  # the city's cap, reached
    with pytest.raises(GuardRefused):
        gops.transition(session, over, "award", officer)
    there, warnings = _closed(session, wie_officer, *people[0], "0.01", grantor="WIE")
    assert there.grantor_id == wie.id and there.department_id is not None and warnings == []
    with pytest.raises(TransitionForbidden):
        gops.transition(session, there, "award", officer)  # Kraków's officer: another authority's offer
    gops.transition(session, there, "award", wie_officer)
    assert fresh(type(there), there.id).state == "awarded"
