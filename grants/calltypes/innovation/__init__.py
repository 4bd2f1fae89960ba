"""Innovation pilots across sectors (S9): a concept call (stage 1) and a pilot contest (stage 2),
two linked contests on the one contest workflow."""
from . import calltype  # noqa: F401 - registers innovation_concept and innovation_pilot
