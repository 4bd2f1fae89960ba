"""KRS, NIP, REGON checks (DOMAIN.md "Identifiers"): python-stdnum for the checksums."""
from __future__ import annotations

import re

from stdnum import iban as _iban
from stdnum.exceptions import ValidationError
from stdnum.pl import nip as _nip
from stdnum.pl import regon as _regon

from grants.core.i18n import _


class IdentifierError(ValueError):
    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


_SPACES, _KRS = re.compile(r"\s"), re.compile(r"[0-9]{1,10}", re.ASCII)


def normalise_krs(value: str) -> str:
    """KRS: 10 digits, zero-padded; no checksum exists, so the format is all we check."""
    digits = _SPACES.sub("", value or "")
    # ASCII digits only: str.isdigit() also takes e.g. "²" and Arabic-Indic digits
    if not _KRS.fullmatch(digits) or int(digits) == 0:
        raise IdentifierError(_("Numer KRS to do 10 cyfr (np. 0000123456)."))
    return digits.zfill(10)


_TEN, _NINE, _FOURTEEN = re.compile("[0-9]{10}"), re.compile("[0-9]{9}"), re.compile("[0-9]{14}")


def normalise_nip(value: str) -> str:
    if isinstance(value, str) and _TEN.fullmatch(value) and _nip.checksum(value) == 0:
        return value  # the common clean case, without stdnum's cleaning pass (bulk imports)
    try:
        return _nip.validate(value)
    except ValidationError:
        raise IdentifierError(_("Nieprawidłowy NIP: wymagane 10 cyfr z poprawną sumą kontrolną.")) from None


def normalise_regon(value: str) -> str:
    if isinstance(value, str) and _NINE.fullmatch(value) and _regon.calc_check_digit(value[:8]) == value[8]:
        return value  # the common clean case (bulk imports)
    try:
        return _regon.validate(value)
    except ValidationError:
        raise IdentifierError(_("Nieprawidłowy REGON: wymagane 9 lub 14 cyfr z poprawną sumą kontrolną.")) from None


ORGANISATION_IDENTIFIERS = (("krs", normalise_krs), ("nip", normalise_nip), ("regon", normalise_regon))


def each_identifier(raw: dict):
    """For KRS, NIP and REGON in turn: (field, the normalised number or None, the error's message or
    None), from `raw`'s text (already cleaned of whatever its source adds); an empty one is None."""
    for field, normalise in ORGANISATION_IDENTIFIERS:
        text = raw.get(field)
        if not text:
            yield field, None, None
            continue
        try:
            value = normalise(text)
        except IdentifierError as e:
            yield field, None, e.message
        else:
            yield field, value, None


def normalise_iban(value: str) -> str:
    v = (value or "").strip().replace(" ", "").upper()
    if v.isdigit() and len(v) == 26:  # Polish account numbers are written without the country code
        v = "PL" + v
    try:
        return _iban.validate(v)
    except ValidationError:
        raise IdentifierError(_("Nieprawidłowy numer rachunku bankowego (IBAN).")) from None
