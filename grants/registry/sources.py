"""Reading the registry's sources into plain rows (no database here): KRS open API extracts
(`odpis`: one file, a folder, a JSON-lines dump), REGON (GUS BIR) reports exported to XML or CSV,
and departments' own lists (CSV or XLSX) through a column mapping.

Each row is a `SourceRow`: its number in the source, the values in the registry's terms (name,
legal_form, krs, nip, regon, address, email, fields, district, as_of, ...), the source record's key,
and the reason it cannot be used (None when it can). Identifiers are normalised by python-stdnum
(grants.registry.identifiers); a bad one makes the row an error, never a guess."""
from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterable, Iterator

from grants.core.i18n import _
from grants.core.spreadsheets import xlsx_rows

from .dictionaries import DISTRICTS, FIELDS
from .identifiers import each_identifier
from .matching import fold

#: the registry fields a department's column may be mapped to
MAPPABLE = ("name", "krs", "nip", "regon", "email", "fields", "district", "address", "phone", "legal_form")
MAX_ROWS = 200_000


@dataclass
class SourceRow:
    number: int
    values: dict = field(default_factory=dict)
    key: str = ""
    error: str | None = None


def _fold(text: str) -> str:
    return fold(text).strip()


_DMY = re.compile(r"([0-9]{2})\.([0-9]{2})\.([0-9]{4})")


def parse_date(value) -> str | None:
    """An ISO date from `2026-12-03`, `03.12.2026`, `03-12-2026` or a date cell; ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    m = _DMY.fullmatch(text) or None
    if m:  # the usual KRS form, without strptime's cost
        try:
            return date(int(m[3]), int(m[2]), int(m[1])).isoformat()
        except ValueError:
            raise ValueError(text) from None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S", "%Y.%m.%d"):
        try:
            return datetime.strptime(text[:19] if "T" in text else text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(text)


_SPACES_DASHES = re.compile(r"[\s-]")


def _identifiers(values: dict, raw: dict) -> str | None:
    """Normalises krs/nip/regon of `raw` into `values`; the first error's message, or None."""
    cleaned = {name: _SPACES_DASHES.sub("", str(raw.get(name) or "")).strip() for name in ("krs", "nip", "regon")}
    if len(cleaned["regon"]) == 14 and cleaned["regon"].endswith("00000"):
        cleaned["regon"] = cleaned["regon"][:9]  # KRS writes a 9-digit REGON padded with zeros to 14
    for name, value, error in each_identifier(cleaned):
        if error:
            return str(error)
        values[name] = value
    return None


# --- KRS ------------------------------------------------------------------------------------

_KRS_FORMS = (("spoldzielnia socjalna", "social_cooperative"), ("zwiazek stowarzyszen", "federation"),
              ("koscielna", "church_entity"), ("wyznaniow", "church_entity"), ("fundacja", "foundation"),
              ("stowarzyszenie zwykle", "ordinary_association"), ("stowarzyszenie", "association"),
              ("spolka", "sports_club"))


def legal_form_of(text: str) -> str:
    folded = _fold(text)
    for needle, code in _KRS_FORMS:
        if needle in folded:
            return code
    return "other"


def _krs_address(block: dict) -> str:
    adres = (block or {}).get("adres") or {}
    street = " ".join(str(adres.get(k) or "").strip() for k in ("ulica", "nrDomu") if adres.get(k))
    if adres.get("nrLokalu"):
        street += f"/{adres['nrLokalu']}"
    town = " ".join(str(adres.get(k) or "").strip() for k in ("kodPocztowy", "miejscowosc") if adres.get(k))
    if not town:
        town = str(((block or {}).get("siedziba") or {}).get("miejscowosc") or "")
    return ", ".join(p for p in (street.strip(), town.strip()) if p)


def krs_row(number: int, doc) -> SourceRow:
    """One KRS open API extract (`{"odpis": {...}}` or the `odpis` itself)."""
    row = SourceRow(number)
    odpis = doc.get("odpis", doc) if isinstance(doc, dict) else None
    if not isinstance(odpis, dict):
        row.error = str(_("To nie jest odpis z KRS (brak „odpis”)."))
        return row
    head = odpis.get("naglowekA") or {}
    dzial1 = ((odpis.get("dane") or {}).get("dzial1")) or {}
    podmiot = dzial1.get("danePodmiotu") or {}
    ids = podmiot.get("identyfikatory") or {}
    raw = {"krs": head.get("numerKRS"), "nip": ids.get("nip"), "regon": ids.get("regon")}
    row.values = {"name": str(podmiot.get("nazwa") or "").strip()[:255],
                  "legal_form": legal_form_of(str(podmiot.get("formaPrawna") or "")),
                  "opp": bool(podmiot.get("czyPosiadaStatusOPP")),
                  "address": _krs_address(dzial1.get("siedzibaIAdres") or podmiot.get("siedzibaIAdres") or {})[:255]}
    if not raw["krs"]:
        row.error = str(_("Brak numeru KRS w nagłówku odpisu."))
        return row
    row.error = _identifiers(row.values, raw)
    row.key = row.values.get("krs") or str(raw["krs"])
    if row.error:
        return row
    if not row.values["name"]:
        row.error = str(_("Brak nazwy organizacji."))
        return row
    try:
        row.values["as_of"] = parse_date(head.get("stanZDnia") or head.get("dataCzasOdpisu", "")[:10] or None)
    except ValueError as e:
        row.error = str(_("Nieczytelna data odpisu: %(value)s", value=str(e)))
    return row


