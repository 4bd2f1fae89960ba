"""A call type's public explanation as data: sections of paragraphs and lists, each text a lazy
translatable string, rendered by one macro (macros/prose.html `sections`) on /call-types/<code>.
The prose lives with the type; the markup (headings, landmarks, lists) exists once."""
from __future__ import annotations

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

    def __init__(self, id: str, heading: LazyText, *blocks: LazyText | Lead | Para | Bullets):
        self.id, self.heading = id, heading
        self.blocks = tuple(b if isinstance(b, (Para, Bullets)) else Para(b) for b in blocks)
