"""The only place that writes notifications and preferences. Everything happens in the caller's
transaction: a change that rolls back leaves no notification and no mail (transactional outbox)."""
from __future__ import annotations

import functools
from typing import Any, NamedTuple

from sqlalchemy import Integer, bindparam, func, insert, literal_column, select, union_all, update

from grants.accounts.models import User
from grants.core import clock, outbox
from grants.core.direct import direct, parameters
from grants.core.i18n import _
from grants.directions.models import DirectionComment
from grants.workflows.registry import models

from . import attachments, audiences, facts, kinds, mailer, rules, subscriptions
from .errors import NotificationError
from .models import Notification, NotificationPreference


# ------------------------------------------------------------------ preferences

def preferences_of(session, user_ids) -> dict[int, dict[str, str]]:
    """{user_id: {category: mode}} with the defaults filled in; locked categories always immediate."""
    user_ids = list(user_ids)
    chosen = session.execute(select(NotificationPreference.user_id, NotificationPreference.category,
                                    NotificationPreference.mode)
                             .where(NotificationPreference.user_id.in_(user_ids))) if user_ids else ()
    return _preferences(user_ids, chosen)


def _preferences(user_ids, chosen) -> dict[int, dict[str, str]]:
    """The defaults, then each (user id, category, mode) chosen (a category None: no choice);
    a locked category stays immediate whatever was stored."""
    out = {uid: dict(kinds.DEFAULTS) for uid in user_ids}
    for uid, category, mode in chosen:
        if category is not None and category not in kinds.LOCKED:
            out[uid][category] = mode
    return out


def set_preferences(session, user, choices: dict[str, str]) -> None:
    """Stores the user's choice per category. R-NOTIFY-OBLIGATION: obligations cannot be switched
    off or delayed; asking for it is refused with the reason and nothing is changed."""
    for category, mode in choices.items():
        if category not in kinds.CATEGORIES:
            raise NotificationError(_("Nieznana kategoria powiadomień."))
        if mode not in kinds.MODES:
            raise NotificationError(_("Wybierz: od razu, w codziennym zestawieniu albo nigdy."))
        if category in kinds.LOCKED and mode != kinds.IMMEDIATE:
            raise NotificationError(_("Powiadomień o terminach i obowiązkach (uzupełnienia, sprawozdania, zwroty) "
                                      "nie można wyłączyć ani odłożyć: dotyczą terminów ustawowych i umownych."))
    existing = {p.category: p for p in session.scalars(select(NotificationPreference)
                                                        .where(NotificationPreference.user_id == user.id))}
    for category, mode in choices.items():
        if category in kinds.LOCKED:
            continue
        if category in existing:
            existing[category].mode = mode
        else:
            session.add(NotificationPreference(user_id=user.id, category=category, mode=mode))


# ------------------------------------------------------------------ writing

def notify(session, user_ids, kind: str, params: dict, object_type: str | None, object_id: str | None,
           *, key: str | None = None, exclude: int | None = None, mail: bool = True,
           known: dict | None = None) -> list[dict]:
    """Tells each of `user_ids` (but `exclude`, the actor) of `kind`: an inbox row each, and a mail
    now or in the digest per their preference (`mail=False`: the inbox only). With `key`, once per
    person and key (reminders): someone already told is skipped. `known`: the accounts and their
    preferences already read, as `_people` gives them (a transition reads them with its audiences);
    else read here. Returns the rows written (their column values), written at
    once: one INSERT of them all, not left for the unit of work."""
    category = kinds.KINDS[kind].category
    ids = sorted({u for u in user_ids if u is not None and u != exclude})
    if not ids:
        return []
    if key is not None:
        told = set(session.scalars(select(Notification.user_id).where(Notification.key == key,
                                                                      Notification.user_id.in_(ids))))
        ids = [u for u in ids if u not in told]
        if not ids:
            return []
    # the accounts (a mail needs the address, name and language) and their preferences (the
    # defaults filled in, locked categories always immediate), in one query of plain columns
    people, chosen = known if known is not None else _people(session.execute(_recipients(), {"ids": ids}))
    wanted = set(ids)
    prefs = _preferences(ids, [c for c in chosen if c[0] in wanted])
    now = clock.real_now()
    path = facts.path_for(object_type, object_id)
    files = attachments.for_mail(session, kind, object_type, object_id) if mail else []
    rows = []
    for uid in ids:
        person = people.get(uid)
        if person is None:
            continue
        mode = prefs[uid].get(category, kinds.DEFAULTS[category]) if mail else kinds.NEVER
        delivery = {kinds.IMMEDIATE: "immediate", kinds.DIGEST: "digest"}.get(mode, "none")
        emailed = delivery == "immediate" and bool(person.email)
        if emailed:
            message = mailer.notification_mail(person, kind, params, object_type, path)
            outbox.emit_email(session, person.email, message["subject"], message["text"], html=message["html"],
                              attachments=files)
        rows.append({"user_id": uid, "kind": kind, "category": category, "object_type": object_type,
                     "object_id": object_id, "params": params, "key": key, "created_at": now, "read_at": None,
                     "delivery": delivery, "emailed_at": now if emailed else None, "digest_claim": None})
    if len(rows) <= _AT_ONCE:
        if rows:
            direct(_insert(tuple(rows[0]), len(rows)), session.bind.dialect).rows(
                session, {f"{c}_{i}": v for i, row in enumerate(rows) for c, v in row.items()})
    else:
        session.execute(insert(Notification.__table__), rows)
    return rows


