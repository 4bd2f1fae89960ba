"""Each authority's own notes on an organisation of the shared registry (issue 22): the registry
record is one for every authority; the notes (and the history of cooperation they keep) are the
authority's: its officers and admins read and add them, nobody else sees them."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, actor_grantor, has_role

from .models import Organisation, OrganisationNote


class NoteError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def may_use(actor) -> bool:
    return has_role(actor, OFFICER, ADMIN) and actor_grantor(actor) is not None


def visible(session: Session, actor, org: Organisation) -> list[OrganisationNote]:
    """The notes of the actor's authority on the organisation, newest first; none for anyone else."""
    if not may_use(actor):
        return []
    return list(session.scalars(select(OrganisationNote).where(
        OrganisationNote.organisation_id == org.id, OrganisationNote.grantor_id == actor_grantor(actor))
        .order_by(OrganisationNote.id.desc())))


def add(session: Session, actor, org: Organisation, body: str) -> OrganisationNote:
    if not may_use(actor):
        raise PermissionDenied(_("Notatki organu dodają jego urzędnicy i administratorzy."))
    body = (body or "").strip()
    if not body or len(body) > 4000:
        raise NoteError([{"field": "body", "message": str(_("Notatka: od 1 do 4000 znaków."))}])
    note = OrganisationNote(organisation_id=org.id, grantor_id=actor_grantor(actor), author_id=actor.id, body=body,
                            created_at=clock.now())
    session.add(note)
    session.flush()
    audit.record(session, "organisation_note", note.id, "create", actor,
                 changes={"organisation_id": org.id, "grantor_id": note.grantor_id})
    return note
