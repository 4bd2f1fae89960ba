import pytest

from tests.after_award.helpers import decided_world


@pytest.fixture
def world(client, session, make_user, make_org, api_token, clock_at):
    """world(grants, amounts=None, moved_to=None): a decided contest with one offer per grant, each from
    its own organisation; `moved_to` (ISO) moves the clock back first, so the contest's year is the next one."""
    def build(grants=("9000.00",), amounts=None, moved_to=None):
        if moved_to:
            clock_at(moved_to)
        return decided_world(client, session, make_user, make_org, api_token, clock_at, grants, amounts)
    return build
