"""Public open-data pages and downloads (no login: only published facts, R-PUB-RESULTS).

/open-data/                      explanations, licence, downloads per year and for all years
/open-data/360giving.json|.csv|.xlsx[?year=]   awarded grants (360Giving)
/open-data/ocds/releases.json[?year=]          OCDS release package
/open-data/ocds/records.json[?year=]           OCDS records (releases + compiled release per contest)
/open-data/ocds/<ocid>.json                    one contest's record
/open-data/changes.json|.atom[?since=]         releases since a date or date-time (changes feed)
Each page and download takes ?grantor=<code>: one authority's only (issue 22; its portal links here);
an unknown code is a 404.
and the same under /api/v1/open-data/ for API clients (problem+json errors).
Every download has an ETag and Last-Modified and answers 304 to a matching conditional request.
"""
from __future__ import annotations

import hashlib
from itertools import chain
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.wsgi import wrap_file

from grants.contests.models import Contest
from grants.core import db
from grants.core.i18n import _
from grants.core.spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE
from grants.registry import authorities
from grants.web import public_cache

from . import downloads, feed, flatten, jsonout, ocds, settings, sources, threesixty

bp = Blueprint("opendata", __name__, template_folder="templates")
JSON = "application/json; charset=utf-8"


def _problem(status: int, detail: str):
    body = {"type": "about:blank", "title": _("Nieprawidłowe zapytanie") if status == 400 else _("Nie znaleziono"),
            "status": status, "detail": detail}
    return Response(jsonout.dumps({k: str(v) if not isinstance(v, int) else v for k, v in body.items()}),
                    status=status, mimetype="application/problem+json")


def _api() -> bool:
    return request.path.startswith("/api/")


def _fail(status: int, detail: str):
    if _api() or request.path.endswith((".json", ".atom")):
        return _problem(status, detail)
    abort(status, detail)


def _year():
    raw = (request.args.get("year") or "").strip()
    if not raw:
        return None, None
    if not raw.isdigit() or not 2000 <= int(raw) <= 2100:
        return None, _fail(400, str(_("Rok musi być liczbą od 2000 do 2100, a nie „%(y)s”.", y=raw[:20])))
    return int(raw), None


def _authority():
    """(grantor or None, early response or None) of ?grantor=<code>."""
    code = (request.args.get("grantor") or "").strip()
    if not code:
        return None, None
    g = authorities.by_code(db.session(), code)
    if g is None:
        return None, _fail(404, str(_("Nie ma organu dotującego o kodzie „%(c)s”.", c=code[:20])))
    return g, None


def _publisher(s, cfg, g=None) -> str:
    """One authority's downloads are published by it; the whole deployment's by the configured
    publisher, else its authorities (not just the first of several, issue 22)."""
    if g is not None:
        return g.name
    if cfg.publisher:
        return cfg.publisher
    names = sources.grantor_names(s)
    return ", ".join(names[:3]) + (" …" if len(names) > 3 else "") if names else "Gmina"


def _download():
    """(year, grantor, response or None) of a download's ?year= and ?grantor=: the response answers
    at once (a 400 for a bad year, a 404 for an unknown authority)."""
    year, bad = _year()
    if bad:
        return None, None, bad
    g, bad = _authority()
    if bad:
        return None, None, bad
    return year, g, None


def _kept(name: str, mimetype: str, produce, attachment: str | None) -> Response | None:
    """The download `name` (which says its kind, year, authority and address) served from the file
    kept of it (grants.opendata.downloads), made by `produce(file)` when the data changed; a 304
    when the client already has that file; None when there is nothing to publish."""
    cfg = settings.load()

    def version() -> str:
        return hashlib.sha256(f"{name}|{cfg}|{sources.fingerprint(db.session())}".encode()).hexdigest()[:32]

    found = downloads.kept(Path(current_app.instance_path) / "opendata", name, version, produce)
    if found.size == 0:
        found.file.close()
        return None
    if public_cache.not_modified(found.version, found.modified):
        found.file.close()
        r = Response(status=304)
    else:
        r = Response(wrap_file(request.environ, found.file), mimetype=mimetype, direct_passthrough=True)
        r.content_length = found.size
    return _finish(r, found.version, found.modified, attachment)


def _written(f, chunks) -> bool:
    """Writes a JSON download's pieces to `f`; False when it holds no item (grants.opendata.jsonout.package)."""
    wrote = False
    for chunk in chunks:
        f.write(chunk.encode())
        wrote = True
    return wrote


def _finish(r: Response, etag: str, last, filename: str | None = None) -> Response:
    r.set_etag(etag)
    if last:
        r.last_modified = last
    r.headers["Cache-Control"] = "public, max-age=300"
    r.headers["Access-Control-Allow-Origin"] = "*"
    if filename:
        r.headers["Content-Disposition"] = f"attachment; filename={filename}"
    return r


def _suffix(year, g=None) -> str:
    return (f"-{g.code.lower()}" if g is not None else "") + (f"-{year}" if year else "")


