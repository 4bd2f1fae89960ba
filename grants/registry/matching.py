"""Is this the same organisation? Identifiers first (same KRS, NIP or REGON, normalised by
python-stdnum, is the same organisation); otherwise a score of normalised name and address.
Plain functions over plain values, no database."""
from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher

#: words that name a legal form, not an organisation (folded: no diacritics, lower case)
LEGAL_WORDS = frozenset("""
stowarzyszenie stowarzyszenia fundacja fundacji zwiazek zwiazku klub sportowy spoldzielnia socjalna
towarzystwo stow fund zwykle organizacja pozytku publicznego opp kss uks mks ks w im imienia
""".split())

#: a pair scoring this or more (0-100) is a candidate; at STRONG and above a row without identifiers
#: is taken for the organisation it matches
CANDIDATE, STRONG = 80, 95


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", (text or "").replace("ł", "l").replace("Ł", "L"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def normalise_name(name: str) -> str:
    """Diacritics, legal-form words, quotes and punctuation removed: „Fundacja «Nowa Huta»” → "nowa huta"."""
    words = re.sub(r"[^0-9a-z]+", " ", fold(name)).split()
    kept = [w for w in words if w not in LEGAL_WORDS]
    return " ".join(kept or words)


def normalise_address(address: str) -> str:
    words = re.sub(r"[^0-9a-z]+", " ", fold(address)).split()
    return " ".join(w for w in words if w not in {"ul", "ulica", "al", "aleja", "os", "osiedle", "pl", "plac"})


def block_keys(name: str) -> set[str]:
    """Keys that put possibly equal names in one block, so candidates are searched among few."""
    words = normalise_name(name).split()
    if not words:
        return set()
    keys = {"w:" + max(words, key=len)}
    if len(words) > 1:
        keys.add("f:" + words[0][:5] + words[-1][:3])
    return keys


def score(name_a: str, address_a: str, name_b: str, address_b: str) -> int:
    """0-100: the names' similarity, weighted with the addresses' when both are known."""
    na, nb = normalise_name(name_a), normalise_name(name_b)
    if not na or not nb:
        return 0
    name = SequenceMatcher(None, na, nb).ratio()
    if sorted(na.split()) == sorted(nb.split()):
        name = 1.0
    aa, ab = normalise_address(address_a), normalise_address(address_b)
    if aa and ab:
        addr = SequenceMatcher(None, aa, ab).ratio()
        return round(100 * (0.7 * name + 0.3 * addr))
    return round(100 * name * 0.95)  # no address to confirm: never "strong" on the name alone
