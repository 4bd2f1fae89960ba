"""Request bodies validated by pydantic schemas (not WTForms, which flattens JSON)."""
from __future__ import annotations

import json
import re
from itertools import accumulate

from flask import current_app, request
from pydantic import BaseModel, ValidationError

from grants.core.config import Settings
from grants.core.numbers import Id  # noqa: F401 - the API's id type, re-exported for the areas

from .problems import ApiProblem, invalid

from grants.workflows.base import MALFORMED  # noqa: E402 - one sentinel for API and engine

DEFAULT_MAX_DEPTH = Settings.api_max_json_depth
DEFAULT_MAX_BYTES = Settings.api_max_body_bytes
_STRING = re.compile(rb'"(?:[^"\\]++|\\.)*+"', re.S)  # a JSON string (possessive: linear time)
_NOT_BRACKET = re.compile(rb"[^\[\]{}]+")
_STEP = {ord("["): 1, ord("{"): 1, ord("]"): -1, ord("}"): -1}


def json_depth(data: bytes) -> int:
    """How deeply a JSON text nests arrays and objects, brackets inside strings not counted: a cheap
    scan that runs before the parser (whose recursion a deep body would exhaust: a 500)."""
    brackets = _NOT_BRACKET.sub(b"", _STRING.sub(b"", data))
    return max(accumulate(_STEP[b] for b in brackets), default=0)


def too_large(limit: int) -> ApiProblem:
    return ApiProblem(413, f"The request body is larger than {limit} bytes.", "/problems/body-too-large")


def raw_json(optional: bool = True):
    """The parsed body, None when empty, MALFORMED when it is not JSON. A body over the size limit
    (GRANTS_API_MAX_BODY_BYTES) is a 413 and one nested deeper than GRANTS_API_MAX_JSON_DEPTH a 400,
    both before any parsing."""
    max_bytes = current_app.config.get("GRANTS_API_MAX_BODY_BYTES", DEFAULT_MAX_BYTES)
    max_depth = current_app.config.get("GRANTS_API_MAX_JSON_DEPTH", DEFAULT_MAX_DEPTH)
    if request.content_length is not None and request.content_length > max_bytes:
        raise too_large(max_bytes)
    data = request.get_data(cache=True)
    if len(data) > max_bytes:  # sent without a Content-Length (chunked)
        raise too_large(max_bytes)
    if not data or not data.strip():
        return None
    if json_depth(data) > max_depth:
        raise ApiProblem(400, f"The JSON body nests deeper than {max_depth} levels.", "/problems/json-too-deep")
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return MALFORMED


def errors_of(e: ValidationError) -> list[dict]:
    # a dict key's error is located at (…, key, "[key]"): the field is the key's path
    return [{"field": ".".join(str(p) for p in err["loc"] if p != "[key]") or "body", "message": err["msg"]}
            for err in e.errors()]


def nul_fields(value, path: str = "") -> list[str]:
    """Where a JSON value holds a NUL character (PostgreSQL refuses it in text: a 500 otherwise)."""
    if isinstance(value, str):
        return [path or "body"] if "\x00" in value else []
    if isinstance(value, dict):
        return [f for k, v in value.items() for f in
                (([f"{path}.{k}" if path else str(k)] if "\x00" in str(k) else []) +
                 nul_fields(v, f"{path}.{k}" if path else str(k)))]
    if isinstance(value, list):
        return [f for i, v in enumerate(value) for f in nul_fields(v, f"{path}.{i}" if path else str(i))]
    return []


def validate(schema: type[BaseModel], body) -> BaseModel:
    if body is MALFORMED:
        raise ApiProblem(400, "The request body is not valid JSON.", "/problems/malformed-json")
    if not isinstance(body, dict):
        raise invalid([{"field": "body", "message": "must be a JSON object"}])
    try:
        data = schema.model_validate(body)
    except ValidationError as e:
        raise invalid(errors_of(e)) from None
    bad = nul_fields(body)
    if bad:
        raise invalid([{"field": f, "message": "must not contain the NUL character"} for f in bad])
    return data


def parse_body(schema: type[BaseModel]) -> BaseModel:
    return validate(schema, raw_json())


def optional_body():
    """For an optional body: {} when none is sent, else what was sent (a JSON `null` stays None, which
    `validate` refuses as not an object, as the document's schema does)."""
    body = raw_json()
    if body is None and not request.get_data(cache=True).strip():
        return {}
    return body
