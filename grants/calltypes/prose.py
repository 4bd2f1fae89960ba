"""A call type's public explanation as data: one TOML file per type next to it (sections of
paragraphs and lists, each text a gettext msgid), loaded here into lazy translatable texts and
rendered by one macro (macros/prose.html `sections`) on /call-types/<code>. The prose lives with
the type; the markup (headings, landmarks, lists) exists once. Pages keep their explanation blocks
the same way (page_blocks). Prose is data, so it is kept out of the code: `extract` hands its texts
to pybabel (babel.cfg), so `make translations` keeps them."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Iterator

from grants.core.i18n import LazyText


class Lead:
    """A paragraph or list item opening with a bold phrase: <strong>lead</strong> text."""

    kind = "lead"

    def __init__(self, lead: LazyText, text: LazyText):
        self.lead, self.text = lead, text


class Para:
    kind = "p"

    def __init__(self, text: LazyText | Lead):
        self.text = text


class Bullets:
    """A list: `ordered` for steps that follow one another (<ol>), else <ul>."""

    kind = "list"

    def __init__(self, *items: LazyText | Lead, ordered: bool = False):
        self.items, self.ordered = items, ordered


class Section:
    """A region of the page with its heading; `id` names the heading (aria-labelledby)."""

    def __init__(self, id: str, heading: LazyText, *blocks: Para | Bullets):
        self.id, self.heading, self.blocks = id, heading, blocks


def _text(node) -> LazyText | Lead:
    if isinstance(node, dict):
        return Lead(LazyText(node["lead"]), LazyText(node["text"]))
    return LazyText(node)


def _block(node) -> Para | Bullets:
    if isinstance(node, dict) and ("ul" in node or "ol" in node):
        return Bullets(*map(_text, node.get("ul") or node["ol"]), ordered="ol" in node)
    return Para(_text(node))


def load(path: Path) -> tuple[Section, ...]:
    """The sections of an explanation file (a missing key or a wrong shape fails at import: a bug)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return tuple(Section(s["id"], LazyText(s["heading"]), *map(_block, s["blocks"])) for s in data["section"])


def page_blocks(source: str) -> dict[str, tuple[Para | Bullets, ...]]:
    """A page's prose kept next to its template (privacy/notice.toml…): named runs of blocks, each
    key a list as in a section's `blocks`, placed by the page with macros/prose.html `blocks`."""
    return {k: tuple(map(_block, v)) for k, v in tomllib.loads(source).items()}


def _texts(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for k, v in node.items():
            if k != "id":
                yield from _texts(v)
    elif isinstance(node, list):
        for v in node:
            yield from _texts(v)


def extract(fileobj, keywords, comment_tags, options):
    """pybabel's reader of the explanation files (babel.cfg [extractors]): every text is a msgid."""
    raw = fileobj.read().decode("utf-8")
    for text in _texts(tomllib.loads(raw)):
        at = raw.find(text)
        yield (raw.count("\n", 0, at) + 1 if at >= 0 else 1), "_", text, []
