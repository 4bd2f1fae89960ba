"""Concept content (S9): every field filled, each partner named with its role, a cross-sector
partnership; format errors in plain Polish; a readable number."""
from types import SimpleNamespace

import pytest

from grants.calltypes.innovation import concepts as cm

from .helpers import NGO_ONLY, concept_values


def _concept(values: dict):
    title = values.get("title", "")
    return SimpleNamespace(title=title, content={k: v for k, v in values.items() if k != "title"})


def _fields(values):
    return {p["field"] for p in cm.problems(_concept(values))}


def test_complete_concept_with_a_start_up_partner_has_no_problems():
    assert cm.problems(_concept(concept_values())) == []


@pytest.mark.parametrize("sector", ["business", "startup", "culture", "science", "university"])
def test_each_non_ngo_sector_makes_the_partnership_cross_sector(sector):
    partners = [{"name": "A", "sector": "ngo", "role": "r"}, {"name": "B", "sector": sector, "role": "r"}]
    assert cm.problems(_concept(concept_values(partners=partners))) == []


def test_partnership_of_ngos_only_is_refused_with_a_clear_polish_reason():
    found = cm.problems(_concept(concept_values(partners=NGO_ONLY)))
    assert [p["field"] for p in found] == ["partners"]
    msg = found[0]["message"]
    assert "wyłącznie z organizacji pozarządowych" in msg and "start-up" in msg and "uczelnia" in msg


@pytest.mark.parametrize("sector", ["public", "other"])
def test_public_or_other_partners_alone_do_not_make_the_partnership_cross_sector(sector):
    partners = [{"name": "A", "sector": "ngo", "role": "r"}, {"name": "B", "sector": sector, "role": "r"}]
    found = cm.problems(_concept(concept_values(partners=partners)))
    assert [p["field"] for p in found] == ["partners"]
    assert "międzysektorowe" in found[0]["message"]


def test_every_field_must_be_filled():
    empty = {"title": "", "problem": "", "novelty": "", "partners": [], "pilot_plan": "", "estimated_budget": None}
    assert _fields(empty) == {"title", "problem", "novelty", "partners", "pilot_plan", "estimated_budget"}


def test_each_partner_is_named_with_its_sector_and_role():
    partners = [{"name": "", "sector": "startup", "role": "Aplikacja"},
                {"name": "Uczelnia", "sector": None, "role": ""}]
    found = cm.problems(_concept(concept_values(partners=partners)))
    assert {p["field"] for p in found} == {"partners.0.name", "partners.1.sector", "partners.1.role"}
    assert any(p["message"] == "Partner 2: opisz jego rolę w pilotażu." for p in found)


def test_a_zero_budget_is_not_an_estimate():
    assert _fields(concept_values(estimated_budget="0.00")) == {"estimated_budget"}


def test_format_errors_are_plain_polish_per_field():
    with pytest.raises(cm.ConceptFormatError) as e:
        cm.parse({"title": "x" * 501, "partners": [{"name": "A", "sector": "pirates", "role": "r"}],
                  "estimated_budget": "dużo", "colour": "red"})
    by_field = {x["field"]: x["message"] for x in e.value.errors}
    assert by_field["title"] == "Tekst jest za długi: najwyżej 500 znaków."
    assert by_field["partners.0.sector"].startswith("Wybierz sektor z listy: organizacja pozarządowa")
    assert by_field["estimated_budget"] == "to nie jest liczba"
    assert by_field["colour"] == "Nieznane pole."


def test_money_is_stored_as_a_two_place_string():
    assert cm.parse({"estimated_budget": "85 000,5"}, "typed").estimated_budget == "85000.50"  # as a form posts it
    assert cm.parse({"estimated_budget": "85000.5"}).estimated_budget == "85000.50"  # as the API sends it
    for bad in ("85 000,5", "8.5e4", "NaN"):  # the API's grammar: a dot, no exponent
        with pytest.raises(cm.ConceptFormatError):
            cm.parse({"estimated_budget": bad})
