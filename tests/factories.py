"""Test data built through the real operations (so audit entries exist as in production)."""
from __future__ import annotations

import itertools

from sqlalchemy import select

from grants.accounts.operations import create_user
from grants.core import clock
from grants.registry.models import Department, Grantor, Organisation

PASSWORD = "Test-Password-123"
_seq = itertools.count(1)


def department(session, code: str = "BIS") -> Department:
    d = session.scalar(select(Department).where(Department.code == code))
    if d is None:
        g = session.scalar(select(Grantor).where(Grantor.code == "KRK"))
        if g is None:
            g = Grantor(code="KRK", name="Gmina Miejska Kraków")
            session.add(g)
        d = Department(grantor=g, code=code, name=f"Wydział {code}")
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
    if department_code:
        department(session, department_code)
    user = create_user(session, email=email or f"user{next(_seq)}@test.example.org", password=PASSWORD,
                       roles=list(roles), organisation_krs=org.krs if org else None,
                       department_code=department_code, stakeholder_type=stakeholder_type,
                       full_name="Test User")
    session.commit()
    return user
