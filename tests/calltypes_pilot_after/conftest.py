import pytest

from tests.after_award.helpers import decided_world
from tests.calltypes_pilot_after.helpers import PINNED, make_pilot


@pytest.fixture
def pilot_world(client, session, make_user, make_org, api_token, clock_at):
    """pilot_world(grants=("9000.00",), pilot=True): a decided contest (2027) with one offer per grant,
    each from its own organisation, marked an innovation pilot unless pilot=False; a finance user, two
    officers of the department, and an applicant of an organisation with no part in it (`outsider`)."""
    def build(grants=("9000.00",), pilot=True):
        clock_at(PINNED)
        w = decided_world(client, session, make_user, make_org, api_token, clock_at, grants)
        if pilot:
            w.contest = make_pilot(session, w.contest)
        w.outsider = make_user("applicant", org=make_org())
        w.ho = api_token(w.outsider)
        w.other_officer = make_user("officer", department_code="ZZZ")
        w.hx = api_token(w.other_officer)
        w.h2 = api_token(w.officer2)
        return w
    return build
