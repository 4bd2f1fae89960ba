"""Concepts through their operations: who may create, save and submit; a format error or a refusal
changes nothing; submission counts when received (R-OFF-DEADLINE); drafts stay private."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from grants.calltypes.innovation import operations as kops
from grants.calltypes.innovation.models import Concept
from grants.core import clock
from grants.core.permissions import PermissionDenied
from grants.workflows.errors import GuardRefused, NotEditable, StaleVersion

from .helpers import NGO_ONLY, audit_count, concept_call, concept_values, draft_concept, submitted_concept


def test_member_creates_a_draft_concept_in_a_published_concept_call(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    assert (k.state, k.title, k.content["estimated_budget"]) == ("draft", "Teatr z aplikacją dla seniorów", "85000.00")
    assert k.content["partners"][1] == {"name": "AppTeatr sp. z o.o.", "sector": "startup",
                                        "role": "Aplikacja i analiza danych"}
    assert k.number is None and k.submitted_at is None
    assert audit_count(session) == 1


def test_only_a_member_of_the_organisation_creates_its_concept(session, people):
    call = concept_call(session, people.officer)
    for actor in (people.other, people.officer, people.admin, people.loner):
        with pytest.raises(PermissionDenied):
            kops.create(session, actor, call, people.org.id, {})
    session.rollback()
    assert session.scalar(select(Concept.id)) is None


def test_concepts_are_created_only_in_a_concept_call(session, people):
    from tests.factories import make_contest
    standard = make_contest(session, people.officer)
    with pytest.raises(kops.ConceptError) as e:
        kops.create(session, people.member, standard, people.org.id)
    assert e.value.errors[0]["field"] == "contest_id"
    assert "naborze koncepcji" in e.value.errors[0]["message"]


def test_concepts_are_created_only_while_the_call_is_published_and_before_its_deadline(session, people):
    draft_call = concept_call(session, people.officer, publish=False)
    with pytest.raises(NotEditable):
        kops.create(session, people.member, draft_call, people.org.id)
    call = concept_call(session, people.officer)
    with pytest.raises(NotEditable) as e:
        kops.create(session, people.member, call, people.org.id, at=call.deadline + timedelta(seconds=1))
    assert "Nabór koncepcji nie trwa" in str(e.value.detail)
    session.rollback()
    assert session.scalar(select(Concept.id)) is None


def test_save_changes_the_given_fields_and_audits_them(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, {"title": "Szkic"})
    kops.save(session, k, people.member, {"problem": "Smog", "estimated_budget": "1200"}, k.version)
    session.commit()
    assert (k.title, k.content["problem"], k.content["estimated_budget"]) == ("Szkic", "Smog", "1200.00")
    assert audit_count(session) == 2
    kops.save(session, k, people.member, {"problem": "Smog"})  # nothing changed: no entry
    session.commit()
    assert audit_count(session) == 2


def test_bad_format_on_save_is_a_clear_field_error_and_changes_nothing(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    before = (k.version, dict(k.content), audit_count(session))
    with pytest.raises(kops.ConceptError) as e:
        kops.save(session, k, people.member, {"problem": "Nowy", "estimated_budget": "-5",
                                               "partners": [{"name": "X", "sector": "mafia", "role": "r"}]})
    session.rollback()
    fields = {x["field"]: x["message"] for x in e.value.errors}
    assert fields["estimated_budget"] == "wartość nie może być ujemna"
    assert "Wybierz sektor z listy" in fields["partners.0.sector"]
    session.expire_all()
    k = session.get(Concept, k.id)
    assert (k.version, k.content, audit_count(session)) == before


def test_only_members_edit_and_only_a_draft(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    with pytest.raises(PermissionDenied):
        kops.save(session, k, people.other, {"title": "Przejęta"})
    with pytest.raises(StaleVersion):
        kops.save(session, k, people.member, {"title": "Stara wersja"}, expected_version=k.version + 1)
    kops.transition(session, k, "submit", people.member)
    with pytest.raises(NotEditable):
        kops.save(session, k, people.member, {"title": "Po złożeniu"})
    session.rollback()
    assert session.get(Concept, k.id).title == "Teatr z aplikacją dla seniorów"


def test_submit_gives_a_readable_unique_number_and_the_time_received(session, people):
    call = concept_call(session, people.officer)
    received = clock.now() - timedelta(minutes=3)
    k = draft_concept(session, people.member, people.org, call)
    kops.transition(session, k, "submit", people.member, received_at=received)
    k2 = submitted_concept(session, people.other, people.other_org, call)
    assert k.state == "submitted" and k.submitted_at == received
    assert k.number == f"K/{call.year}/{call.id:04d}/{k.id:05d}"
    assert k2.number != k.number


def test_ngo_only_partnership_is_refused_at_submission_with_the_reason_and_changes_nothing(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, concept_values(partners=NGO_ONLY))
    version, entries = k.version, audit_count(session)
    with pytest.raises(GuardRefused) as e:
        kops.transition(session, k, "submit", people.member)
    assert "wyłącznie z organizacji pozarządowych" in str(e.value.detail)
    session.expire_all()
    k = session.get(Concept, k.id)
    assert (k.state, k.version, k.number, audit_count(session)) == ("draft", version, None, entries)


def test_incomplete_concept_is_refused_at_submission_naming_what_is_missing(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, {"title": "Tylko tytuł"})
    with pytest.raises(GuardRefused) as e:
        kops.transition(session, k, "submit", people.member)
    detail = str(e.value.detail)
    assert "Opisz problem" in detail and "Wskaż partnerów" in detail and "szacowany budżet" in detail


def test_r_off_deadline_a_concept_received_after_the_call_deadline_is_refused(session, people):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    with pytest.raises(GuardRefused) as e:
        kops.transition(session, k, "submit", people.member, received_at=call.deadline + timedelta(seconds=1))
    assert e.value.reason.rule == "R-OFF-DEADLINE"
    kops.transition(session, k, "submit", people.member, received_at=call.deadline)  # at the instant: accepted
    assert k.state == "submitted"


def test_withdraw_keeps_the_reason(session, people):
    call = concept_call(session, people.officer)
    k = submitted_concept(session, people.member, people.org, call)
    kops.transition(session, k, "withdraw", people.member, {"reason": "Partner się wycofał"})
    assert (k.state, k.withdraw_reason) == ("withdrawn", "Partner się wycofał")


def test_officer_cannot_submit_and_applicant_cannot_shortlist(session, people):
    from grants.workflows.errors import TransitionForbidden
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    with pytest.raises(TransitionForbidden):
        kops.transition(session, k, "submit", people.officer)
    kops.transition(session, k, "submit", people.member)
    with pytest.raises(TransitionForbidden):
        kops.transition(session, k, "shortlist", people.member)


# ---- who sees what

def _seen(session, user):
    return set(session.scalars(kops.visible(select(Concept.id), user)))


def test_drafts_are_private_to_their_organisation(session, people):
    call = concept_call(session, people.officer)
    draft = draft_concept(session, people.member, people.org, call)
    sub = submitted_concept(session, people.other, people.other_org, call)
    withdrawn_draft = draft_concept(session, people.member, people.org, call)
    kops.transition(session, withdrawn_draft, "withdraw", people.member)
    assert _seen(session, people.member) == {draft.id, withdrawn_draft.id}
    assert _seen(session, people.other) == {sub.id}
    assert _seen(session, people.officer) == {sub.id}  # the call's department: submitted only
    assert _seen(session, people.admin) == {sub.id}
    assert _seen(session, people.stranger_officer) == set()  # another department
    assert _seen(session, people.loner) == set()
    assert _seen(session, None) == set()


def test_commission_members_see_submitted_concepts_once_past_forming(session, people, make_user):
    from grants.commissions import operations as rops
    from reviewers.models import Commission
    call = concept_call(session, people.officer)
    draft = draft_concept(session, people.member, people.org, call)
    sub = submitted_concept(session, people.other, people.other_org, call)
    expert, declined = make_user("commission_member"), make_user("commission_member")
    com = Commission(contest_id=call.id, name="Komisja", state="forming", version=1, created_at=clock.now())
    session.add(com)
    session.commit()
    rops.add_member(session, people.officer, com, user_id=expert.id, kind="expert")
    m = rops.add_member(session, people.officer, com, user_id=declined.id, kind="expert")
    session.commit()
    assert _seen(session, expert) == set()  # forming: the members are not settled yet
    com.state = "declarations"
    session.commit()
    assert _seen(session, expert) == {sub.id} and draft.id not in _seen(session, expert)
    m.declined = True
    session.commit()
    assert _seen(session, declined) == set()
