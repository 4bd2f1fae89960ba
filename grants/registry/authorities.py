"""The authorities (grantors) one deployment serves (issue 22): each a gmina, powiat or voivodeship
with its TERYT code, its own departments, staff, contests and public portal at /<code>/. The
platform operator creates them (page and CLI `grants grantors create`); the organisation registry
stays shared by all."""
from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import audit
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import OPERATOR, PermissionDenied, has_role

from .dictionaries import DISTRICTS
from .models import Grantor

# TERYT codes of the voivodeships (the first two digits of every unit's code)
VOIVODESHIPS = {
    "02": "dolnośląskie", "04": "kujawsko-pomorskie", "06": "lubelskie", "08": "lubuskie", "10": "łódzkie",
    "12": "małopolskie", "14": "mazowieckie", "16": "opolskie", "18": "podkarpackie", "20": "podlaskie",
    "22": "pomorskie", "24": "śląskie", "26": "świętokrzyskie", "28": "warmińsko-mazurskie",
    "30": "wielkopolskie", "32": "zachodniopomorskie",
}
CODE = re.compile(r"^[A-Z][A-Z0-9-]{1,19}$")
COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
# codes that would shadow the portal's own paths (/<code>/ is the authority's portal)
RESERVED = frozenset({"API", "ADMIN", "STATIC", "LOGIN", "LOGOUT", "OPERATOR", "CONTESTS", "PORTAL", "KRAJ"})


class GrantorError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def voivodeship(g: Grantor) -> str:
    return voivodeship_of(g.teryt)


def voivodeship_of(teryt: str | None) -> str:
    """The voivodeship a TERYT code lies in (its first two digits)."""
    return VOIVODESHIPS.get((teryt or "")[:2], "")


#: an authority's districts by its TERYT code (the subscription and the offer's district filters);
#: Kraków's 18 dzielnice are the one dictionary yet. A grantor without TERYT is the deployment's
#: original one, from before many authorities: Kraków (migration 0021).
DISTRICTS_BY_TERYT = {"1261011": DISTRICTS}


def districts(g: Grantor) -> dict[str, str]:
    return DISTRICTS_BY_TERYT.get(g.teryt or "1261011", {})


def by_code(session: Session, code: str) -> Grantor | None:
    return session.scalar(select(Grantor).where(Grantor.code == (code or "").upper()[:20]))


def by_host(session: Session, host: str, configured: dict[str, str] | None = None) -> Grantor | None:
    """The authority whose portal a host name serves: the configured mapping first (host → code),
    then a grantor's own `host`; the port is not part of the name."""
    name = (host or "").strip().lower().rsplit(":", 1)[0] if not (host or "").strip().startswith("[") else ""
    if not name:
        return None
    code = (configured or {}).get(name)
    if code:
        return by_code(session, code)
    return session.scalar(select(Grantor).where(Grantor.host == name))


def all_grantors(session: Session) -> list[Grantor]:
    return list(session.scalars(select(Grantor).order_by(Grantor.name, Grantor.id)))


def several(session: Session) -> bool:
    """Does the deployment serve more than one authority?"""
    return len(session.scalars(select(Grantor.id).limit(2)).all()) > 1


HOST = re.compile(r"^(?=.{1,255}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")


def _problems(session: Session, code: str, name: str, teryt: str, colour: str, host: str = "") -> list[dict]:
    errors = []
    if host and not HOST.match(host):
        errors.append({"field": "host", "message": str(_("Nazwa hosta, np. granty.wieliczka.pl (bez http:// i ścieżki)."))})
    elif host and session.scalar(select(Grantor.id).where(Grantor.host == host)) is not None:
        errors.append({"field": "host", "message": str(_("Ten host ma już inny organ."))})
    if not CODE.match(code) or code in RESERVED:
        errors.append({"field": "code", "message": str(_("Kod: wielkie litery, cyfry lub łącznik (2–20 znaków)."))})
    elif by_code(session, code) is not None:
        errors.append({"field": "code", "message": str(_("Organ o tym kodzie już istnieje."))})
    if not name:
        errors.append({"field": "name", "message": str(_("Podaj nazwę organu."))})
    if not (teryt.isdigit() and len(teryt) in (2, 4, 7) and teryt[:2] in VOIVODESHIPS):
        errors.append({"field": "teryt", "message": str(_("Kod TERYT jednostki: 2, 4 albo 7 cyfr, zaczynając od kodu województwa."))})
    if colour and not COLOUR.match(colour):
        errors.append({"field": "colour", "message": str(_("Kolor w zapisie #RRGGBB."))})
    return errors


def create(session: Session, actor, *, code: str, name: str, teryt: str, office_name: str = "", address: str = "",
           coat_of_arms_url: str = "", colour: str = "", host: str | None = None) -> Grantor:
    """The operator adds an authority (`actor` None: the command line, run by the operator)."""
    if actor is not None and not has_role(actor, OPERATOR):
        raise PermissionDenied(_("Organy dotujące dodaje operator platformy."))
    code, name, teryt, colour = (code or "").strip().upper(), (name or "").strip(), (teryt or "").strip(), (colour or "").strip()
    host = (host or "").strip().lower()
    errors = _problems(session, code, name, teryt, colour, host)
    if errors:
        raise GrantorError(errors)
    g = Grantor(code=code, name=name[:255], teryt=teryt, office_name=(office_name or "").strip()[:255],
                address=(address or "").strip()[:255], coat_of_arms_url=(coat_of_arms_url or "").strip()[:255],
                colour=colour or "#1d4f91", host=host or None)
    session.add(g)
    session.flush()
    audit.record(session, "grantor", g.id, "create", actor, changes={"code": code, "name": g.name, "teryt": teryt})
    return g
