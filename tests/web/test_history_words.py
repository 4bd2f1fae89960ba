"""The change history reads as Polish sentences about people and things (a reviewer's pass over the
pages): the field of public benefit by its name, never its code."""
from __future__ import annotations

from datetime import datetime, timezone
from types import SimpleNamespace

from grants.web import history


def _entry(object_type, action, changes, seq=1, actor_id=None, actor_label="urzednik@demo"):
    return SimpleNamespace(object_type=object_type, action=action, changes_data=changes, seq=seq, actor_id=actor_id,
                           clock_at=datetime(2027, 1, 20, 15, 0, tzinfo=timezone.utc), actor_label=actor_label)


def _lines(rows) -> list[str]:
    """Each change as the page prints it (grants/web/templates/macros/workflow.html)."""
    out = []
    for r in rows:
        for c in r.changes:
            if c.kind == "set":
                out.append(f"{c.field}: było {c.before}, jest {c.after}")
            elif c.kind == "list":
                out += [f"{c.field}: dodano {x}" for x in c.added] + [f"{c.field}: usunięto {x}" for x in c.removed]
            elif c.kind == "items":
                out.append(f"{c.field}: " + " | ".join(c.added))
            else:
                out.append(f"{c.field}: {c.text}")
    return out


def test_the_field_of_public_benefit_is_named_by_its_label():
    """A contest and a direction record one field (`field`), not a list (`fields`): it read
    "sfera pożytku publicznego: było —, jest children_youth"."""
    rows = history.describe([_entry("contest", "update", {"field": ["culture", "children_youth"]}),
                             _entry("direction", "update", {"field": ["seniors", "culture"]}, 2)])
    assert _lines(rows) == [
        "sfera pożytku publicznego: było kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego, "
        "jest wypoczynek dzieci i młodzieży",
        "sfera pożytku publicznego: było działalność na rzecz osób w wieku emerytalnym, "
        "jest kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego",
    ]
