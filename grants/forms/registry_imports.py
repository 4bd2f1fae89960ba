from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField, SubmitField

KIND_LABELS = {"krs": _l("odpisy z KRS (JSON: plik, ZIP z folderem, JSON lines)"),
               "krs_api": _l("numery KRS do pobrania z API KRS"),
               "regon": _l("eksport z REGON (BIR) — XML albo CSV"),
               "department": _l("lista wydziału — CSV albo XLSX")}


class ImportForm(FlaskForm):
    kind = SelectField(_l("Źródło"), choices=[])
    file = FileField(_l("Plik"))
    department = SelectField(_l("Wydział (dla listy wydziału)"), choices=[], coerce=str, validate_choice=False)
    dry_run = BooleanField(_l("Najpierw próba (bez zmian w rejestrze)"), default=True)


class MappingForm(FlaskForm):
    dry_run = BooleanField(_l("Próba (bez zmian w rejestrze)"), default=True)


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Wykonaj"))
