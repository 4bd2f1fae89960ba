import pytest


@pytest.fixture
def people(session, make_user, make_org):
    """An officer of the call's department (BIS), one of another department, an admin, and two
    organisations each with an applicant member."""
    from types import SimpleNamespace
    org = make_org("Fundacja Nowa Huta Innowacje")
    other_org = make_org("Stowarzyszenie Inne")
    return SimpleNamespace(
        officer=make_user("officer"), stranger_officer=make_user("officer", department_code="ZSS"),
        admin=make_user("admin"), org=org, member=make_user("applicant", org=org),
        other_org=other_org, other=make_user("applicant", org=other_org),
        loner=make_user("applicant"))
