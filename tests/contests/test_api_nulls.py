import pytest
@pytest.mark.parametrize("field", ["year", "form", "title", "correction_days", "half_points", "min_own_total_pct"])
def test_null_required_contest_field_is_422(client, make_user, api_token, field):
    h = api_token(make_user("officer"))
    r = client.post("/api/v1/contests", json={"title": "X", field: None}, headers=h)
    assert r.status_code == 422, r.get_data(as_text=True)[:300]
