"""`grants.clock.now()`: the one clock (implemented in grants.core.clock)."""
from grants.core.clock import now, parse_moment, real_now, reset_clock, set_clock, today  # noqa: F401
