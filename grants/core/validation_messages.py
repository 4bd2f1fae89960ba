"""The validation library's (pydantic's) refusals said in Polish, with what to do: its own English
messages ("String should have at most 500 characters") are never shown to people.

    polish(err)          one error of `ValidationError.errors()` as a translated message
    errors_of(e, prefix) the whole error as [{"field": "costs.0.unit_cost", "message": ...}]

The field path stays in "field" (forms put the message beside that field; the API names it);
the message itself never contains the path. grants.core.labels.field_label names the field.
"""
from __future__ import annotations

from typing import Iterable

from .i18n import _


def _ctx(err: dict, key: str, default=""):
    return (err.get("ctx") or {}).get(key, default)


def polish(err: dict) -> str:
    """One pydantic error as a Polish (translated) sentence saying what to do."""
    kind = err.get("type", "")
    if kind in ("number_error", "decimal_error", "value_error") or kind.startswith("money") or kind.startswith("number"):
        # our own grammar (grants.core.numbers) raises with a Polish message already
        msg = err.get("msg", "")
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if msg and not _looks_english(msg):
            return msg
    table = {
        "missing": _("Uzupełnij to pole."),
        "string_too_short": _("Wpisz co najmniej %(n)s znaków.", n=_ctx(err, "min_length")),
        "string_too_long": _("Skróć tekst do najwyżej %(n)s znaków.", n=_ctx(err, "max_length")),
        "too_short": _("Dodaj co najmniej %(n)s pozycji.", n=_ctx(err, "min_length")),
        "too_long": _("Możesz podać najwyżej %(n)s pozycji.", n=_ctx(err, "max_length")),
        "string_type": _("Wpisz tekst."),
        "int_parsing": _("Wpisz liczbę całkowitą, np. 12."),
        "int_type": _("Wpisz liczbę całkowitą, np. 12."),
        "int_from_float": _("Wpisz liczbę całkowitą, bez części ułamkowej."),
        "decimal_parsing": _("Wpisz kwotę, np. 1 234,56."),
        "decimal_type": _("Wpisz kwotę, np. 1 234,56."),
        "float_parsing": _("Wpisz liczbę, np. 12,5."),
        "bool_parsing": _("Wybierz tak albo nie."),
        "bool_type": _("Wybierz tak albo nie."),
        "date_parsing": _("Wpisz datę w postaci RRRR-MM-DD, np. 2027-05-01."),
        "date_from_datetime_parsing": _("Wpisz datę w postaci RRRR-MM-DD, np. 2027-05-01."),
        "date_type": _("Wpisz datę w postaci RRRR-MM-DD, np. 2027-05-01."),
        "datetime_parsing": _("Wpisz datę i godzinę, np. 2027-05-01 12:00."),
        "datetime_type": _("Wpisz datę i godzinę, np. 2027-05-01 12:00."),
        "greater_than": _("Wpisz wartość większą niż %(n)s.", n=_ctx(err, "gt")),
        "greater_than_equal": _("Wpisz wartość nie mniejszą niż %(n)s.", n=_ctx(err, "ge")),
        "less_than": _("Wpisz wartość mniejszą niż %(n)s.", n=_ctx(err, "lt")),
        "less_than_equal": _("Wpisz wartość nie większą niż %(n)s.", n=_ctx(err, "le")),
        "decimal_max_places": _("Wpisz najwyżej %(n)s miejsca po przecinku.", n=_ctx(err, "decimal_places")),
        "decimal_max_digits": _("Ta liczba jest za duża."),
        "decimal_whole_digits": _("Ta liczba jest za duża."),
        "extra_forbidden": _("Tego pola nie ma w formularzu; usuń je."),
        "literal_error": _("Wybierz jedną z dostępnych wartości."),
        "enum": _("Wybierz jedną z dostępnych wartości."),
        "list_type": _("Podaj listę pozycji."),
        "dict_type": _("Nieprawidłowe dane; wypełnij formularz ponownie."),
        "model_type": _("Nieprawidłowe dane; wypełnij formularz ponownie."),
        "string_pattern_mismatch": _("Wpisz wartość w wymaganym formacie."),
        "url_parsing": _("Wpisz adres strony, np. https://example.org."),
        "value_error": _("Popraw tę wartość."),
        "assertion_error": _("Popraw tę wartość."),
    }
    found = table.get(kind)
    if found is not None:
        return str(found)
    msg = err.get("msg", "")
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, "):]
    return msg if msg and not _looks_english(msg) else str(_("Popraw tę wartość."))


_ENGLISH = ("should", "must", "field", "value", "input", "valid", "required", "string", "number", "not ",
            "greater", "less", "characters", "expected", "allowed")


def _looks_english(msg: str) -> bool:
    low = msg.lower()
    return any(w in low for w in _ENGLISH) and not any(ch in msg for ch in "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ")


def path(loc: Iterable, prefix: Iterable[str] = ()) -> str:
    return ".".join([*prefix, *(str(p) for p in loc if p != "[key]")])


def errors_of(e, prefix: Iterable[str] = ()) -> list[dict]:
    """A pydantic ValidationError as [{"field", "message"}] with Polish messages."""
    prefix = list(prefix)
    return [{"field": path(err["loc"], prefix), "message": polish(err)} for err in e.errors()]
