"""Money: Decimal with two places, ROUND_HALF_UP, never float (ARCHITECTURE.md "Time and money")."""
from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.core.money import MoneyError, format_pln, to_money

NBSP = "\u00a0"


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


@pytest.mark.parametrize("given_value, expected", [
    ("1250.50", "1250.50"),
    ("1250,5", "1250.50"),           # Polish decimal comma
    ("1 250,50", "1250.50"),         # space as thousands separator
    ("1\u00a0250,50", "1250.50"),    # non-breaking space, as format_pln writes it
    ("  12  ", "12.00"),
    ("-3,1", "-3.10"),
    ("+7", "7.00"),
    (".5", "0.50"),
    ("1E+3", "1000.00"),              # str() of a normalised Decimal
    (0, "0.00"),
    (1250, "1250.00"),
    (-42, "-42.00"),
    (Decimal("19.999"), "20.00"),
    (Decimal("0.1"), "0.10"),
    (10**12, "1000000000000.00"),
])
def test_to_money_accepts(given_value, expected):
    result = to_money(given_value)
    assert isinstance(result, Decimal)
    assert str(result) == expected
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize("value, expected", [
    ("0.005", "0.01"),      # half up, not half even
    ("0.015", "0.02"),
    ("0.025", "0.03"),      # banker's rounding would give 0.02
    ("2.675", "2.68"),      # as a float this would be 2.67
    ("0.0049", "0.00"),
    ("-0.005", "-0.01"),    # half away from zero for negatives
    ("-2.675", "-2.68"),
    ("1.004999", "1.00"),
])
def test_to_money_rounds_half_up(value, expected):
    assert to_money(value) == Decimal(expected)
    assert str(to_money(value)) == expected


@pytest.mark.parametrize("value", ["-0", "-0.00", "-0.004", Decimal("-0")])
def test_to_money_never_returns_negative_zero(value):
    assert str(to_money(value)) == "0.00"


@pytest.mark.parametrize("bad", [
    1.5, 0.1, float("nan"), float("inf"),             # floats, however harmless they look
    True, False,                                         # bool is an int subclass
    "NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf",
    Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("-Infinity"),
    "", "   ", "abc", "12zł", "1.2.3", "12,345.67", "1_000", "--1", "1e", "0x10",
    "\u0661\u0662",                                     # Arabic-Indic digits: Decimal() takes them
    None, [], {}, (0, (1, 2), -2),                       # Decimal() takes tuples
    "1e99999999999999999999999", 10**40, Decimal("1e30"),  # beyond the decimal context
])
def test_to_money_refuses(bad):
    with pytest.raises(MoneyError):
        to_money(bad)


def test_money_error_is_a_value_error_naming_the_input():
    with pytest.raises(ValueError) as info:
        to_money("12,345.67")
    assert "12,345.67" in str(info.value)   # the value as the user typed it
    with pytest.raises(MoneyError, match="float"):
        to_money(0.1)


@pytest.mark.parametrize("value, pl, en", [
    (Decimal("1250.5"), f"1{NBSP}250,50{NBSP}zł", "PLN 1,250.50"),
    (Decimal("0"), f"0,00{NBSP}zł", "PLN 0.00"),
    (Decimal("0.07"), f"0,07{NBSP}zł", "PLN 0.07"),
    (Decimal("999.999"), f"1{NBSP}000,00{NBSP}zł", "PLN 1,000.00"),
    (Decimal("1234567.891"), f"1{NBSP}234{NBSP}567,89{NBSP}zł", "PLN 1,234,567.89"),
    (Decimal("-1250.5"), f"-1{NBSP}250,50{NBSP}zł", "-PLN 1,250.50"),
    ("-0.001", f"0,00{NBSP}zł", "PLN 0.00"),
    (10000, f"10{NBSP}000,00{NBSP}zł", "PLN 10,000.00"),
])
def test_format_pln(value, pl, en):
    assert format_pln(value) == pl
    assert format_pln(value, "pl") == pl
    assert format_pln(value, "pl_PL") == pl
    assert format_pln(value, "en") == en


def test_format_pln_none_is_empty_and_float_refused():
    assert format_pln(None) == ""
    with pytest.raises(MoneyError):
        format_pln(1.5)


# ---------------------------------------------------------------- properties

amounts = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2,
                      allow_nan=False, allow_infinity=False)
raw = st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), allow_nan=False,
                  allow_infinity=False)


@given(raw)
def test_to_money_is_nearest_cent_half_up(d):
    m = to_money(d)
    assert m.as_tuple().exponent == -2
    assert abs(m - d) <= Decimal("0.005")
    if abs(m - d) == Decimal("0.005"):          # a tie goes away from zero
        assert abs(m) > abs(d)


@given(raw)
def test_to_money_is_idempotent_and_agrees_with_its_string(d):
    m = to_money(d)
    assert to_money(m) == m
    assert to_money(str(d)) == m
    assert to_money(str(d).replace(".", ",")) == m


@given(amounts)
def test_format_pln_round_trips_through_to_money(d):
    """What format_pln writes (Polish), to_money reads back: a user may paste it into a form."""
    text = format_pln(d).removesuffix(f"{NBSP}zł")
    assert to_money(text) == d
    en = format_pln(d, "en").replace("PLN ", "").replace(",", "")
    assert to_money(en) == d


@given(st.integers(min_value=-10**15, max_value=10**15))
def test_to_money_of_int_is_exact(n):
    assert to_money(n) == Decimal(n)
    assert to_money(str(n)) == Decimal(n)