def read_krs(content: bytes, filename: str = "") -> Iterator[SourceRow]:
    """One extract (JSON), many (a JSON list), a JSON-lines dump, or a ZIP folder of extracts."""
    if filename.lower().endswith(".zip") or content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            names = sorted(n for n in zf.namelist() if n.lower().endswith((".json", ".jsonl")))
            number = 0
            for name in names:
                for row in read_krs(zf.read(name), name):
                    number += 1
                    row.number = number
                    yield row
        return
    text = content.decode("utf-8-sig", errors="replace")
    stripped = text.strip()
    try:
        doc = json.loads(stripped) if stripped else []
    except json.JSONDecodeError:
        doc = None
    if doc is not None and not filename.lower().endswith(".jsonl"):
        for i, item in enumerate(doc if isinstance(doc, list) else [doc], start=1):
            yield krs_row(i, item)
        return
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError:
            yield SourceRow(i, error=str(_("Wiersz nie jest poprawnym JSON-em.")))
            continue
        yield krs_row(i, item)


# --- REGON ----------------------------------------------------------------------------------

#: BIR report names (legal persons' full report, search results, plain exports) → our names
_REGON_NAMES = {
    "regon": ("praw_regon9", "praw_regon14", "regon", "regon9"),
    "nip": ("praw_nip", "nip"),
    "name": ("praw_nazwa", "nazwa", "name"),
    "street": ("praw_adsiedzulica_nazwa", "ulica"),
    "house": ("praw_adsiedznumernieruchomosci", "nrnieruchomosci", "numernieruchomosci"),
    "flat": ("praw_adsiedznumerlokalu", "nrlokalu", "numerlokalu"),
    "postcode": ("praw_adsiedzkodpocztowy", "kodpocztowy"),
    "town": ("praw_adsiedzmiejscowosc_nazwa", "miejscowosc"),
    "pkd": ("praw_pkdkod", "pkd", "pkdkod"),
    "started": ("praw_datarozpoczeciadzialalnosci", "datarozpoczeciadzialalnosci", "data_rozpoczecia"),
    "ended": ("praw_datazakonczeniadzialalnosci", "datazakonczeniadzialalnosci", "data_zakonczenia"),
    "form": ("praw_podstawowaformaprawna_nazwa", "praw_szczegolnaformaprawna_nazwa", "formaprawna"),
}


def regon_row(number: int, record: dict) -> SourceRow:
    low = {str(k).strip().lower(): ("" if v is None else str(v).strip()) for k, v in record.items()}
    get = {ours: next((low[n] for n in names if low.get(n)), "") for ours, names in _REGON_NAMES.items()}
    row = SourceRow(number)
    street = " ".join(p for p in (get["street"], get["house"]) if p) + (f"/{get['flat']}" if get["flat"] else "")
    town = " ".join(p for p in (get["postcode"], get["town"]) if p)
    row.values = {"name": get["name"][:255], "address": ", ".join(p for p in (street.strip(), town) if p)[:255],
                  "pkd": get["pkd"], "legal_form": legal_form_of(get["form"] or get["name"])}
    row.error = _identifiers(row.values, {"regon": get["regon"], "nip": get["nip"]})
    row.key = row.values.get("regon") or get["regon"]
    if row.error:
        return row
    if not row.values.get("regon"):
        row.error = str(_("Brak numeru REGON."))
    elif not row.values["name"]:
        row.error = str(_("Brak nazwy organizacji."))
    else:
        try:
            row.values["started"] = parse_date(get["started"])
            row.values["ended"] = parse_date(get["ended"])
        except ValueError as e:
            row.error = str(_("Nieczytelna data: %(value)s", value=str(e)))
    return row


