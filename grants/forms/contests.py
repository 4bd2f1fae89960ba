"""The contest (announcement) form: every field of R-ANN-CONTENT and R-ANN-PARAMS."""
from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (BooleanField, DateField, DateTimeLocalField, FieldList, Form, FormField, IntegerField,
                     RadioField, SelectField, SelectMultipleField, StringField, TextAreaField)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from grants.calltypes import registry as call_types
from grants.contests import rules
from grants.core import labels
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
    form = RadioField(_l("Forma realizacji zadania"),
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
    eligible_known = SelectMultipleField(_l("Kwalifikowalne kategorie kosztów"), choices=[], validate_choice=False,
                                         widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    eligible_categories = StringField(_l("Inne kwalifikowalne kategorie (własne nazwy, po przecinku)"),
                                      validators=[Length(max=2000)])
    ineligible_known = SelectMultipleField(_l("Niekwalifikowalne kategorie kosztów"), choices=[],
                                           validate_choice=False, widget=ListWidget(prefix_label=False),
                                           option_widget=CheckboxInput())
    ineligible_categories = StringField(_l("Inne niekwalifikowalne kategorie (własne nazwy, po przecinku)"),
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
        self.eligible_known.choices = labels.choices("cost_category")
        self.ineligible_known.choices = labels.choices("cost_category")

    def validate(self, extra_validators=None) -> bool:
        """Every field's own check and the checks across fields (R-ANN-PARAMS: minimum grant above
        the maximum, dates in the wrong order, a threshold above the points) reported together."""
        ok = super().validate(extra_validators)
        for name, message in self.cross_field_problems():
            target = getattr(self, name, None)
            if target is not None and str(message) not in target.errors:
                target.errors = list(target.errors) + [str(message)]
                ok = False
        return ok

    def cross_field_problems(self) -> list[tuple[str, object]]:
        def data(name):
            f = getattr(self, name)
            return None if f.errors else f.data
        criteria = [{"max_points": str(e.max_points.data)} for e in self.criteria
                    if e.max_points.data is not None and not e.max_points.errors]
        seen = SimpleNamespace(form=self.form.data or "support", criteria=criteria, **{n: data(n) for n in (
            "min_grant", "max_grant", "budget", "min_own_total_pct", "min_own_financial_pct",
            "min_own_nonfinancial_pct", "max_admin_pct", "own_tolerance_pp", "shift_pct", "task_start", "task_end",
            "pass_threshold", "correction_days")})
        return [(n, m) for n, m in rules.param_problems(seen) if n != "form"]

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
        by_label = {text.lower(): code for code, text in labels.choices("cost_category")}

        def categories(known, text):  # checked from the list, then one's own (a label typed is its code)
            out = [c for c in (known or []) if c in dict(labels.choices("cost_category"))]
            for item in codes(text):
                code = by_label.get(item.lower(), item)
                if code not in out:
                    out.append(code)
            return out
        v["eligible_categories"] = categories(self.eligible_known.data, self.eligible_categories.data)
        v["ineligible_categories"] = categories(self.ineligible_known.data, self.ineligible_categories.data)
        v["criteria"] = []
        for i, e in enumerate(self.criteria):  # a criterion from the list, or one's own named by its label
            code, title = (e.code.data or "").strip(), (e.title.data or "").strip()
            if e.max_points.data is None or not (code or title):
                continue
            v["criteria"].append({"code": code or f"own_{i + 1}", "label": title or labels.label("criterion", code),
                                  "max_points": str(e.max_points.data), "support_only": False})
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
        known = dict(labels.choices("cost_category"))
        self.eligible_known.data = [x for x in c.eligible_categories or [] if x in known]
        self.eligible_categories.data = ", ".join(x for x in c.eligible_categories or [] if x not in known)
        self.ineligible_known.data = [x for x in c.ineligible_categories or [] if x in known]
        self.ineligible_categories.data = ", ".join(x for x in c.ineligible_categories or [] if x not in known)
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
