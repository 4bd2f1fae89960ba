"""Is this the same organisation? Identifiers first (same KRS, NIP or REGON, normalised by
python-stdnum, is the same organisation); otherwise a score of normalised name and address.
Plain functions over plain values, no database."""
from __future__ import annotations

import re
from functools import lru_cache
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


class _Folding(dict):
    """A str.translate table: each character → its compatibility decomposition (NFKD) without
    combining marks, filled as characters are met. Folding character by character gives what
    folding the whole text does (canonical reordering only moves combining marks, all dropped),
    at a fraction of the cost on an import's tens of thousands of names."""

    def __missing__(self, code: int) -> str:
        out = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        self[code] = out
        return out


_FOLDING = _Folding({ord("ł"): "l", ord("Ł"): "L"})  # ł has no decomposition


def fold(text: str) -> str:
    """Lower case without diacritics: „Łódź” → "lodz"."""
    return (text or "").translate(_FOLDING).lower()


_NOT_WORD = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=65536)
def normalise_name(name: str) -> str:
    """Diacritics, legal-form words, quotes and punctuation removed: „Fundacja «Nowa Huta»” → "nowa huta"."""
    words = _NOT_WORD.sub(" ", fold(name)).split()
    kept = [w for w in words if w not in LEGAL_WORDS]
    return " ".join(kept or words)


def normalise_address(address: str) -> str:
    words = _NOT_WORD.sub(" ", fold(address)).split()
    return " ".join(w for w in words if w not in {"ul", "ulica", "al", "aleja", "os", "osiedle", "pl", "plac"})


@lru_cache(maxsize=65536)
def block_keys(name: str) -> frozenset[str]:
    """Keys that put possibly equal names in one block, so candidates are searched among few: the
    first two words, the last two, and the two longest (a typo in one word leaves a key intact)."""
    words = normalise_name(name).split()
    if not words:
        return frozenset()
    longest = sorted(sorted(set(words)), key=len, reverse=True)[:2]
    return frozenset({"a:" + " ".join(words[:2]), "z:" + " ".join(words[-2:]), "l:" + " ".join(sorted(longest))})


#: a block this large is a common phrase, not a clue; its key is not searched
MAX_BLOCK = 200


def score(name_a: str, address_a: str, name_b: str, address_b: str, floor: int = 0) -> int:
    """0-100: the names' similarity, weighted with the addresses' when both are known."""
    na, nb = normalise_name(name_a), normalise_name(name_b)
    if not na or not nb:
        return 0
    if sorted(na.split()) == sorted(nb.split()):
        name = 1.0
    else:
        sm = SequenceMatcher(None, na, nb, autojunk=False)
        if 100 * (0.7 * sm.quick_ratio() + 0.3) < floor:
            return 0  # cannot reach `floor` whatever the address
        name = sm.ratio()
    aa, ab = normalise_address(address_a), normalise_address(address_b)
    if aa and ab:
        addr = SequenceMatcher(None, aa, ab).ratio()
        return round(100 * (0.7 * name + 0.3 * addr))
    return round(100 * name * 0.95)  # no address to confirm: never "strong" on the name alone
