def test_healthz_answers(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    body = r.get_json()
    assert body["database"]["ok"] and body["broker"]["ok"]


def test_home_is_polish_html(client):
    r = client.get("/")
    assert r.status_code == 200
    assert '<html lang="pl">' in r.get_data(as_text=True)
