"""Identifiers (DOMAIN.md "Identifiers"): KRS is a format check only; NIP, REGON and IBAN are
checked by python-stdnum. Errors carry a Polish message for the form and the API."""
from __future__ import annotations

import pytest

from grants.registry.identifiers import (
    IdentifierError,
    normalise_iban,
    normalise_krs,
    normalise_nip,
    normalise_regon,
)

KRS_MSG = "Numer KRS to do 10 cyfr (np. 0000123456)."
NIP_MSG = "Nieprawidłowy NIP: wymagane 10 cyfr z poprawną sumą kontrolną."
REGON_MSG = "Nieprawidłowy REGON: wymagane 9 lub 14 cyfr z poprawną sumą kontrolną."
IBAN_MSG = "Nieprawidłowy numer rachunku bankowego (IBAN)."


@pytest.fixture(autouse=True)
def _clean_database():
    """Pure functions, no rows written: skip the conftest's per-test database wipe (speed)."""
    yield


def _refused(fn, value, message):
    with pytest.raises(IdentifierError) as info:
        fn(value)
    assert str(info.value.message) == message
    assert str(info.value) == message
    assert isinstance(info.value, ValueError)


# ---------------------------------------------------------------- KRS

@pytest.mark.parametrize("given, expected", [
    ("0000123456", "0000123456"),
    ("123456", "0000123456"),          # zero-padded to 10 digits
    ("1", "0000000001"),
    (" 0000 123 456 ", "0000123456"),  # spaces as people type them
    ("9999999999", "9999999999"),
])
def test_krs_is_ten_digits_zero_padded(given, expected):
    assert normalise_krs(given) == expected


@pytest.mark.parametrize("bad", [
    "12345678901",        # 11 digits
    "00000123456",        # 11 characters, even if the number would fit
    "12345a",             # letters
    "KRS0000123456",
    "0000-123-456",
    "",
    None,
    "0",                  # no register number is zero
    "0000000000",
    "\u0661\u0662\u0663",  # Arabic-Indic digits pass str.isdigit()
    "\u00b2",             # superscript two passes str.isdigit() too
    "12.5",
    "-123",
])
def test_krs_refuses_bad_format(bad):
    _refused(normalise_krs, bad, KRS_MSG)


# ---------------------------------------------------------------- NIP

@pytest.mark.parametrize("given, expected", [
    ("5260250274", "5260250274"),
    ("526-025-02-74", "5260250274"),
    ("526 025 02 74", "5260250274"),
    ("PL5260250274", "5260250274"),
    ("1234563218", "1234563218"),
])
def test_nip_valid(given, expected):
    assert normalise_nip(given) == expected


@pytest.mark.parametrize("bad", [
    "5260250275",     # checksum wrong
    "1234563219",     # checksum wrong
    "526025027",      # 9 digits
    "52602502744",    # 11 digits
    "52602502a4",
    "",
    None,
])
def test_nip_invalid(bad):
    _refused(normalise_nip, bad, NIP_MSG)


# ---------------------------------------------------------------- REGON

@pytest.mark.parametrize("given, expected", [
    ("123456785", "123456785"),          # 9 digits
    ("192598184", "192598184"),
    ("12345678512347", "12345678512347"),  # 14 digits (a local unit)
    ("123-456-785", "123456785"),
])
def test_regon_valid(given, expected):
    assert normalise_regon(given) == expected


@pytest.mark.parametrize("bad", [
    "123456786",          # checksum wrong
    "12345678512348",     # 14 digits, checksum wrong
    "19259818400018",     # 14 digits on a valid 9-digit stem, local checksum wrong
    "12345678",           # 8 digits
    "1234567851",         # 10 digits
    "12345678a",
    "",
    None,
])
def test_regon_invalid(bad):
    _refused(normalise_regon, bad, REGON_MSG)


# ---------------------------------------------------------------- IBAN

@pytest.mark.parametrize("given, expected", [
    ("PL61109010140000071219812874", "PL61109010140000071219812874"),
    ("PL61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874"),
    ("pl61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874"),
    ("61 1090 1014 0000 0712 1981 2874", "PL61109010140000071219812874"),  # Polish NRB, no country code
    ("DE89370400440532013000", "DE89370400440532013000"),
])
def test_iban_valid(given, expected):
    assert normalise_iban(given) == expected


@pytest.mark.parametrize("bad", [
    "PL61109010140000071219812875",   # checksum wrong
    "61109010140000071219812875",     # NRB with a wrong checksum
    "PL6110901014000007121981287",    # too short
    "6110901014000007121981287",      # 25 digits: not an NRB
    "XX61109010140000071219812874",
    "",
    None,
])
def test_iban_invalid(bad):
    _refused(normalise_iban, bad, IBAN_MSG)
