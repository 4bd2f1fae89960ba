"""One renderer of an object's change history (its audit entries) for people: each change with the
field's label, values formatted (money, dates in Warsaw time, states and codes as labels), lists
as the items added and removed, never Python's or JSON's spelling of a value.

`describe(entries)` returns rows: {seq, at, actor, action, changes: [Change]}; the actor by name; a
Change is {field, kind, before, after, added, removed, text}: "set" (was before, is after), "list"
(the items added and removed), "items" (a list recorded with the action, item by item) or "value"
(one value recorded with the action, or set where there was none). What was recorded empty is not
said.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sqlalchemy import inspect, literal, select, union_all

from grants.accounts.models import User
from grants.core import formatting, labels
from grants.core.i18n import _
from grants.core.permissions import ROLE_LABELS
from grants.offers.models import Offer
from grants.registry.dictionaries import FIELDS as PUBLIC_BENEFIT_FIELDS
from grants.registry.models import Organisation
from grants.workflows.agreement import AGREEMENT
from grants.workflows.commission import COMMISSION
from grants.workflows.concept import CONCEPT
from grants.workflows.consultation import CONSULTATION
from grants.workflows.contest import CONTEST
from grants.workflows.direction import DIRECTION
from grants.workflows.initiative import INITIATIVE
from grants.workflows.offer import OFFER
from grants.workflows.report import REPORT
from grants.workflows.settlement import SETTLEMENT
from grants.workflows.small_grant import SMALL_GRANT
from grants.workflows.tranche import TRANCHE
from reviewers.models import CommissionMember

WORKFLOWS = {wf.object_type: wf for wf in (AGREEMENT, COMMISSION, CONCEPT, CONSULTATION, CONTEST, DIRECTION,
                                            INITIATIVE, OFFER, REPORT, SETTLEMENT, SMALL_GRANT, TRANCHE)}

# actions that are not transitions (edits, the engine's own words for them)
ACTIONS = {
    "create": _("utworzenie"),
    "open": _("otwarcie"),  # a settlement opened with its agreement (not a transition of its own)
    "save": _("zapisanie zmian"),
    "update": _("zmiana danych"),
    "edit": _("zmiana danych"),
    "formal_checks": _("lista kontrolna oceny formalnej"),
    "declare": _("oświadczenie o bezstronności"),
    "add_member": _("dodanie członka"),
    "remove_member": _("usunięcie członka"),
    "invite_member": _("zaproszenie członka"),
    "schedule": _("harmonogram transz"),
    "support": _("poparcie"),
    "comment": _("komentarz"),
    "planned_contest": _("zaplanowanie konkursu"),
    "member_add": _("dodanie członka"),
    "member_confirm": _("potwierdzenie członkostwa"),
    "nominate": _("zgłoszenie kandydata"),
    "consent": _("zgoda kandydata"),
    "record_return": _("zapisanie wpłaty zwrotu"),
    "set_amounts": _("propozycja kwot dotacji"),
    "set_partners": _("zmiana partnerów oferty wspólnej"),
    "annex": _("aneks"),
    "revise": _("nowa wersja"),
    # a user's account (grants.accounts)
    "activate": _("aktywacja konta"),
    "deactivate": _("dezaktywacja konta"),
    "end_sessions": _("zakończenie wszystkich sesji i tokenów API"),
    "revoke_token": _("unieważnienie tokenu API"),
    "logout_everywhere": _("wylogowanie ze wszystkich urządzeń"),
    "password_change": _("zmiana hasła"),
    "password_reset": _("ustawienie nowego hasła"),
    "confirm_email": _("potwierdzenie adresu e-mail"),
    "registration_replaced": _("ponowna rejestracja"),
    "totp_enable": _("włączenie logowania dwuskładnikowego"),
    "totp_disable": _("wyłączenie logowania dwuskładnikowego"),
    "grant_role": _("nadanie roli"),
    "anonymise": _("anonimizacja"),
}

# the dictionary that names the values of a field
VALUE_KINDS = {
    "eligible_categories": "cost_category",
    "ineligible_categories": "cost_category",
    "criteria": "criterion",
    "formal_checklist": "checklist",
    "form": "contest_form",
    "kind": "report_kind",
    "sections": "offer_section",
}

# the same key names different things in different areas: an object type's own dictionaries come
# first (a commission's member is of the kind city/ngo/expert, a report or an offer's version is
# partial/final/submission...; a commission member's grounds of exclusion)
TYPE_VALUE_KINDS = {
    "commission": {**VALUE_KINDS, "kind": "commission_member_kind", "grounds": "declaration_ground",
                   "without_ngo_reason": "commission_without_ngo"},
}

# keys whose value is the id of something people know by its name: shown by that name (a commission
# member's nominating organisation), never the id; the names of every such id on the page are read
# in one query for each kind of thing (`read_names`)
REFERENCES = {"nominated_by": "organisation"}
# an object type's own references, where the id does not name the page's object: a commission's
# entry names the person added or removed and the organisation a declaration concerns
TYPE_REFERENCES = {
    "commission": {**REFERENCES, "user_id": "person", "organisation_id": "organisation"},
    "contest": {**REFERENCES, "offer_id": "offer"},  # the results: the award of each offer
}
# fields whose value is a dict keyed by ids: the keys shown by the names of what they name (the
# members excluded when a commission's declarations open, keyed by the member's id)
TYPE_KEYED_BY = {"commission": {"excluded": "member"}}
# entries whose own keys are ids (object type, action) -> what they name and the field's words for
# one of them: the amounts a commission proposes, keyed by the offer's id
ACTION_KEYED_BY = {
    ("commission", "set_amounts"): ("offer", lambda name: _("proponowana dotacja dla oferty %(offer)s", offer=name)),
}
# what an id names when no name was read for it (a value the database does not know, an entry read
# outside a session): said in words, never the id
UNKNOWN = {"organisation": _("nieznana organizacja"), "person": _("nieznana osoba"),
           "member": _("nieznany członek komisji"), "offer": _("nieznana oferta")}

# fields whose value is a dict keyed by the codes of a dictionary (the offer's checklist answers)
KEY_KINDS = {"formal_checks": "checklist"}

SECTION_LABELS = {
    "basic": _("I. Podstawowe informacje"), "applicant": _("II. Dane oferenta"), "task": _("III. Opis zadania"),
    "profile": _("IV. Charakterystyka oferenta"), "costs": _("V.A Kalkulacja kosztów"),
    "sources": _("V.B Źródła finansowania"), "partners": _("V.C Oferta wspólna"), "other": _("VI. Inne informacje"),
    "declarations": _("VII. Oświadczenia"), "call": _("część typu naboru"),
    "narrative": _("opis realizacji"), "results": _("rezultaty"), "expenditure": _("wydatki"),
}

MONEY_FIELDS = {"budget", "min_grant", "max_grant", "amount", "grant", "awarded", "requested", "paid_amount",
                "total_to_return", "estimated_funds", "planned_funds"}
PERCENT_FIELDS = {"min_own_total_pct", "min_own_financial_pct", "min_own_nonfinancial_pct", "max_admin_pct",
                  "shift_pct"}
POINT_FIELDS = {"pass_threshold", "max_points"}
HIDDEN = {"sha256", "protocol_sha256", "hash"}
# codes named by dictionaries kept outside grants.core.labels (a code no dictionary knows stays as it is);
# a contest or a direction records one field of public benefit (`field`), a consultation several
OTHER_DICTIONARIES = {"roles": ROLE_LABELS, "fields": PUBLIC_BENEFIT_FIELDS, "field": PUBLIC_BENEFIT_FIELDS}


@dataclass
class Names:
    """Kind ("organisation", "person", "member", "offer") -> id -> the name people know it by: everything the
    entries of a page name by id (REFERENCES, TYPE_REFERENCES, TYPE_KEYED_BY)."""
    known: dict[str, dict[int, str]] = field(default_factory=dict)

    def known_name(self, kind: str, value) -> str | None:
        return self.known.get(kind, {}).get(_as_id(value)) or None

    def of(self, kind: str, value) -> str:
        """The name, or the words for one no longer known ("nieznana osoba")."""
        return self.known_name(kind, value) or str(UNKNOWN[kind])


@dataclass
class Reading:
    """How the values of one object type's entries read: its workflow (states), its dictionaries
    (TYPE_VALUE_KINDS), its references and dicts keyed by ids, whether the entry's own keys are ids
    (ACTION_KEYED_BY), and the page's names."""
    wf: object = None
    kinds: dict = field(default_factory=lambda: VALUE_KINDS)
    refs: dict = field(default_factory=lambda: REFERENCES)
    keyed: dict = field(default_factory=dict)
    names: Names = field(default_factory=Names)
    own_keys: tuple | None = None
    words: dict = field(default_factory=dict)
    action: str = ""

    @classmethod
    def of(cls, object_type: str, names: Names | None = None, action: str = "") -> "Reading":
        return cls(WORKFLOWS.get(object_type), TYPE_VALUE_KINDS.get(object_type, VALUE_KINDS),
                   TYPE_REFERENCES.get(object_type, REFERENCES), TYPE_KEYED_BY.get(object_type, {}),
                   names or Names(), ACTION_KEYED_BY.get((object_type, action)), TYPE_WORDS.get(object_type, {}),
                   action)


