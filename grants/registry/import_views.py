"""Pages of registry imports and the duplicates queue (issue 16): upload, column mapping, progress,
per-row report (XLSX), and officers' review of candidate pairs (merge or "different")."""
from __future__ import annotations

import logging

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased

from grants.core import db, spreadsheets
from grants.core.i18n import _
from grants.core.permissions import ADMIN, OFFICER, PermissionDenied, has_role
from grants.forms.registry_imports import KIND_LABELS, ConfirmForm, ImportForm, MappingForm

from . import imports, merging, sources
from .import_models import DuplicateCandidate, OrganisationSource, RegistryImport
from .krs_api import configured_url
from .models import Department, Organisation
from .operations import RegistryError
from .tasks import run_registry_import

log = logging.getLogger(__name__)
bp = Blueprint("registry_imports", __name__, url_prefix="/registry", template_folder="templates")
MAPPABLE_LABELS = {"name": _("nazwa"), "krs": "KRS", "nip": "NIP", "regon": "REGON", "email": _("e-mail"),
                   "fields": _("sfera działalności"), "district": _("dzielnica"), "address": _("adres"),
                   "phone": _("telefon"), "legal_form": _("forma prawna")}


@bp.before_request
@login_required
def _staff_only():
    if not has_role(current_user, OFFICER, ADMIN):
        abort(403)


def _enqueue(imp: RegistryImport) -> None:
    try:
        run_registry_import.send(imp.id)
    except Exception:  # noqa: BLE001 - the broker down: the import waits, the page offers a retry
        log.exception("registry import %s not enqueued", imp.id)
        flash(_("Kolejka zadań nie odpowiada; spróbuj uruchomić import ponownie za chwilę."), "error")


def _form() -> ImportForm:
    form = ImportForm()
    form.kind.choices = [(k, str(v)) for k, v in KIND_LABELS.items() if k != "krs_api" or configured_url()]
    form.department.choices = [("", "—")] + [(str(d.id), f"{d.code} — {d.name}") for d in
                                             db.session.scalars(select(Department).order_by(Department.code))]
    if request.method == "GET" and getattr(current_user, "department_id", None):
        form.department.data = str(current_user.department_id)
    return form


@bp.route("/imports", methods=["GET", "POST"])
def imports_index():
    form = _form()
    status = 200
    if form.validate_on_submit():
        f = request.files.get("file")
        content = f.read() if f else b""
        try:
            imp = imports.create(db.session(), current_user, form.kind.data, f.filename if f else "", content,
                                 dry_run=bool(form.dry_run.data),
                                 department_id=int(form.department.data) if (form.department.data or "").isdigit() else None)
        except imports.ImportError_ as e:
            db.session.rollback()
            form.file.errors = [str(e)]
            status = 422
        else:
            db.session.commit()
            if imp.status == "mapping":
                return redirect(url_for(".mapping", iid=imp.id))
            _enqueue(imp)
            return redirect(url_for(".show", iid=imp.id))
    elif request.method == "POST":
        status = 422
    rows = db.session.scalars(select(RegistryImport).order_by(RegistryImport.id.desc()).limit(50)).all()
    return render_template("registry/imports.html", form=form, rows=rows, kinds=KIND_LABELS), status


def _get(iid) -> RegistryImport:
    imp = db.session.get(RegistryImport, iid)
    if imp is None:
        abort(404)
    return imp


@bp.route("/imports/<int:iid>/mapping", methods=["GET", "POST"])
def mapping(iid):
    imp = _get(iid)
    if imp.kind != "department":
        abort(404)
    header, rows = sources.table(imp.content, imp.filename)
    form = MappingForm()
    chosen = imp.mapping or sources.guess_mapping(header)
    error, status = None, 200
    if form.validate_on_submit():
        chosen = {k: request.form.get(f"col_{k}", "") for k in sources.MAPPABLE}
        chosen = {k: v for k, v in chosen.items() if v}
        try:
            imports.set_mapping(db.session(), current_user, imp, chosen, bool(form.dry_run.data))
        except imports.ImportError_ as e:
            db.session.rollback()
            error, status = str(e), 422
        else:
            db.session.commit()
            _enqueue(imp)
            return redirect(url_for(".show", iid=imp.id))
    elif request.method == "POST":
        status = 422
    return render_template("registry/import_mapping.html", imp=imp, form=form, header=header, sample=rows[:5],
                           chosen=chosen, labels=MAPPABLE_LABELS, error=error), status


