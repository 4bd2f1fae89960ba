"""Request bodies validated by pydantic schemas (not WTForms, which flattens JSON)."""
from __future__ import annotations

import json

from flask import request
from pydantic import BaseModel, ValidationError

from .problems import ApiProblem, invalid

from grants.workflows.base import MALFORMED  # noqa: E402 - one sentinel for API and engine


def raw_json(optional: bool = True):
    """The parsed body, None when empty, MALFORMED when it is not JSON."""
    data = request.get_data(cache=True)
    if not data or not data.strip():
        return None
    try:
        return json.loads(data)
    except (ValueError, UnicodeDecodeError):
        return MALFORMED


def errors_of(e: ValidationError) -> list[dict]:
    return [{"field": ".".join(str(p) for p in err["loc"]) or "body", "message": err["msg"]} for err in e.errors()]


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