@dataclass
class Change:
    field: str
    kind: str  # set | list | items | value
    before: str = ""
    after: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    text: str = ""


@dataclass
class Row:
    seq: int
    at: object
    actor: str
    action: str
    changes: list[Change]


def _money_like(text: str) -> bool:
    try:
        Decimal(text)
    except (InvalidOperation, ValueError):
        return False
    return "." in text and len(text.rsplit(".", 1)[1]) == 2


def _as_id(value) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    return None


def value_text(key: str, value, reading: Reading | None = None) -> str:
    """One value as people read it, as `reading` says (its object type's dictionaries and references,
    the page's names; any type's when not given)."""
    reading = reading or Reading()
    wf, kinds = reading.wf, reading.kinds
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(formatting.YES_NO[value])
    if key in reading.refs and _as_id(value) is not None:
        return reading.names.of(reading.refs[key], value)
    if key == "state" and wf is not None and isinstance(value, str):
        return wf.state_label(value)
    if key in OTHER_DICTIONARIES and isinstance(value, str):
        return str(OTHER_DICTIONARIES[key].get(value, value))
    if key in kinds and isinstance(value, str):
        kind = kinds[key]
        if kind == "offer_section":
            return str(SECTION_LABELS.get(value, value))
        return labels.label(kind, value)
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        if key in MONEY_FIELDS:
            return formatting.money(value)
        if key in PERCENT_FIELDS:
            return formatting.percent(value)
        return formatting.number(value) if key not in ("year", "revision", "number") else str(value)
    if isinstance(value, str):
        if key == "excluded":
            return _exclusion(value)
        if key in MONEY_FIELDS or _money_like(value):
            return formatting.money(value) if _money_like(value) or key in MONEY_FIELDS else value
        if key in PERCENT_FIELDS:
            return formatting.percent(value)
        if key in POINT_FIELDS:
            return formatting.points(value)
        moment = formatting.parse_moment(value)
        if moment is not None:
            return formatting.when(moment)
        if len(value) == 10 and value[4] == "-" and value[7] == "-":
            return formatting.day(value)
        return value
    if isinstance(value, dict):
        own = reading.words[key](value, reading) if key in reading.words else None
        if own is not None:
            return own
        if "label" in value or "code" in value:
            text = labels.label(kinds.get(key, ""), value)
            if value.get("max_points"):
                text += f" ({formatting.points(value['max_points'])})"
            return text

        def name(k: str) -> str:
            if key in reading.keyed:  # keyed by ids: each by its name
                return reading.names.of(reading.keyed[key], k)
            if key in KEY_KINDS:
                return labels.label(KEY_KINDS[key], k)
            return labels.field_label(k)

        # a person first: whom the rest is about
        items = sorted(value.items(), key=lambda kv: reading.refs.get(kv[0]) != "person")
        # a dict keyed by ids holds values of its own key (a member's id -> the reason of the exclusion)
        parts = [f"{name(k)}: {value_text(key if key in reading.keyed else k, v, reading)}"
                 for k, v in items if not _hidden(k, reading)]
        return "; ".join(parts)
    if isinstance(value, list):  # what is empty in it unsaid (a tranche without a condition)
        return ", ".join(value_text(key, v, reading) for v in value if v not in ("", None)) or "—"
    return str(value)


