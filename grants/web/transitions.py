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


def perform(obj, name: str, payload_fields: tuple[str, ...] = (), back: str = "", *, payload=None,
            form=None, refused=None, done: str | None = None, show_forbidden: bool = False):
    """Runs transition `name` on `obj` with the listed form fields as its payload (or `payload`,
    a dict the area built from the form). The caller has already found `obj` visible: a role or
    relation that may not act is a 403; any other refusal is shown on the page with its reason.

    Each area's page keeps only what is its own:
    - `form`: a form class to validate first (the version and the payload's fields and their
      lengths); when it does not validate, nothing runs and the page says the form is incomplete;
    - `refused(error)`: the area's answer to a refusal, or None for the usual one (the offer shows
      its receipt when a double click finds it already submitted);
    - `done`: where to go after success (default `back`);
    - `show_forbidden`: a role that may not act is told why on the page rather than with a 403
      (consultations: the same reason the disabled button gives)."""
    if form is not None:
        f = form()
        if not f.validate_on_submit():
            flash(_("Nie udało się wykonać czynności: formularz jest niekompletny."), "error")
            return redirect(back, 303)
        version = f.version.data
    else:
        require_csrf()
        try:
            version = int(request.form.get("version", ""))
        except ValueError:
            abort(400)
    if payload is None:
        payload = {k: request.form[k] for k in payload_fields if request.form.get(k)}
    try:
        apply_transition(db.session(), obj, name, current_user, payload, version, received_at=g.get("received_at"))
    except TransitionForbidden as e:
        db.session.rollback()
        if not show_forbidden:
            abort(403)
        flash(describe(e), "error")
        return redirect(back, 303)
    except WorkflowError as e:
        db.session.rollback()
        answer = refused(e) if refused is not None else None
        if answer is not None:
            return answer
        flash(describe(e), "error")
        return redirect(back, 303)
    flash(_("Wykonano: %(label)s.", label=str(obj.__workflow__.by_name[name].label)), "success")
    return redirect(done or back, 303)
