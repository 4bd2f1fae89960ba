"""Call types: each a module that adds to the standard contest its fields, eligibility checks,
criteria and stages. `standard` itself is one, on the same mechanism; a new type is one more
module imported here (plus its templates and tests)."""
from .base import CallType, Problem, get, register, registry  # noqa: F401
from . import standard  # noqa: F401,E402 - registers itself
from . import innovation  # noqa: F401,E402
from . import youth  # noqa: F401,E402
from . import federation  # noqa: F401,E402