def _award(value: dict, reading: Reading) -> str | None:
    """One offer's line of a contest's results: the offer by number and title, the grant awarded or
    that it was not selected (the decision records 0). None for another call's results (concepts)."""
    if _as_id(value.get("offer_id")) is None:
        return None
    name = reading.names.known_name("offer", value["offer_id"])
    offer = str(_("oferta %(offer)s", offer=name)) if name else str(UNKNOWN["offer"])
    try:
        awarded = Decimal(str(value.get("awarded") or 0))
    except InvalidOperation:
        awarded = Decimal(0)
    outcome = formatting.money(awarded) if awarded > 0 else str(_("niewybrana"))
    return f"{offer}: {outcome}"


# the reason of an exclusion (grants.commissions.composition) says "Wyłączony:" (once with the rule's id)
# and ends a sentence: under the label "wyłączenie z komisji" only what follows, so the label is not
# repeated and the reasons of several members join without ".;"
_EXCLUDED = re.compile(r"^(?:Wyłączony|Wyłączona|Excluded)\s*(?:\([A-Z0-9-]+\))?\s*:\s*")


def _exclusion(reason: str) -> str:
    return _EXCLUDED.sub("", reason.strip()).rstrip(".")


def _member(value: dict, reading: Reading) -> str:
    """A commission's member added, as one phrase: the person, the seat, whether they chair, the
    organisation that nominated them, any exclusion; nothing said of what does not apply."""
    parts = []
    if _as_id(value.get("user_id")) is not None:
        parts.append(reading.names.of("person", value["user_id"]))
    if value.get("kind"):
        parts.append(value_text("kind", value["kind"], reading))
    if value.get("chair"):
        parts.append(str(_("przewodniczy komisji")))  # a verb: the label "przewodniczący" is masculine for everyone
    if _as_id(value.get("nominated_by")) is not None:
        parts.append(f"{labels.field_label('nominated_by')}: {reading.names.of('organisation', value['nominated_by'])}")
    if value.get("excluded"):
        parts.append(f"{labels.field_label('excluded')}: {_exclusion(value['excluded'])}")
    return ", ".join(parts)


