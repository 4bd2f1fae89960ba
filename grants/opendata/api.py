"""The open data under /api/v1/open-data/ (issue 18): the same downloads as /open-data/, declared
as API operations (public, no token), answered by the same views."""
from __future__ import annotations

from grants.api.declare import api_route, query_param

from . import views

YEAR = query_param("year", "Only this year (of the award, or the contest's announcement)",
                   {"type": "integer", "minimum": 2000, "maximum": 2100})
GRANTOR = query_param("grantor", "Only this authority's (its code, e.g. KRK)", {"type": "string", "maxLength": 20})
SINCE = query_param("since", "Changes after this date or instant (ISO 8601); the `links.next` of a page")
PACKAGE = {"type": "object", "description": "A 360Giving or OCDS package (see the standard's schema)"}
PUBLIC = "anyone (published facts only: never drafts, offers' content or personal data)"


def _op(rule, summary, view, name, query=(YEAR, GRANTOR), errors=None):
    def answer(**kwargs):
        return view(**kwargs)
    answer.__name__ = name
    api_route(rule, "GET", summary=summary, who=PUBLIC, public=True, reads_token=False, response=PACKAGE,
              tag="open-data", query=query, errors=errors or {})(answer)


_op("/open-data/grants", "Awarded grants as a 360Giving package", views.grants_json, "open_data_grants",
    errors={404: "No awarded grant to publish for the period, or no authority of that code"})
_op("/open-data/releases", "Contests as OCDS releases (a release package)", views.releases_json, "open_data_releases",
    errors={404: "No authority of that code"})
_op("/open-data/records", "Contests as OCDS records (a record package)", views.records_json, "open_data_records",
    errors={404: "No authority of that code"})
_op("/open-data/records/<ocid>", "One contest's OCDS record", views.record_json, "open_data_record", query=(),
    errors={404: "No such contracting process"})
_op("/open-data/changes", "Releases changed since a date or cursor (a release package with links.next)",
    views.changes_json, "open_data_changes", query=(SINCE,), errors={400: "`since` is not an ISO 8601 date"})
