"""Merging duplicates (issue 16): every reference moves (found from the database, so a new table is
not forgotten), the merged record stays as a redirect, the merge is audited, and it is refused while
both have open offers in one contest."""
from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text

from grants.core import clock, db
from grants.core.audit import AuditEntry
from grants.core.permissions import PermissionDenied
from grants.offers.models import Offer
from grants.registry import merging
from grants.registry.import_models import DuplicateCandidate, OrganisationSource
from grants.registry.models import Membership, MembershipInvitation, Organisation
from grants.registry.operations import RegistryError
from tests.factories import make_contest


def _refs_in_database() -> list[tuple[str, str]]:
    """Foreign keys to organisations.id as the database itself has them (not our metadata list)."""
    insp = inspect(db.get_engine())
    out = []
    for table in insp.get_table_names():
        for fk in insp.get_foreign_keys(table):
            if fk["referred_table"] == "organisations":
                out += [(table, c) for c in fk["constrained_columns"]]
    return sorted(out)


def test_every_reference_to_an_organisation_is_known_to_the_merge():
    assert set(_refs_in_database()) == set(merging.references())


def _offer(session, contest, org, state="draft"):
    o = Offer(contest_id=contest.id, organisation_id=org.id, title="Oferta", state=state, created_at=clock.real_now())
    session.add(o)
    session.commit()
    return o


def test_merge_moves_every_reference_keeps_a_redirect_and_is_audited(session, make_user, make_org):
    officer = make_user("officer")
    keep, gone = make_org("Fundacja Nowa"), make_org("Fundacja „Nowa”")
    gone_krs = gone.krs
    keep.krs = None
    session.commit()
    member = make_user("applicant", org=gone)
    both = make_user("applicant", org=keep)
    session.add(Membership(user_id=both.id, organisation_id=gone.id, role="board"))
    session.add(MembershipInvitation(organisation_id=gone.id, email="x@example.org", created_at=clock.real_now(),
                                     expires_at=clock.real_now()))
    session.add(OrganisationSource(organisation_id=gone.id, kind="krs", label="KRS", source_key=gone_krs,
                                   data={}, updated_at=clock.real_now()))
    contest = make_contest(session, officer)
    _offer(session, contest, gone, "withdrawn")
    _offer(session, contest, keep, "withdrawn")  # the officer's department works with both
    pair = DuplicateCandidate(first_id=keep.id, second_id=gone.id, score=90, created_at=clock.real_now())
    session.add(pair)
    session.commit()
    merging.merge(session, officer, keep, gone, pair)
    session.commit()
    session.expire_all()
    for table, column in _refs_in_database():
        if (table, column) in merging.NOT_MOVED:
            continue
        left = session.scalar(text(f'SELECT count(*) FROM "{table}" WHERE "{column}" = :g'), {"g": gone.id})
        assert left == 0, (table, column)
    assert session.get(Organisation, gone.id).merged_into_id == keep.id
    assert keep.krs == gone_krs  # an identifier only the merged record had
    roles = {m.user_id: m.role for m in session.scalars(select(Membership).where(Membership.organisation_id == keep.id))}
    assert roles[member.id] == "member" or roles[member.id] == "board"
    assert roles[both.id] == "board"
    assert session.get(DuplicateCandidate, pair.id).status == "merged"
    actions = session.scalars(select(AuditEntry.action).where(AuditEntry.object_type == "organisation",
                                                              AuditEntry.object_id.in_((str(keep.id), str(gone.id))))).all()
    assert "merge_in" in actions and "merged_into" in actions
    assert merging.resolve(session, session.get(Organisation, gone.id)).id == keep.id


def test_merge_is_refused_while_both_have_open_offers_in_one_contest(session, make_user, make_org):
    officer = make_user("officer")
    keep, gone = make_org(), make_org()
    contest = make_contest(session, officer)
    _offer(session, contest, keep, "submitted")
    _offer(session, contest, gone, "draft")
    with pytest.raises(RegistryError) as e:
        merging.merge(session, officer, keep, gone)
    assert "otwarte oferty" in str(e.value)
    session.rollback()
    assert session.get(Organisation, gone.id).merged_into_id is None
    assert session.scalar(select(func.count()).select_from(Offer).where(Offer.organisation_id == gone.id)) == 1


def test_r_org_membership_an_officer_without_a_relation_cannot_merge_members_onto_an_ngo(session, make_user,
                                                                                       make_org):
    """A merge moves one record's members onto the other: an officer merges only records their
    department works with or that nobody acts for (as for editing a record)."""
    keep, gone = make_org(), make_org()
    make_user("applicant", org=keep)
    make_user("applicant", org=gone)
    with pytest.raises(PermissionDenied):
        merging.merge(session, make_user("officer", department_code="KD"), keep, gone)
    assert session.get(Organisation, gone.id).merged_into_id is None
    merging.merge(session, make_user("admin"), keep, gone)
    session.commit()
    assert session.get(Organisation, gone.id).merged_into_id == keep.id


def test_only_staff_merge_and_mark_different(session, make_user, make_org):
    keep, gone = make_org(), make_org()
    with pytest.raises(PermissionDenied):
        merging.merge(session, make_user("applicant"), keep, gone)
    pair = DuplicateCandidate(first_id=keep.id, second_id=gone.id, score=85, created_at=clock.real_now())
    session.add(pair)
    session.commit()
    merging.mark_different(session, make_user("officer"), pair)
    session.commit()
    assert pair.status == "different"
    with pytest.raises(RegistryError):
        merging.mark_different(session, make_user("officer"), pair)
