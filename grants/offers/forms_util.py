"""Offer section forms are rendered by hand and parsed back by field path ("task.actions.0.name"),
so the HTML form and the API share one validation: the pydantic section schemas of content.py."""
from __future__ import annotations

import re

_INDEX = re.compile(r"^\d+$")


def unflatten(form, prefix: str) -> dict | list:
    """{"task.title": "x", "task.actions.0.name": "y"} → {"title": "x", "actions": [{"name": "y"}]}."""
    root: dict = {}
    for key in form.keys():
        if not (key == prefix or key.startswith(prefix + ".")):
            continue
        values = form.getlist(key)
        value = values if key.endswith("[]") else values[-1]
        parts = key[len(prefix) + 1:].removesuffix("[]").split(".") if key != prefix else []
        node = root
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            if last:
                node[part] = value
            else:
                node = node.setdefault(part, {})
    return _lists(root)


def _lists(node):
    """Dicts keyed 0..n become lists (rows), in index order; rows marked _delete or left blank drop out."""
    if isinstance(node, dict):
        node = {k: _lists(v) for k, v in node.items()}
        if node and all(_INDEX.match(k) for k in node):
            rows = [node[k] for k in sorted(node, key=int)]
            return [r for r in rows if not (isinstance(r, dict) and (r.pop("_delete", None) or _blank(r)))]
        return node
    return node


def _blank(row: dict) -> bool:
    return all((v in ("", None, {}, [])) or (isinstance(v, dict) and _blank(v)) for k, v in row.items()
               if k not in ("category",))


_KEYED = re.compile(r"^(costs\.\d+\.)(by_year|by_partner)\.([^.]+)(?:\.\[key\])?$")


def form_path(field: str) -> str:
    """An error's content path as the form names its input: the year and partner keys carry the
    letter `keyed` strips ("costs.0.by_year.2028" → "costs.0.by_year.y2028")."""
    m = _KEYED.match(field)
    if not m:
        return field
    return f"{m.group(1)}{m.group(2)}.{'y' if m.group(2) == 'by_year' else 'o'}{m.group(3)}"


def errors_by_field(errors: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(form_path(e["field"]), []).append(e["message"])
    return out


def drop_empty(node):
    """Blank inputs mean "not given": the schema's defaults apply (a draft may be incomplete)."""
    if isinstance(node, dict):
        return {k: drop_empty(v) for k, v in node.items() if v != ""}
    if isinstance(node, list):
        return [drop_empty(v) for v in node]
    return node


def keyed(mapping: dict | None, prefix: str) -> dict:
    """Form keys carry a letter before digits ("y2027", "o15") so they are not read as row numbers."""
    return {k[len(prefix):]: v for k, v in (mapping or {}).items() if k.startswith(prefix) and v != ""}
