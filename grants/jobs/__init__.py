"""Background jobs: the broker, the outbox relay, the actors and the scheduler."""
