"""Offline validation against the standards' schemas copied in grants/opendata/schemas/ (unchanged
from /work/shared/standards). The package schemas refer to the item schemas by URL: a `referencing`
registry resolves those URLs to the local files, so nothing is fetched from the network."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4, DRAFT202012

SCHEMAS = Path(__file__).resolve().parent / "schemas"
G360_PACKAGE_REF = "https://raw.githubusercontent.com/ThreeSixtyGiving/standard/1.4.2/schema/360-giving-schema.json"
OCDS_RELEASE_REF = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
OCDS_RECORD_REF = "https://standard.open-contracting.org/schema/1__2__0/record-schema.json"
# The record package schema refers to a record schema that is not among the shared standards. This is
# the record as the OCDS documentation defines it (an ocid; its releases, embedded or linked; the
# compiled release), written here so that the package is checked whole, its releases and compiled
# release against the local release schema.
RECORD_SCHEMA = {
    "id": OCDS_RECORD_REF, "$schema": "http://json-schema.org/draft-04/schema#", "title": "Record",
    "type": "object", "required": ["ocid", "releases"],
    "properties": {
        "ocid": {"type": "string", "minLength": 1},
        "releases": {"type": "array", "minItems": 1,
                     "items": {"anyOf": [{"$ref": OCDS_RELEASE_REF}, {"$ref": "#/definitions/LinkedRelease"}]}},
        "compiledRelease": {"$ref": OCDS_RELEASE_REF},
    },
    "definitions": {"LinkedRelease": {
        "type": "object", "required": ["url", "date"],
        "properties": {"url": {"type": "string", "format": "uri"}, "date": {"type": "string", "format": "date-time"},
                       "tag": {"type": "array", "items": {"type": "string"}, "minItems": 1}}}},
}


def load_schema(name: str) -> dict:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def registry() -> Registry:
    grant = load_schema("360-giving-schema.json")
    release = load_schema("release-schema.json")
    g = Resource.from_contents(grant, default_specification=DRAFT202012)
    r = Resource.from_contents(release, default_specification=DRAFT4)
    rec = Resource.from_contents(RECORD_SCHEMA, default_specification=DRAFT4)
    return Registry().with_resources([
        (G360_PACKAGE_REF, g), (grant["$id"], g),
        (OCDS_RELEASE_REF, r), (release.get("id") or release.get("$id"), r),
        (OCDS_RECORD_REF, rec),
    ])


def _validator(name: str):
    schema = load_schema(name)
    cls = Draft202012Validator if "2020-12" in schema.get("$schema", "") else Draft4Validator
    return cls(schema, registry=registry(), format_checker=FormatChecker())


def errors(name: str, document: dict) -> list[str]:
    """Every error of `document` against the schema file `name`, as readable lines (empty: valid)."""
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in _validator(name).iter_errors(document)]
