"""Public pages a browser or a reverse proxy may keep (issue 20): the contest list and pages, the
announcement, results, calendars and iCal feeds, each authority's portal and the national view.

To someone not signed in such a page answers with an ETag and a Last-Modified taken from the data it
shows (its tables' change generations, kept by triggers: one index lookup however many rows, or
the `version` sums and counts of a bounded set such as one contest's offers; the newest audit
entry of their kinds), the page's
language, the day (deadlines and calendars are read against it) and the code's templates, plus
`Cache-Control: public, max-age=…`; a matching conditional request gets a 304 without rendering.
A change to any row shown changes the ETag at once. Signed-in users never take this path: their
answers stay `no-store` (grants.web.headers).

With GRANTS_REPLICA_URL set, these visitors' pages (validators included, so they describe the very
rows shown) are read from that read-only replica, sparing the primary on a deadline afternoon; a
replica a moment behind shows the page as it was that moment earlier.

The validators cost a few aggregate queries, well under the page's own queries and rendering.

Each web process also keeps the last pages it rendered for visitors, by ETag (`_Bodies`): a visitor
whose browser has no copy yet gets the same bytes without the page being rendered again, what a
reverse proxy in front would do, so the deadline afternoon's readers cost a validator query each
even without one. A kept page is never older than the max-age every copy of it already carries."""
from __future__ import annotations

import functools
import hashlib
import os
import threading
import time
import weakref
from collections import OrderedDict
from datetime import datetime, timezone
from functools import wraps
from pathlib import Path

from flask import Response, current_app, make_response, request, session
from flask_login import current_user
from sqlalchemy import bindparam, func, select, true
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from grants.contests.models import Contest
from grants.core import audit, clock, db
from grants.core.models import RowGeneration
from grants.offers.models import Offer
from grants.registry.models import Grantor
from reviewers.models import Commission

from .i18n import select_locale

#: seconds a shared cache may serve a page without asking again (GRANTS_PUBLIC_MAX_AGE)
DEFAULT_MAX_AGE = 60
_release: str | None = None


def max_age() -> int:
    raw = (os.environ.get("GRANTS_PUBLIC_MAX_AGE") or "").strip()
    return int(raw) if raw.isdigit() and int(raw) <= 86400 else DEFAULT_MAX_AGE


def release() -> str:
    """A hash of the templates and translations: a deployment of new code changes every ETag, and two
    web instances running the same code give the same ones."""
    global _release
    if _release is None:
        root = Path(__file__).resolve().parents[1]
        h = hashlib.sha256()
        for p in sorted([*root.rglob("*.html"), *root.rglob("*.mo")]):
            h.update(p.relative_to(root).as_posix().encode())
            h.update(p.read_bytes())
        _release = h.hexdigest()[:16]
    return _release


_replicas: dict[str, Engine] = {}


def replica() -> Engine | None:
    url = current_app.config["GRANTS_SETTINGS"].replica_url
    if not url:
        return None
    engine = _replicas.get(url)
    if engine is None:
        engine = _replicas[url] = db.make_engine(url)
    return engine


def _read_from_replica() -> None:
    """This request's session reads the replica (removed at teardown as always; the next request
    gets the primary again). What it had opened on the primary holds nothing of a visitor's.
    Without a replica, the primary statement by statement (grants.core.db.statement_reads)."""
    engine = replica()
    if engine is not None:
        db.session.remove()
        db.session.registry.set(db.session.session_factory(bind=engine))
    else:
        db.statement_reads()


def eligible() -> bool:
    """Only an anonymous read without a flashed message may be shared."""
    if request.method not in ("GET", "HEAD") or request.headers.get("Authorization"):
        return False
    if session.get("_flashes"):
        return False
    return not current_user.is_authenticated


# ---------------------------------------------------------------- what a page's rows are

def _generation(table: str):
    """A table's change generation (grants.core.models.RowGeneration) as a scalar subquery."""
    return select(RowGeneration.generation).where(RowGeneration.name == table).scalar_subquery()


def _newest_at(kind: str):
    """When the newest audit entry of `kind` was recorded (one index lookup: ix_audit_entries_type_clock)."""
    return select(func.max(audit.AuditEntry.clock_at)).where(audit.AuditEntry.object_type == kind).scalar_subquery()


def _newest_entry():
    """The newest audit entry of any kind (the primary key's last row): it moves with every audited
    change anywhere, so a page made of many kinds of rows (a contest with its offers, commission,
    the concepts of its call, the stage it leads to) changes its ETag with any of them."""
    return select(func.max(audit.AuditEntry.id)).scalar_subquery()


