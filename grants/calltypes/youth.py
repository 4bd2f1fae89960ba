"""Youth entrepreneurship (S11): organisations with schools or universities start youth-run ventures."""
from __future__ import annotations

from grants.core.i18n import _

from .base import CallType, register


class YouthEntrepreneurship(CallType):
    code = "youth_entrepreneurship"
    label = _("Przedsiębiorczość młodzieży")
    description = _("Konkurs na zadania, w których organizacje razem ze szkołami lub uczelniami zakładają "
                    "eksperymentalne przedsięwzięcia prowadzone przez młodzież.")


register(YouthEntrepreneurship())
