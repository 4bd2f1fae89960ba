"""The call types that plug in their own models, operations and pages: importing this module
registers them (grants.app imports it; so do the tests' app and the command line through it)."""
from grants.calltypes.federation import calltype as federation  # noqa: F401 - registers federation_building
from grants.calltypes.innovation import calltype as innovation  # noqa: F401 - registers innovation_concept, innovation_pilot
