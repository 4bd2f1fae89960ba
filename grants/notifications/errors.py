"""The refusal of a notification operation, with a message for people."""
from __future__ import annotations

from grants.core.i18n import LazyText


class NotificationError(Exception):
    def __init__(self, message: LazyText):
        super().__init__(str(message))
        self.message = message
