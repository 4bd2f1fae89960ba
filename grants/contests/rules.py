"""Announcement rules as plain checks over a contest: R-ANN-CONTENT, R-ANN-21DAYS, R-ANN-FORM, R-ANN-PARAMS."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from grants.core.dates import warsaw_date
from grants.core.i18n import _

FORMS = {"support": _("wspieranie (dotacja współfinansuje zadanie, oczekiwany wkład własny)"),
         "entrustment": _("powierzanie (dotacja może pokryć całość kosztów)")}

# R-ANN-CONTENT: what an announcement must state (field name, label)
CONTENT_FIELDS = [
    ("task_type", _("rodzaj zadania publicznego")),
    ("budget", _("wysokość środków publicznych przeznaczonych na realizację zadania")),
    ("grant_rules", _("zasady przyznawania dotacji")),
    ("task_conditions", _("terminy i warunki realizacji zadania")),
    ("deadline", _("termin składania ofert")),
    ("procedure", _("tryb i kryteria stosowane przy wyborze ofert")),
    ("decision_by", _("termin dokonania wyboru ofert")),
    ("previous_tasks", _("zrealizowane w roku bieżącym i poprzednim zadania tego samego rodzaju i ich koszty")),
]

MIN_DAYS = 21


def content_problems(c) -> list[tuple[str, object]]:
    """R-ANN-CONTENT: (field, message) for each missing element of the announcement."""
    out = []
    for name, label in CONTENT_FIELDS:
        v = getattr(c, name)
        if v is None or (isinstance(v, str) and not v.strip()) or (isinstance(v, Decimal) and v <= 0):
            out.append((name, _("Brak w ogłoszeniu: %(what)s.", what=str(label))))
    if not c.criteria:
        out.append(("criteria", _("Brak w ogłoszeniu: kryteria oceny ofert.")))
    return out


def param_problems(c) -> list[tuple[str, object]]:
    """R-ANN-PARAMS / R-ANN-FORM: the parameters hang together."""
    out = []
    if c.form not in FORMS:
        out.append(("form", _("Forma realizacji zadania to wspieranie albo powierzanie.")))
    if c.min_grant is not None and c.max_grant is not None and c.min_grant > c.max_grant:
        out.append(("min_grant", _("Minimalna dotacja nie może przekraczać maksymalnej.")))
    if c.max_grant is not None and c.budget is not None and c.max_grant > c.budget:
        out.append(("max_grant", _("Maksymalna dotacja nie może przekraczać budżetu konkursu.")))
    for name in ("min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "max_admin_pct",
                 "own_tolerance_pp", "shift_pct"):
        v = getattr(c, name)
        if v is not None and not (Decimal(0) <= v <= Decimal(100)):
            out.append((name, _("Wartość procentowa musi mieścić się w przedziale 0–100.")))
    if c.form == "entrustment" and c.min_own_total_pct:
        pass  # allowed: an entrustment contest may still expect a contribution
    if c.task_start and c.task_end and c.task_end < c.task_start:
        out.append(("task_end", _("Koniec okresu realizacji nie może poprzedzać początku.")))
    total_points = sum(Decimal(str(x.get("max_points", 0))) for x in (c.criteria or []))
    if c.pass_threshold is not None and c.criteria and c.pass_threshold > total_points:
        out.append(("pass_threshold", _("Próg punktowy przekracza sumę punktów kryteriów.")))
    if c.correction_days is not None and c.correction_days < 1:
        out.append(("correction_days", _("Termin na uzupełnienie braków to co najmniej 1 dzień.")))
    return out


def deadline_ok(published_on: date, deadline_day: date) -> bool:
    """R-ANN-21DAYS: the deadline is at least 21 days after the day of publication."""
    return deadline_day >= published_on + timedelta(days=MIN_DAYS)


def days21_problem(c, now) -> object | None:
    if c.deadline is None:
        return None
    if not deadline_ok(warsaw_date(now), warsaw_date(c.deadline)):
        return _("Termin składania ofert (%(d)s) musi przypadać co najmniej 21 dni po dniu publikacji ogłoszenia "
                 "(najwcześniej %(min)s).", d=warsaw_date(c.deadline).isoformat(),
                 min=(warsaw_date(now) + timedelta(days=MIN_DAYS)).isoformat())
    return None
