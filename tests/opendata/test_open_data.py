"""Open data (issue 18): every file of the demo city validates against the standards' schemas offline,
the CSV round-trips through flattentool, a contest's record tells its story, the changes feed lists a
newly published result, and nothing unpublished or personal leaks (R-PUB-RESULTS)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from grants.core import db
from grants.opendata import flatten, jsonout, publications, settings, validation


def _published():
    """What the scheduler does every minute: the releases published since, registered for the feed."""
    publications.sync_all(db.session(), settings.load())


@pytest.fixture
def demo(app):
    from grants.demo import seed
    seed()
    _published()


def _get(client, url, **kw):
    r = client.get(url, **kw)
    assert r.status_code == 200, (url, r.status_code, r.get_data(as_text=True)[:500])
    return r


def test_r_pub_results_every_demo_file_validates_offline_and_nothing_personal_or_unpublished_leaks(demo, client):
    files = {
        "/open-data/360giving.json": "360-giving-package-schema.json",
        "/open-data/ocds/releases.json": "release-package-schema.json",
        "/open-data/changes.json": "release-package-schema.json",
    }
    texts = []
    for url, schema in files.items():
        body = _get(client, url).get_data(as_text=True)
        texts.append(body)
        doc = jsonout.loads(body)
        assert validation.errors(schema, doc) == [], url
    grants = jsonout.loads(texts[0])["grants"]
    assert any(g["fromOpenCall"] == "No" for g in grants) and any(g["fromOpenCall"] == "Yes" for g in grants)
    assert all(g["currency"] == "PLN" and g["id"].startswith("360G-krakow-") for g in grants)
    assert any(o["id"].startswith("PL-KRS-") for g in grants for o in g["recipientOrganization"])
    # the records: the package (its record schema resolved locally, see grants.opendata.validation),
    # and each record's releases and compiled release against the release schema
    records = jsonout.loads(_get(client, "/open-data/ocds/records.json").get_data(as_text=True))
    texts.append(jsonout.dumps(records))
    assert records["records"]
    assert validation.errors("record-package-schema.json", records) == []
    for rec in records["records"]:
        for r in rec["releases"] + [rec["compiledRelease"]]:
            assert validation.errors("release-schema.json", r) == [], r["id"]
    # the CSV through flattentool back to the same JSON (what the one-sheet form holds: rollUp columns)
    csv_body = _get(client, "/open-data/360giving.csv").data
    texts.append(csv_body.decode())
    back = flatten.unflatten_csv(csv_body)["grants"]
    assert back == [flatten.rollup_view(g) for g in grants]
    assert validation.errors("360-giving-package-schema.json", {"grants": back, "version": "1.4"}) == []
    # the ZIP of CSV sheets holds every list item (tranches, several locations...) and reads back whole
    full = _get(client, "/open-data/360giving.zip")
    assert full.mimetype == "application/zip"
    unzipped = flatten.unflatten_csv_zip(full.data)["grants"]
    assert sorted(unzipped, key=lambda g: g["id"]) == sorted(grants, key=lambda g: g["id"])  # flattentool reads sheet by sheet
    assert any(len(g.get("disbursementTransaction", [])) > 1 for g in grants)  # more than the main sheet holds
    xlsx = _get(client, "/open-data/360giving.xlsx").data
    assert xlsx[:2] == b"PK"
    texts.append(_get(client, "/open-data/changes.atom").get_data(as_text=True))
    texts.append(_get(client, "/open-data/").get_data(as_text=True))
    # the privacy scan: no e-mail, phone, PESEL-like number or draft title of the database anywhere
    from grants.accounts.models import User
    from grants.offers.models import Offer
    from grants.registry.models import Organisation
    from grants.small_grants.models import SmallGrant
    s = db.session()
    emails = {e for e in s.scalars(select(User.email)) if e} | {e for e in s.scalars(select(Organisation.email)) if e}
    phones = {p for p in s.scalars(select(Organisation.phone)) if p}
    published_titles = {g["title"] for g in grants}
    drafts = {t for t in s.scalars(select(Offer.title).where(Offer.state == "draft")) if t} - published_titles
    drafts |= {t for t in s.scalars(select(SmallGrant.title).where(SmallGrant.state == "submitted"))} - published_titles
    person_names = {u for u in s.scalars(select(User.name)) if u and " " in u} if hasattr(User, "name") else set()
    assert emails and phones and drafts
    whole = "\n".join(texts)
    export = whole[:whole.index("<!DOCTYPE")] if "<!DOCTYPE" in whole else whole  # the page has the layout's links
    for needle in emails | phones | drafts | person_names:
        assert needle not in export, needle
    assert not re.search(r"@[a-z0-9-]+\.[a-z]{2,}", export)
    assert not re.search(r"(?<!\d)\d{11}(?!\d)", export)  # PESEL-like


def test_r_pub_results_a_contests_record_tells_its_story_from_planning_to_the_last_payment(demo, client):
    from grants.settlements.models import Settlement
    s = db.session()
    closed = s.scalars(select(Settlement).where(Settlement.state == "closed")).first()
    assert closed is not None
    cid = closed.agreement.contest_id
    doc = jsonout.loads(_get(client, f"/open-data/ocds/ocds-krakow-contest-{cid}.json").get_data(as_text=True))
    rec = doc["records"][0]
    tags = [r["tag"][0] for r in rec["releases"]]
    assert tags[0] == "tender" and "award" in tags and "contract" in tags and "implementation" in tags
    assert tags[-1] in ("implementation", "contractTermination")
    dates = [r["date"] for r in rec["releases"]]
    assert all(re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0[12]:00$", d) for d in dates)  # Warsaw offsets
    c = rec["compiledRelease"]
    assert c["tender"]["status"] == "complete" and c["tender"]["value"]["currency"] == "PLN"
    statuses = {a["status"] for a in c["awards"]}
    assert "active" in statuses
    contract = next(x for x in c["contracts"] if x["id"] == f"agreement-{closed.agreement_id}")
    assert contract["status"] == "terminated"
    paid = [t for t in contract["implementation"]["transactions"] if t["id"].startswith("tranche-")]
    assert paid and sum(t["value"]["amount"] for t in paid) > 0
    assert validation.errors("release-schema.json", c) == []
    assert client.get("/open-data/ocds/ocds-krakow-contest-999999.json").status_code == 404
    assert client.get("/open-data/ocds/nonsense.json").status_code == 404


def test_r_pub_results_the_changes_feed_lists_a_newly_published_result(app, client, session, clock_at):
    from grants.contests.models import Contest
    from grants.demo import seed
    seed()
    _published()
    s = db.session()
    now = s.scalar(select(func.max(Contest.results_published_at)))
    # a harvester reads everything, then follows the cursor: nothing new yet
    everything = jsonout.loads(_get(client, "/open-data/changes.json").data)
    assert [r for r in everything["releases"] if r["tag"] == ["award"]]
    cursor = everything["links"]["next"].split("since=", 1)[1]
    before = jsonout.loads(_get(client, f"/open-data/changes.json?since={cursor}").data)
    assert before["releases"] == []
    # a contest's results are published after the cursor
    target = s.scalars(select(Contest).where(Contest.state == "evaluation")).first()
    assert target is not None
    target.results_published_at = now + timedelta(days=1)
    target.state = "decided"
    s.commit()
    _published()
    after = jsonout.loads(_get(client, f"/open-data/changes.json?since={cursor}").data)
    awards = [r for r in after["releases"] if r["tag"] == ["award"]]
    assert [r["ocid"] for r in awards] == [f"ocds-krakow-contest-{target.id}"]
    assert validation.errors("release-package-schema.json", after) == []
    assert "since=" in after["links"]["next"]
    atom = _get(client, f"/open-data/changes.atom?since={cursor}").get_data(as_text=True)
    assert f"ocds-krakow-contest-{target.id}" in atom and "Wyniki konkursu" in atom


def test_r_pub_results_the_changes_feed_lists_a_payment_recorded_late_with_an_earlier_date(app, client, session,
                                                                                         clock_at):
    """A transfer booked days after it was made: its release is dated in the past, but a harvester who
    read the feed before the booking still receives it from its cursor."""
    from grants.accounts.models import User, UserRole
    from grants.agreements import operations as agreements
    from grants.agreements.models import Agreement, Tranche
    from grants.core import clock
    from grants.demo import seed
    seed()
    _published()
    s = db.session()
    first = jsonout.loads(_get(client, "/open-data/changes.json").data)
    assert first["releases"] and validation.errors("release-package-schema.json", first) == []
    next_url = first["links"]["next"]
    # the cursor itself answers nothing more: everything so far was read
    assert jsonout.loads(_get(client, next_url).data)["releases"] == []
    tranche = s.scalars(select(Tranche).join(Agreement).where(
        Tranche.state == "due", Agreement.state.in_(("signed", "in_progress"))).order_by(Tranche.id)).first()
    assert tranche is not None
    finance = s.scalars(select(User).join(UserRole).where(UserRole.role == "finance")).first()
    clock_at(clock.now() + timedelta(days=10))  # ten days after the signing, finance books a transfer of day 3
    week_ago = clock.today() - timedelta(days=7)
    agreements.transition(s, tranche, "pay", finance, {"paid_on": week_ago.isoformat(), "transfer_ref": "P/late"})
    s.commit()
    _published()
    key = f"contract-{tranche.agreement_id}-tranche-{tranche.number}"
    after = jsonout.loads(_get(client, next_url).data)
    late = [r for r in after["releases"] if r["id"].endswith(key)]
    assert len(late) == 1 and late[0]["date"].startswith(week_ago.isoformat())
    assert validation.errors("release-package-schema.json", after) == []
    # read once, it is not listed again from the new cursor
    assert not [r for r in jsonout.loads(_get(client, after["links"]["next"]).data)["releases"]
                if r["id"].endswith(key)]


def test_open_data_downloads_answer_304_when_unchanged_and_reject_bad_input_in_polish(app, client, session):
    from grants.demo import seed
    seed()
    r = _get(client, "/open-data/360giving.json")
    etag, last = r.headers["ETag"], r.headers["Last-Modified"]
    assert client.get("/open-data/360giving.json", headers={"If-None-Match": etag}).status_code == 304
    assert client.get("/open-data/360giving.json", headers={"If-Modified-Since": last}).status_code == 304
    assert _get(client, "/api/v1/open-data/grants").headers["ETag"] == etag
    bad = client.get("/open-data/changes.json?since=wczoraj")
    assert bad.status_code == 400 and "ISO 8601" in bad.get_json()["detail"]
    bad = client.get("/open-data/360giving.json?year=20x5")
    assert bad.status_code == 400 and "Rok" in bad.get_json()["detail"]
    bad = client.get("/api/v1/open-data/grants?year=20x5")  # the API's uniform answer: 422 naming the parameter
    assert bad.status_code == 422 and bad.get_json()["errors"][0]["field"] == "year"
    assert client.get("/open-data/360giving.json?year=2001").status_code == 404
    page = _get(client, "/open-data/").get_data(as_text=True)
    assert "creativecommons.org/licenses/by/4.0" in page and "360giving.csv" in page
    assert "mogą być do 10 minut starsze od danych" in page  # the kept downloads' lag, said where they are
