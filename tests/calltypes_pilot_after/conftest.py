import pytest

from tests.after_award.helpers import World, decided
from tests.calltypes_pilot_after.helpers import PINNED, make_pilot


@pytest.fixture
def pilot_world(client, session, make_user, make_org, api_token, clock_at):
    """pilot_world(grants=("9000.00",), pilot=True): a decided contest (2027) with one offer per grant,
    each from its own organisation, marked an innovation pilot unless pilot=False; a finance user, two
    officers of the department, and an applicant of an organisation with no part in it (`outsider`)."""
    def build(grants=("9000.00",), pilot=True):
        clock_at(PINNED)
        officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
        orgs = [make_org() for _ in grants]
        ngos = [make_user("applicant", org=o) for o in orgs]
        w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2,
                  finance=finance, orgs=orgs, ngos=ngos, h=api_token(officer), hf=api_token(finance),
                  hn=[api_token(u) for u in ngos])
        w.contest, w.offers = decided(session, officer, officer2, list(zip(ngos, orgs, grants)))
        if pilot:
            w.contest = make_pilot(session, w.contest)
        w.outsider = make_user("applicant", org=make_org())
        w.ho = api_token(w.outsider)
        w.other_officer = make_user("officer", department_code="ZZZ")
        w.hx = api_token(w.other_officer)
        w.h2 = api_token(officer2)
        return w
    return build
