"""tests/budgets hold pure calculations: skip the root conftest's per-test database wipe (speed),
unless a test asks for a database fixture, in which case it is wiped after the test as usual."""
import pytest

_DB_FIXTURES = {"app", "client", "session", "make_user", "make_org", "login", "api_token", "clock_at", "worker", "csrf_app",
                "count_queries"}


@pytest.fixture(autouse=True)
def _clean_database(request):
    yield
    if _DB_FIXTURES & set(request.fixturenames):
        from tests.conftest import wipe
        wipe()
