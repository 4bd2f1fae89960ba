"""What the areas' API modules share beside the generic endpoints (grants/api/collections.py): the
fields every list item starts with, and the `create` of an object an organisation makes. An area
then declares only its own fields and operations."""
from __future__ import annotations

from typing import Callable

from pydantic import BaseModel, Field

from grants.core.numbers import Id

from .collections import body_id, named


class WorkflowItem(BaseModel):
    """A workflow object in a list: its id, state and version (If-Match)."""
    id: str
    state: str
    version: int


class SubmissionItem(WorkflowItem):
    """A submission to a call (an offer, a concept): numbered when submitted."""
    contest_id: str
    organisation_id: str
    number: str | None
    title: str


class RequestItem(WorkflowItem):
    """An organisation's request addressed to an authority outside a contest (art. 12, art. 19a)."""
    organisation_id: str
    grantor_id: str  # the authority addressed (issue 22)
    title: str


class OrganisationBody(BaseModel):
    """A request body of an organisation's member, naming the organisation they act for."""
    model_config = {"extra": "forbid"}
    organisation_id: Id


class TitledBody(OrganisationBody):
    """An organisation's new object with its title (a request, an offer for partners)."""
    title: str = Field(min_length=1, max_length=255)


def for_organisation(operation: Callable) -> Callable:
    """A collection's `create` for an object an organisation makes: `operation(session, user,
    organisation_id, values)` with the body's other fields. A refusal (grants.core.errors.FieldErrors)
    rises to the API's 422 naming each field."""
    def create(session, user, data: BaseModel):
        return operation(session, user, body_id(data.organisation_id, "organisation_id"),
                         data.model_dump(exclude={"organisation_id"}))
    return create


def on_named(model, visible, field: str, operation: Callable) -> Callable:
    """A collection's `create` for an object made on another one, which the body names by its id in
    `field` and the caller must see (`visible(query, user)`; else a 422 naming the field):
    `operation(session, user, that_object, data)`."""
    def create(session, user, data: BaseModel):
        target = named(session, model, visible, getattr(data, field), field, user, "unknown id", "unknown id")
        return operation(session, user, target, data)
    return create