# a dict value that reads as one phrase of its own, not as "label: value; ..." (object type -> key -> words)
TYPE_WORDS = {"contest": {"results": _award}, "commission": {"member": _member}}


def _key(item) -> str:
    return json.dumps(item, sort_keys=True, default=str)


# keys whose value is a list recorded as such, never a pair [before, after]
VALUE_LISTS = {"deficiencies", "sections", "fields", "grounds", "roles", "tranches", "signed", "results"}
# ...and of those, the ones recorded whole every time, whose items are lists themselves: two of them
# are not a pair of lists (an agreement's two tranches read as one removed and one added)
WHOLE_LISTS = {"tranches"}


def _hidden(key: str, reading: Reading) -> bool:
    """Ids and technical keys: the page itself says which object it is. An id of something else the
    entry is about (REFERENCES) is shown, by its name."""
    if key in reading.refs:
        return False
    return key in HIDDEN or key == "id" or key.endswith("_id")


def _empty(value) -> bool:
    return value is None or value == "" or value == [] or value == {}


def _answers(key: str, before: dict, after: dict, reading: Reading) -> list[Change]:
    """A dict keyed by a dictionary's codes (the offer's checklist answers), item by item in the
    dictionary's order: an answer given where there was none as it is, a changed one as before and
    after, the unchanged ones not at all (it read "było …: —; …; jest …: tak; …" on one line)."""
    kind = KEY_KINDS[key]
    order = list(labels.REGISTRY.get(kind, {}))
    codes = sorted(dict.fromkeys([*before, *after]), key=lambda k: order.index(k) if k in order else len(order))
    out = []
    for code in codes:
        old, new = before.get(code), after.get(code)
        if old == new or (_empty(old) and _empty(new)):
            continue
        name = labels.label(kind, code)
        if _empty(old):
            out.append(Change(name, "value", text=value_text(code, new, reading)))
        else:
            out.append(Change(name, "set", before=value_text(code, old, reading), after=value_text(code, new, reading)))
    return out


