"""The declaration of who is told of what: every transition of every workflow has an entry."""
from __future__ import annotations

from grants.notifications import audiences, kinds, rules
from grants.workflows.registry import workflows


def test_every_transition_of_every_workflow_has_an_entry():
    missing = [f"{name}.{t.name}" for name, wf in workflows().items() for t in wf.transitions
               if rules.for_transition(name, t.name) is None]
    assert not missing, f"transitions without a notification entry (an explicit NOBODY_TOLD counts): {missing}"


def test_no_entry_names_a_transition_that_does_not_exist():
    wfs = workflows()
    stale = [f"{name}.{tr}" for name, table in rules.RULES.items() for tr in table
             if name not in wfs or tr not in wfs[name].by_name]
    assert not stale


def test_every_entry_names_a_known_kind_and_audience():
    for name, table in rules.RULES.items():
        for tr, entry in table.items():
            assert entry, f"{name}.{tr}: an empty entry; say NOBODY_TOLD"
            for tell in entry:
                assert tell.audience in audiences.AUDIENCES, (name, tr, tell)
                assert (tell.kind is None) == (tell.audience == audiences.NOBODY), (name, tr, tell)
                assert tell.kind is None or tell.kind in kinds.KINDS, (name, tr, tell)


def test_r_notify_obligation_obligations_are_declared_for_the_organisation():
    """R-NOTIFY-OBLIGATION: correction, report, return and update obligations reach the organisation's
    members when they arise, in the locked (never switched off) category."""
    for wf, tr in (("offer", "request_correction"), ("offer", "require_update"), ("report", "request_correction"),
                   ("settlement", "request_return"), ("agreement", "finish")):
        entry = rules.for_transition(wf, tr)
        assert any(t.audience == audiences.ORGANISATION and kinds.KINDS[t.kind].obligation for t in entry), (wf, tr)
