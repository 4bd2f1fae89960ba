"""Text search over names and titles (issue 20): on PostgreSQL, full-text search with the `simple`
configuration over accent-folded text (`unaccent`: "zolw" finds "Żółw", "fundacja" finds
"Fundacja") for whole words and word beginnings, and a trigram index (`pg_trgm`) for any part of a
name; both through the indexes of migration 0023. On SQLite (the embedded default, small data) a
plain case-insensitive LIKE."""
from __future__ import annotations

import re
import unicodedata

from sqlalchemy import func, literal, literal_column, or_

MAX_QUERY = 100
# made by migration 0023 on PostgreSQL only, over the expressions below; no model declares them
PG_TEXT_SEARCH_INDEXES = ("ix_contests_title_fts", "ix_contests_title_trgm", "ix_organisations_name_fts",
                          "ix_organisations_name_trgm")
# written into the SQL, not bound: the planner matches an index's expression only to the same constant
SIMPLE = literal_column("'simple'::regconfig")
_WORD = re.compile(r"\w+", re.UNICODE)
_ONE_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits only: one word to every parser


def like_pattern(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fold(expr):
    """Lower case without diacritics, as the indexes hold it (grants_unaccent is immutable, so it
    may stand in an index; unaccent itself is only stable)."""
    return func.grants_unaccent(func.lower(expr))


def prefix_query(text: str) -> str | None:
    """'Kultura Lok' -> 'kultura:* & lok:*' (to_tsquery text); None when no word is left."""
    words = _WORD.findall(text.lower())[:10]
    return " & ".join(f"{w}:*" for w in words) or None


_LETTERS = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "đ": "d", "ß": "ss"})  # no combining mark to drop


def fold_text(value: str | None) -> str | None:
    """Lower case without diacritics ("Żółw Łódź" -> "zolw lodz"): SQLite's grants_unaccent."""
    if value is None:
        return None
    decomposed = unicodedata.normalize("NFKD", value.lower().translate(_LETTERS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def matches(dialect: str, text: str, column, vector=None):
    """A condition: `text` appears in `column`, compared folded (any case, no diacritics). On
    PostgreSQL also `vector` (the indexed to_tsvector expression, see `tsvector`) matching every
    word's beginning, in any order; the part-of-a-name LIKE is served by the trigram index there. On
    SQLite a plain LIKE over the folded text (grants_unaccent registered by grants.core.db)."""
    text = text.strip()[:MAX_QUERY]
    cond = fold(column).like(func.grants_unaccent(literal(like_pattern(text))), escape="\\")
    if _ONE_WORD.fullmatch(text):
        # a word's beginning is a part of the name: the LIKE finds all the words would, and each
        # row read by a list in deadline order then costs one folding, not two (issue 20)
        return cond
    query = prefix_query(text)
    if dialect == "postgresql" and vector is not None and query:
        return or_(cond, vector.op("@@")(func.to_tsquery(SIMPLE, func.grants_unaccent(query))))
    return cond


def tsvector(*columns):
    """The indexed document of a row: its columns, folded, in the `simple` configuration (no
    stemming: names and titles are matched as written, any language)."""
    doc = columns[0]
    for c in columns[1:]:
        doc = doc.op("||")(" ").op("||")(c)
    return func.to_tsvector(SIMPLE, func.grants_unaccent(doc))