def changes_of(key: str, value, reading: Reading | None = None) -> list[Change]:
    """What one key of an entry says, as changes (none for what the page does not show; one for each
    item of a dict of answers)."""
    reading = reading or Reading()
    if reading.own_keys is not None:  # the key is an id: what it names, in words
        kind, words = reading.own_keys
        name = str(words(reading.names.of(kind, key)))
    elif _hidden(key, reading) or key in ("invitation", "via", "token"):
        return []
    else:
        name = labels.field_label(key)

    def text(v) -> str:
        return value_text(key, v, reading)

    pair_of_lists = (isinstance(value, list) and len(value) == 2 and isinstance(value[0], (list, type(None)))
                     and isinstance(value[1], list) and key not in WHOLE_LISTS)  # a consultation's fields
    if isinstance(value, list) and len(value) == 2 and (key not in VALUE_LISTS or pair_of_lists):
        before, after = value
        if key in KEY_KINDS and isinstance(before, (dict, type(None))) and isinstance(after, dict):
            return _answers(key, before or {}, after, reading)
        if _empty(before):  # a value where there was none (a creation, a first date): only what it is
            return [] if _empty(after) else [Change(name, "value", text=text(after))]
        if isinstance(before, (list, type(None))) and isinstance(after, list):
            old, new = {_key(x): x for x in (before or [])}, {_key(x): x for x in after}
            return [Change(name, "list", added=[text(new[k]) for k in new if k not in old],
                           removed=[text(old[k]) for k in old if k not in new])]
        if isinstance(before, dict) and isinstance(after, dict):
            changed = [k for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)]
            return [Change(name, "set", before=text({k: before.get(k) for k in changed}),
                           after=text({k: after.get(k) for k in changed}))]
        return [Change(name, "set", before=text(before), after=text(after))]
    if _empty(value):  # nothing recorded (no grounds of a declaration of no conflict): nothing to say
        return []
    if isinstance(value, list) and reading.action == "create":  # set at once: one line
        return [Change(name, "value", text=text(value))]
    if isinstance(value, list):  # the items recorded with the action, each on its own
        return [Change(name, "items", added=[text(v) for v in value])]
    return [Change(name, "value", text=text(value))]


def action_label(action: str, wf=None) -> str:
    """What an entry records, as a noun like the other entries ("utworzenie", "zmiana danych"): a
    transition by its button's words quoted ("czynność „Złóż ofertę”"), not as an order."""
    if wf is not None and action in wf.by_name:
        return str(_("czynność „%(label)s”", label=str(wf.by_name[action].label)))
    known = ACTIONS.get(action)
    return str(known) if known is not None else action.replace("_", " ")


def _references(data, refs: dict, keyed: dict):
    """(kind, id) of everything an entry's changes name by id, anywhere (nested dicts, lists, pairs):
    the values under `refs`' keys, the keys of the dicts under `keyed`'s."""
    if isinstance(data, dict):
        for k, v in data.items():
            if k in refs:
                for x in (v if isinstance(v, list) else [v]):
                    if _as_id(x) is not None:
                        yield refs[k], _as_id(x)
            if k in keyed and isinstance(v, dict):
                for x in v:
                    if _as_id(x) is not None:
                        yield keyed[k], _as_id(x)
            yield from _references(v, refs, keyed)
    elif isinstance(data, list):
        for v in data:
            yield from _references(v, refs, keyed)


