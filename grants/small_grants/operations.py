"""The only place that changes small grants (art. 19a) and their comments."""
from __future__ import annotations

from datetime import date

from sqlalchemy import or_
from sqlalchemy.orm import Session

from grants.core import audit, clock
from grants.core.dates import warsaw_date, working_days_after
from grants.core.i18n import _
from grants.registry import departments
from grants.registry.models import Organisation
from grants.workflows.base import apply_transition, record_change
from grants.workflows.errors import NotEditable
from grants.workflows.relations import require_board
from grants.workflows.small_grant import SMALL_GRANT

from .limits import cap_problems, submission_problems
from .models import SmallGrant, SmallGrantComment

PUBLIC = ("published", "comments_closed", "awarded", "refused")


class SmallGrantError(ValueError):
    def __init__(self, errors: list[dict], warnings: list | None = None):
        self.errors = errors
        self.warnings = warnings or []
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def visible(q, user):
    """Published offers are public (R-19A-PUBLISH); before that the applicant's members and staff."""
    conds = [SmallGrant.state.in_(PUBLIC)]
    if user is not None:
        conds += departments.members_or_staff(SmallGrant, user)
    return q.where(or_(*conds))


def submit(session: Session, actor, organisation_id: int, values: dict) -> tuple[SmallGrant, list]:
    """Returns the offer and the warnings about the yearly caps (checked for real at award)."""
    require_board(actor, organisation_id)
    now = clock.now()
    errors = []
    title = (values.get("title") or "").strip()
    if not title:
        errors.append({"field": "title", "message": str(_("Podaj tytuł zadania."))})
    start, end, amount = values.get("task_start"), values.get("task_end"), values.get("amount")
    if not isinstance(start, date):
        errors.append({"field": "task_start", "message": str(_("Podaj datę rozpoczęcia."))})
    if not isinstance(end, date):
        errors.append({"field": "task_end", "message": str(_("Podaj datę zakończenia."))})
    if amount is None:
        errors.append({"field": "amount", "message": str(_("Podaj kwotę dotacji."))})
    if not errors:
        for field, p in submission_problems(session, amount, start, end, now):
            errors.append({"field": field, "message": str(p)})
    if errors:
        raise SmallGrantError(errors)
    grantor_id = departments.addressed_grantor(session, values.get("grantor"))  # the authority addressed (issue 22)
    if grantor_id is None:
        raise SmallGrantError([{"field": "grantor", "message": str(
            _("Wybierz organ dotujący, do którego składasz ofertę.") if not values.get("grantor")
            else _("Nieznany organ dotujący."))}])
    dept = departments.for_offer(session, values.get("field") or None, session.get(Organisation, organisation_id),
                                 grantor_id)
    obj = SmallGrant(organisation_id=organisation_id, author_id=actor.id, title=title[:255],
                     description=(values.get("description") or "").strip(), field=values.get("field") or None,
                     amount=amount, task_start=start, task_end=end, received_at=now,
                     publish_due=working_days_after(warsaw_date(now), 7), state=SMALL_GRANT.initial, version=1,
                     department_id=dept.id if dept else None, grantor_id=grantor_id)
    session.add(obj)
    session.flush()
    record_change(session, obj, "submit", actor, {"title": title, "amount": amount, "organisation_id": organisation_id,
                                                  "department_id": obj.department_id})
    warnings = [str(p) for p in cap_problems(session, obj, warsaw_date(now))]
    return obj, warnings


def publish_late(obj: SmallGrant, today) -> bool:
    """R-19A-PUBLISH: publication within 7 working days of receipt (a flag)."""
    return obj.state == "submitted" and today > obj.publish_due


def add_comment(session: Session, obj: SmallGrant, actor, author_name: str, body: str) -> SmallGrantComment:
    """Anyone may comment while the offer is published."""
    body = (body or "").strip()
    name = (author_name or "").strip() or (getattr(actor, "display_name", "") if actor else "")
    errors = []
    if not body or len(body) > 4000:
        errors.append({"field": "body", "message": str(_("Uwaga: od 1 do 4000 znaków."))})
    if not name:
        errors.append({"field": "author_name", "message": str(_("Podpisz uwagę imieniem i nazwiskiem lub nazwą."))})
    if errors:
        raise SmallGrantError(errors)
    now = clock.now()
    if obj.state != "published" or obj.comments_close_at is None or now > obj.comments_close_at:
        raise NotEditable(_("Uwagi przyjmuje się tylko przez 7 dni od publikacji oferty (R-19A-PUBLISH)."))
    c = SmallGrantComment(small_grant_id=obj.id, user_id=getattr(actor, "id", None), author_name=name[:255],
                          body=body, created_at=now)
    session.add(c)
    session.flush()
    audit.lock_object(session, SmallGrant, obj.id)
    audit.record(session, "small_grant", obj.id, "comment", actor, changes={"comment_id": c.id})
    return c


transition = apply_transition  # (session, obj, name, actor, payload, expected_version)
reassign_department = departments.reassign  # an admin moves the offer: (session, actor, obj, department_id)