@bp.route("/open-data/")
def index():
    s = db.session()
    cfg = settings.load()
    g, bad = _authority()
    if bad:
        return bad
    public = [Contest.state.in_(sources.PUBLIC_CONTEST_STATES)] + ([Contest.grantor_id == g.id] if g else [])
    years = sorted(set(s.scalars(select(Contest.year).where(*public).group_by(Contest.year))), reverse=True)
    counts = {"contests": s.scalar(select(func.count()).select_from(Contest).where(*public))}
    return render_template("opendata/index.html", years=years, cfg=cfg, counts=counts, authority=g,
                           grantor_q={"grantor": g.code} if g else {}, grantors=authorities.all_grantors(s),
                           publisher=_publisher(s, cfg, g), last=sources.last_change(s),
                           lag_minutes=int(downloads.REFRESH // 60))


def _own_session(work):
    """`work(session)` on a session of its own: the exports read in batches and forget what they
    read (expunge_all), which must not touch the request's objects."""
    s = Session(db.get_engine())
    try:
        return work(s)
    finally:
        s.close()


_NOTHING = _("Brak przyznanych dotacji do opublikowania za wybrany okres.")


@bp.route("/open-data/360giving.json")
def grants_json():
    year, g, early = _download()
    if early is not None:
        return early
    cfg = settings.load()

    def produce(f) -> bool:
        def work(s):
            publisher = _publisher(s, cfg, g)
            header = threesixty.package_header(cfg, publisher,
                                               f"Dotacje {publisher}{' ' + str(year) if year else ''} (360Giving)")
            items = threesixty.grants(s, cfg, year, g.id if g is not None else None)
            first = next(items, None)
            return first is not None and _written(f, jsonout.package(header, "grants", chain([first], items)))
        return _own_session(work)

    name = f"dotacje-360giving{_suffix(year, g)}.json"
    r = _kept(name, JSON, produce, None if _api() else name)
    return r if r is not None else _fail(404, str(_NOTHING))


@bp.route("/open-data/360giving.<fmt>")
def grants_flat(fmt):
    if fmt not in ("csv", "xlsx", "zip"):
        abort(404)
    year, g, early = _download()
    if early is not None:
        return early
    cfg = settings.load()
    flat = {"csv": flatten.csv_bytes, "zip": flatten.csv_zip_bytes, "xlsx": flatten.xlsx_bytes}[fmt]

    def produce(f) -> bool:
        grants = _own_session(lambda s: list(threesixty.grants(s, cfg, year, g.id if g is not None else None)))
        if grants:
            f.write(flat(grants))
        return bool(grants)

    name = f"dotacje-360giving{_suffix(year, g)}.{fmt}"
    mimetype = {"csv": CSV_MIMETYPE, "zip": "application/zip", "xlsx": XLSX_MIMETYPE}[fmt]
    r = _kept(name, mimetype, produce, name)
    if r is None:
        abort(404, str(_NOTHING))
    return r


def _ocds_package(kind: str, list_name: str, items_of):
    year, g, early = _download()
    if early is not None:
        return early
    cfg = settings.load()
    uri = request.base_url

    def produce(f) -> bool:
        def work(s):
            header = ocds.package_header(cfg, _publisher(s, cfg, g), uri)
            _written(f, jsonout.package(header, list_name, items_of(s, cfg, year, grantor_id=g.id if g else None)))
        _own_session(work)
        return True  # an empty package is still the answer

    # the package names its own address (another host, the API's path): a file of its own
    where = hashlib.sha256(uri.encode()).hexdigest()[:12]
    name = f"konkursy-ocds-{kind}{_suffix(year, g)}"
    return _kept(f"{name}-{where}.json", JSON, produce, None if _api() else f"{name}.json")


@bp.route("/open-data/ocds/releases.json")
def releases_json():
    return _ocds_package("releases", "releases", ocds.releases)


@bp.route("/open-data/ocds/records.json")
def records_json():
    return _ocds_package("records", "records", ocds.records)


@bp.route("/open-data/ocds/<ocid>.json")
def record_json(ocid):
    cfg = settings.load()
    cid = ocds.contest_id_of(cfg, ocid)
    if cid is None:
        return _problem(404, str(_("Nie ma takiego postępowania: %(o)s", o=ocid[:80])))
    s = db.session()
    facts = list(sources.contests(s, ids=[cid]))
    releases = ocds.contest_releases(facts[0], cfg) if facts else []
    if not releases:
        return _problem(404, str(_("Nie ma takiego postępowania: %(o)s", o=ocid[:80])))
    header = ocds.package_header(cfg, _publisher(s, cfg), request.base_url)
    return Response(jsonout.dumps(dict(header, records=[ocds.compile_record(releases)])), mimetype=JSON)


def _changes():
    """The releases changed since ?since= and the cursor of the next page; a cursor that is not one
    ends the request with a 400 problem (abort with the response: both feeds answer it alike)."""
    try:
        since = feed.parse_since(request.args.get("since"))
    except feed.BadCursor as e:
        abort(_problem(400, str(_("Parametr since musi być datą lub datą z godziną w formacie ISO 8601 "
                                  "(np. 2025-03-01 lub 2025-03-01T10:00:00+01:00), a nie „%(v)s”.",
                                  v=str(e)[:40]))))
    return feed.changes(db.session(), settings.load(), since)


@bp.route("/open-data/changes.json")
def changes_json():
    releases, cursor = _changes()
    s = db.session()
    cfg = settings.load()
    header = ocds.package_header(cfg, _publisher(s, cfg), request.url)
    if cursor is not None:
        header["links"] = {"next": url_for(request.endpoint, since=feed.cursor_text(cursor), _external=True)}
    r = Response(jsonout.dumps(dict(header, releases=releases)), mimetype=JSON)
    r.headers["Access-Control-Allow-Origin"] = "*"
    return r


@bp.route("/open-data/changes.atom")
def changes_atom():
    releases, _cursor = _changes()
    s = db.session()
    body = feed.atom(releases, f"{_publisher(s, settings.load())}: zmiany w konkursach (OCDS)", request.url,
                     lambda o: url_for(".record_json", ocid=o, _external=True))
    return Response(body, mimetype="application/atom+xml")