def _person(full_name: str | None, email: str | None) -> str:
    return full_name or email or ""  # as User.display_name


def _offer(number: str | None, title: str | None) -> str:
    """An offer as its lists name it: its number and title."""
    title = f"„{title}”" if title else ""
    return " ".join(x for x in (number, title) if x)


def read_names(entries) -> Names:
    """The names of everything the entries name by id, and of the people who made them (`actor_id`):
    one query for the organisations, one for the people (users and commission members, by their
    user's full name or else e-mail), one for the offers, whatever the number of entries; in the
    session the entries were read in (none for entries that were not read from the database)."""
    entries = list(entries)
    wanted: dict[str, set[int]] = {}
    for e in entries:
        if _as_id(getattr(e, "actor_id", None)) is not None:
            wanted.setdefault("person", set()).add(_as_id(e.actor_id))
        for kind, i in _references(e.changes_data or {}, TYPE_REFERENCES.get(e.object_type, REFERENCES),
                                   TYPE_KEYED_BY.get(e.object_type, {})):
            wanted.setdefault(kind, set()).add(i)
        own = ACTION_KEYED_BY.get((e.object_type, e.action))
        if own is not None:
            wanted.setdefault(own[0], set()).update(i for i in map(_as_id, e.changes_data or {}) if i is not None)
    state = inspect(entries[0], raiseerr=False) if entries else None
    session = state.session if state is not None else None
    names = Names({kind: {} for kind in UNKNOWN})
    if session is None:
        return names
    if wanted.get("organisation"):
        names.known["organisation"].update(session.execute(
            select(Organisation.id, Organisation.name).where(Organisation.id.in_(wanted["organisation"]))).all())
    people = []
    if wanted.get("person"):
        people.append(select(literal("person").label("kind"), User.id, User.full_name, User.email)
                      .where(User.id.in_(wanted["person"])))
    if wanted.get("member"):
        people.append(select(literal("member").label("kind"), CommissionMember.id, User.full_name, User.email)
                      .join(User, User.id == CommissionMember.user_id)
                      .where(CommissionMember.id.in_(wanted["member"])))
    if people:
        for kind, i, full_name, email in session.execute(union_all(*people) if len(people) > 1 else people[0]):
            names.known[kind][i] = _person(full_name, email)
    if wanted.get("offer"):
        names.known["offer"].update((i, _offer(number, title)) for i, number, title in session.execute(
            select(Offer.id, Offer.number, Offer.title).where(Offer.id.in_(wanted["offer"]))))
    return names


def actor_name(entry, names: Names) -> str:
    """Who made the entry as the page names people: their name (read now, so an anonymised account
    reads as anonymised), the e-mail recorded with the entry when the account is gone, "system" for
    what time did."""
    return names.known_name("person", getattr(entry, "actor_id", None)) or entry.actor_label or str(_("system"))


# the keys an entry's changes start with: the state (it says what happened), the title or name of the
# object; then whom or what the entry concerns (REFERENCES), then what a contest or a direction is
# (LEADING, in this order); the rest as recorded
FIRST = ("state", "title", "name")
LEADING = ("year", "field", "form", "task_type", "budget", "min_grant", "max_grant", "deadline", "decision_by",
           "task_start", "task_end")


def _rank(key: str, reading: Reading) -> tuple[int, int]:
    if key in FIRST:
        return 0, FIRST.index(key)
    if key in reading.refs:
        return 1, 0
    if key in LEADING:
        return 2, LEADING.index(key)
    return 3, 0


def describe(entries) -> list[Row]:
    entries = list(entries)
    names = read_names(entries)
    rows = []
    for e in entries:
        reading = Reading.of(e.object_type, names, e.action)
        data = sorted((e.changes_data or {}).items(), key=lambda kv: _rank(kv[0], reading))
        changes = [c for k, v in data for c in changes_of(k, v, reading)]
        rows.append(Row(seq=e.seq, at=e.clock_at, actor=actor_name(e, names),
                        action=action_label(e.action, reading.wf), changes=changes))
    return rows
