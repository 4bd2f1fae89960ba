"""Pages of an innovation pilot after the award (S9), on the "innovation" blueprint: the milestones
with their go/no-go checkpoints, the evaluation summary and the scale-up recommendation, all shown in
the panel on the agreement's page (calltypes/innovation_pilot/agreement_panel.html). Each form posts
here and comes back to the agreement's page with the outcome flashed."""
from __future__ import annotations

from datetime import timedelta

from flask import abort, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import aliased, contains_eager

from grants.agreements.models import Agreement
from grants.agreements.operations import visible
from grants.core import db
from grants.core.i18n import _
from grants.core.permissions import ADMIN, APPLICANT, OFFICER
from grants.web.home import Item, Section, section
from grants.web.areas import act, visible_or_404
from grants.web.transitions import require_csrf

from . import milestones as ms
from . import scaleup
from .evaluation import OUTCOMES, RECOMMENDATIONS, evaluation_of
from .models import Milestone
from .views import bp


def _agreement(aid: int):
    """The pilot agreement as the caller sees it: 404 when missing, not visible or not a pilot."""
    a = visible_or_404(Agreement, aid, visible)
    if not ms.is_pilot(a):
        abort(404)
    return a


def _milestone(a, number: int):
    m = ms.get(db.session(), a, number)
    if m is None:
        abort(404)
    return m


def _version():
    raw = request.form.get("version")
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        abort(400)


def _back(a):
    return url_for("agreements.show", aid=a.id) + "#pilot"


@bp.route("/pilots/<int:aid>/milestones", methods=["POST"])
@login_required
def plan_milestone(aid):
    a = _agreement(aid)
    require_csrf()
    values = {k: request.form.get(k, "") for k in ("number", "title", "success_criteria", "checkpoint_on")}
    return act(lambda: ms.plan(db.session(), current_user, a, values), _back(a), _("Dodano kamień milowy do planu."))


@bp.route("/pilots/<int:aid>/milestones/<int:number>", methods=["POST"])
@login_required
def replan_milestone(aid, number):
    a, m = _milestone_posted(aid, number)
    values = {k: request.form[k] for k in ("title", "success_criteria", "checkpoint_on") if k in request.form}
    return act(lambda: ms.replan(db.session(), current_user, a, m, values, _version()), _back(a),
               _("Zmieniono kamień milowy nr %(n)s.", n=number))


@bp.route("/pilots/<int:aid>/milestones/<int:number>/progress", methods=["POST"])
@login_required
def milestone_progress(aid, number):
    a, m = _milestone_posted(aid, number)
    return act(lambda: ms.report_progress(db.session(), current_user, a, m, request.form.get("progress", ""), _version()),
               _back(a), _("Zapisano postęp przy kamieniu milowym nr %(n)s.", n=number))


@bp.route("/pilots/<int:aid>/milestones/<int:number>/decision", methods=["POST"])
@login_required
def milestone_decision(aid, number):
    a, m = _milestone_posted(aid, number)
    decision = request.form.get("decision", "")

    def done(decided):
        said = [(_("Zapisano decyzję przy kamieniu milowym nr %(n)s.", n=number), "success")]
        if decided.decision == "no_go":
            said.append((_("Pilotaż zatrzymano. Jeśli trzeba zakończyć umowę, rozwiąż ją czynnością „Rozwiąż umowę”."),
                         "info"))
        return said

    return act(lambda: ms.decide(db.session(), current_user, a, m, decision, request.form.get("note", ""), _version()),
               _back(a), done)


def _milestone_posted(aid, number):
    """The pilot and its milestone a form posts to (404 when not visible), the CSRF token checked."""
    a = _agreement(aid)
    m = _milestone(a, number)
    require_csrf()
    return a, m


@bp.route("/pilots/<int:aid>/scale-up", methods=["POST"])
@login_required
def scale_up(aid):
    a = _agreement(aid)
    require_csrf()
    f = request.form
    return act(lambda: scaleup.recommend_scale_up(
        db.session(), current_user, a, f.get("consultation_id", ""), title=f.get("title") or None,
        problem=f.get("problem") or None, proposed_task=f.get("proposed_task") or None,
        target_group=f.get("target_group") or None, estimated_funds=f.get("estimated_funds") or None),
        _back(a), _("Zarekomendowano pilotaż do upowszechnienia: propozycja kierunku trafiła do konsultacji."),
        to=lambda d: url_for("directions.show", did=d.id))


# ---- the panel on the agreement's page

