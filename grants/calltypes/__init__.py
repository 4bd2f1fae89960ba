"""Call types: each a module that adds to the standard contest its fields, eligibility checks,
criteria and stages. `standard` itself is one, on the same mechanism."""
from .base import CallType, get, register, registry  # noqa: F401
from . import standard  # noqa: F401,E402 - registers itself
