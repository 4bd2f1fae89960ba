import pytest

from tests.after_award.helpers import World, decided


@pytest.fixture
def world(client, session, make_user, make_org, api_token, clock_at):
    """world(grants, amounts=None, moved_to=None): a decided contest with one offer per grant, each from
    its own organisation; `moved_to` (ISO) moves the clock back first, so the contest's year is the next one."""
    def build(grants=("9000.00",), amounts=None, moved_to=None):
        if moved_to:
            clock_at(moved_to)
        officer, officer2, finance = make_user("officer"), make_user("officer"), make_user("finance")
        orgs = [make_org() for _ in grants]
        ngos = [make_user("applicant", org=o) for o in orgs]
        w = World(client=client, session=session, clock_at=clock_at, officer=officer, officer2=officer2,
                  finance=finance, orgs=orgs, ngos=ngos, h=api_token(officer), hf=api_token(finance),
                  hn=[api_token(u) for u in ngos])
        w.contest, w.offers = decided(session, officer, officer2, list(zip(ngos, orgs, grants)), amounts)
        return w
    return build