def pilot_agreement_panel(a) -> dict:
    """What the panel shows to the caller: milestones with the actions each may take (and why not),
    the final report's evaluation, the scale-up direction or the form to recommend one."""
    user = current_user if current_user.is_authenticated else None
    s = db.session()
    rows = ms.milestones(s, a)
    officer = user is not None and ms.is_officer(a, user)
    member = user is not None and ms.is_member(a, user)
    today = ms._today()
    items = []
    for m in rows:
        items.append({"m": m, "decision_label": ms.DECISION_LABELS.get(m.decision, m.decision),
                      "progress_reason": ms.progress_reason(a, m, rows, today) if member else None,
                      "decision_reason": ms.decision_reason(a, m, rows, today) if officer else None})
    report = scaleup.final_report(s, a)
    ev = evaluation_of(report) if report is not None else None
    direction = scaleup.direction_of(s, a)
    refusal = scaleup.refusal(s, a) if officer else None
    can_plan = officer and a.state in ms.PLANNING_STATES and ms.stopped_at(rows) is None
    return {"items": items, "officer": officer, "member": member, "stopped": ms.stopped_at(rows),
            "can_plan": can_plan, "report": report,
            "evaluation": ev if ev is not None and (ev.outcome or ev.what_worked) else None,
            "outcomes": OUTCOMES, "recommendations": RECOMMENDATIONS, "direction": direction,
            "scale_up_refusal": refusal,
            "consultations": scaleup.eligible_consultations(s, user) if officer and refusal is None else [],
            "today": today}


@bp.app_context_processor
def _pilot_panel():
    return {"innovation_pilot_agreement_panel": pilot_agreement_panel,
            "pilot_outcomes": OUTCOMES, "pilot_recommendations": RECOMMENDATIONS}


# ---- what waits on the homes: checkpoints to decide (officer), progress to report (organisation)

PROGRESS_AHEAD_DAYS = 14


def _open_milestones(user, states):
    """Pending milestones of visible agreements in `states` whose pilot has not been stopped, with
    their agreements, in one query."""


    stopped = aliased(Milestone)
    q = (select(Milestone).join(Milestone.agreement).options(contains_eager(Milestone.agreement))
         .where(Milestone.decision == "pending", Agreement.state.in_(states),
                Agreement.id.in_(visible(select(Agreement.id), user)),
                ~select(stopped.id).where(stopped.agreement_id == Milestone.agreement_id,
                                          stopped.decision == "no_go").exists())
         .order_by(Milestone.checkpoint_on, Milestone.agreement_id, Milestone.number))
    return db.session.scalars(q).all()


def _checkpoints_to_decide(user):
    today = ms._today()
    rows = [m for m in _open_milestones(user, ms.DECISION_STATES) if m.checkpoint_on <= today]
    if not rows:
        return None
    first = {}
    for m in rows:  # milestones are decided in order: the earliest pending one of each agreement
        first.setdefault(m.agreement_id, m)
    items = [Item(f"{m.agreement.number}: {_('kamień milowy nr %(n)s', n=m.number)} – {m.title}",
                  url_for("agreements.show", aid=m.agreement_id) + f"#milestone-{m.number}",
                  str(_("punkt kontrolny %(d)s", d=m.checkpoint_on)), flag=str(_("decyzja go/no-go")))
             for m in first.values()]
    return Section(_("Punkty kontrolne pilotaży do decyzji"), items, order=18)


def _progress_to_report(user):
    if not getattr(user, "organisation_ids", None):
        return None
    today = ms._today()
    horizon = today + timedelta(days=PROGRESS_AHEAD_DAYS)
    rows = [m for m in _open_milestones(user, ms.PROGRESS_STATES)
            if today <= m.checkpoint_on <= horizon and not m.progress
            and m.agreement.organisation_id in user.organisation_ids]
    if not rows:
        return None
    items = [Item(f"{m.agreement.number}: {_('kamień milowy nr %(n)s', n=m.number)} – {m.title}",
                  url_for("agreements.show", aid=m.agreement_id) + f"#milestone-{m.number}",
                  str(_("punkt kontrolny %(d)s", d=m.checkpoint_on)), flag=str(_("zgłoś postęp")))
             for m in rows]
    return Section(_("Postęp pilotaży do zgłoszenia przed punktem kontrolnym"), items, order=13)


section(OFFICER, ADMIN)(_checkpoints_to_decide)
section(APPLICANT)(_progress_to_report)
