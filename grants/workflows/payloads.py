"""The payloads several workflows share: a reason or a justification, required or optional. A
workflow's own payloads (dates, amounts, targets) stay in its declaration."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Payload(BaseModel):
    """A transition's payload: no field beyond those declared."""

    model_config = ConfigDict(extra="forbid")


class ReasonPayload(Payload):
    reason: str = Field(min_length=3, max_length=4000)


class OptionalReason(Payload):
    reason: str | None = Field(default=None, max_length=4000)


class JustificationPayload(Payload):
    justification: str = Field(min_length=3, max_length=10000)


class OptionalJustification(Payload):
    justification: str | None = Field(default=None, max_length=10000)
