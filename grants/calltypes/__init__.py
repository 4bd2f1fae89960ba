"""Call types: each a module that adds to the standard contest its fields, eligibility checks,
criteria and stages. `standard` itself is one, on the same mechanism. The lower layers (offers'
validation, the contest declaration, reports' content) only look a type up in the registry of
`base`; the simple types (standard, youth: fields and checks only) register here, the call types
that bring their own models, operations and pages (innovation, federation) are plug-ins at the top
layer, registered by `grants.calltypes.installed` (imported by the app). A new type is one more
module imported there (plus its templates and tests)."""
from .base import CallType, Problem, get, register, registry  # noqa: F401
from . import standard  # noqa: F401,E402 - registers itself
from . import youth  # noqa: F401,E402
