"""Commission pages and API: the web and JSON wiring of reviewers/ (domain logic lives there)."""