@bp.route("/imports/<int:iid>", methods=["GET", "POST"])
def show(iid):
    imp = _get(iid)
    form = ConfirmForm()
    if form.validate_on_submit():
        dry = request.form.get("dry_run") == "1"
        try:
            imports.again(db.session(), current_user, imp, dry_run=dry)
        except imports.ImportError_ as e:
            db.session.rollback()
            flash(str(e), "error")
        else:
            db.session.commit()
            _enqueue(imp)
        return redirect(url_for(".show", iid=imp.id))
    return render_template("registry/import_show.html", imp=imp, form=form, kinds=KIND_LABELS,
                           outcomes=imports.OUTCOMES, report=(imp.report or [])[:500])


@bp.route("/imports/<int:iid>/report.xlsx")
def report(iid):
    imp = _get(iid)
    wb, ws = spreadsheets.workbook(str(_("Raport importu")), [_("Wiersz"), _("Wynik"), _("Nr w rejestrze"),
                                                              _("Nazwa"), _("Powód")])
    for row in imports.report_rows(imp):
        spreadsheets.append_row(ws, row)
    return send_file(spreadsheets.xlsx_bytes(wb), mimetype=spreadsheets.XLSX_MIMETYPE, as_attachment=True,
                     download_name=f"import-{imp.id}.xlsx")


@bp.route("/duplicates")
def duplicates():
    first, second = aliased(Organisation), aliased(Organisation)
    rows = db.session.execute(
        select(DuplicateCandidate, first, second).join(first, first.id == DuplicateCandidate.first_id)
        .join(second, second.id == DuplicateCandidate.second_id).where(DuplicateCandidate.status == "open")
        .order_by(DuplicateCandidate.score.desc(), DuplicateCandidate.id).limit(200)).all()
    return render_template("registry/duplicates.html", rows=rows, form=ConfirmForm())


@bp.route("/duplicates/<int:cid>", methods=["POST"])
def decide(cid):
    pair = db.session.get(DuplicateCandidate, cid)
    if pair is None:
        abort(404)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    action = request.form.get("action")
    try:
        if action == "different":
            merging.mark_different(db.session(), current_user, pair)
        elif action in ("keep_first", "keep_second"):
            keep, gone = db.session.get(Organisation, pair.first_id), db.session.get(Organisation, pair.second_id)
            if action == "keep_second":
                keep, gone = gone, keep
            merging.merge(db.session(), current_user, keep, gone, pair)
        else:
            abort(400)
    except (RegistryError, PermissionDenied) as e:
        db.session.rollback()
        flash(e.errors[0]["message"] if isinstance(e, RegistryError) else _("Brak uprawnień."), "error")
        return redirect(url_for(".duplicates"))
    db.session.commit()
    flash(_("Zapisano."), "success")
    return redirect(url_for(".duplicates"))


def sources_of(org: Organisation) -> tuple[list[OrganisationSource], dict]:
    """The record's sources and, per field, the values that differ between the record and them."""
    rows = db.session.scalars(select(OrganisationSource).where(OrganisationSource.organisation_id == org.id)
                              .order_by(OrganisationSource.kind, OrganisationSource.label)).all()
    differ = {}
    for s in rows:
        for k in ("name", "address", "email", "nip", "regon", "krs", "district"):
            v = (s.data or {}).get(k)
            if v and str(v).strip().lower() != str(getattr(org, k) or "").strip().lower():
                differ.setdefault(k, []).append((f"{s.label}", v))
    return rows, differ
