from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField, widgets
from wtforms.validators import DataRequired, Length, Optional

from grants.registry.dictionaries import DISTRICTS, FIELDS, LEGAL_FORMS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class OrganisationForm(FlaskForm):
    name = StringField(_l("Nazwa"), validators=[DataRequired(_l("Podaj nazwę organizacji.")), Length(max=255)])
    legal_form = SelectField(_l("Forma prawna"), choices=[])
    krs = StringField(_l("Numer KRS"), validators=[Optional(), Length(max=20)])
    nip = StringField(_l("NIP"), validators=[Optional(), Length(max=20)])
    regon = StringField(_l("REGON"), validators=[Optional(), Length(max=20)])
    fields = MultiCheckboxField(_l("Sfery pożytku publicznego"), choices=[])
    district = SelectField(_l("Dzielnica"), choices=[], validators=[Optional()])
    address = StringField(_l("Adres"), validators=[Optional(), Length(max=255)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=255)])
    phone = StringField(_l("Telefon"), validators=[Optional(), Length(max=40)])
    description = TextAreaField(_l("Opis działalności"), validators=[Optional(), Length(max=10000)])

    def __init__(self, *a, **kw):
        super().__init__(*a, **kw)
        self.legal_form.choices = [(k, str(v)) for k, v in LEGAL_FORMS.items()]
        self.fields.choices = [(k, str(v)) for k, v in FIELDS.items()]
        self.district.choices = [("", "—")] + [(k, f"{k} {v}") for k, v in DISTRICTS.items()]

    def values(self) -> dict:
        return {k: getattr(self, k).data for k in ("name", "legal_form", "krs", "nip", "regon", "fields", "district",
                                                    "address", "email", "phone", "description")}


ROLE_CHOICES = [("member", _l("członek (przygotowuje oferty)")),
                ("board", _l("zarząd (składa i wycofuje oferty, zarządza członkami)"))]


class InviteForm(FlaskForm):
    """The board invites a person by e-mail (R-ORG-MEMBERSHIP)."""
    email = EmailField(_l("E-mail zapraszanej osoby"), validators=[DataRequired(), Length(max=255)])
    role = SelectField(_l("Rola w organizacji"), choices=ROLE_CHOICES, default="member")


class StaffAddForm(FlaskForm):
    """Staff's audited exception: a written reason, the organisation's members are told."""
    email = EmailField(_l("E-mail osoby działającej w imieniu organizacji"), validators=[DataRequired(), Length(max=255)])
    role = SelectField(_l("Rola w organizacji"), choices=ROLE_CHOICES, default="member")
    reason = TextAreaField(_l("Uzasadnienie wyjątku (zapisywane w historii i wysyłane członkom organizacji)"),
                           validators=[DataRequired(), Length(max=4000)])


class RoleForm(FlaskForm):
    role = SelectField(_l("Rola w organizacji"), choices=ROLE_CHOICES)


class RemoveMemberForm(FlaskForm):
    reason = TextAreaField(_l("Powód (opcjonalnie)"), validators=[Optional(), Length(max=4000)])


class ConfirmForm(FlaskForm):
    """A button with a CSRF token (accept, decline, revoke)."""