def _newest(times) -> datetime | None:
    found = [t for t in times if t is not None]
    return max(found) if found else None


@functools.cache
def _seen_query(tables: tuple[str, ...], kinds: tuple[str, ...], newest: bool):
    """Built once per page kind (building costs more than running it)."""
    return select(*map(_generation, tables), *map(_newest_at, kinds), *([_newest_entry()] if newest else []))


def _seen(s: Session, tables: tuple[str, ...], kinds: tuple[str, ...], newest: bool = False
          ) -> tuple[str, datetime | None]:
    """The tables' generations and the newest audit entry of these kinds, in one statement;
    `newest`: the id of the newest audit entry of any kind too (`_newest_entry`), last in the key."""
    row = s.execute(_seen_query(tables, kinds, newest)).one()
    key = ".".join(str(g or 0) for g in row[:len(tables)])
    if newest:
        key += f";{row[-1]}"
    return key, _newest(row[len(tables):len(tables) + len(kinds)])


_GRANTOR_KEYS = ("id", "code", "name", "office_name", "teryt", "colour", "coat_of_arms_url")


def _grantor(g: Grantor | None) -> str:
    if g is None:
        return "-"
    return "|".join(str(getattr(g, k)) for k in _GRANTOR_KEYS)


def contest_list(s: Session, **_) -> tuple[str, datetime | None]:
    return _seen(s, ("contests", "departments", "grantors"), ("contest",))


def contest_api_list(s: Session) -> tuple[str, datetime | None]:
    """The API's contest list: its `cancellation_mandatory` reads the contests' offers too (any
    audited change moves the newest entry)."""
    return _seen(s, ("contests", "departments", "grantors"), ("contest",), newest=True)


@functools.cache
def _contest_page_query():
    """One statement: the contest's version and authority, the generations of contests and
    departments, its offers' count, version sum and newest id, its commission's id and version,
    the newest audit entry of any kind and the newest of contests and offers."""
    cid = bindparam("cid")
    offers = (select(func.count().label("n"), func.coalesce(func.sum(Offer.version), 0).label("total"),
                     func.coalesce(func.max(Offer.id), 0).label("top"))
              .where(Offer.contest_id == cid).subquery("offers_seen"))
    commission = (select(Commission.id, Commission.version).where(Commission.contest_id == cid)
                  .subquery("commission_seen"))
    return (select(Contest.version, *(getattr(Grantor, k) for k in _GRANTOR_KEYS), offers.c.n, offers.c.total,
                   offers.c.top, commission.c.id, commission.c.version, _generation("contests"),
                   _generation("departments"), _newest_entry(), _newest_at("contest"), _newest_at("offer"))
            .join(Grantor, Grantor.id == Contest.grantor_id)
            .join(offers, true()).outerjoin(commission, true()).where(Contest.id == cid))


def contest_page(s: Session, cid: int, **_) -> tuple[str, datetime | None]:
    row = s.execute(_contest_page_query(), {"cid": cid}).first()
    if row is None:
        return "missing", None
    version, *rest = row
    grantor, (n, total, top, commission_id, commission_version, contests, departments, newest, *times) = \
        rest[:len(_GRANTOR_KEYS)], rest[len(_GRANTOR_KEYS):]
    key = ";".join((str(version), f"{n}.{total}.{top}",
                    f"{commission_id}.{commission_version}" if commission_id is not None else "-",
                    "|".join(str(x) for x in grantor), f"{contests}.{departments}.{newest}"))
    return key, _newest(times)


def calendar(s: Session, **_) -> tuple[str, datetime | None]:
    return _seen(s, ("contests", "consultations", "small_grants", "education_events", "departments", "grantors"),
                 ("contest", "consultation", "small_grant", "education_event"))


def national(s: Session, **_) -> tuple[str, datetime | None]:
    return contest_list(s)


def authority(s: Session, code: str, **_) -> tuple[str, datetime | None]:
    g = s.scalar(select(Grantor).where(Grantor.code == code))
    if g is None:
        return "missing", None
    key, last = contest_list(s)
    return f"{key};{_grantor(g)}", last


def authority_calendar(s: Session, code: str, **_) -> tuple[str, datetime | None]:
    key, last = calendar(s)
    return f"{key};{authority(s, code)[0]}", last


# ---------------------------------------------------------------- the decorator

def not_modified(etag: str, last: datetime | None) -> bool:
    """Does the request's If-None-Match (else If-Modified-Since) name this version?"""
    if request.if_none_match:
        return request.if_none_match.contains(etag)
    return bool(last and request.if_modified_since
                and last.astimezone(timezone.utc).replace(microsecond=0) <= request.if_modified_since)


