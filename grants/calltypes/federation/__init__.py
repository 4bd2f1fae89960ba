"""Federation and NGO-representation building (S2)."""
from . import calltype  # noqa: F401 - registers federation_building
