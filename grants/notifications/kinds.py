"""What each kind of notification says, its category, and whether it is an obligation with a
statutory or contractual period (R-NOTIFY-OBLIGATION: never switched off).

The kinds themselves are declared in kinds.toml (one table a kind). Texts are Polish msgids
(English in the catalog) with %(name)s placeholders filled from the notification's params: title,
contest, number, amount (formatted money), due (formatted Warsaw time), reason, days."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from grants.core.i18n import LazyText, _

OBLIGATIONS, DECISIONS, ANNOUNCEMENTS, WORK, COMMENTS = "obligations", "decisions", "announcements", "work", "comments"
CATEGORIES: dict[str, LazyText] = {
    OBLIGATIONS: _("Terminy i obowiązki"),
    DECISIONS: _("Decyzje"),
    ANNOUNCEMENTS: _("Nowe konkursy i konsultacje"),
    WORK: _("Praca komisji i obsługa naborów"),
    COMMENTS: _("Komentarze i odpowiedzi"),
}
IMMEDIATE, DIGEST, NEVER = "immediate", "digest", "never"
MODES: dict[str, LazyText] = {IMMEDIATE: _("od razu"), DIGEST: _("w codziennym zestawieniu"), NEVER: _("nigdy")}
DEFAULTS = {OBLIGATIONS: IMMEDIATE, DECISIONS: IMMEDIATE, ANNOUNCEMENTS: DIGEST, WORK: DIGEST, COMMENTS: DIGEST}
#: R-NOTIFY-OBLIGATION: the categories that cannot be switched off (nor delayed to a digest)
LOCKED = frozenset({OBLIGATIONS})


@dataclass(frozen=True)
class Kind:
    code: str
    category: str
    subject: LazyText
    happened: LazyText
    todo: LazyText | None = None

    @property
    def obligation(self) -> bool:
        return self.category in LOCKED


#: one table a kind in kinds.toml: a declaration, not code (its texts are the catalog's msgids)
SOURCE = Path(__file__).with_name("kinds.toml")
_TEXTS = ("subject", "happened", "todo")


def _load(path: Path) -> dict[str, Kind]:
    with path.open("rb") as f:
        table = tomllib.load(f)
    kinds = {}
    for code, row in table.items():
        known = row.get("category") in CATEGORIES and not set(row) - {"category", *_TEXTS}
        if not (known and row.get("subject") and row.get("happened")):
            raise ValueError(f"{path.name}: [{code}] needs a known category, a subject and what happened")
        kinds[code] = Kind(code, row["category"], *(_(row[t]) if row.get(t) else None for t in _TEXTS))
    return kinds


KINDS: dict[str, Kind] = _load(SOURCE)


def extract_messages(fileobj, keywords, comment_tags, options):
    """Babel extractor of kinds.toml (babel.cfg): each text is a msgid, as `_()` marks one in Python."""
    for lineno, line in enumerate(fileobj.read().decode("utf-8").splitlines(), 1):
        if line.split("=", 1)[0].strip() in _TEXTS:
            (text,) = tomllib.loads(line).values()
            yield lineno, "_", text, []
