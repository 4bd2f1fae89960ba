"""Diagrams drawn from a workflow's declaration: mermaid text for the picture, and the same
graph as rows for the accessible table beside it."""
from __future__ import annotations

from .base import Workflow


def mermaid(wf: Workflow, current: str | None = None) -> str:
    lines = ["stateDiagram-v2", "    direction LR"]
    for state, label in wf.states.items():
        lines.append(f'    {state} : {str(label)}')
    lines.append(f"    [*] --> {wf.initial}")
    for t in wf.transitions:
        for src in t.source:
            marker = " ⏱" if t.automatic else ""
            lines.append(f"    {src} --> {t.dest} : {str(t.label)}{marker}")
    if current:
        lines.append("    classDef current fill:#ffd54f,stroke:#1a1a1a,stroke-width:3px,font-weight:bold")
        lines.append(f"    class {current} current")
    return "\n".join(lines)


def rows(wf: Workflow) -> list[dict]:
    return [{"name": t.name, "label": t.label, "source": [wf.state_label(s) for s in t.source],
             "dest": wf.state_label(t.dest), "automatic": t.automatic, "roles": sorted(t.roles), "rule": t.rule}
            for t in wf.transitions]
