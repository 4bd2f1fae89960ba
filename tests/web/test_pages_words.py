"""Issue 14: numbers in Polish through Babel, labels instead of codes, Polish validation messages,
a history that reads as sentences, only one's own actions with a confirmation step."""
from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from types import SimpleNamespace

import pytest
from pydantic import BaseModel, Field, ValidationError

from grants.core import formatting, labels, validation_messages
from grants.core.numbers import NumberError, parse_money, parse_points
from grants.web import history

NBSP = "\u00a0"


def test_money_percent_points_and_time_in_polish():
    assert formatting.money(Decimal("1234.5")) == f"1{NBSP}234,50{NBSP}zł"
    assert formatting.money("60000.00") == f"60{NBSP}000,00{NBSP}zł"
    assert formatting.percent(Decimal("88.93")) == "88,93%"
    assert formatting.percent(Decimal("10.00")) == "10%"
    assert formatting.points(Decimal("25.00")) == f"25{NBSP}pkt"
    assert formatting.points("12.50") == f"12,5{NBSP}pkt"
    # a UTC instant is written in Warsaw time (winter: UTC+1)
    assert formatting.when(datetime(2027, 1, 20, 15, 0, tzinfo=timezone.utc)) == "20.01.2027, 16:00"
    assert formatting.when("2027-01-20T15:00:00Z") == "20.01.2027, 16:00"
    assert formatting.money(Decimal("1234.5"), "en") == "PLN1,234.50"  # CLDR English


def test_filters_use_the_request_language(app):
    from grants.web import filters
    with app.test_request_context("/"):
        assert filters.pln(Decimal("8030")) == f"8{NBSP}030,00{NBSP}zł"
        assert filters.pct("88.93") == "88,93%"
        assert filters.pts("25.00") == f"25{NBSP}pkt"


def test_typed_amounts_accept_the_unit_and_refuse_exponents():
    assert parse_money("12,50 zł", grammar="typed") == Decimal("12.50")
    assert parse_money("1 234,56", grammar="typed") == Decimal("1234.56")
    assert parse_money("150,50", grammar="typed") == Decimal("150.50")
    assert parse_points("25 pkt", grammar="typed") == Decimal("25.00")
    with pytest.raises(NumberError):
        parse_money("1e3", grammar="typed")
    with pytest.raises(NumberError):
        parse_money("1e3 zł", grammar="typed")
    with pytest.raises(NumberError):  # the JSON grammar of the API takes no unit
        parse_money("12,50 zł")


def test_labels_instead_of_codes():
    assert labels.label("cost_category", "personnel") == "wynagrodzenia"
    assert labels.label("cost_category", "Catering na festynie") == "Catering na festynie"  # an officer's own
    assert labels.label("criterion", {"code": "capacity", "label": "Możliwość realizacji zadania przez oferenta"}) \
        == "Możliwość realizacji zadania przez oferenta"
    assert labels.label("criterion", {"code": "own", "label": "Własne kryterium"}) == "Własne kryterium"
    assert labels.field_label("costs.0.unit_cost") == "Koszt jednostkowy (pozycja 1 kosztorysu)"
    assert labels.field_label("task.title") == "Tytuł zadania"
    assert "_" not in labels.field_label("some.unknown_field")


class _Task(BaseModel):
    title: str = Field(max_length=5)
    units: int


def test_validation_messages_are_polish_and_name_no_path():
    with pytest.raises(ValidationError) as e:
        _Task.model_validate({"title": "x" * 9, "units": "abc"})
    errors = validation_messages.errors_of(e.value, ["task"])
    assert {x["field"] for x in errors} == {"task.title", "task.units"}
    text = " ".join(x["message"] for x in errors)
    assert "Skróć tekst do najwyżej 5 znaków." in text
    assert "should" not in text and "task." not in text and "String" not in text


def _entry(object_type, action, changes, seq=1):
    return SimpleNamespace(object_type=object_type, action=action, changes_data=changes, seq=seq,
                           clock_at=datetime(2027, 1, 20, 15, 0, tzinfo=timezone.utc), actor_label="urzednik@demo")


