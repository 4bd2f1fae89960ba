"""The federation-building call type."""
from __future__ import annotations

from grants.core.i18n import _

from ..base import CallType, register


class FederationBuilding(CallType):
    code = "federation_building"
    label = _("Budowanie federacji i reprezentacji organizacji")
    description = _("Konkurs dla związków stowarzyszeń, federacji i koalicji organizacji pozarządowych, "
                    "wzmacniający ich reprezentację w dialogu z miastem.")


register(FederationBuilding())
