"""API collections of the federation call type."""
from __future__ import annotations
