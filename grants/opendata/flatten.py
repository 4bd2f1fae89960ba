"""The flattened 360Giving spreadsheets (CSV and XLSX) made by flattentool, offline, from the same
schema as the JSON: the grant schema's `rollUp` columns in one main sheet `grants`, titles as column
headers (what 360Giving's tools and users expect). The one-sheet CSV holds each list's first item
only; the ZIP of CSV sheets (one sheet per list, no rolled-up copies) holds everything and reads back
through flattentool to the same JSON. The schema's references are resolved from the
local copies, never fetched. The CSV's text cells are then neutralised against formula injection
(grants.core.spreadsheets); flattentool writes the XLSX's cells as strings already."""
from __future__ import annotations

import csv
import io
import tempfile
import warnings
import zipfile
from functools import lru_cache
from pathlib import Path

import jsonref
from flattentool import flatten, unflatten
from flattentool.exceptions import FlattenToolWarning

from grants.core.spreadsheets import csv_text

from .jsonout import dumps, loads
from .validation import load_schema

OPTIONS = {"root_list_path": "grants", "root_id": "", "id_name": "id", "main_sheet_name": "grants"}


@lru_cache(maxsize=1)
def schema() -> dict:
    grant = load_schema("360-giving-schema.json")

    def loader(uri, **kw):
        raise RuntimeError(f"no network: {uri}")  # every reference is inside the grant schema
    return jsonref.replace_refs(grant, loader=loader, base_uri=grant["$id"])


def _flatten(grants: list[dict], fmt: str, workdir: Path, rollup: bool = True) -> Path:
    src = workdir / "grants.json"
    src.write_text(dumps({"grants": grants}), encoding="utf-8")
    out = workdir / "out"
    with warnings.catch_warnings():
        # the schema's transactions have no titles: flattentool says it leaves them out of the sheets
        warnings.simplefilter("ignore", FlattenToolWarning)
        flatten(str(src), schema=schema(), output_name=str(out), output_format=fmt, rollup=rollup, use_titles=True,
                remove_empty_schema_columns=True, **OPTIONS)
    return out


def csv_bytes(grants: list[dict]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="grants-360-") as d:
        out = _flatten(grants, "csv", Path(d))
        with open(out / "grants.csv", encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
    return csv_text(rows).encode("utf-8")


def csv_zip_bytes(grants: list[dict]) -> bytes:
    """Every sheet as its own CSV file in one ZIP: the lossless flat form."""
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory(prefix="grants-360-") as d:
        out = _flatten(grants, "csv", Path(d), rollup=False)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for sheet in sorted(out.glob("*.csv")):
                with open(sheet, encoding="utf-8", newline="") as f:
                    z.writestr(sheet.name, csv_text(csv.reader(f)).encode("utf-8"))
    return buf.getvalue()


def xlsx_bytes(grants: list[dict]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="grants-360-") as d:
        out = _flatten(grants, "xlsx", Path(d))
        return Path(str(out) + ".xlsx").read_bytes() if Path(str(out) + ".xlsx").exists() else out.read_bytes()


def unflatten_csv(csv_content: bytes) -> dict:
    """Back from the one-sheet CSV to the JSON package's grants (for the round-trip check)."""
    return _unflatten({"grants.csv": csv_content})


def unflatten_csv_zip(zip_content: bytes) -> dict:
    """Back from the ZIP of CSV sheets to the JSON package's grants."""
    with zipfile.ZipFile(io.BytesIO(zip_content)) as z:
        return _unflatten({Path(n).name: z.read(n) for n in z.namelist() if n.endswith(".csv")})


def _unflatten(sheets: dict[str, bytes]) -> dict:
    with tempfile.TemporaryDirectory(prefix="grants-360-") as d:
        folder = Path(d) / "in"
        folder.mkdir()
        for name, content in sheets.items():
            (folder / name).write_bytes(content)
        target = Path(d) / "back.json"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FlattenToolWarning)
            unflatten(str(folder), input_format="csv", output_name=str(target), schema=schema(), convert_titles=True,
                      **OPTIONS)
        return loads(target.read_text(encoding="utf-8"))


def rollup_view(grant: dict) -> dict:
    """What the one-sheet CSV holds of a grant: its plain fields and, of each array, the first item's
    `rollUp` fields (the schema's choice of columns for the main sheet)."""
    props = load_schema("360-giving-schema.json")["properties"]
    out = {}
    for k, v in grant.items():
        if not isinstance(v, list):
            out[k] = v
        elif props.get(k, {}).get("rollUp") and v:
            item = {f: v[0][f] for f in props[k]["rollUp"] if f in v[0]}
            if item:
                out[k] = [item]
    return out
