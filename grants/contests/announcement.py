"""Freezing the announcement at publication: a canonical snapshot and its SHA-256."""
from __future__ import annotations

import hashlib

from grants.core import canonical

FROZEN = ("title", "call_type", "call_params", "year", "task_type", "field", "form", "budget", "grant_rules",
          "task_conditions", "procedure", "previous_tasks", "deadline", "decision_by", "min_grant", "max_grant",
          "min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "own_tolerance_pp",
          "max_admin_pct", "shift_pct", "eligible_categories", "ineligible_categories", "task_start", "task_end",
          "formal_checklist", "criteria", "pass_threshold", "half_points", "correction_days", "tranche_pattern",
          "attachments_allowed")


def snapshot(contest) -> dict:
    return canonical.jsonable({name: getattr(contest, name) for name in FROZEN})


def freeze(contest, now) -> None:
    contest.published_at = now
    contest.announcement = snapshot(contest)
    contest.announcement_hash = hashlib.sha256(canonical.dumps(contest.announcement).encode()).hexdigest()
