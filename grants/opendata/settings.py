"""Open-data settings, read from the environment on each call (like grants.core.config):

- GRANTS_360_PREFIX: the identifier prefix registered with 360Giving (default `360G-krakow`);
- GRANTS_OCDS_PREFIX: the ocid prefix registered with the Open Contracting Partnership
  (`ocds-` and six characters; default `ocds-krakow`);
- GRANTS_OPENDATA_LICENCE / GRANTS_OPENDATA_LICENCE_NAME: the licence URL and name of the published
  data (default Creative Commons Attribution 4.0);
- GRANTS_OPENDATA_PUBLISHER: the publisher's name (default: the first grantor's name).
"""
from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_360_PREFIX = "360G-krakow"
DEFAULT_OCDS_PREFIX = "ocds-krakow"
DEFAULT_LICENCE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_LICENCE_NAME = "Creative Commons Uznanie autorstwa 4.0 (CC BY 4.0)"


@dataclass(frozen=True)
class OpenDataSettings:
    prefix_360: str
    ocds_prefix: str
    licence: str
    licence_name: str
    publisher: str


def load() -> OpenDataSettings:
    def env(name: str, default: str) -> str:
        return (os.environ.get(name) or "").strip() or default
    return OpenDataSettings(
        prefix_360=env("GRANTS_360_PREFIX", DEFAULT_360_PREFIX).rstrip("-"),
        ocds_prefix=env("GRANTS_OCDS_PREFIX", DEFAULT_OCDS_PREFIX).rstrip("-"),
        licence=env("GRANTS_OPENDATA_LICENCE", DEFAULT_LICENCE),
        licence_name=env("GRANTS_OPENDATA_LICENCE_NAME",
                         DEFAULT_LICENCE_NAME if not os.environ.get("GRANTS_OPENDATA_LICENCE") else
                         os.environ["GRANTS_OPENDATA_LICENCE"].strip()),
        publisher=env("GRANTS_OPENDATA_PUBLISHER", ""),
    )
