"""The refusal every budget calculation raises on bad input."""
from __future__ import annotations


class BudgetError(ValueError):
    """Refused input: `message` is Polish LazyText (the exception's text is it rendered); a subclass
    may add where the fault lies (a payment's index, a field)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message
