"""API collections of the innovation call type."""
from __future__ import annotations
