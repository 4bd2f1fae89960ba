"""The uniform JSON API (ARCHITECTURE.md "Uniform API"): /api/v1, bearer tokens, problem+json."""
# the app wires this package through grants.api.setup.init_api
