"""The standard open contest (otwarty konkurs ofert, art. 13 UDPP)."""
from grants.core.i18n import _

from .base import CallType, register


class Standard(CallType):
    code = "standard"
    label = _("Otwarty konkurs ofert")
    description = _("Standardowy konkurs na realizację zadania publicznego (art. 11–19 UDPP).")


register(Standard())
