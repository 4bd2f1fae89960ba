"""Every workflow model, for the scheduler, the diagrams page and the schema tests.

A model does not import its declaration (declarations import models, checks and effects: the layer
above). Each declaration module binds its model here when imported; `grants.models` imports every
model and every declaration, so whoever needs them all (the app, Alembic, the tests) imports it."""
from __future__ import annotations

_models: dict[str, type] = {}


def bind(model: type, workflow) -> type:
    """Binds a workflow model to its declaration: `model.__workflow__` and the registry."""
    model.__workflow__ = workflow
    _models[workflow.name] = model
    return model


def models() -> dict[str, type]:
    """The bound models (all of them once `grants.models` is imported)."""
    return dict(_models)


def workflows():
    return {name: m.__workflow__ for name, m in models().items()}
