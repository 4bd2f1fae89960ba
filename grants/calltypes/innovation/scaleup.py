"""recommend_scale_up (S9): a successful pilot becomes a proposed contest direction in the consultation
of the next cooperation programme, closing the loop with the directions of the before-the-contest
issue (S7). The direction and the agreement link both ways: direction.scale_up_agreement_id, unique,
so a pilot is recommended once."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grants.agreements.models import Agreement
from grants.consultations.models import Consultation
from grants.consultations.operations import visible as consultation_visible
from grants.core import audit, clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.numbers import NumberError, parse_money
from grants.core.permissions import PermissionDenied
from grants.directions.models import Direction
from grants.reports.models import Report
from grants.workflows.base import record_change
from grants.workflows.errors import NotEditable

from .evaluation import OUTCOMES, evaluation_of
from .milestones import is_officer, is_pilot

OPEN_FOR_PROPOSALS = ("draft", "open")


class ScaleUpError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def final_report(session: Session, agreement):
    return session.scalar(select(Report).where(Report.agreement_id == agreement.id, Report.kind == "final"))


def direction_of(session: Session, agreement):
    """The direction recommended from this pilot, if any."""
    return session.scalar(select(Direction).where(Direction.scale_up_agreement_id == agreement.id))


def eligible_consultations(session: Session, actor) -> list:
    """Consultations that still take proposals for the next programme, as the actor sees them: open
    ones whose period has not ended and the department's drafts (being prepared)."""
    now = clock.now()
    q = consultation_visible(select(Consultation), actor).where(
        or_(Consultation.state == "draft",
            (Consultation.state == "open") & (or_(Consultation.ends_at.is_(None), Consultation.ends_at > now))))
    return list(session.scalars(q.order_by(Consultation.ends_at, Consultation.id)))


def refusal(session: Session, agreement):
    """Why this pilot cannot be recommended for scale-up now (None when it can); permission aside."""
    if not is_pilot(agreement):
        return _("Do upowszechnienia rekomenduje się tylko pilotaże innowacji.")
    if direction_of(session, agreement) is not None:
        return _("Ten pilotaż już zarekomendowano do upowszechnienia.")
    r = final_report(session, agreement)
    if r is None or r.state != "accepted":
        return _("Rekomendacja wymaga przyjętego sprawozdania końcowego z oceną pilotażu.")
    ev = evaluation_of(r)
    if ev is None or ev.recommendation != "scale_up":
        return _("Ocena pilotażu w sprawozdaniu końcowym nie rekomenduje upowszechnienia.")
    return None


def check(session: Session, actor, agreement) -> None:
    """403 for anyone but the agreement's officer; 409 when already recommended or the report is not
    accepted; 422 (ScaleUpError) when the evaluation does not recommend scaling up."""
    if not is_officer(agreement, actor):
        raise PermissionDenied(_("Rekomendację upowszechnienia składa urzędnik wydziału prowadzącego umowę."))
    reason = refusal(session, agreement)
    if reason is None:
        return
    r = final_report(session, agreement)
    if not is_pilot(agreement) or direction_of(session, agreement) is not None or r is None or r.state != "accepted":
        raise NotEditable(reason)
    raise ScaleUpError([{"field": "recommendation", "message": str(reason)}])


