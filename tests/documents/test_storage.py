"""The content-addressed store: local folder by default, an S3-compatible bucket by GRANTS_STORAGE_URL
(tested against moto's server mode on a free port)."""
from __future__ import annotations

import socket

import pytest

from grants.documents.storage import LocalStore, S3Store, sha256, store_for

from .support import PDF


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def s3_url(monkeypatch):
    from moto.server import ThreadedMotoServer
    port = _free_port()  # a fixed port was skipped whenever another session held it
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port)
    server.start()
    try:
        import boto3
        boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}", region_name="us-east-1").create_bucket(Bucket="grants")
        yield f"s3://grants/files?endpoint_url=http://127.0.0.1:{port}&region=us-east-1"
    finally:
        server.stop()


def test_local_store_content_addressed(tmp_path):
    store = store_for(tmp_path, url="")
    assert isinstance(store, LocalStore)
    key = store.put(PDF)
    assert key == sha256(PDF) and store.get(key) == PDF and store.put(PDF) == key
    assert (tmp_path / "files" / key[:2] / key).exists()
    with pytest.raises(ValueError):
        store.get("../../etc/passwd")


def test_s3_store_against_moto(s3_url, app, client, session, make_user, make_org, login, monkeypatch):
    store = store_for("/nonexistent", url=s3_url)
    assert isinstance(store, S3Store)
    key = store.put(PDF)
    assert key == sha256(PDF) and store.exists(key) and store.get(key) == PDF
    assert not store.exists("0" * 64)
    # the whole path: an upload through the page lands in the bucket, the download comes from it
    monkeypatch.setenv("GRANTS_STORAGE_URL", s3_url)
    from io import BytesIO

    from tests.factories import make_contest
    from tests.offers.support import draft
    officer, org = make_user("officer"), make_org()
    ngo = make_user("applicant", org=org)
    o = draft(session, make_contest(session, officer), ngo, org)
    login(ngo)
    body = PDF + b"% s3\n"
    r = client.post(f"/offer/{o.id}/attachments", data={"kind": "statute", "file": (BytesIO(body), "statut.pdf")},
                    content_type="multipart/form-data", follow_redirects=True)
    assert "Dodano załącznik" in r.get_data(as_text=True)
    assert store.get(sha256(body)) == body
