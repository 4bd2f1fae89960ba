"""How the open data writes amounts, dates and identifiers (no database)."""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.opendata import jsonout, settings
from grants.opendata.feed import BadCursor, parse_since
from grants.opendata.parties import organisation_id
from grants.opendata.values import day_start, iso_datetime
from grants.registry.models import Organisation


@given(st.integers(min_value=0, max_value=10**15))
def test_amounts_are_written_as_the_same_decimal_numbers(grosze):
    value = (Decimal(grosze) / 100).quantize(Decimal("0.01"))
    back = jsonout.loads(jsonout.dumps({"amount": value, "none": None}))
    assert back == {"amount": value} and back["amount"] == value


def test_amounts_beyond_double_precision_are_still_exact():
    value = Decimal("123456789012345678.91")
    assert jsonout.dumps({"a": value}) == '{"a":123456789012345678.91}'


def test_dates_are_iso_in_warsaw_time():
    assert iso_datetime(datetime(2025, 1, 15, 9, 0, tzinfo=timezone.utc)) == "2025-01-15T10:00:00+01:00"
    assert iso_datetime(datetime(2025, 7, 15, 9, 0, tzinfo=timezone.utc)) == "2025-07-15T11:00:00+02:00"
    assert iso_datetime(day_start(date(2025, 7, 1))) == "2025-07-01T00:00:00+02:00"


def test_since_accepts_dates_and_date_times_and_refuses_the_rest():
    assert iso_datetime(parse_since("2025-03-01")) == "2025-03-01T00:00:00+01:00"
    assert iso_datetime(parse_since("2025-03-01T10:00:00")) == "2025-03-01T10:00:00+01:00"
    assert iso_datetime(parse_since("2025-03-01T10:00:00 01:00")) == "2025-03-01T10:00:00+01:00"
    assert parse_since("") is None
    with pytest.raises(BadCursor):
        parse_since("wczoraj")


def test_prefixes_and_org_ids_follow_the_settings(monkeypatch):
    monkeypatch.setenv("GRANTS_360_PREFIX", "360G-test-")
    monkeypatch.setenv("GRANTS_OCDS_PREFIX", "ocds-abc123")
    cfg = settings.load()
    assert (cfg.prefix_360, cfg.ocds_prefix) == ("360G-test", "ocds-abc123")
    assert organisation_id(Organisation(id=7, krs="12345"), cfg.prefix_360) == "PL-KRS-0000012345"
    assert organisation_id(Organisation(id=7, krs=None), cfg.prefix_360) == "360G-test-org-7"


def test_the_record_package_is_checked_whole_offline():
    """The record schema the package refers to is resolved locally: a record without its ocid, or with a
    compiled release that breaks the release schema, is reported; a linked release needs its url."""
    from grants.opendata import validation
    release = {"ocid": "ocds-x-1", "id": "ocds-x-1-tender", "date": "2025-03-01T10:00:00+01:00", "tag": ["tender"],
               "initiationType": "tender"}
    package = {"uri": "https://example.org/r.json", "version": "1.1", "publishedDate": "2025-03-01T10:00:00+01:00",
               "publisher": {"name": "Gmina"}, "records": [{"ocid": "ocds-x-1", "releases": [release],
                                                            "compiledRelease": dict(release, tag=["compiled"])}]}
    assert validation.errors("record-package-schema.json", package) == []
    broken = {**package, "records": [{"releases": [release]}]}
    assert any("ocid" in e for e in validation.errors("record-package-schema.json", broken))
    broken = {**package, "records": [{"ocid": "ocds-x-1", "releases": [release],
                                      "compiledRelease": dict(release, tag="compiled")}]}
    assert validation.errors("record-package-schema.json", broken)
    linked = {**package, "records": [{"ocid": "ocds-x-1", "releases": [{"date": "2025-03-01T10:00:00+01:00"}]}]}
    assert validation.errors("record-package-schema.json", linked)
