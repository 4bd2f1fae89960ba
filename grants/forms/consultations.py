from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from grants.core.dates import WARSAW
from grants.registry.dictionaries import FIELDS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class ConsultationForm(FlaskForm):
    title = StringField(_l("Tytuł"), validators=[DataRequired(_l("Podaj tytuł.")), Length(max=255)])
    description = TextAreaField(_l("Opis: czego dotyczy konsultacja i jak wziąć w niej udział"),
                                validators=[Length(max=20000)])
    fields = MultiCheckboxField(_l("Sfery pożytku publicznego"), choices=[])
    starts_at = DateTimeLocalField(_l("Początek (czas warszawski)"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(_l("Podaj początek konsultacji."))])
    ends_at = DateTimeLocalField(_l("Koniec (czas warszawski)"), format="%Y-%m-%dT%H:%M",
                                 validators=[InputRequired(_l("Podaj koniec konsultacji."))])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.fields.choices = [(code, str(label)) for code, label in FIELDS.items()]

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("Koniec musi następować po początku."))

    def aware(self, name: str) -> datetime | None:
        v = getattr(self, name).data
        return v.replace(tzinfo=WARSAW) if v else None


class TransitionForm(FlaskForm):
    version = IntegerField(validators=[InputRequired()])
    report = TextAreaField(_l("Raport: odpowiedź na każdą uwagę i propozycję"), validators=[Optional(), Length(max=100000)])
    reason = TextAreaField(_l("Powód"), validators=[Optional(), Length(max=2000)])
