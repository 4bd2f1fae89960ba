"""A consultation end to end (R-CONSULT): through the web UI and through the API."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.consultations.models import Consultation
from grants.core import db
from grants.core.audit import AuditEntry
from grants.workflows import scheduler


@pytest.fixture(autouse=True)
def _cheap_password_hashing(monkeypatch):
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def fresh(cid: int) -> Consultation | None:
    with Session(db.get_engine(), expire_on_commit=False) as s:
        return s.get(Consultation, cid)


def count_rows() -> tuple[int, int]:
    with Session(db.get_engine()) as s:
        return (s.scalar(select(func.count()).select_from(Consultation)),
                s.scalar(select(func.count()).select_from(AuditEntry)))


def version_of(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


FORM = {"title": "Program współpracy 2028", "description": "Uwagi do projektu programu.",
        "fields": ["culture", "health"], "starts_at": "2027-03-01T09:00", "ends_at": "2027-03-15T16:00"}


@pytest.fixture
def officer(make_user):
    return make_user("officer")


def create_via_web(client, data=None) -> int:
    r = client.post("/consultations/new", data=data or FORM)
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def test_r_consult_whole_flow_through_the_web_ui(client, app, login, officer, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    assert client.get("/consultations/new").status_code == 200
    cid = create_via_web(client)
    c = fresh(cid)
    assert c.state == "draft" and c.department_id == officer.department_id
    # Warsaw local times (CET in March) stored in UTC
    assert c.starts_at == utc("2027-03-01T08:00") and c.ends_at == utc("2027-03-15T15:00")
    assert c.fields == ["culture", "health"]

    # edit the draft: the form shows Warsaw local times back
    page = client.get(f"/consultations/{cid}/edit").get_data(as_text=True)
    assert 'value="2027-03-01T09:00"' in page and 'value="2027-03-15T16:00"' in page
    r = client.post(f"/consultations/{cid}/edit", data={**FORM, "title": "Program współpracy 2028 (projekt)",
                                                         "ends_at": "2027-04-02T12:00",
                                                         "version": version_of(page)})
    assert r.status_code == 302
    c = fresh(cid)
    assert c.title == "Program współpracy 2028 (projekt)"
    assert c.ends_at == utc("2027-04-02T10:00")  # CEST from 28 March

    # open it: the page offers the button
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    assert f'action="/consultations/{cid}/transitions/open"' in page
    r = client.post(f"/consultations/{cid}/transitions/open", data={"version": version_of(page)})
    assert r.status_code == 303
    c = fresh(cid)
    assert c.state == "open" and c.next_check_at == c.ends_at
    # opened early: the published start moves to the moment of opening (the clock keeps running)
    assert abs((c.starts_at - utc("2027-02-20T09:00")).total_seconds()) < 60

    # the public sees it now
    anon = app.test_client()
    assert anon.get(f"/consultations/{cid}").status_code == 200

    # nothing due yet; then the clock passes the end and the scheduler closes it
    assert scheduler.run_due() == 0
    clock_at("2027-04-02T12:01")
    assert scheduler.run_due() == 1
    assert fresh(cid).state == "closed"
    assert scheduler.run_due() == 0  # idempotent

    # the officer publishes the report
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    assert 'name="report"' in page
    r = client.post(f"/consultations/{cid}/transitions/publish_report",
                    data={"version": version_of(page), "report": "Uwaga 1: przyjęta. Propozycja 2: odrzucona."})
    assert r.status_code == 303
    c = fresh(cid)
    assert c.state == "reported" and c.reported_at is not None
    assert c.report.startswith("Uwaga 1")

    # the page: diagram with the current state highlighted, the report, the history for officers
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    assert "stateDiagram-v2" in page and "class reported current" in page
    assert "Uwaga 1: przyjęta" in page
    assert "Historia zmian" in page
    # each change by its label (issue 14), in order, never the action's code
    heads = re.findall(r'<p class="history-head">.*?<strong>(.*?)</strong>', page, re.S)
    assert heads == ["utworzenie", "zmiana danych", "czynność „Otwórz konsultację”",
                     "czynność „Zamknij (koniec okresu)”", "czynność „Opublikuj raport”"], heads
    assert "publish_report</" not in page and "<strong>create</strong>" not in page
    # values as people read them: the fields' names, Warsaw time
    assert "ochrona i promocja zdrowia" in page and "culture" not in page.split("Historia zmian", 1)[1]
    assert "koniec: było 15.03.2027, 16:00, jest 02.04.2027, 12:00" in page
    public = anon.get(f"/consultations/{cid}").get_data(as_text=True)
    assert "Uwaga 1: przyjęta" in public and "class reported current" in public
    assert "Historia zmian" not in public


def test_page_shows_transitions_as_buttons_with_reasons(client, login, officer, make_user, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    r = client.post("/consultations/new", data={**FORM, "starts_at": "", "ends_at": ""})
    assert r.status_code == 422  # the web form asks for the period
    cid = create_via_web(client)
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    assert "class draft current" in page
    assert re.search(r'<button type="submit" class="button">Otwórz konsultację</button>', page)
    # the period ended before opening: the button is disabled with the reason and the rule id
    clock_at("2027-03-20T10:00")
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    button = re.search(r'<button type="submit" class="button" disabled aria-describedby="why-open">', page)
    assert button
    reason = re.search(r'<span class="reason" id="why-open">(.*?)</span>', page, re.S).group(1)
    assert "R-CONSULT" in reason and "minął" in reason
    before = count_rows()
    r = client.post(f"/consultations/{cid}/transitions/open", data={"version": version_of(page)})
    assert r.status_code == 303
    assert fresh(cid).state == "draft" and count_rows() == before


@pytest.mark.parametrize("change,field,message", [
    ({"ends_at": "2027-02-28T09:00"}, "ends_at", "Koniec musi następować po początku."),
    ({"title": ""}, "title", "Podaj tytuł."),
    ({"fields": ["culture", "no_such_field"]}, "fields", None),
    ({"starts_at": "1-01-01T00:00"}, "starts_at", None),
    ({"starts_at": "not a date"}, "starts_at", None),
    ({"title": "Tytuł\x00z NUL"}, "title", None),
])
def test_bad_form_input_is_a_422_page_and_stores_nothing(client, login, officer, clock_at, change, field, message):
    clock_at("2027-02-20T10:00")
    login(officer)
    before = count_rows()
    r = client.post("/consultations/new", data={**FORM, **change})
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert 'class="error-summary"' in page
    assert f'href="#{field}"' in page  # the summary links to the field
    if message:
        assert message in page
    assert count_rows() == before


def test_bad_edit_changes_nothing(client, login, officer, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    cid = create_via_web(client)
    before, rows = fresh(cid), count_rows()
    r = client.post(f"/consultations/{cid}/edit", data={**FORM, "ends_at": "2027-02-01T09:00", "version": "1"})
    assert r.status_code == 422 and "Koniec musi następować po początku." in r.get_data(as_text=True)
    r = client.post(f"/consultations/{cid}/edit", data={**FORM, "title": "Nowy", "version": "junk"})
    assert r.status_code in (303, 302, 409, 422)
    r = client.post(f"/consultations/{cid}/edit", data={**FORM, "title": "Nowy", "version": "7"})  # stale
    assert r.status_code in (302, 303)
    after = fresh(cid)
    assert (after.title, after.ends_at, after.version) == (before.title, before.ends_at, before.version)
    assert count_rows() == rows


def test_officer_of_another_department(client, app, login, officer, make_user, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    draft = create_via_web(client)
    opened = create_via_web(client)
    page = client.get(f"/consultations/{opened}").get_data(as_text=True)
    client.post(f"/consultations/{opened}/transitions/open", data={"version": version_of(page)})
    assert fresh(opened).state == "open"
    own = client.get(f"/consultations/{opened}").get_data(as_text=True)  # their own department's officer may
    assert f'action="/consultations/{opened}/transitions/close_early"' in own
    stranger = app.test_client()
    login(make_user("officer", department_code="WSS"), stranger)
    rows = count_rows()
    # another department's draft is not visible to them at all
    assert stranger.get(f"/consultations/{draft}").status_code == 404
    assert stranger.get(f"/consultations/{draft}/edit").status_code == 404
    assert stranger.post(f"/consultations/{draft}/transitions/open", data={"version": "1"}).status_code == 404
    assert stranger.post(f"/consultations/{draft}/edit", data={**FORM, "version": "1"}).status_code == 404
    # an open one they see, but may not close: not their action, so the page does not offer it (issue 14)
    page = stranger.get(f"/consultations/{opened}").get_data(as_text=True)
    assert f'action="/consultations/{opened}/transitions/close_early"' not in page
    assert "why-close_early" not in page and 'name="reason"' not in page
    assert "Edytuj szkic" not in page
    assert stranger.get(f"/consultations/{opened}/edit").status_code == 403
    # posting it anyway changes nothing, and the page says why
    r = stranger.post(f"/consultations/{opened}/transitions/close_early", data={"version": "2", "reason": "bo tak"})
    assert r.status_code == 303
    assert fresh(opened).state == "open" and count_rows() == rows
    flash = re.search(r'<p class="flash flash-error">(.*?)</p>', stranger.get(f"/consultations/{opened}")
                      .get_data(as_text=True), re.S)
    assert flash and "Nie możesz wykonać tej czynności na tym obiekcie." in flash.group(1)
    # and the draft stays out of their list
    listing = stranger.get("/consultations/").get_data(as_text=True)
    assert f"/consultations/{draft}\"" not in listing and f"/consultations/{opened}\"" in listing


def test_public_cannot_see_drafts(client, app, login, officer, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    draft = create_via_web(client, {**FORM, "title": "Tajny szkic"})
    anon = app.test_client()
    assert anon.get(f"/consultations/{draft}").status_code == 404
    assert "Tajny szkic" not in anon.get("/consultations/").get_data(as_text=True)
    assert anon.get("/api/v1/consultations").get_json()["total"] == 0
    # and the anonymous cannot reach the forms
    assert anon.get("/consultations/new").status_code == 302
    assert anon.post(f"/consultations/{draft}/transitions/open", data={"version": "1"}).status_code == 302
    assert fresh(draft).state == "draft"


def test_applicant_cannot_create_through_the_web(client, login, make_user):
    login(make_user("applicant"))
    rows = count_rows()
    assert client.get("/consultations/new").status_code == 403
    assert client.post("/consultations/new", data=FORM).status_code == 403
    assert count_rows() == rows


# ------------------------------------------------------------------ R-CONSULT

def test_r_consult_period_published(client, app, login, officer, clock_at):
    """A consultation cannot open without a published period, and the public page shows it."""
    from grants.consultations import operations as ops
    clock_at("2027-02-20T10:00")
    login(officer)
    s = db.session()
    c = ops.create(s, officer, title="Bez okresu")
    s.commit()
    cid = c.id
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    reason = re.search(r'<span class="reason" id="why-open">(.*?)</span>', page, re.S).group(1)
    assert "R-CONSULT" in reason and "okres" in reason
    client.post(f"/consultations/{cid}/transitions/open", data={"version": "1"})
    assert fresh(cid).state == "draft"
    opened = create_via_web(client)
    page = client.get(f"/consultations/{opened}").get_data(as_text=True)
    client.post(f"/consultations/{opened}/transitions/open", data={"version": version_of(page)})
    public = app.test_client().get(f"/consultations/{opened}").get_data(as_text=True)
    period = re.search(r'<dt>Okres</dt><dd>(.*?)</dd>', public, re.S).group(1)
    assert "20.02.2027, 10:00" in period and "15.03.2027, 16:00" in period  # Warsaw time shown, Polish format


def test_r_consult_report_answering_required(client, login, officer, clock_at):
    clock_at("2027-02-20T10:00")
    login(officer)
    cid = create_via_web(client)
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    client.post(f"/consultations/{cid}/transitions/open", data={"version": version_of(page)})
    clock_at("2027-03-16T10:00")
    assert scheduler.run_due() == 1
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    rows = count_rows()
    r = client.post(f"/consultations/{cid}/transitions/publish_report", data={"version": version_of(page),
                                                                               "report": "   "})
    assert r.status_code == 303
    assert fresh(cid).state == "closed" and count_rows() == rows
    flash = re.search(r'<p class="flash flash-error">(.*?)</p>', client.get(f"/consultations/{cid}")
                      .get_data(as_text=True), re.S)
    assert flash and "Raport z konsultacji jest wymagany" in flash.group(1)  # the flash says why
    # the report's field is offered with the rule's message as its hint and, for the officer, the rule
    # in the "podstawa" note; the button stays usable
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    hint = re.search(r'<p class="hint" id="why-publish_report">(.*?)</p>', page, re.S).group(1)
    assert hint.startswith("Raport z konsultacji jest wymagany")
    assert '<span class="basis">podstawa: R-CONSULT' in hint
    assert 'disabled aria-describedby="why-publish_report"' not in page


@pytest.mark.parametrize("stakeholder", ["business", "resident", "school", "city_unit", None])
def test_r_consult_open_to_every_stakeholder_type_reading_publicly(app, client, login, officer, make_user,
                                                                   make_org, clock_at, stakeholder):
    """An open consultation and its report are readable by every stakeholder type (S1): participants
    of each type, an NGO's applicant, and the anonymous public; none of them sees drafts."""
    clock_at("2027-02-20T10:00")
    login(officer)
    draft = create_via_web(client, {**FORM, "title": "Szkic wewnętrzny"})
    cid = create_via_web(client, {**FORM, "title": "Konsultacja dla wszystkich"})
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    client.post(f"/consultations/{cid}/transitions/open", data={"version": version_of(page)})
    reader = app.test_client()
    if stakeholder is not None:
        login(make_user("participant", stakeholder_type=stakeholder), reader)
    else:
        login(make_user("applicant", org=make_org()), reader)
    for c in (reader, app.test_client()):
        listing = c.get("/consultations/").get_data(as_text=True)
        assert "Konsultacja dla wszystkich" in listing and "Szkic wewnętrzny" not in listing
        assert c.get(f"/consultations/{cid}").status_code == 200
        assert c.get(f"/consultations/{draft}").status_code == 404
        api = c.get("/api/v1/consultations").get_json()
        assert [i["title"] for i in api["items"]] == ["Konsultacja dla wszystkich"]


