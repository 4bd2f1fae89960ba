"""The only place that changes the organisation registry (S3: one registry for all departments)."""
from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core.errors import FieldErrors
from grants.core import audit, clock, outbox
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role

from .dictionaries import DISTRICTS, FIELDS, LEGAL_FORMS
from .identifiers import each_identifier
from .models import BOARD, Membership, Organisation
from .relations import works_with

EDITABLE = ("name", "legal_form", "krs", "nip", "regon", "fields", "district", "address", "email", "phone",
            "description")


class RegistryError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def can_edit(session: Session, actor, org: Organisation | None) -> bool:
    """Who keeps a record (R-ORG-MEMBERSHIP's relation): admins any; an officer one their department
    works with, or one no person acts for yet (the registry keepers' own record); the organisation's
    board its own contact data. An officer cannot redirect a stranger NGO's mail."""
    if actor is None or org is None:
        return False
    if has_role(actor, ADMIN):
        return True
    if has_role(actor, OFFICER):
        no_members = session.scalar(select(Membership.id).where(Membership.organisation_id == org.id).limit(1)) is None
        return no_members or works_with(session, actor, org)
    return any(m.organisation_id == org.id and m.role == BOARD for m in getattr(actor, "memberships", ()) or ())


def clean(session: Session, values: dict, current: Organisation | None = None) -> dict:
    """Normalised values, or RegistryError naming each bad field. Identifiers by python-stdnum."""
    out, errors = {}, []

    def err(field, message):
        errors.append({"field": field, "message": str(message)})

    name = (values.get("name") or "").strip()
    if not name:
        err("name", _("Podaj nazwę organizacji."))
    out["name"] = name[:255]
    if values.get("legal_form") not in LEGAL_FORMS:
        err("legal_form", _("Wybierz formę prawną."))
    out["legal_form"] = values.get("legal_form")
    for field, value, error in each_identifier({f: (values.get(f) or "").strip() for f in ("krs", "nip", "regon")}):
        if error:
            err(field, error)
        else:
            out[field] = value
    if not out.get("krs") and not out.get("nip"):
        if not any(e["field"] in ("krs", "nip") for e in errors):
            err("krs", _("Podaj numer KRS albo NIP (organizacja spoza KRS)."))
    for field in ("krs", "nip"):
        v = out.get(field)
        if v:
            q = select(Organisation.id).where(getattr(Organisation, field) == v)
            if current is not None:
                q = q.where(Organisation.id != current.id)
            if session.scalar(q) is not None:
                err(field, _("Organizacja z tym numerem jest już w rejestrze."))
    fields = list(dict.fromkeys(values.get("fields") or []))
    if [f for f in fields if f not in FIELDS]:
        err("fields", _("Nieznana sfera pożytku publicznego."))
    out["fields"] = fields
    district = values.get("district") or None
    if district is not None and district not in DISTRICTS:
        err("district", _("Nieznana dzielnica."))
    out["district"] = district
    email = (values.get("email") or "").strip()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized
        except EmailNotValidError:
            err("email", _("Nieprawidłowy adres e-mail."))
    out["email"] = email
    out["address"] = (values.get("address") or "").strip()[:255]
    out["phone"] = (values.get("phone") or "").strip()[:40]
    out["description"] = (values.get("description") or "").strip()[:10000]
    if errors:
        raise RegistryError(errors)
    return out


def create(session: Session, actor, values: dict) -> Organisation:
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    data = clean(session, values)
    org = Organisation(created_at=clock.real_now(), **data)
    session.add(org)
    session.flush()
    audit.record(session, "organisation", org.id, "create", actor, changes=data)
    return org


def update(session: Session, actor, org: Organisation, values: dict) -> Organisation:
    if not can_edit(session, actor, org):
        raise PermissionDenied()
    data = clean(session, {**{k: getattr(org, k) for k in EDITABLE}, **values}, current=org)
    if not has_role(actor, OFFICER, ADMIN):
        # members keep contact data; identity (name, form, identifiers) is the registry keepers'
        for k in ("name", "legal_form", "krs", "nip", "regon"):
            data[k] = getattr(org, k)
    changes = {k: [getattr(org, k), v] for k, v in data.items() if getattr(org, k) != v}
    for k, v in data.items():
        setattr(org, k, v)
    if changes:
        session.flush()
        audit.record(session, "organisation", org.id, "update", actor, changes=changes)
    if "email" in changes and changes["email"][0]:
        _tell_the_old_address(session, actor, org, changes["email"][0])
    return org


def _tell_the_old_address(session: Session, actor, org: Organisation, old: str) -> None:
    """A changed contact address is told to the old one, so a redirected mailbox is noticed."""
    outbox.emit(session, "email.send", {"to": old, "subject": str(_(
        "Zmieniono adres e-mail organizacji „%(org)s” w rejestrze", org=org.name)), "body": str(_(
            "%(who)s zmienił(a) adres e-mail organizacji „%(org)s” w rejestrze urzędu z %(old)s na %(new)s. "
            "Jeśli to pomyłka, zarząd organizacji może go poprawić na stronie organizacji albo zgłosić to "
            "w urzędzie.", who=getattr(actor, "display_name", ""), org=org.name, old=old, new=org.email or "—"))})
