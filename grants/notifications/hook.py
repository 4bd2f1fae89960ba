"""Plugs notifications into the workflow engine: every performed transition, in its transaction."""
from __future__ import annotations

from grants.workflows.base import on_transition

from .operations import notify_transition


def install() -> None:
    on_transition(notify_transition)
