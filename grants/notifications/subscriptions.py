"""Newsletter subscriptions by anyone (S4), also without an account: new contests, consultations,
directions and small grants filtered by field of public benefit, district, department and call
type; immediate or weekly. Double opt-in: nothing is sent before the confirmation link is used.
One-click unsubscribe without login (RFC 8058) in every mail.

Announcing a new object writes one outbox event in the publishing transaction; a worker fans it
out to the matching subscribers (`fan_out`), so the request that publishes never waits for mail."""
from __future__ import annotations

import re
import secrets

from markupsafe import escape
from sqlalchemy import select, update

from grants.core import clock, outbox
from grants.core.i18n import _
from grants.core.addresses import address
from grants.registry.dictionaries import DISTRICTS, FIELDS
from grants.registry.models import Department

from . import facts, mailer
from .models import Subscription, SubscriptionItem
from .errors import NotificationError

TOPICS = {"contests": _("nowe konkursy"), "consultations": _("konsultacje"), "directions": _("kierunki zadań"),
          "small_grants": _("małe granty (art. 19a)")}
FREQUENCIES = {"immediate": _("od razu"), "weekly": _("raz w tygodniu")}
TOPIC_OF = {"contest": "contests", "consultation": "consultations", "direction": "directions",
            "small_grant": "small_grants"}
ANNOUNCE_TOPIC = "subscriptions.announce"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def subscribe(session, email: str, topics, fields=(), districts=(), departments=(), call_types=(),
              frequency: str = "weekly", locale: str = "pl", grantor_id: int | None = None) -> Subscription:
    """Records an unconfirmed subscription and mails the confirmation link (double opt-in). With
    `grantor_id` (subscribed on an authority's portal) only that authority's announcements match,
    and the departments chosen must be its own."""
    email = (email or "").strip()
    errors = []
    if not EMAIL_RE.match(email) or len(email) > 255:
        errors.append(_("Podaj poprawny adres e-mail."))
    else:
        try:
            address(email)
        except ValueError:
            errors.append(_("Podaj poprawny adres e-mail."))
    topics = [t for t in topics if t]
    if not topics or any(t not in TOPICS for t in topics):
        errors.append(_("Wybierz, o czym chcesz dostawać wiadomości."))
    if any(f not in FIELDS for f in fields) or any(d not in DISTRICTS for d in districts):
        errors.append(_("Nieznana sfera pożytku publicznego lub dzielnica."))
    try:
        departments = [int(d) for d in departments]
    except (TypeError, ValueError):
        departments = None
    known = select(Department.id).where(Department.id.in_(departments or []))
    if grantor_id is not None:
        known = known.where(Department.grantor_id == grantor_id)
    if departments is None or (departments and len(set(session.scalars(known))) != len(set(departments))):
        errors.append(_("Nieznany wydział."))
        departments = []
    if frequency not in FREQUENCIES:
        errors.append(_("Wybierz częstotliwość: od razu albo raz w tygodniu."))
    if errors:
        raise NotificationError(errors[0])
    sub = Subscription(email=email, token=secrets.token_urlsafe(32), locale=locale if locale in mailer.LOCALES else "pl",
                       topics=sorted(set(topics)), fields=sorted(set(fields)), districts=sorted(set(districts)),
                       departments=sorted(set(departments)), call_types=sorted({c for c in call_types if c}),
                       grantors=[grantor_id] if grantor_id is not None else [],
                       frequency=frequency, created_at=clock.real_now(), active=False)
    session.add(sub)
    session.flush()
    text, html = mailer.render("subscription_confirm", sub.locale, link=confirm_url(sub), topics=[
        mailer.translate(TOPICS[t], sub.locale) for t in sub.topics])
    outbox.emit_email(session, email, mailer.translate(_("Potwierdź subskrypcję powiadomień"), sub.locale), text,
                      html=html)
    return sub


def by_token(session, token: str) -> Subscription:
    sub = session.scalar(select(Subscription).where(Subscription.token == token)) if token else None
    if sub is None:
        raise NotificationError(_("Ten link nie jest ważny."))
    return sub


def confirm(session, token: str) -> Subscription:
    sub = by_token(session, token)
    if sub.unsubscribed_at is not None:
        raise NotificationError(_("Ta subskrypcja została anulowana; zapisz się ponownie."))
    if sub.confirmed_at is None:
        sub.confirmed_at = clock.real_now()
    sub.active = True
    return sub


def unsubscribe(session, token: str) -> Subscription:
    sub = by_token(session, token)
    sub.active = False
    if sub.unsubscribed_at is None:
        sub.unsubscribed_at = clock.real_now()
    return sub


def confirm_url(sub) -> str:
    return f"{mailer.public_url()}/subscriptions/confirm/{sub.token}"


def unsubscribe_url(sub) -> str:
    return f"{mailer.public_url()}/subscriptions/unsubscribe/{sub.token}"


