import pytest

from tests.after_award.conftest import world  # noqa: F401 - a decided contest, agreements through the API


@pytest.fixture(autouse=True)
def files_in_tmp(app, tmp_path):
    """Issued documents and attachments go to a fresh folder per test."""
    before = app.instance_path
    app.instance_path = str(tmp_path)
    yield tmp_path
    app.instance_path = before
