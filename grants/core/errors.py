"""Refused input, the same for every area: an operation raises its area's subclass of `FieldErrors`
with one {field, message} per problem; pages show the messages beside their fields and the API
answers 422 with them (ARCHITECTURE.md, "Uniform API")."""
from __future__ import annotations


class FieldErrors(ValueError):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def text_field(values: dict, field: str, errors: list[dict], message, min_length: int = 1) -> str:
    """`values[field]` as stripped text; shorter than `min_length` (by default: empty), one
    {field, message} joins `errors` (the caller raises its FieldErrors once every field is read)."""
    text = (values.get(field) or "").strip()
    if len(text) < min_length:
        errors.append({"field": field, "message": str(message)})
    return text


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def nul_fields(values: dict) -> list:
    """The keys of `values` whose key or value (at any depth) holds a NUL character: PostgreSQL refuses
    NUL in text, so input with one is refused as such (a 422), not at the flush (a 500)."""
    return [k for k, v in values.items() if _has_nul(k) or _has_nul(v)]
