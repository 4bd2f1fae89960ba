"""The statement an object is loaded with for a transition is built once per caller's visibility:
a statement equal to one seen before (SQLAlchemy's comparison, values included) gets that one's
loading statement back; any other, however it collides in the lookup, gets its own. So a caller
sees through it exactly what `visible()` lets them see."""
from __future__ import annotations

import pytest
from sqlalchemy import bindparam, select
from sqlalchemy.sql import visitors
from sqlalchemy.sql.selectable import Alias

from grants.api.collections import visible_object
from grants.api.problems import ApiProblem
from grants.offers.models import Offer
from grants.offers.operations import _condition, create, visible
from grants.workflows import base
from tests.factories import make_contest


def _offer(session, contest, org, user) -> Offer:
    offer = create(session, user, contest, org.id)
    session.commit()
    return offer


def test_the_same_callers_loads_share_one_statement_and_another_caller_sees_only_their_own(
        app, session, make_user, make_org):
    officer = make_user("officer")
    contest = make_contest(session, officer)
    ours, theirs = make_org(), make_org()
    member, stranger = make_user("applicant", org=ours), make_user("applicant", org=theirs)
    mine = [_offer(session, contest, ours, member) for _ in range(2)]
    other = _offer(session, contest, theirs, stranger)
    with app.test_request_context():
        assert visible_object(Offer, visible, str(mine[0].id), member, for_transition=True) is mine[0]
        loading = [v[1] for v in base._LOADINGS.values()]
        assert visible_object(Offer, visible, str(mine[1].id), member, for_transition=True) is mine[1]
        assert [v[1] for v in base._LOADINGS.values()] == loading  # reused, none added
        for oid, who in ((other.id, member), (mine[0].id, stranger)):  # not theirs: a 404, as before
            with pytest.raises(ApiProblem) as e:
                visible_object(Offer, visible, str(oid), who, for_transition=True)
            assert e.value.status == 404
        assert visible_object(Offer, visible, str(other.id), stranger, for_transition=True) is other
    session.rollback()


def test_a_statement_that_only_collides_in_the_lookup_gets_its_own_loading(app, session):
    by_id = select(Offer).where(Offer.id == bindparam("object_pk"))
    ours = by_id.where(Offer.organisation_id == 1)
    theirs = by_id.where(Offer.organisation_id == 2)  # the same SQL, another value
    loading = base._loading(Offer, ours)
    criteria = theirs.whereclause
    key = (Offer, tuple(map(id, criteria.clauses)))
    base._LOADINGS[key] = (ours, loading)  # as if their ids had met ours in the lookup
    got = base._loading(Offer, theirs)
    assert got is not loading
    assert got.compare(theirs.options(*base._joined_loads(Offer)).execution_options(populate_existing=True))
    assert not got.compare(loading)


def test_callers_of_different_organisations_read_their_offers_through_one_alias():
    """Each caller's condition is new (their organisations), but the alias of offers its subquery
    reads is one object: setting up a new alias for each caller cost about a millisecond of CPU
    the first time that caller's statement ran in a process (issue 20)."""
    def aliases(condition):
        return {id(e) for e in visitors.iterate(condition) if isinstance(e, Alias)}

    first, second = _condition((101,), None), _condition((102, 103), None)
    assert first is not second
    assert aliases(first) and aliases(first) == aliases(second)