def unsubscribe_headers(sub) -> dict:
    """RFC 8058: one-click unsubscribe by a POST to the link, without login."""
    return {"List-Unsubscribe": f"<{unsubscribe_url(sub)}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# ------------------------------------------------------------------ announcing

def attributes(obj) -> dict:
    """What a subscription filters on, for one announced object."""
    object_type = obj.__workflow__.object_type
    fields = list(getattr(obj, "fields", None) or []) or ([obj.field] if getattr(obj, "field", None) else [])
    contest = getattr(obj, "contest", None)
    return {"topic": TOPIC_OF[object_type], "fields": fields, "district": getattr(obj, "district", None),
            "grantor": getattr(obj, "grantor_id", None) or getattr(contest, "grantor_id", None),
            "department": getattr(obj, "department_id", None) or getattr(contest, "department_id", None),
            "call_type": getattr(obj, "call_type", None)}


def matches(sub: Subscription, attrs: dict) -> bool:
    """Every filter the subscriber set must hold. A city-wide object (no district) concerns every district."""
    if attrs["topic"] not in (sub.topics or []):
        return False
    if sub.grantors and attrs.get("grantor") not in sub.grantors:
        return False
    if sub.fields and not set(sub.fields) & set(attrs["fields"]):
        return False
    if sub.districts and attrs["district"] is not None and attrs["district"] not in sub.districts:
        return False
    if sub.departments and attrs["department"] not in sub.departments:
        return False
    if sub.call_types and (attrs["call_type"] or "standard") not in sub.call_types:
        return False
    return True


def anyone_subscribes():
    """Whether any subscription is active, as a query (one row when so)."""
    return select(Subscription.id).where(Subscription.active.is_(True)).limit(1)


def announce(session, obj, *, anyone: bool | None = None) -> None:
    """In the publishing transaction: one outbox event (when anyone subscribes at all: `anyone`,
    when the caller already asked, else asked here); the worker fans it out (`fan_out`)."""
    if anyone is None:
        anyone = session.scalar(anyone_subscribes()) is not None
    if not anyone:
        return
    object_type, object_id = facts.link_target(obj)
    outbox.emit(session, ANNOUNCE_TOPIC, {"object_type": object_type, "id": object_id,
                                          "model": obj.__workflow__.name})


def fan_out(session, obj) -> int:
    """Immediate subscribers get a mail each now; weekly ones an item for the weekly newsletter.
    Returns how many immediate mails were written."""
    attrs = attributes(obj)
    object_type, object_id = facts.link_target(obj)
    info = facts.facts(obj)
    now = clock.real_now()
    sent = 0
    rendered: dict[str, tuple[str, str, str]] = {}  # the same mail for every subscriber of a language
    subs = session.scalars(select(Subscription).where(Subscription.active.is_(True)).order_by(Subscription.id))
    weekly_done = set(session.scalars(select(SubscriptionItem.subscription_id).where(
        SubscriptionItem.object_type == object_type, SubscriptionItem.object_id == object_id)))
    for sub in subs:
        if not matches(sub, attrs):
            continue
        if sub.frequency == "immediate":
            _mail_items(session, sub, [{"title": info.get("title", ""), "path": facts.path_for(object_type, object_id),
                                        "due": info.get("due"), "topic": attrs["topic"]}], rendered)
            sent += 1
        elif sub.id not in weekly_done:
            session.add(SubscriptionItem(subscription_id=sub.id, object_type=object_type, object_id=object_id,
                                         title=info.get("title", "")[:500], created_at=now))
    return sent


#: where each subscriber's own unsubscribe link goes into a mail rendered once per language
UNSUBSCRIBE_SLOT = "__UNSUBSCRIBE_URL__"


def _mail_items(session, sub: Subscription, items: list[dict], rendered: dict | None = None) -> None:
    """One newsletter mail to `sub`; `rendered` keeps the rendering per language when every
    subscriber gets the same items (a fan-out), each mail then only gets its unsubscribe link."""
    cached = rendered.get(sub.locale) if rendered is not None else None
    if cached is None:
        cached = _render_items(sub.locale, items)
        if rendered is not None:
            rendered[sub.locale] = cached
    subject, text, html = cached
    link = unsubscribe_url(sub)
    outbox.emit_email(session, sub.email, subject, text.replace(UNSUBSCRIBE_SLOT, link),
                      html=html.replace(UNSUBSCRIBE_SLOT, str(escape(link))), headers=unsubscribe_headers(sub))


def _render_items(loc: str, items: list[dict]) -> tuple[str, str, str]:
    shown = [{"title": i["title"], "link": mailer.public_url() + i["path"],
              "topic": mailer.translate(TOPICS.get(i.get("topic"), ""), loc) if i.get("topic") else "",
              "due": mailer.format_moment(i.get("due"), loc) if i.get("due") else ""} for i in items]
    subject = (mailer.translate(_("Nowe ogłoszenie: %(title)s"), loc, title=items[0]["title"]) if len(items) == 1
               else mailer.translate(_("Nowe ogłoszenia: %(n)s"), loc, n=len(items)))
    text, html = mailer.render("newsletter", loc, items=shown, unsubscribe=UNSUBSCRIBE_SLOT, subject=subject)
    return subject, text, html


def send_weekly(session, run_id: str) -> int:
    """The weekly newsletter: each subscriber's waiting items, claimed first (two workers never
    both send one). Returns how many newsletters were written."""
    session.execute(update(SubscriptionItem).where(SubscriptionItem.sent_claim.is_(None))
                    .values(sent_claim=run_id).execution_options(synchronize_session=False))
    rows = list(session.scalars(select(SubscriptionItem).where(SubscriptionItem.sent_claim == run_id)
                                .order_by(SubscriptionItem.subscription_id, SubscriptionItem.id)))
    by_sub: dict[int, list] = {}
    for r in rows:
        by_sub.setdefault(r.subscription_id, []).append(r)
    n = 0
    for sub in session.scalars(select(Subscription).where(Subscription.id.in_(list(by_sub)))):
        if not sub.active:
            continue
        _mail_items(session, sub, [{"title": r.title, "path": facts.path_for(r.object_type, r.object_id),
                                    "topic": TOPIC_OF.get(r.object_type)} for r in by_sub[sub.id]])
        n += 1
    return n
