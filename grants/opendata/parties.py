"""Organisations as the standards name them: org-ids (https://org-id.guide) where a register number
is known (KRS → `PL-KRS-0000123456`), otherwise the publisher's own prefix. Only what an
organisation's register entry makes public is written (name, register number, legal form, district,
city) — never its e-mail, phone or the people acting for it."""
from __future__ import annotations

from grants.registry.dictionaries import DISTRICTS, FIELDS, LEGAL_FORMS
from grants.registry.models import Grantor, Organisation

FIELDS_VOCABULARY = "PL-UDPP-art4"  # fields of public benefit, art. 4 of the act on public-benefit activity
DISTRICT_CODE_TYPE = "PL-KRK-DZIELNICA"


def organisation_id(org: Organisation, prefix: str) -> str:
    if org.krs:
        return f"PL-KRS-{org.krs.zfill(10)}"
    return f"{prefix}-org-{org.id}"


def grantor_id(grantor: Grantor, prefix: str) -> str:
    return f"{prefix}-grantor-{grantor.code}"


def legal_form_label(org: Organisation) -> str:
    return str(LEGAL_FORMS.get(org.legal_form, org.legal_form))


def field_label(code: str | None) -> str | None:
    return None if code is None else str(FIELDS.get(code, code))


def district_name(code: str | None) -> str | None:
    if not code:
        return None
    name = DISTRICTS.get(code)
    return f"Kraków, dzielnica {code} {name}" if name else f"Kraków, dzielnica {code}"
