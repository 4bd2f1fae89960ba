"""Diagrams are drawn from the same declaration as the engine uses."""
from grants.workflows.consultation import CONSULTATION
from grants.workflows.diagram import mermaid, rows
from grants.workflows.registry import workflows


def test_mermaid_draws_every_state_and_transition_and_highlights_the_current_one():
    text = mermaid(CONSULTATION, current="open")
    for state in CONSULTATION.states:
        assert f"    {state} : " in text
    for t in CONSULTATION.transitions:
        for src in t.source:
            assert f"{src} --> {t.dest} : {t.label}" in text
    assert "class open current" in text and "[*] --> draft" in text
    assert "current" not in mermaid(CONSULTATION)


def test_rows_mark_time_driven_transitions_and_rules():
    by_name = {r["name"]: r for r in rows(CONSULTATION)}
    assert by_name["close"]["automatic"] and not by_name["close_early"]["automatic"]
    assert by_name["publish_report"]["rule"] == "R-CONSULT"
    assert by_name["open"]["roles"] == ["admin", "officer"]


def test_every_registered_workflow_draws():
    wfs = workflows()
    assert "consultation" in wfs
    for wf in wfs.values():
        assert mermaid(wf).count(" --> ") >= len(wf.transitions)
