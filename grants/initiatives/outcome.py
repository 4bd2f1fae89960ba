"""R-ART12-OUTCOME: an expedient own-initiative offer leads to an open contest (a planned one, with
its announcement date), never a direct grant; the applicant is notified either way."""
from __future__ import annotations



from grants.accounts.models import User
from grants.calltypes import get
from grants.contests.models import Contest
from grants.core import outbox
from grants.core.i18n import _


def plan_contest(ctx, initiative):
    ct = get("standard")
    d = ctx.payload["announcement_date"]  # validated: a date
    c = Contest(grantor_id=initiative.grantor_id, department_id=initiative.department_id or getattr(ctx.actor, "department_id", None),
                call_type="standard", call_params={"from_initiative": initiative.id}, year=d.year,
                title=initiative.title, task_type=initiative.description[:5000], field=initiative.field,
                form="support", budget=initiative.estimated_cost, grant_rules="", task_conditions="", procedure="",
                previous_tasks="", planned_announcement=d, formal_checklist=ct.default_checklist(),
                criteria=ct.default_criteria("support"), eligible_categories=[], ineligible_categories=[],
                state="planned", version=1, created_by_id=getattr(ctx.actor, "id", None), created_at=ctx.now)
    ctx.session.add(c)
    ctx.session.flush()
    return c


def notify_applicant(ctx, initiative) -> None:
    # the organisation's address; else the member who submitted it (the applicant is notified either way)
    email = initiative.organisation.email if initiative.organisation else ""
    if not email:
        author = ctx.session.get(User, initiative.author_id)
        email = author.email if author is not None else ""
    if not email:
        return
    if initiative.state == "expedient":
        body = str(_("Oferta z własnej inicjatywy „%(t)s” została uznana za celową. Gmina ogłosi otwarty konkurs ofert "
                     "(planowana data ogłoszenia: %(d)s).", t=initiative.title, d=ctx.payload.get("announcement_date")))
    else:
        body = str(_("Oferta z własnej inicjatywy „%(t)s” została uznana za niecelową. Uzasadnienie: %(j)s",
                     t=initiative.title, j=initiative.decision or ""))
    outbox.emit_email(ctx.session, email, _("Ocena oferty z własnej inicjatywy (art. 12)"), body)
