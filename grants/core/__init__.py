"""Flask-free kernel: declarative base and column types, the one clock, dates, money,
audit trail, outbox, permissions. Nothing here imports Flask."""