def test_r_consult_whole_flow_through_the_api(client, app, officer, api_token, clock_at):
    clock_at("2027-02-20T10:00")
    h = api_token(officer)
    r = client.post("/api/v1/consultations", headers=h, json={
        "title": "Program współpracy 2028", "fields": ["culture"],
        "starts_at": "2027-03-01T09:00:00+01:00", "ends_at": "2027-03-15T16:00:00+01:00"})
    assert r.status_code == 201, r.get_json()
    cid = r.get_json()["id"]
    assert r.get_json()["ends_at"] == "2027-03-15T15:00:00Z"
    r = client.patch(f"/api/v1/consultations/{cid}", headers={**h, "If-Match": r.headers["ETag"]},
                     json={"ends_at": "2027-04-02T12:00:00+02:00"})
    assert r.status_code == 200 and r.get_json()["version"] == 2
    r = client.post(f"/api/v1/consultations/{cid}/transitions/open", headers={**h, "If-Match": '"2"'})
    assert r.status_code == 200 and r.get_json()["state"] == "open"
    assert r.get_json()["next_check_at"] == "2027-04-02T10:00:00Z"
    anon = app.test_client()
    public = anon.get(f"/api/v1/consultations/{cid}").get_json()
    assert public["state"] == "open"
    assert {t["name"]: t["allowed"] for t in public["transitions"]} == {"close": False, "close_early": False}

    clock_at("2027-04-02T12:00:01")
    assert scheduler.run_due() == 1
    body = client.get(f"/api/v1/consultations/{cid}", headers=h).get_json()
    assert body["state"] == "closed"
    publish = next(t for t in body["transitions"] if t["name"] == "publish_report")
    assert publish["allowed"] is False and "R-CONSULT" in publish["reason"]  # the report is missing
    r = client.post(f"/api/v1/consultations/{cid}/transitions/publish_report", headers=h,
                    json={"report": "Uwaga 1: przyjęta."})
    assert r.status_code == 200 and r.get_json()["state"] == "reported"
    public = anon.get(f"/api/v1/consultations/{cid}").get_json()
    assert public["report"] == "Uwaga 1: przyjęta." and public["reported_at"]
    actions = [e.action for e in _history(int(cid))]
    assert actions == ["create", "update", "open", "close", "publish_report"]


def _history(cid: int):
    from grants.core import audit
    with Session(db.get_engine()) as s:
        return audit.history(s, "consultation", cid)


def test_web_transition_without_csrf_token_is_refused(csrf_app, login, officer, clock_at):
    clock_at("2027-02-20T10:00")
    from grants.consultations import operations as ops
    s = db.session()
    cid = ops.create(s, officer, title="CSRF", starts_at=utc("2027-03-01T08:00"), ends_at=utc("2027-03-15T15:00")).id
    s.commit()
    client = csrf_app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    from tests.factories import PASSWORD
    assert client.post("/login", data={"email": officer.email, "password": PASSWORD,
                                       "csrf_token": token}).status_code == 302
    rows = count_rows()
    r = client.post(f"/consultations/{cid}/transitions/open", data={"version": "1"})
    assert r.status_code in (302, 303, 400)
    assert fresh(cid).state == "draft" and count_rows() == rows
    page = client.get(f"/consultations/{cid}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post(f"/consultations/{cid}/transitions/open", data={"version": "1", "csrf_token": token})
    assert r.status_code == 303 and fresh(cid).state == "open"
