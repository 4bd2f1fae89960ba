"""The pieces every area's pages share: the object a URL names, if the caller may see it
(`visible_or_404` over the area's `visible()` query), and a list page's rows (`listing`: the same
filter by state and paging for every list). An area's views are then its own forms and templates,
a few lines of wiring around its operations, and `grants.web.transitions.perform`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from grants.core import db, keyset
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, PermissionDenied, has_role
from grants.web.transitions import require_csrf
from grants.workflows.base import load_for_transition
from grants.workflows.errors import WorkflowError

PER_PAGE = 200  # rows on one list page; the links below a list walk the rest


def viewer():
    """The signed-in user, or None for a visitor (public pages: the area's `visible` decides)."""
    return current_user if current_user.is_authenticated else None


def visible_or_404(model, oid: int, visible, *options, user=None, for_transition: bool = False):
    """`model` number `oid` through the area's `visible(query, user)` (with loader `options`), or a
    404: an object the caller may not see does not exist for them. `for_transition`: loaded with
    what a transition's checks read (the engine then does not read it again)."""
    q = visible(select(model).where(model.id == oid), viewer() if user is None else user).options(*options)
    obj = load_for_transition(db.session(), q) if for_transition else db.session.scalar(q)
    if obj is None:
        abort(404)
    return obj


def getter(model, visible):
    """`visible_or_404` for one area's model: the function its pages find an object with by id."""
    def get(oid: int):
        return visible_or_404(model, oid, visible)
    return get


def visible_children(model, visible, parent_column, parent_id: int, user) -> list:
    """The rows of `model` under one object (`parent_column` == `parent_id`) that the signed-in `user`
    sees (`visible(query, user)`), oldest first; none for a visitor."""
    if user is None:
        return []
    return list(db.session.scalars(visible(select(model), user).where(parent_column == parent_id).order_by(model.id)))


def act(operation, back, done=None, to=None, field_message=None, missing=(), explain_forbidden=False, refusals=()):
    """A page's POST that runs one area operation: `operation()` runs and the session commits, then
    the browser goes `back` (a URL, or a function giving it) with `done` shown (a message, or a
    function of the result giving (message, category) or a list of them), or to `to(result)` (e.g. the page of what the
    operation created). `field_message(error)` words each refused field (default: its message). A role or relation
    that may not act is a 403; refused input (grants.core.errors.FieldErrors, any ValueError) or a
    workflow's refusal changes nothing and is shown with its reasons. The caller checked CSRF.
    `missing`: exception types meaning the thing acted on does not exist (a 404);
    `explain_forbidden`: the 403 page names the reason the operation gave; `refusals`: more
    exception types that refuse (their `message` is shown)."""
    try:
        result = operation()
        db.session.commit()
    except PermissionDenied:
        db.session.rollback()
        if explain_forbidden:
            raise
        abort(403)
    except missing:
        db.session.rollback()
        abort(404)
    except ValueError as e:
        db.session.rollback()
        errors = getattr(e, "errors", None) or [{"message": str(e)}]
        flash("; ".join(field_message(x) if field_message else x["message"] for x in errors), "error")
    except WorkflowError as e:
        db.session.rollback()
        flash(str(e.detail), "error")
    except refusals as e:
        db.session.rollback()
        flash(getattr(e, "message", str(e)), "error")
    else:
        _say(done, result)
        if to is not None:
            return redirect(to(result), 303)
    return redirect(back() if callable(back) else back, 303)


def form_date(name: str, message) -> date:
    """The date the form's date field `name` sends (ISO), or a ValueError worded `message`: `act` and
    `save` show it as refused input."""
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        raise ValueError(str(message)) from None


def _say(done, result) -> None:
    """Flashes `done`: a message, or a function of the result giving (message, category) or a list of them."""
    if callable(done):
        said = done(result)
        for message, category in ([said] if isinstance(said, tuple) else said):
            flash(message, category)
    elif done is not None:
        flash(done, "success")


def save(operation, refused, done, to, back=None, code=302):
    """A form's save: `operation()` runs and the session commits, `done` is flashed and the browser
    goes `to` (a URL, or a function of the result giving it). Refused input (a ValueError with
    `errors` [{field, message}]) changes nothing and is handed to `refused(errors)`: its answer (a
    page), or None when the caller shows its form again itself (422). A role or relation that may
    not act is a 403; a workflow's refusal (stale version, a state that allows no change) is
    flashed and the browser goes `back` (default: `to`, when a URL; False: the caller shows its
    page). `done` as in `act`; `code`: the redirects' status."""
    try:
        result = operation()
        db.session.commit()
    except PermissionDenied:
        db.session.rollback()
        abort(403)
    except WorkflowError as e:
        db.session.rollback()
        if back is None and callable(to):
            raise  # creating: no page to go back to
        flash(str(e.detail), "error")
        return None if back is False else redirect(back or to, code)
    except ValueError as e:
        db.session.rollback()
        return refused(getattr(e, "errors", None) or [{"field": "", "message": str(e)}])
    _say(done, result)
    return redirect(to(result) if callable(to) else to, code)


def create_on_post(may: bool, operation, done, to):
    """A list page whose form creates (posted to the list's own URL). On a GET nothing happens; on a
    POST a 403 unless `may`, the CSRF check, then `operation()` through `save`: 303 to `to(result)`
    with `done` flashed. Returns (that redirect or None, the refused fields' messages by field, the
    status to show the page with: 422 when refused)."""
    if request.method != "POST":
        return None, {}, 200
    if not may:
        abort(403)
    require_csrf()
    errors: dict[str, str] = {}
    answer = save(operation, lambda refused: errors.update({x["field"]: x["message"] for x in refused}), done, to,
                  code=303)
    return answer, errors, 200 if answer is not None else 422


def list_page(template: str, q, model, *order, create=None, **context):
    """A list page: the `listing` of the visible query `q` rendered with `template` (rows, page, the
    form's errors and values, and `context`). `create`: (may, operation, done, to) when the page's
    form creates (`create_on_post`); a refused form is the page again with a 422."""
    created, errors, status = create_on_post(*create) if create is not None else (None, {}, 200)
    if created is not None:
        return created
    page = listing(q, model, *order)
    return render_template(template, rows=page.rows, page=page, errors=errors, values=request.form, **context), status


def form_int(name: str) -> int:
    """A posted id (a select's value): 0, which names nothing, when it is not a number."""
    value = request.form.get(name, "")
    return int(value) if value.isdigit() and len(value) < 10 else 0


def member_organisations(user) -> dict[str, str]:
    """The organisations an applicant acts for, {id: name} (the choice on a page's form)."""
    if user is None or not has_role(user, APPLICANT):
        return {}
    return {str(m.organisation_id): m.organisation.name for m in user.memberships}


def department_page(bp, rule: str, get, reassign) -> None:
    """Registers the page where an admin assigns an object to a department (POST `rule` with the
    object's id; grants.registry.departments): `get(id)` finds it (visible, else a 404) and
    `reassign(session, user, obj, department_id)` assigns it; back to the blueprint's `show`."""
    def reassign_page(**ids):
        (oid,) = ids.values()
        obj = get(oid)
        if not has_role(current_user, ADMIN):
            abort(403)
        require_csrf()
        return act(lambda: reassign(db.session(), current_user, obj, request.form.get("department_id") or None),
                   url_for(".show", **ids), _("Przypisano wydział."))

    bp.add_url_rule(rule, "reassign", login_required(reassign_page), methods=["POST"])


COUNT_CAP = 1000  # rows a list counts at most: the numbered page links cover these, "next" walks on


@dataclass
class Page:
    rows: list
    total: int  # counted up to COUNT_CAP + 1: `capped` says there are more
    page: int
    per_page: int
    state: str | None
    capped: bool = False
    next_url: str | None = None  # the page after this one, by key (after=<last row's key>)
    first_url: str | None = None  # set when this page was reached by key: back to the first
    page_urls: list = field(default_factory=list)  # (number, url) of the counted pages

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def _page_url(**changes) -> str:
    args = {k: v for k, v in request.args.items() if k not in ("page", "after")}
    args.update((k, v) for k, v in changes.items() if v is not None)
    return url_for(request.endpoint, **(request.view_args or {}), **args)


def listing(q, model, *order, options=(), per_page: int | None = None, count_cap: int = COUNT_CAP,
            search: bool = False, total: int | None = None, rows: bool = False, memo=None) -> Page:
    """One list page of the visible query `q`: `?state=` filters by the workflow state (an unknown
    state shows nothing, not an error). Pages by key (issue 20): `?after=<key>` is the page after
    the row with that key, found through the order's index whatever the list's length; `?page=n`
    (the numbered links of the first pages, and old bookmarks) still works. The count stops at
    `count_cap` (COUNT_CAP), so a list of a million rows costs what one of a thousand does. `search`
    (the caller filtered by words the user typed): the count stops at one page ("50+"), as counting
    every match would read them all from the text index (or every row, for a LIKE). `total`: how
    many rows the list has, when the caller knows already (no count is run; ignored with `?state=`).
    A first page shorter than `per_page` is the whole list: its length is the count, no query.
    `rows`: `q` selects columns (the page's rows are those rows, not objects), which the order's keys
    are among. `memo`: a key naming `q` when it is the same on every call
    (grants.core.keyset.page_after builds the first page's statement once)."""
    per_page = per_page or PER_PAGE  # read at the call: a test may set a smaller page
    state = request.args.get("state") or None
    filtered = bool(state and hasattr(model, "state"))
    if filtered:
        q = q.where(model.state == state)
    keys = keyset.keys_of(order)
    if keys[-1].column is not model.id and getattr(keys[-1].column, "key", None) != "id":
        order = (*order, model.id.desc() if keys[-1].desc else model.id)  # ties: the id decides
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    after = request.args.get("after") or None
    if after:
        page = 1
    if options:
        q = q.options(*options)
    w = keyset.window(db.session(), q, order, after=after, page=page, per_page=per_page, cap=count_cap,
                      search=search, total=None if filtered else total, rows=rows, memo=None if state else memo)
    next_key = w.next_key
    result = Page(w.rows, min(w.counted, w.cap), page, per_page, state, capped=w.counted > w.cap)
    result.next_url = _page_url(after=next_key) if next_key else None
    if after and keyset.decode(keyset.keys_of(order), after) is not None:
        result.first_url = _page_url()
    else:
        result.page_urls = [(n, _page_url(page=n if n > 1 else None)) for n in range(1, result.pages + 1)]
    return result
