"""The web side of a workflow transition, shared by every object page: a CSRF-checked form with the
object's version, the engine performs it, the outcome is flashed and the page is shown again.

Irreversible actions (CONFIRM) go through a confirmation step first: the page says what will happen
and that it cannot be undone, and the action runs only when that page's form is sent
(`confirmed=1`), with the same fields as the first form. Pages list only the actions the person
performs at all (grants.workflows.base.may_ever: `t.yours`)."""
from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from markupsafe import Markup, escape

from grants.core import db, labels
from grants.core.i18n import _
from grants.workflows.base import apply_transition, available_transitions
from grants.workflows.errors import TransitionForbidden, WorkflowError

from .filters import basis, staff_view


# (object type, action) -> what happens; these cannot be undone, so the person confirms them
CONFIRM = {
    ("offer", "submit"): _("Oferta zostanie złożona i otrzyma numer. Złożonej oferty nie można już zmieniać; "
                           "zmiany są możliwe tylko po wezwaniu do uzupełnienia braków."),
    ("offer", "resubmit"): _("Poprawiona oferta zostanie złożona jako nowa wersja. Tej wersji nie można już zmieniać."),
    ("offer", "submit_update"): _("Aktualizacja oferty zostanie złożona jako nowa wersja i będzie podstawą umowy."),
    ("offer", "accept_formally"): _("Oferta zostanie uznana za poprawną formalnie i przejdzie do oceny komisji."),
    ("offer", "request_correction"): _("Oferent zostanie wezwany do uzupełnienia wskazanych braków; "
                                       "bieg terminu na uzupełnienie rozpocznie się od razu."),
    ("offer", "reject_formally"): _("Oferta zostanie odrzucona z przyczyn formalnych i nie będzie oceniana."),
    ("offer", "withdraw"): _("Oferta zostanie wycofana z konkursu i nie będzie rozpatrywana."),
    ("score_card", "submit"): _("Karta oceny zostanie złożona. Złożonej karty nie można już zmienić."),
    ("concept", "submit"): _("Koncepcja zostanie złożona; złożonej koncepcji nie można już zmieniać."),
    ("contest", "publish"): _("Ogłoszenie zostanie opublikowane; od tej chwili biegnie termin składania ofert."),
    ("contest", "cancel"): _("Konkurs zostanie unieważniony, a unieważnienie opublikowane."),
    ("tranche", "pay"): _("Transza zostanie zapisana jako wypłacona w podanym dniu."),
    ("agreement", "terminate"): _("Umowa zostanie rozwiązana."),
    ("report", "submit"): _("Sprawozdanie zostanie złożone; złożonego sprawozdania nie można już zmieniać."),
}


def needs_confirmation(object_type: str, name: str) -> bool:
    """The pages' forms ask for the step (a hidden `confirm_step=1` in the page itself, so that it
    works without JavaScript); a request from elsewhere (a script, the API) acts at once, as before."""
    return ((object_type, name) in CONFIRM and request.form.get("confirm_step") == "1"
            and request.form.get("confirmed") != "1")


def confirmation(object_type: str, name: str, label, back: str, overrides: dict | None = None):
    """The confirmation page of an irreversible action not yet confirmed, else None. The page's
    form posts the same fields again (`overrides` replacing some) with `confirmed=1`."""
    if not needs_confirmation(object_type, name):
        return None
    what = CONFIRM[(object_type, name)]
    overrides = overrides or {}
    fields = [(k, overrides.get(k, v)) for k, values in request.form.lists()
              if k not in ("csrf_token", "confirmed", "confirm_step") for v in values]
    fields += [(k, v) for k, v in overrides.items() if k not in request.form]
    # `back` of page.html is a (url, text) link: this page's own "no, go back" is a plain address
    return render_template("transitions/confirm.html", label=label, what=what, fields=fields,
                           back_url=back, form=CsrfForm())


class CsrfForm(FlaskForm):
    """A form with nothing but the CSRF token (buttons and hand-rendered fields)."""


def require_csrf() -> None:
    if not CsrfForm().validate_on_submit():
        abort(400)


def describe(e: WorkflowError) -> Markup:
    """A refusal for people: the message, each field named by its label (never its path); staff
    also read the rule behind a guard's refusal in the small "podstawa" note (its legal basis in
    words), applicants never see the rule id."""
    errors = getattr(e, "errors", None)
    reason = getattr(e, "reason", None)  # a guard's refusal: its message; the rule id goes to the note
    text = str(reason.message) if reason is not None and hasattr(reason, "message") else str(e.detail)
    if errors:
        text += " " + " ".join(f"{labels.field_label(x['field'])}: {x['message']}" for x in errors)
    rule = getattr(reason, "rule", None) or e.extra.get("rule")
    return escape(text) + (Markup(" ") + basis(rule) if rule and staff_view() else Markup(""))


def _allowed_now(obj, name: str) -> bool:
    """Whether the action would pass its permission and guards now: a refused one is not confirmed
    first, its refusal is shown at once."""
    return any(t["name"] == name and t["allowed"] for t in available_transitions(db.session(), obj, current_user))


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
    wf = obj.__workflow__  # irreversible actions ask first (the page's form posts again with confirmed=1)
    page = confirmation(wf.object_type, name, wf.by_name[name].label if name in wf.by_name else name, back) \
        if needs_confirmation(wf.object_type, name) and _allowed_now(obj, name) else None
    if page is not None:
        return page
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
    flash(done_message(obj, name), "success")
    return redirect(done or back, 303)


def done_message(obj, name: str):
    """What a performed transition tells its actor: the action and the state it led to."""
    return _("Wykonano czynność „%(label)s”. Stan: %(state)s.", label=str(obj.__workflow__.by_name[name].label),
             state=obj.state_label)


def transition_page(bp, rule: str, get, fields=(), back=None, endpoint: str = "transition", payload=None,
                    **options) -> None:
    """Registers an object's transition page on `bp`: POST `rule` (with the object's id and
    `<name>`) signed in; `get(id)` finds the object (visible, else a 404), `perform` runs
    transition `name` with the form's `fields` (or `fields(name)`) and goes back to `back(obj)`,
    by default the blueprint's `show` page of the same id. `payload(name)`: the payload the area
    builds from the form for some transitions (typed values), None for the others (then `fields`).
    `options` go to `perform`."""
    def transition(name, **ids):
        (oid,) = ids.values()
        obj = get(oid)
        return perform(obj, name, fields(name) if callable(fields) else fields,
                       back(obj) if back is not None else url_for(".show", **ids),
                       payload=payload(name) if payload is not None else None, **options)

    transition.__name__ = endpoint
    bp.add_url_rule(rule, endpoint, login_required(transition), methods=["POST"])
