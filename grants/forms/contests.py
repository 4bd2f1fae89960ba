"""The contest (announcement) form: every field of R-ANN-CONTENT and R-ANN-PARAMS."""
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, FieldList, Form, FormField, IntegerField,
                     RadioField, SelectField, StringField, TextAreaField)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from grants.calltypes import registry as call_types
from grants.core.dates import WARSAW
from grants.registry.dictionaries import FIELDS

from .fields import MoneyField, PercentField, PointsField


def pct(label):
    return PercentField(label, validators=[Optional()])


class CriterionForm(Form):
    code = StringField(_l("Kod"), validators=[Optional(), Length(max=40)])
    title = StringField(_l("Kryterium"), validators=[Optional(), Length(max=500)])
    max_points = PointsField(_l("Maks. punktów"), validators=[Optional()], limits={"maximum": Decimal(100)})


class CheckItemForm(Form):
    code = StringField(_l("Kod"), validators=[Optional(), Length(max=40)])
    title = StringField(_l("Wymóg formalny"), validators=[Optional(), Length(max=500)])


class ContestForm(FlaskForm):
    title = StringField(_l("Tytuł konkursu"), validators=[DataRequired(_l("Podaj tytuł konkursu.")), Length(max=500)])
    year = IntegerField(_l("Rok budżetowy"), validators=[InputRequired(_l("Podaj rok.")), NumberRange(min=2000, max=2100)])
    call_type = SelectField(_l("Typ naboru"), choices=[])
    field = SelectField(_l("Sfera pożytku publicznego"), choices=[], validators=[Optional()])
    form = RadioField(_l("Forma realizacji zadania (R-ANN-FORM)"),
                      choices=[("support", _l("wspieranie: dotacja współfinansuje zadanie")),
                               ("entrustment", _l("powierzanie: dotacja może pokryć całość kosztów"))],
                      default="support")
    task_type = TextAreaField(_l("Rodzaj zadania publicznego"), validators=[Length(max=5000)])
    budget = MoneyField(_l("Wysokość środków publicznych (zł)"), validators=[Optional()])
    grant_rules = TextAreaField(_l("Zasady przyznawania dotacji"), validators=[Length(max=20000)])
    task_conditions = TextAreaField(_l("Terminy i warunki realizacji zadania"), validators=[Length(max=20000)])
    procedure = TextAreaField(_l("Tryb i kryteria wyboru ofert"), validators=[Length(max=20000)])
    previous_tasks = TextAreaField(_l("Zadania tego samego rodzaju w roku bieżącym i poprzednim, ich koszty i dotacje"),
                                   validators=[Length(max=20000)])
    deadline = DateTimeLocalField(_l("Termin składania ofert (czas warszawski)"), format="%Y-%m-%dT%H:%M",
                                  validators=[Optional()])
    decision_by = DateField(_l("Termin wyboru ofert"), validators=[Optional()])
    planned_announcement = DateField(_l("Planowana data ogłoszenia (kalendarz)"), validators=[Optional()])
    min_grant = MoneyField(_l("Minimalna dotacja (zł)"), validators=[Optional()])
    max_grant = MoneyField(_l("Maksymalna dotacja (zł)"), validators=[Optional()])
    min_own_total_pct = pct(_l("Minimalny wkład własny ogółem (%)"))
    min_own_financial_pct = pct(_l("Minimalny wkład własny finansowy (%)"))
    min_own_nonfinancial_pct = pct(_l("Minimalny wkład własny niefinansowy (%)"))
    own_tolerance_pp = pct(_l("Tolerancja udziału wkładu własnego (punkty procentowe)"))
    max_admin_pct = pct(_l("Maksymalne koszty administracyjne (%)"))
    shift_pct = pct(_l("Dopuszczalne przesunięcie między pozycjami kosztorysu (%)"))
    eligible_categories = StringField(_l("Kwalifikowalne kategorie kosztów (kody po przecinku)"),
                                      validators=[Length(max=2000)])
    ineligible_categories = StringField(_l("Niekwalifikowalne kategorie kosztów (kody po przecinku)"),
                                        validators=[Length(max=2000)])
    task_start = DateField(_l("Realizacja zadania najwcześniej od"), validators=[Optional()])
    task_end = DateField(_l("Realizacja zadania najpóźniej do"), validators=[Optional()])
    pass_threshold = PointsField(_l("Próg punktowy"), validators=[Optional()])
    half_points = BooleanField(_l("Dopuszczalne połówki punktów"))
    correction_days = IntegerField(_l("Termin na uzupełnienie braków formalnych (dni)"), default=7,
                                   validators=[InputRequired(), NumberRange(min=1, max=60)])
    tranche_pattern = StringField(_l("Wzór transz (np. 80/20)"), validators=[Length(max=200)])
    attachments_allowed = BooleanField(_l("Dopuszczalne załączniki"), default=True)
    criteria = FieldList(FormField(CriterionForm), min_entries=10)
    formal_checklist = FieldList(FormField(CheckItemForm), min_entries=10)

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.call_type.choices = [(code, str(ct.label)) for code, ct in call_types().items()]
        self.field.choices = [("", "—")] + [(k, str(v)) for k, v in FIELDS.items()]

    def values(self) -> dict:
        def codes(text):
            return [c.strip() for c in (text or "").split(",") if c.strip()]
        v = {name: getattr(self, name).data for name in (
            "title", "year", "call_type", "form", "task_type", "budget", "grant_rules", "task_conditions",
            "procedure", "previous_tasks", "decision_by", "planned_announcement", "min_grant", "max_grant",
            "min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "own_tolerance_pp",
            "max_admin_pct", "shift_pct", "task_start", "task_end", "pass_threshold", "half_points",
            "correction_days", "tranche_pattern", "attachments_allowed")}
        for k in ("title", "task_type", "grant_rules", "task_conditions", "procedure", "previous_tasks",
                  "tranche_pattern"):
            v[k] = v[k] or ""  # an absent text input is an empty text, not "no value"
        v["half_points"] = bool(v["half_points"])
        v["attachments_allowed"] = bool(v["attachments_allowed"])
        v["field"] = self.field.data or None
        for k in ("min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "own_tolerance_pp", "shift_pct"):
            if v[k] is None:
                v[k] = Decimal(0)
        v["deadline"] = self.deadline.data.replace(tzinfo=WARSAW) if self.deadline.data else None
        v["eligible_categories"] = codes(self.eligible_categories.data)
        v["ineligible_categories"] = codes(self.ineligible_categories.data)
        v["criteria"] = [{"code": e.code.data.strip(), "label": e.title.data.strip(),
                          "max_points": str(e.max_points.data), "support_only": False}
                         for e in self.criteria if e.code.data and e.title.data and e.max_points.data is not None]
        v["formal_checklist"] = [{"code": e.code.data.strip(), "label": e.title.data.strip()}
                                 for e in self.formal_checklist if e.code.data and e.title.data]
        return v

    def fill(self, c) -> None:
        for name in ("title", "year", "call_type", "form", "task_type", "budget", "grant_rules", "task_conditions",
                     "procedure", "previous_tasks", "decision_by", "planned_announcement", "min_grant", "max_grant",
                     "min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "own_tolerance_pp",
                     "max_admin_pct", "shift_pct", "task_start", "task_end", "pass_threshold", "half_points",
                     "correction_days", "tranche_pattern", "attachments_allowed"):
            getattr(self, name).data = getattr(c, name)
        self.field.data = c.field or ""
        self.deadline.data = c.deadline.astimezone(WARSAW).replace(tzinfo=None) if c.deadline else None
        self.eligible_categories.data = ", ".join(c.eligible_categories or [])
        self.ineligible_categories.data = ", ".join(c.ineligible_categories or [])
        for entry, item in zip(self.criteria, (c.criteria or []) + [{}] * 10):
            entry.code.data = item.get("code", "")
            entry.title.data = item.get("label", "")
            entry.max_points.data = Decimal(str(item["max_points"])) if item.get("max_points") else None
        for entry, item in zip(self.formal_checklist, (c.formal_checklist or []) + [{}] * 10):
            entry.code.data = item.get("code", "")
            entry.title.data = item.get("label", "")


class ReasonForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])
    reason = TextAreaField(_l("Uzasadnienie"), validators=[Optional(), Length(max=4000)])