_AT_ONCE = 8  # rows one statement built once per count writes (most transitions tell one to a few)


@functools.cache
def _insert(columns: tuple[str, ...], n: int):
    """One INSERT of n notifications' rows of these columns (parameters "<column>_<row>")."""
    return insert(Notification.__table__).values(
        [parameters(Notification.__table__, columns, suffix=f"_{i}") for i in range(n)])


class Recipient(NamedTuple):
    """What a notification's mail reads of its reader."""
    id: int
    email: str
    full_name: str
    locale: str | None


#: what a notification reads of each person, after the user id: the account (None: no such account)
#: and each preference chosen (None, None: none), one row per preference
_RECIPIENT = (User.email, User.full_name, User.locale, NotificationPreference.category, NotificationPreference.mode)
_THEIR_PREFERENCES = NotificationPreference.user_id == User.id


def _people(rows) -> tuple[dict[int, Recipient], list[tuple]]:
    """From rows (user id, *_RECIPIENT): {user id: Recipient} and [(user id, category, mode)] chosen."""
    people, chosen = {}, []
    for uid, email, name, locale, category, mode in rows:
        if email is not None:
            people.setdefault(uid, Recipient(uid, email, name, locale))
            chosen.append((uid, category, mode))
    return people, chosen


@functools.cache
def _recipients():
    """Built once: every notification reads it (building cost about as much as running it)."""
    return (select(User.id, *_RECIPIENT).outerjoin(NotificationPreference, _THEIR_PREFERENCES)
            .where(User.id.in_(bindparam("ids", expanding=True))))


_PLANS: dict[tuple, tuple] = {}
_QUERIES: dict[tuple, Any] = {}


def _plan(wf_name: str, t_name: str, before: str) -> tuple:
    """What a performed transition tells, from the rules alone (kept per transition and source
    state): (its kinds in order, the in-app-only ones, whether to announce it to subscribers, the
    audiences as (tag, audience): tag = the kind's index)."""
    key = (wf_name, t_name, before)
    plan = _PLANS.get(key)
    if plan is None:
        kinds_told: list[str] = []
        told: list[tuple[int, str]] = []
        announce = False
        in_app_only: set[str] = set()
        for tell in rules.for_transition(wf_name, t_name) or ():
            if tell.kind is None or (tell.only_from and before not in tell.only_from):
                continue
            if tell.audience == audiences.SUBSCRIBERS:
                announce = True  # fanned out by a worker, never in this request
                continue
            if tell.kind not in kinds_told:
                kinds_told.append(tell.kind)
            told.append((kinds_told.index(tell.kind), tell.audience))
            if not tell.mail:
                in_app_only.add(tell.kind)
        plan = _PLANS[key] = (tuple(kinds_told), frozenset(in_app_only), announce, tuple(told))
    return plan


def _transition_query(wf, t, obj, before: str):
    """The one query reading all the transition's audiences, and whether anyone subscribes, as rows
    (tag, user id, e-mail, name, language, chosen category, chosen mode): tag -1 for "someone
    subscribes", a row per preference the person chose (None, None: none), what `notify` needs of
    each. With its parameters: (query, params), or None when it reads nothing. Built once per
    transition, source state and the audiences' variants."""
    _kinds, _in_app, announce, told = _plan(wf.name, t.name, before)
    found = [(tag, audiences.selection(audience, obj)) for tag, audience in told]
    found = [(tag, sel) for tag, sel in found if sel is not None]
    key = (wf.name, t.name, before, tuple((tag, sel[1]) for tag, sel in found))
    params = {k: v for _tag, sel in found for k, v in sel[2].items()}
    query = _QUERIES.get(key)
    if query is None and key not in _QUERIES:
        parts = []
        for tag, (q, _variant, _params) in found:
            sq = q.subquery()
            parts.append(select(literal_column(str(int(tag)), Integer()).label("tag"), sq.c[0].label("user_id")))
        if announce:
            sq = subscriptions.anyone_subscribes().subquery()
            parts.append(select(literal_column("-1", Integer()).label("tag"), sq.c[0].label("user_id")))
        query = _QUERIES[key] = _with_recipients(union_all(*parts) if len(parts) > 1 else parts[0]) if parts else None
    return (query, params) if query is not None else None


