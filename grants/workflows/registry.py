"""Every workflow model, for the scheduler, the diagrams page and the schema tests."""
from __future__ import annotations

_models: dict[str, type] = {}


def register(model: type) -> type:
    """Class decorator for a model bound to a workflow."""
    _models[model.__workflow__.name] = model
    return model


def models() -> dict[str, type]:
    import grants.models  # noqa: F401 - imports every area's models
    return dict(_models)


def workflows():
    return {name: m.__workflow__ for name, m in models().items()}
