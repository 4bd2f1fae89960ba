"""The only place that writes notifications and preferences. Everything happens in the caller's
transaction: a change that rolls back leaves no notification and no mail (transactional outbox)."""
from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload

from grants.accounts.models import User
from grants.core import clock, outbox
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
    out = {uid: dict(kinds.DEFAULTS) for uid in user_ids}
    if user_ids:
        for p in session.scalars(select(NotificationPreference).where(NotificationPreference.user_id.in_(user_ids))):
            if p.category not in kinds.LOCKED:
                out[p.user_id][p.category] = p.mode
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
           *, key: str | None = None, exclude: int | None = None, mail: bool = True) -> list[Notification]:
    """Tells each of `user_ids` (but `exclude`, the actor) of `kind`: an inbox row each, and a mail
    now or in the digest per their preference (`mail=False`: the inbox only). With `key`, once per
    person and key (reminders): someone already told is skipped."""
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
    prefs = preferences_of(session, ids)
    # the accounts without their roles (a mail needs the address, name and language)
    users = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids)).options(lazyload(User.roles)))}
    now = clock.real_now()
    path = facts.path_for(object_type, object_id)
    files = attachments.for_mail(session, kind, object_type, object_id) if mail else []
    out = []
    for uid in ids:
        user = users.get(uid)
        if user is None:
            continue
        mode = prefs[uid].get(category, kinds.DEFAULTS[category]) if mail else kinds.NEVER
        n = Notification(user_id=uid, kind=kind, category=category, object_type=object_type, object_id=object_id,
                         params=params, key=key, created_at=now,
                         delivery={kinds.IMMEDIATE: "immediate", kinds.DIGEST: "digest"}.get(mode, "none"))
        session.add(n)
        if n.delivery == "immediate" and user.email:
            mail = mailer.notification_mail(user, kind, params, object_type, path)
            outbox.emit_email(session, user.email, mail["subject"], mail["text"], html=mail["html"],
                              attachments=files)
            n.emailed_at = now
        out.append(n)
    return out


def notify_transition(session, wf, t, obj, before: str, ctx) -> list[Notification]:
    """The engine's hook: a performed transition becomes notifications for the declared audiences,
    other than the actor, in the transition's transaction."""
    entry = rules.for_transition(wf.name, t.name)
    if not entry:
        return []
    actor_id = getattr(ctx.actor, "id", None)
    told: dict[str, set[int]] = {}  # kind -> people: one notification each, whatever audiences they are in
    in_app_only: set[str] = set()
    for tell in entry:
        if tell.kind is None or (tell.only_from and before not in tell.only_from):
            continue
        if tell.audience == audiences.SUBSCRIBERS:
            subscriptions.announce(session, obj)  # fanned out by a worker, never in this request
            continue
        told.setdefault(tell.kind, set()).update(audiences.resolve(session, tell.audience, obj))
        if not tell.mail:
            in_app_only.add(tell.kind)
    out = []
    object_type, object_id = facts.link_target(obj)
    for kind, users in told.items():
        if users:
            out += notify(session, users, kind, facts.facts(obj), object_type, object_id, exclude=actor_id,
                          mail=kind not in in_app_only)
    return out


COMMENT_EXCERPT = 300  # characters of the comment quoted in its notification


def notify_change(session, topic: str, payload: dict) -> list[Notification]:
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
