"""The public portals of many authorities (issue 22): /kraj/ lists every authority's open calls,
filterable; /<code>/ is one authority's portal (its name, coat of arms and colour, its contests and
results, its calendar and iCal feed). Queries in grants/contests/portal.py."""
from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.routing import BaseConverter

from grants.contests import portal
from grants.contests.models import CONTEST_STATES, Contest
from grants.core import db
from grants.programmes import calendar as cal
from grants.registry import authorities
from grants.registry.dictionaries import FIELDS

from . import public_cache
from .areas import listing

bp = Blueprint("portal", __name__)


class GrantorCode(BaseConverter):
    """An authority's code as the first segment of a path: capitals and digits (KRK, WIE), so that
    /logout, /contests or a mistyped lowercase page is never taken for a portal."""
    regex = r"[A-Z][A-Z0-9-]{1,19}"


bp.record_once(lambda state: state.app.url_map.converters.setdefault("grantor_code", GrantorCode))
CODE = "<grantor_code:code>"


def _authority(code: str):
    g = authorities.by_code(db.session(), code)
    if g is None or g.code != code.upper():
        abort(404)
    return g


@bp.route("/kraj/")
@public_cache.cached(public_cache.national)
def national():
    s = db.session()
    args = request.args
    g = authorities.by_code(s, args.get("grantor", "")) if args.get("grantor") else None
    voiv = args.get("voivodeship") if args.get("voivodeship") in authorities.VOIVODESHIPS else ""
    powiat = args.get("district", "") if args.get("district", "").isdigit() and len(args.get("district", "")) == 4 else ""
    field = args.get("field") if args.get("field") in FIELDS else None
    # an unknown authority's code lists nothing; otherwise a page of the open calls (thousands nationally)
    page = None if args.get("grantor") and g is None else listing(
        portal.open_calls(grantor_id=g.id if g else None, teryt_prefix=powiat or voiv, field=field), Contest,
        *portal.OPEN_ORDER, rows=True)
    return render_template("portal/national.html", page=page, rows=page.rows if page else [],
                           grantors=authorities.all_grantors(s), fields=FIELDS,
                           voivodeships=authorities.VOIVODESHIPS, args=args, voivodeship_of=authorities.voivodeship_of)


def for_host():
    """The authority whose portal this request's host name serves (GRANTS_AUTHORITY_HOSTS or a
    grantor's `host`), else None: the deployment's own front page."""
    return authorities.by_host(db.session(), request.host, current_app.config.get("GRANTS_AUTHORITY_HOSTS"))


@bp.route(f"/{CODE}/")
@public_cache.cached(public_cache.authority)
def authority(code: str):
    return render_authority(_authority(code))


def render_authority(g):
    s = db.session()
    return render_template("portal/authority.html", g=g, voivodeship=authorities.voivodeship(g),
                           contests=portal.of_authority(s, g.id), results=portal.of_authority(s, g.id, portal.RESULTS),
                           states=CONTEST_STATES)


@bp.route(f"/{CODE}/calendar.ics")
@public_cache.cached(public_cache.authority_calendar)
def authority_ics(code: str):
    g = _authority(code)
    body = cal.feed(db.session(), url_for, request.host_url, grantor_id=g.id)
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f"inline; filename=kalendarz-{g.code.lower()}.ics"})


#: the authority's pages under its own path (/<code>/…): each is the deployment-wide page filtered
#: by ?grantor=<code>, its one address, so caches and links see one URL per page
_SUBPAGES = {"kalendarz": "programmes.calendar", "otwarte-dane": "opendata.index",
             "w-liczbach": "dashboards.public", "powiadomienia": "subscriptions.index"}


@bp.route(f"/{CODE}/<any({', '.join(repr(p) for p in _SUBPAGES)}):page>/")
def authority_page(code: str, page: str):
    g = _authority(code)
    return redirect(url_for(_SUBPAGES[page], **dict(request.args.to_dict(), grantor=g.code)), 308)