def read_regon(content: bytes, filename: str = "") -> Iterator[SourceRow]:
    if content.lstrip()[:1] == b"<" or filename.lower().endswith(".xml"):
        if b"<!DOCTYPE" in content[:2000].upper() or b"<!ENTITY" in content.upper():
            yield SourceRow(1, error=str(_("Plik XML z deklaracją DOCTYPE/ENTITY nie jest przyjmowany.")))
            return
        try:
            root = ET.fromstring(content)
        except ET.ParseError as e:
            yield SourceRow(1, error=str(_("Nieczytelny plik XML: %(error)s", error=str(e))))
            return
        records = [el for el in root.iter() if len(el) and all(len(c) == 0 for c in el)]
        for i, el in enumerate(records, start=1):
            yield regon_row(i, {c.tag.split("}")[-1]: c.text for c in el})
        return
    for i, record in enumerate(_csv_dicts(content), start=1):
        yield regon_row(i, record)


# --- departments' lists ---------------------------------------------------------------------

def _csv_dicts(content: bytes) -> list[dict]:
    header, rows = table(content, "x.csv")
    return [dict(zip(header, r)) for r in rows]


def table(content: bytes, filename: str) -> tuple[list[str], list[list]]:
    """A spreadsheet's header and rows: XLSX (first sheet) or CSV (`;` or `,`, UTF-8 or cp1250)."""
    if filename.lower().endswith(".xlsx") or content[:2] == b"PK":
        rows = xlsx_rows(content)
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = content.decode("cp1250", errors="replace")
        first = text.split("\n", 1)[0]
        delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
        rows = [list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)]
    rows = [r for r in rows if any(c not in (None, "") for c in r)]
    if not rows:
        return [], []
    header = [str(c or "").strip() for c in rows[0]]
    return header, rows[1:MAX_ROWS + 1]


_FIELD_BY_LABEL = {_fold(str(label)): code for code, label in FIELDS.items()}
_DISTRICT_BY_NAME = {_fold(name): code for code, name in DISTRICTS.items()}


def _fields(text: str) -> tuple[list[str], str | None]:
    out = []
    for part in re.split(r"[;,|]", text or ""):
        p = part.strip()
        if not p:
            continue
        code = p if p in FIELDS else _FIELD_BY_LABEL.get(_fold(p))
        if code is None:
            code = next((c for label, c in _FIELD_BY_LABEL.items() if _fold(p) in label), None)
        if code is None:
            return [], str(_("Nieznana sfera pożytku publicznego: %(value)s", value=p))
        out.append(code)
    return list(dict.fromkeys(out)), None


def _district(text: str) -> tuple[str | None, str | None]:
    t = (text or "").strip()
    if not t:
        return None, None
    code = t.upper() if t.upper() in DISTRICTS else _DISTRICT_BY_NAME.get(_fold(re.sub(r"^\s*[IVX]+\s*[-.]?\s*", "", t)))
    if code is None:
        return None, str(_("Nieznana dzielnica: %(value)s", value=t))
    return code, None


def department_row(number: int, cells: list, header: list[str], mapping: dict, label: str) -> SourceRow:
    """`mapping`: registry field → column header. Rows are numbered as in the spreadsheet (header 1)."""
    index = {h: i for i, h in enumerate(header)}
    raw = {}
    for ours, column in mapping.items():
        i = index.get(column)
        value = cells[i] if i is not None and i < len(cells) else None
        raw[ours] = "" if value is None else str(value).strip()
    row = SourceRow(number)
    row.values = {"name": raw.get("name", "")[:255], "email": raw.get("email", "")[:255],
                  "address": raw.get("address", "")[:255], "phone": raw.get("phone", "")[:40],
                  "legal_form": legal_form_of(raw.get("legal_form") or raw.get("name", ""))}
    row.error = _identifiers(row.values, raw)
    if row.error is None and not row.values["name"]:
        row.error = str(_("Brak nazwy organizacji."))
    if row.error is None:
        row.values["fields"], row.error = _fields(raw.get("fields", ""))
    if row.error is None:
        row.values["district"], row.error = _district(raw.get("district", ""))
    ident = row.values.get("krs") or row.values.get("nip") or row.values.get("regon")
    row.key = (f"id:{ident}" if ident else "name:" + _fold(row.values["name"]))[:300]
    return row


def read_department(content: bytes, filename: str, mapping: dict, label: str) -> Iterator[SourceRow]:
    header, rows = table(content, filename)
    for i, cells in enumerate(rows, start=2):
        yield department_row(i, cells, header, mapping, label)


def guess_mapping(header: Iterable[str]) -> dict:
    """A first guess for the mapping step, from usual column names."""
    hints = {"name": ("nazwa", "name", "organizacja"), "krs": ("krs",), "nip": ("nip",), "regon": ("regon",),
             "email": ("mail", "e-mail"), "fields": ("sfera", "obszar", "dziedzina", "field"),
             "district": ("dzielnica", "district"), "address": ("adres", "address", "siedziba"),
             "phone": ("telefon", "phone", "tel"), "legal_form": ("forma",)}
    out = {}
    for h in header:
        f = _fold(h)
        for ours, needles in hints.items():
            if ours not in out and any(n in f for n in needles):
                out[ours] = h
                break
    return out
