"""Schemathesis over the whole generated document (issue 15): every operation with an officer's, an
applicant's and no token, a few examples each (bounded so the suite stays fast), checking that no
input is a 500 and that every answer matches the documented status codes and response schemas.

Objects exist for the fuzzer to reach past some 404s: a published contest and an organisation (ids 1
where the identities restart)."""
from __future__ import annotations

import copy

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

EXAMPLES = 1
CONFIG = {
    "generation": {"max-examples": EXAMPLES, "deterministic": True, "no-shrink": True, "mode": "all"},
    "phases": {"stateful": {"enabled": False}},
    # the documented statuses are those a rule may answer: a guard refusing valid-looking data is a 422
    "checks": {"positive_data_acceptance": {"enabled": False},
               "negative_data_rejection": {"expected-statuses": ["400", "401", "403", "404", "405", "409", "413",
                                                                 "422", "429"]}},
}
SETTINGS = settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))


def _document() -> dict:
    from grants.api import collections
    from grants.api.openapi import document
    collections.load_all()
    return document()


def _with_known_ids(doc: dict) -> dict:
    """Path ids drawn from the objects the fixture builds (and one missing), so requests reach the
    handlers; responses are still checked against the served document's schemas."""
    doc = copy.deepcopy(doc)
    for item in doc["paths"].values():
        for op in item.values():
            for p in op.get("parameters", []):
                if p["in"] == "path" and p["name"] != "name":
                    p["schema"] = {"type": "string", "enum": ["1", "2", "999999"]}
                elif p["in"] == "path":
                    p["schema"] = {"type": "string", "enum": ["publish", "submit", "close", "sign", "teleport"]}
    return doc


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(_with_known_ids(DOCUMENT), config=schemathesis.Config.from_dict(CONFIG))


@pytest.fixture
def callers(session, make_user, make_org, api_token):
    """A published contest (id 1) of the officer's department, an organisation (id 1) with its
    applicant; the three callers' headers."""
    from tests.factories import make_contest
    officer = make_user("officer")
    applicant = make_user("applicant", org=make_org())
    make_contest(session, officer)
    return {"officer": api_token(officer), "applicant": api_token(applicant), "anonymous": {}}


@schema.parametrize()
@SETTINGS
def test_fuzz_whole_document(case, app, callers):
    """Each generated request is sent as the officer, the applicant and without a token."""
    case.operation.schema.app = app
    for who, headers in callers.items():
        response = case.call_and_validate(app=app, headers=headers)
        assert response.status_code < 500, (who, case.method, case.formatted_path, response.text[:500])
