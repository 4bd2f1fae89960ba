"""The web side of a workflow transition, shared by every object page: a CSRF-checked form with the
object's version, the engine performs it, the outcome is flashed and the page is shown again."""
from __future__ import annotations

from flask import abort, flash, g, redirect, request
from flask_login import current_user
from flask_wtf import FlaskForm

from grants.core import db
from grants.core.i18n import _
from grants.workflows.base import apply_transition
from grants.workflows.errors import TransitionForbidden, WorkflowError


class CsrfForm(FlaskForm):
    """A form with nothing but the CSRF token (buttons and hand-rendered fields)."""


def require_csrf() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


def describe(e: WorkflowError) -> str:
    errors = getattr(e, "errors", None)
    text = str(e.detail)
    if errors:
        text += ": " + "; ".join(f"{x['field']}: {x['message']}" for x in errors)
    return text


def perform(obj, name: str, payload_fields: tuple[str, ...], back: str):
    """Runs transition `name` on `obj` with the listed form fields as its payload. The caller has
    already found `obj` visible: a role or relation that may not act is a 403; any other refusal is
    shown on the page with its reason."""
    require_csrf()
    payload = {k: request.form[k] for k in payload_fields if request.form.get(k)}
    try:
        version = int(request.form.get("version", ""))
    except ValueError:
        abort(400)
    try:
        apply_transition(db.session(), obj, name, current_user, payload, version, received_at=g.get("received_at"))
    except TransitionForbidden:
        abort(403)
    except WorkflowError as e:
        flash(describe(e), "error")
    else:
        flash(_("Wykonano: %(label)s.", label=str(obj.__workflow__.by_name[name].label)), "success")
    return redirect(back, 303)