def default_texts(agreement, report) -> dict:
    """Title, problem and proposed task of the direction, written from the pilot's evaluation."""
    ev = evaluation_of(report)
    metrics = "; ".join(str(_("%(name)s: %(achieved)s (cel: %(target)s)", name=m.name, achieved=m.achieved,
                                target=m.target)) for m in ev.metrics)
    outcome = str(OUTCOMES.get(ev.outcome, ev.outcome or ""))
    problem = str(_("Pilotaż „%(t)s” (umowa %(n)s, %(o)s) sprawdził nowe rozwiązanie. Rezultat: %(r)s.",
                    t=agreement.title, n=agreement.number, o=agreement.organisation.name, r=outcome))
    if ev.what_worked:
        problem += "\n\n" + str(_("Co zadziałało: %(x)s", x=ev.what_worked))
    if metrics:
        problem += "\n\n" + str(_("Mierniki: %(x)s", x=metrics))
    if ev.what_did_not_work:
        problem += "\n\n" + str(_("Co nie zadziałało: %(x)s", x=ev.what_did_not_work))
    task = str(_("Upowszechnienie rozwiązania przetestowanego w pilotażu „%(t)s” w otwartym konkursie ofert.",
                 t=agreement.title))
    if ev.lessons:
        task += "\n\n" + str(_("Wnioski z pilotażu: %(x)s", x=ev.lessons))
    title = str(_("Upowszechnienie pilotażu: %(t)s", t=agreement.title))
    return {"title": title[:255], "problem": problem[:10000], "proposed_task": task[:10000]}


def _clean(values: dict) -> dict:
    errors, out = [], {}
    for k, limit in (("title", 255), ("problem", 10000), ("target_group", 10000), ("proposed_task", 10000)):
        v = values.get(k)
        if v is None:
            continue
        v = v.strip() if isinstance(v, str) else ""
        if len(v) > limit:
            errors.append({"field": k, "message": str(_("Najwyżej %(n)s znaków.", n=limit))})
        if v:
            out[k] = v
    f = values.get("estimated_funds")
    if f not in (None, ""):
        try:
            out["estimated_funds"] = parse_money(f, grammar="typed")
        except NumberError as e:
            errors.append({"field": "estimated_funds", "message": str(e.message)})
    if errors:
        raise ScaleUpError(errors)
    return out


def recommend_scale_up(session: Session, actor, agreement, consultation_id, title: str | None = None,
                       problem: str | None = None, proposed_task: str | None = None, target_group: str | None = None,
                       estimated_funds=None):
    """Creates the proposed direction (state submitted, author the officer, stakeholder type city_unit)
    in a consultation that takes proposals; texts not given are written from the pilot's evaluation."""
    audit.lock_object(session, Agreement, agreement.id)  # one recommendation at a time per pilot
    check(session, actor, agreement)
    try:
        cid = int(str(consultation_id).strip())
    except (TypeError, ValueError):
        cid = None
    c = session.scalar(consultation_visible(select(Consultation).where(Consultation.id == cid), actor)) \
        if cid is not None and 0 < cid < 2**31 else None
    if c is None:
        raise ScaleUpError([{"field": "consultation_id", "message": str(_("Wybierz konsultację programu współpracy."))}])
    if c.state not in OPEN_FOR_PROPOSALS or (c.state == "open" and c.ends_at is not None and clock.now() > c.ends_at):
        raise ScaleUpError([{"field": "consultation_id", "message": str(_(
            "Propozycję kierunku można dodać tylko do konsultacji przygotowywanej lub trwającej."))}])
    data = _clean({"title": title, "problem": problem, "proposed_task": proposed_task, "target_group": target_group,
                   "estimated_funds": estimated_funds})
    texts = {**default_texts(agreement, final_report(session, agreement)), **data}
    now = clock.now()
    d = Direction(consultation_id=c.id, author_id=actor.id, organisation_id=None, stakeholder_type="city_unit",
                  title=texts["title"], problem=texts["problem"], proposed_task=texts["proposed_task"],
                  target_group=texts.get("target_group", ""), estimated_funds=texts.get("estimated_funds"),
                  field=agreement.contest.field, state="submitted", version=1, submitted_at=now, created_at=now,
                  scale_up_agreement_id=agreement.id)
    session.add(d)
    try:
        session.flush()
    except IntegrityError:  # a concurrent twin (SQLite has no row lock): the pilot has its direction
        session.rollback()
        raise NotEditable(_("Ten pilotaż już zarekomendowano do upowszechnienia.")) from None
    record_change(session, d, "create", actor, {"state": [None, "submitted"], "title": [None, d.title],
                                                "scale_up_agreement_id": agreement.id})
    record_change(session, agreement, "scale_up", actor, {"direction_id": d.id, "consultation_id": c.id})
    return d
