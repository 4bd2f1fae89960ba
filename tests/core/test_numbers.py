"""The one grammar of money and points (grants.core.numbers), shared by the API's schemas, the forms
and the imports: digits with an optional decimal part, grosze at most, no exponent, NaN, infinity
or sign unless allowed, bounded length; a clear message otherwise."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError
from werkzeug.datastructures import MultiDict
from wtforms import Form

from grants.core.numbers import (MAX_LENGTH, MAX_MONEY, Money, NumberError, Points, money_text_type, parse_decimal,
                                 parse_money, parse_points)
from grants.forms.fields import MoneyField, PointsField

NBSP, NNBSP = "\u00a0", "\u202f"


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


amounts = st.decimals(min_value=0, max_value=MAX_MONEY, places=2, allow_nan=False, allow_infinity=False)


def dotted(d: Decimal) -> str:
    return f"{d:.2f}"


def polish(d: Decimal, sep: str = " ") -> str:
    """1250.5 → "1 250,50" (thousands separated, decimal comma)."""
    whole, frac = f"{d:.2f}".split(".")
    return f"{int(whole):,}".replace(",", sep) + "," + frac


def short(d: Decimal) -> str:
    """The fewest decimals that keep the value: "1250", "1250.5"."""
    text = f"{d:.2f}".rstrip("0").rstrip(".")
    return text


@given(amounts)
def test_any_amount_round_trips_in_the_json_grammar(d):
    for text in (dotted(d), short(d)):
        v = parse_money(text)
        assert v == d and v.as_tuple().exponent == -2


@given(amounts, st.sampled_from([" ", NBSP, NNBSP]))
def test_any_amount_round_trips_in_the_typed_grammar(d, sep):
    for text in (polish(d, sep), dotted(d), dotted(d).replace(".", ","), f"  {polish(d, sep)} "):
        assert parse_money(text, grammar="typed") == d


@given(amounts)
def test_the_polish_spelling_is_refused_by_the_json_grammar_when_it_differs(d):
    text = polish(d)
    if text != dotted(d):  # always: the comma
        with pytest.raises(NumberError):
            parse_money(text)


@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
       st.sampled_from(["e", "E"]), st.integers(min_value=-5, max_value=400), st.sampled_from(["json", "typed"]))
def test_exponent_notation_refused(d, e, exp, grammar):
    text = f"{abs(d):.2f}".rstrip("0").rstrip(".") + e + str(exp)
    with pytest.raises(NumberError) as err:
        parse_money(text, grammar=grammar)
    assert "wykładnicz" in str(err.value)


@pytest.mark.parametrize("text", ["1e3", "2.5e3", "1E+3", "1e-2", "1,5e3", "1 e3"])
@pytest.mark.parametrize("parse", [parse_money, parse_points])
def test_exponents_refused_for_money_and_points(text, parse):
    with pytest.raises(NumberError):
        parse(text, grammar="typed")


@pytest.mark.parametrize("text", ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", "+inf"])
def test_not_finite_refused(text):
    with pytest.raises(NumberError, match="nie jest liczba"):
        parse_money(text, grammar="typed")


@given(amounts.filter(lambda d: d > 0), st.sampled_from(["json", "typed"]))
def test_signs_refused_unless_the_field_allows_them(d, grammar):
    with pytest.raises(NumberError, match="ujemna"):
        parse_money("-" + dotted(d), grammar=grammar)
    with pytest.raises(NumberError, match="znaku"):
        parse_money("+" + dotted(d), grammar=grammar)
    assert parse_money("-" + dotted(d), signed=True, grammar=grammar) == -d


@given(amounts, st.integers(min_value=1, max_value=9))
def test_more_decimals_than_grosze_refused(d, extra):
    text = dotted(d) + str(extra)
    with pytest.raises(NumberError, match="miejsca po przecinku"):
        parse_money(text)


@given(st.integers(min_value=MAX_LENGTH + 1, max_value=MAX_LENGTH + 200))
def test_too_long_refused(n):
    with pytest.raises(NumberError, match="za długa"):
        parse_money("1" * n)


@given(st.decimals(min_value=MAX_MONEY + Decimal("0.01"), max_value=MAX_MONEY * 1000, places=2,
                   allow_nan=False, allow_infinity=False))
def test_above_the_maximum_refused(d):
    with pytest.raises(NumberError, match="nierealnie"):
        parse_money(dotted(d))


@given(st.text(max_size=30))
def test_any_text_parses_or_raises_number_error(text):
    """Never another exception, and whatever passes is a finite Decimal with two places."""
    for grammar in ("json", "typed"):
        try:
            v = parse_money(text, grammar=grammar)
        except NumberError as e:
            assert str(e.message)
        else:
            assert v.is_finite() and v.as_tuple().exponent == -2 and 0 <= v <= MAX_MONEY


@pytest.mark.parametrize("value, message", [
    (1.5, "jako tekst"), (True, "nie jest liczba"), (None, "nie jest liczba"), ([1], "nie jest liczba"),
    ("", "nie jest liczba"), ("1.", "nie jest liczba"), (".5", "nie jest liczba"), ("1.2.3", "nie jest liczba"),
    ("1,234.56", "nie jest liczba"), ("١٢٣", "nie jest liczba"), ("1_000", "nie jest liczba"),
    ("12 50", "nie jest liczba"), ("0x10", "nie jest liczba"), (Decimal("NaN"), "nie jest liczba"),
    (Decimal("1.005"), "miejsca po przecinku"),
])
def test_other_input_refused_with_a_message(value, message):
    with pytest.raises(NumberError, match=message):
        parse_money(value, grammar="typed")


@pytest.mark.parametrize("value, expected", [
    (1250, "1250.00"), (Decimal("7.5"), "7.50"), ("007", "7.00"), ("-0", "0.00"), ("0", "0.00"),
    ("10 000 000 000,00", "10000000000.00"),
])
def test_accepted_values(value, expected):
    assert str(parse_money(value, grammar="typed")) == expected


def test_zero_refused_where_the_field_needs_an_amount():
    with pytest.raises(NumberError, match="większa od zera"):
        parse_money("0.00", allow_zero=False)


def test_r_score_points_keep_two_places_and_their_own_maximum():
    assert parse_points("7,5", grammar="typed") == Decimal("7.50")
    assert parse_points("100") == Decimal("100.00")
    with pytest.raises(NumberError):
        parse_points("1e1")
    with pytest.raises(NumberError, match="miejsca po przecinku"):
        parse_points("7.125")
    with pytest.raises(NumberError, match="przedziale 0–1000"):
        parse_points("1001")


@given(st.integers(min_value=0, max_value=4), st.decimals(min_value=0, max_value=10**6, places=4,
                                                          allow_nan=False, allow_infinity=False))
def test_places_are_the_fields(places, d):
    text = f"{d:f}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    if decimals <= places:
        assert parse_decimal(text, places=places, maximum=Decimal(10**6)) == d
    else:
        with pytest.raises(NumberError):
            parse_decimal(text, places=places, maximum=Decimal(10**6))


# ---------------------------------------------------------------- the pydantic types


class Body(BaseModel):
    budget: Money
    score: Points | None = None
    cost: money_text_type() = "0.00"


def test_pydantic_types_name_the_field_and_use_the_json_grammar():
    assert Body.model_validate({"budget": "1000", "cost": "12.5"}).model_dump() == {
        "budget": Decimal("1000.00"), "score": None, "cost": "12.50"}
    with pytest.raises(ValidationError) as e:
        Body.model_validate({"budget": "1e3", "score": "1e1", "cost": "1 250,50"})
    fields = {err["loc"][0]: err["msg"] for err in e.value.errors()}
    assert set(fields) == {"budget", "score", "cost"}
    assert "wykładnicz" in fields["budget"] and "wykładnicz" in fields["score"]


def test_pydantic_types_take_the_typed_grammar_from_the_context():
    body = Body.model_validate({"budget": "1 250,50"}, context={"grammar": "typed"})
    assert body.budget == Decimal("1250.50")


# ---------------------------------------------------------------- the WTForms fields


class AForm(Form):
    budget = MoneyField("Budżet")
    threshold = PointsField("Próg")


@pytest.mark.parametrize("typed, expected", [("1 250,50", Decimal("1250.50")), (f"1{NBSP}250", Decimal("1250.00")),
                                             ("1250.5", Decimal("1250.50")), ("", None)])
def test_money_field_reads_what_polish_users_type(typed, expected):
    f = AForm(MultiDict({"budget": typed}))
    assert f.validate() and f.budget.data == expected


@pytest.mark.parametrize("typed, message", [("1e3", "wykładnicz"), ("12,345", "miejsca po przecinku"),
                                            ("-5", "ujemna"), ("NaN", "nie jest liczba")])
def test_money_field_shows_the_parser_message_and_keeps_the_typed_text(typed, message):
    f = AForm(MultiDict({"budget": typed, "threshold": "1e1"}))
    assert not f.validate()
    assert any(message in e for e in f.budget.errors)
    assert f.threshold.errors
    assert f.budget._value() == typed


def test_money_field_shows_a_stored_value_the_polish_way():
    f = AForm(data={"budget": Decimal("1250.50")})
    assert f.budget._value() == "1250,50"