def _sentences(rows) -> list[str]:
    out = []
    for r in rows:
        for c in r.changes:
            if c.kind == "set":
                out.append(f"{c.field}: {c.before} -> {c.after}")
            elif c.kind in ("list", "items"):
                out += [f"{c.field} + {x}" for x in c.added] + [f"{c.field} - {x}" for x in c.removed]
            else:
                out.append(f"{c.field}: {c.text}")
    return out


def test_history_reads_as_sentences_with_labels_and_formatted_values():
    rows = history.describe([
        _entry("contest", "create", {
            "budget": [None, "400000.00"], "deadline": [None, "2027-01-20T15:00:00Z"],
            "eligible_categories": [None, ["personnel", "materials"]],
            "criteria": [None, [{"code": "capacity", "label": "Możliwość realizacji zadania przez oferenta",
                                 "max_points": "10", "support_only": False}]]}),
        _entry("offer", "request_correction", {
            "state": ["submitted", "needs_correction"],
            "deficiencies": ["Brak podpisu drugiej osoby.", "Niewypełniona tabela rezultatów."]}, 2),
    ])
    assert rows[0].action == "utworzenie" and rows[1].action == "czynność „Wezwij do uzupełnienia braków”"
    lines = _sentences(rows)
    text = "\n".join(lines)
    # set where there was nothing: only what it is, a list on one line (never "— -> …", an item a line)
    assert f"wysokość środków publicznych: 400{NBSP}000,00{NBSP}zł" in lines
    assert "termin składania ofert: 20.01.2027, 16:00" in lines
    assert "kwalifikowalne kategorie kosztów: wynagrodzenia, materiały" in lines
    assert f"kryteria oceny: Możliwość realizacji zadania przez oferenta (10{NBSP}pkt)" in lines
    assert "stan: złożona -> do uzupełnienia" in lines
    # two correction items are two items, never "A -> B"
    assert "braki formalne + Brak podpisu drugiej osoby." in lines
    assert "braki formalne + Niewypełniona tabela rezultatów." in lines
    for code in ("None", "support_only", "personnel", "T15:00", "{", "'", "—"):
        assert code not in text


def test_history_lists_removed_items():
    rows = history.describe([_entry("contest", "update", {"eligible_categories": [["personnel", "venue"], ["venue"]]})])
    assert _sentences(rows) == ["kwalifikowalne kategorie kosztów - wynagrodzenia"]


def test_history_names_checklist_items_by_their_labels():
    """The officer's formal checklist in the history: the items' own labels, never their codes (the
    page read "było eligible applicant: —; in time: —; ...")."""
    rows = history.describe([_entry("offer", "formal_checks", {"formal_checks": [
        None, {"eligible_applicant": True, "in_time": True, "limits": True, "signed": True, "statutory": True,
               "template": False}]})])
    text = "\n".join(_sentences(rows))
    assert "Oferent jest podmiotem uprawnionym (art. 3 ust. 2 i 3 UDPP): tak" in text
    assert "Oferta podpisana przez osoby upoważnione do reprezentacji: tak" in text
    assert "Oferta na obowiązującym wzorze, wszystkie wymagane pola wypełnione: nie" in text
    for code in ("eligible", "in time", "limits:", "statutory", "template", "daty podpisania"):
        assert code not in text, text


def test_r_ann_params_contest_form_reports_cross_field_errors_with_the_others(app):
    """The minimum grant above the maximum is flagged together with a field's own error."""
    from werkzeug.datastructures import MultiDict

    from grants.forms.contests import ContestForm
    with app.test_request_context("/contests/new", method="POST"):
        form = ContestForm(formdata=MultiDict({"title": "", "year": "2027", "call_type": "standard", "form": "support",
                                               "correction_days": "7", "min_grant": "20 000,00", "max_grant": "5000",
                                               "budget": "1e3", "eligible_known": ["personnel", "venue"],
                                               "eligible_categories": "Catering, materiały"}))
        assert not form.validate()
        assert form.title.errors and form.budget.errors  # a field's own errors ...
        assert any("Minimalna dotacja" in e for e in form.min_grant.errors)  # ... and the cross-field one
        values = form.values()
        # picked from the list, then one's own label; a label typed is its code
        assert values["eligible_categories"] == ["personnel", "venue", "Catering", "materials"]
