"""What can refuse a transition; the API maps each to its status (ARCHITECTURE.md "Uniform API")."""
from __future__ import annotations

from grants.core.i18n import _


class WorkflowError(Exception):
    status = 409
    type = "about:blank"
    title = "Conflict"

    def __init__(self, detail, **extra):
        self.detail = detail
        self.extra = extra
        super().__init__(str(detail))


class UnknownTransition(WorkflowError):
    status, type, title = 409, "/problems/transition-unknown", "Transition unknown"


class TransitionNotAvailable(WorkflowError):
    status, type, title = 409, "/problems/transition-not-available", "Transition not available"


class NotEditable(WorkflowError):
    status, type, title = 409, "/problems/not-editable", "Not editable in this state"


class TransitionForbidden(WorkflowError):
    status, type, title = 403, "/problems/forbidden", "Forbidden"


class StaleVersion(WorkflowError):
    status, type, title = 409, "/problems/stale-version", "Stale version"


class InvalidPayload(WorkflowError):
    status, type, title = 422, "/problems/invalid-input", "Invalid input"

    def __init__(self, detail, errors: list[dict]):
        super().__init__(detail, errors=errors)
        self.errors = errors


class MalformedPayload(WorkflowError):
    status, type, title = 400, "/problems/malformed-json", "Malformed JSON"


class GuardRefused(WorkflowError):
    status, title = 422, "Refused by a rule"

    def __init__(self, reason):
        self.reason = reason
        self.type = f"/rules/{reason.rule}" if reason.rule else "/problems/refused"
        super().__init__(reason.text, rule=reason.rule)


def stale(current: int) -> StaleVersion:
    return StaleVersion(_("Obiekt został w międzyczasie zmieniony (bieżąca wersja: %(v)s). Odśwież i spróbuj ponownie.",
                          v=current), current_version=current)