def _with_recipients(tagged):
    """The audiences' (tag, user id) rows with each person's account and chosen preferences."""
    aud = tagged.subquery("audiences")
    return (select(aud.c.tag, aud.c.user_id, *_RECIPIENT)
            .select_from(aud.outerjoin(User, (User.id == aud.c.user_id) & (aud.c.tag >= 0))
                         .outerjoin(NotificationPreference, _THEIR_PREFERENCES)))


def notify_transition(session, wf, t, obj, before: str, ctx, rows=None) -> list[dict]:
    """The engine's hook: a performed transition becomes notifications for the declared audiences,
    other than the actor, in the transition's transaction. All its audiences (and whether anyone
    subscribes, for an announcement) are read in one query: `rows`, its result when the engine
    sent it with the transition's write (`reads`), else read here."""
    kinds_told, in_app_only, announce, _told = _plan(wf.name, t.name, before)
    if not kinds_told and not announce:
        return []
    if rows is None:
        read = _transition_query(wf, t, obj, before)
        rows = session.execute(*read).all() if read is not None else []
    told: dict[str, set[int]] = {k: set() for k in kinds_told}  # kind -> people: one notification each
    anyone = False
    for tag, user_id, *_person in rows:
        if tag == -1:
            anyone = True
        else:
            told[kinds_told[tag]].add(user_id)
    known = _people(r[1:] for r in rows if r[0] != -1)  # their accounts and preferences, read with them
    if announce:
        subscriptions.announce(session, obj, anyone=anyone)
    actor_id = getattr(ctx.actor, "id", None)
    out = []
    object_type, object_id = facts.link_target(obj)
    for kind, users in told.items():
        if users:
            out += notify(session, users, kind, facts.facts(obj), object_type, object_id, exclude=actor_id,
                          mail=kind not in in_app_only, known=known)
    return out


notify_transition.reads = _transition_query  # the engine reads the audiences with its write


COMMENT_EXCERPT = 300  # characters of the comment quoted in its notification


def notify_change(session, topic: str, payload: dict) -> list[dict]:
    """A change that is not a transition (rules.CHANGES), told by the worker that handles the outbox
    event written with it, in that event's transaction; the actor is not told. Once per person and
    change (`key`): a commission's members are told of their appointment once, whoever is added later."""
    entry = rules.CHANGES.get(topic)
    model = models().get(topic.split(".", 1)[0])
    obj = session.get(model, int(payload["id"])) if entry and model is not None else None
    if obj is None:  # gone since (or not declared)
        return []
    params, key = facts.facts(obj), f"{topic}:{payload['id']}"
    if "comment_id" in payload:
        comment = session.get(DirectionComment, int(payload["comment_id"]))
        if comment is None or comment.hidden_reason:  # hidden by moderation before anyone was told
            return []
        params["comment"] = comment.body[:COMMENT_EXCERPT] + ("…" if len(comment.body) > COMMENT_EXCERPT else "")
        key += f":{comment.id}"
    users = set().union(*(audiences.resolve(session, t.audience, obj) for t in entry))
    object_type, object_id = facts.link_target(obj)
    return notify(session, users, entry[0].kind, params, object_type, object_id, key=key,
                  exclude=payload.get("actor_id"))


# ------------------------------------------------------------------ reading

def unread_count(session, user) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def unread_rows(session, user, limit: int = 5) -> list[Notification]:
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id,
                                                           Notification.read_at.is_(None))
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


INBOX_ORDER = (Notification.created_at.desc(), Notification.id.desc())  # newest first: ix_notifications_user_created


def inbox(user, unread_only: bool = False):
    """The user's notifications (only the unread ones when asked), for a list in INBOX_ORDER."""
    q = select(Notification).where(Notification.user_id == user.id)
    return q.where(Notification.read_at.is_(None)) if unread_only else q


def own(session, user, notification_id: int) -> Notification:
    n = session.get(Notification, notification_id)
    if n is None or n.user_id != user.id:
        raise NotificationError(_("Nie ma takiego powiadomienia."))
    return n


def mark_read(session, user, notification_id: int) -> Notification:
    n = own(session, user, notification_id)
    if n.read_at is None:
        n.read_at = clock.real_now()
    return n


def mark_all_read(session, user) -> int:
    return session.execute(update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
                           .values(read_at=clock.real_now()).execution_options(synchronize_session=False)).rowcount
