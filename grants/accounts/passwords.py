"""argon2 password hashing and the one password-strength rule (zxcvbn with Polish dictionaries).

`password_problem` is used by every path that sets a password: create_user (registration, the CLI,
the demo), the password change and the password reset."""
from __future__ import annotations

import re
import unicodedata

import zxcvbn_pl
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from grants.core.i18n import _

_hasher = PasswordHasher()
MIN_LENGTH = 10
MAX_LENGTH = 200
MIN_SCORE = 3  # zxcvbn's 0-4 scale: 3 is "safely unguessable" (about 10^8 guesses and more)
MIN_PART = 3   # shorter parts of an e-mail or name are not checked for containment (they occur in words)

zxcvbn_pl.register()  # Polish common words, first and last names, places (zxcvbn knows English only)

# zxcvbn's feedback is English: the ones worth passing on, in Polish
_FEEDBACK = {
    "Use a few words, avoid common phrases.": _("Użyj kilku słów, unikaj popularnych zwrotów."),
    "Add another word or two. Uncommon words are better.":
        _("Dodaj jedno lub dwa słowa; lepsze są słowa nietypowe."),
    "Straight rows of keys are easy to guess.": _("Rzędy sąsiednich klawiszy łatwo odgadnąć."),
    "Short keyboard patterns are easy to guess.": _("Krótkie wzory z klawiatury łatwo odgadnąć."),
    "Use a longer keyboard pattern with more turns.": _("Użyj dłuższego wzoru z klawiatury, z większą liczbą zmian kierunku."),
    'Repeats like "aaa" are easy to guess.': _("Powtórzenia typu „aaa” łatwo odgadnąć."),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _("Powtórzenia typu „abcabcabc” niewiele trudniej odgadnąć niż „abc”."),
    "Avoid repeated words and characters.": _("Unikaj powtarzanych słów i znaków."),
    'Sequences like "abc" or "6543" are easy to guess.': _("Ciągi typu „abc” lub „6543” łatwo odgadnąć."),
    "Avoid sequences.": _("Unikaj ciągów znaków."),
    "Recent years are easy to guess.": _("Ostatnie lata łatwo odgadnąć."),
    "Avoid recent years.": _("Unikaj ostatnich lat."),
    "Avoid years that are associated with you.": _("Unikaj lat związanych z Tobą."),
    "Dates are often easy to guess.": _("Daty często łatwo odgadnąć."),
    "Avoid dates and years that are associated with you.": _("Unikaj dat i lat związanych z Tobą."),
    "This is a top-10 common password.": _("To jedno z 10 najczęstszych haseł."),
    "This is a top-100 common password.": _("To jedno ze 100 najczęstszych haseł."),
    "This is a very common password.": _("To bardzo popularne hasło."),
    "This is similar to a commonly used password.": _("To hasło przypomina często używane hasło."),
    "A word by itself is easy to guess.": _("Pojedyncze słowo łatwo odgadnąć."),
    "Names and surnames by themselves are easy to guess.": _("Same imiona i nazwiska łatwo odgadnąć."),
    "Common names and surnames are easy to guess.": _("Popularne imiona i nazwiska łatwo odgadnąć."),
    "Capitalization doesn't help very much.": _("Wielkie litery niewiele pomagają."),
    "All-uppercase is almost as easy to guess as all-lowercase.":
        _("Same wielkie litery odgaduje się prawie tak łatwo jak same małe."),
    "Reversed words aren't much harder to guess.": _("Słowa pisane wspak niewiele trudniej odgadnąć."),
    "Predictable substitutions like '@' instead of 'a' don't help very much.":
        _("Przewidywalne zamiany, np. „@” zamiast „a”, niewiele pomagają."),
}


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored: str, password: str) -> bool:
    try:
        return _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


def _fold(text: str) -> str:
    """Lower case without diacritics or separators: "Łucja Nowak-Kot" → "lucjanowakkot"."""
    text = unicodedata.normalize("NFKD", (text or "").lower().replace("ł", "l"))
    return re.sub(r"[\W_]+", "", "".join(c for c in text if not unicodedata.combining(c)))


def _personal_parts(email: str, name: str) -> list[str]:
    local = (email or "").split("@", 1)[0]
    parts = [local, name, *re.split(r"[\W_]+", local), *re.split(r"[\W_]+", name or "")]
    return [p for p in dict.fromkeys(_fold(p) for p in parts) if len(p) >= MIN_PART]


def password_problem(password: str, *, email: str = "", name: str = ""):
    """None when the password may be used, else a message for the person (Polish, translatable).

    Refused: shorter than MIN_LENGTH; equal to or containing the e-mail (its local part) or the
    whole name (its parts in any order); scored below MIN_SCORE by zxcvbn given the e-mail and the name's parts."""
    password = password or ""
    if len(password) < MIN_LENGTH:
        return _("Hasło musi mieć co najmniej %(n)s znaków.", n=MIN_LENGTH)
    if len(password) > MAX_LENGTH:
        return _("Hasło może mieć najwyżej %(n)s znaków.", n=MAX_LENGTH)
    folded = _fold(password)
    local = _fold((email or "").split("@", 1)[0])
    whole_name = _fold(name)
    if (len(local) >= MIN_PART and local in folded) or folded == _fold(email):
        return _("Hasło nie może zawierać Twojego adresu e-mail.")
    name_parts = [p for p in (_fold(w) for w in re.split(r"[\W_]+", name or "")) if len(p) >= MIN_PART]
    if (len(whole_name) >= MIN_PART and whole_name in folded) or (
            len(name_parts) >= 2 and all(p in folded for p in name_parts)):  # "Kowalski-Jan-1987" too
        return _("Hasło nie może zawierać Twojego imienia i nazwiska.")
    result = zxcvbn(password[:100], user_inputs=_personal_parts(email, name))  # zxcvbn slows down on long input
    if result["score"] >= MIN_SCORE:
        return None
    feedback = result.get("feedback") or {}
    hints = [str(_FEEDBACK[t]) for t in [feedback.get("warning"), *feedback.get("suggestions", [])] if t in _FEEDBACK]
    message = _("Hasło jest zbyt łatwe do odgadnięcia. Użyj dłuższego hasła z kilku nietypowych słów, "
                "niezwiązanego z Twoim imieniem ani adresem e-mail.")
    if hints:
        return _("%(message)s Wskazówka: %(hints)s", message=message, hints=" ".join(dict.fromkeys(hints)))
    return message


# a hash of nothing, verified against when the e-mail is unknown so timing does not tell
DUMMY_HASH = _hasher.hash("not-a-real-password")
