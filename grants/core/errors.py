"""Refused input, the same for every area: an operation raises its area's subclass of `FieldErrors`
with one {field, message} per problem; pages show the messages beside their fields and the API
answers 422 with them (ARCHITECTURE.md, "Uniform API")."""
from __future__ import annotations


class FieldErrors(ValueError):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))