def _validators(resp: Response, etag: str, last: datetime | None) -> Response:
    resp.set_etag(etag)
    if last is not None:
        resp.last_modified = last
    resp.headers["Cache-Control"] = f"public, max-age={max_age()}"
    # the language is kept in the session cookie: a shared cache keeps one copy per cookie
    resp.vary.add("Cookie")
    return resp


_now = time.monotonic  # a kept page's age (a test moves it)


class _Bodies:
    """The pages this process rendered for visitors, newest use last: (host, ETag) -> (when kept,
    status, headers, body). The ETag names the rows shown, the language, the day, the address and
    the code, so a kept page is the page; the host too, as links may carry it. Bounded in entries,
    in bytes and in the size of one page; a page is dropped after `max_age()` seconds whatever its
    ETag (a shared cache may keep it that long too)."""

    ENTRIES = 256
    BUDGET = 32 << 20  # bytes of pages one process keeps (the least recently served go first)
    LARGEST = 1 << 20  # bytes: a larger page (a whole year's iCal feed) is rendered each time

    def __init__(self) -> None:
        self._pages: OrderedDict[tuple, tuple] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> tuple | None:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            if _now() - found[0] > max_age():
                self._drop(key)
                return None
            self._pages.move_to_end(key)
            return found[1:]

    def put(self, key: tuple, resp: Response) -> None:
        if resp.direct_passthrough or resp.is_streamed:
            return
        body = resp.get_data()
        if len(body) > self.LARGEST:
            return
        headers = [(k, v) for k, v in resp.headers.items() if k.lower() not in _NOT_KEPT]
        with self._lock:
            if key in self._pages:
                self._drop(key)
            self._pages[key] = (_now(), resp.status_code, headers, body)
            self._bytes += len(body)
            while len(self._pages) > self.ENTRIES or self._bytes > self.BUDGET:
                self._drop(next(iter(self._pages)))

    def _drop(self, key: tuple) -> None:
        self._bytes -= len(self._pages.pop(key)[3])

    def clear(self) -> None:
        with self._lock:
            self._pages.clear()
            self._bytes = 0


#: set per answer again (validators, security headers after the request) or never shared
_NOT_KEPT = {"set-cookie", "content-length", "date", "etag", "last-modified", "cache-control", "vary"}
_stores: "weakref.WeakSet[_Bodies]" = weakref.WeakSet()


def _bodies() -> _Bodies:
    """This app's kept pages (an app's configuration shapes its pages: one store per app)."""
    store = current_app.extensions.get("grants.public_pages")
    if store is None:
        store = current_app.extensions["grants.public_pages"] = _Bodies()
        _stores.add(store)
    return store


def forget_pages() -> None:
    """Drops every kept page (a database emptied and filled again behind the triggers' back
    restarts the generations a kept page was filed under)."""
    for store in list(_stores):
        store.clear()


def answer(fingerprint: tuple[str, datetime | None], render) -> Response:
    """A visitor's answer to a public read: a 304 when their copy is current, the page this process
    kept under the same ETag, or `render()` (a Response) kept for the next visitor. `fingerprint`:
    (key of the rows shown, when they last changed or None)."""
    key, last = fingerprint
    etag = etag_of(key)
    if not_modified(etag, last):
        return _validators(Response(status=304), etag, last)
    kept_as = (request.scheme, request.host, request.method == "HEAD", etag)
    kept = _bodies().get(kept_as)
    if kept is not None:
        status, headers, body = kept
        return _validators(Response(body, status=status, headers=headers), etag, last)
    resp = make_response(render())
    if resp.status_code != 200:
        return resp
    if session.modified:
        # a cookie set on this answer (e.g. Flask-Login's strong session protection clears
        # the remember cookie of a visitor whose session holds only the language): theirs alone
        resp.headers["Cache-Control"] = "private, no-cache"
        return resp
    _bodies().put(kept_as, resp)
    return _validators(resp, etag, last)


def etag_of(key: str) -> str:
    """The page's ETag: its rows' key, the language, the day, the address and the code's templates."""
    return hashlib.sha256("|".join((release(), select_locale(), clock.today().isoformat(),
                                    request.full_path, key)).encode()).hexdigest()[:32]


def cached(fingerprint):
    """A public page's view: `fingerprint(session, **view_args)` → (key of the rows shown, when they
    last changed or None)."""
    def decorate(view):
        @wraps(view)
        def wrapper(**kw):
            if not eligible():
                return view(**kw)
            _read_from_replica()
            request.environ["grants.public_page"] = True  # base.html leaves out the session-bound CSRF token
            return answer(fingerprint(db.session(), **kw), lambda: view(**kw))
        return wrapper
    return decorate
