"""Which documents exist, how each is built: the template shared with its print page, the context,
the number and date in the running header. The print pages and the PDFs both use these, so a PDF
always shows what its print page shows."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import segno
from sqlalchemy import select
from sqlalchemy.orm import object_session, selectinload

from grants.agreements.models import Agreement, Annex
from grants.calltypes import get as get_call_type
from grants.contests.models import Contest
from grants.contests.rules import FORMS
from grants.core import clock, formatting
from grants.core.dates import local
from grants.core.i18n import _
from grants.offers import content as offer_content
from grants.offers.models import Offer, OfferRevision
from grants.offers.validation import figures
from grants.registry.dictionaries import FIELDS
from grants.reports.models import Report
from grants.settlements import calculation
from grants.settlements.models import Settlement
from grants.registry.models import Organisation
from reviewers.models import Commission
from reviewers.scoring import offers_to_score


@dataclass(frozen=True)
class Kind:
    code: str
    label: object  # lazy text
    template: str
    model: type
    object_type: str  # the audit chain the issued document's hash goes to


KINDS: dict[str, Kind] = {k.code: k for k in (
    Kind("offer", _("Oferta realizacji zadania publicznego"), "offers/print.html", Offer, "offer"),
    Kind("confirmation", _("Potwierdzenie złożenia oferty"), "documents/confirmation.html", Offer, "offer"),
    Kind("announcement", _("Ogłoszenie otwartego konkursu ofert"), "contests/print.html", Contest, "contest"),
    Kind("protocol", _("Protokół z prac komisji konkursowej"), "commissions/protocol.html", Commission, "commission"),
    Kind("agreement", _("Umowa o wsparcie realizacji zadania publicznego"), "agreements/print.html", Agreement,
         "agreement"),
    Kind("results", _("Rozstrzygnięcie otwartego konkursu ofert"), "documents/results.html", Contest, "contest"),
    Kind("report", _("Sprawozdanie z wykonania zadania publicznego"), "documents/report.html", Report, "report"),
    Kind("settlement", _("Rozliczenie dotacji"), "documents/settlement.html", Settlement, "settlement"),
)}


def _date(dt) -> str:
    """The running header's date, as the reader writes dates ("10.02.2027")."""
    return formatting.day(local(dt if dt is not None else clock.now()))


def qr_svg(url: str) -> str:
    """A QR code of `url` as an SVG data URI (segno), for an <img>."""
    return segno.make(url, error="m").svg_data_uri(scale=4, border=2)


def latest_revision(o: Offer) -> OfferRevision | None:
    return o.revisions[-1] if o.revisions else None


COST_CATEGORIES = {"personnel": _("koszty osobowe"), "materials": _("materiały"), "services": _("usługi"),
                   "venue": _("wynajem miejsca"), "admin": _("koszty administracyjne"),
                   "investment": _("inwestycje"), "travel": _("podróże"), "equipment": _("sprzęt")}


def joint_split(o: Offer, f: dict) -> list[tuple[object, Decimal]]:
    """V.C: each applicant's share of the costs (R-OFF-JOINT), summed over the cost lines."""
    orgs = [o.organisation, *(p.organisation for p in o.partners)]
    return [(org, sum((l.by_partner.get(str(org.id), Decimal(0)) for l in f["lines"]), Decimal(0))) for org in orgs]


def offer_context(o: Offer) -> dict:
    rev = latest_revision(o)
    content = rev.content["content"] if rev else o.content
    ct = get_call_type(o.contest.call_type)
    f = figures(content)
    return {"o": o, "c": o.contest, "content": content, "rev": rev, "figures": f,
            "joint": joint_split(o, f) if o.partners else [],
            "cost_labels": COST_CATEGORIES,
            "declarations": offer_content.DECLARATIONS, "call_type": ct, "section": ct.offer_section(content),
            "doc_title": KINDS["offer"].label, "doc_number": o.number or _("(nie złożona)"),
            "doc_date": _date(rev.received_at if rev else None)}


def confirmation_context(o: Offer, rev: OfferRevision, verify_url: str | None) -> dict:
    """R-OFF-RECEIPT as a document: receipt number, instant received (Warsaw), the frozen content's
    SHA-256, and a QR code of the public verification address of this document."""
    return {"o": o, "c": o.contest, "rev": rev, "receipt": o.receipt or {},
            "content": rev.content["content"], "figures": figures(rev.content["content"]),
            "verify_url": verify_url, "qr": qr_svg(verify_url) if verify_url else None,
            "doc_title": KINDS["confirmation"].label, "doc_number": f"{o.number}/{rev.number}",
            "doc_date": _date(rev.received_at)}


def announcement_context(c: Contest) -> dict:
    return {"c": c, "fields": FIELDS, "forms": FORMS, "call_type": get_call_type(c.call_type),
            "cost_labels": COST_CATEGORIES,
            "doc_title": KINDS["announcement"].label, "doc_number": f"{c.year}/{c.id:04d}",
            "doc_date": _date(c.published_at)}


ANNEX_FIELDS = {"task_start": _("Początek realizacji zadania"), "task_end": _("Koniec realizacji zadania"),
                "tranches": _("Transze dotacji"), "costs": _("Kosztorys")}


def _annex_value(key: str, value) -> list[str]:
    """One side of an annex's change in words: a date, the tranches one a line, the cost estimate
    one line per position with its value and the total."""
    if value in (None, "", []):
        return ["—"]
    if key in ("task_start", "task_end"):
        return [formatting.day(value)]
    if key == "tranches":
        return [str(_("transza %(n)s: %(a)s, %(w)s", n=t.get("number", i + 1), a=formatting.money(t.get("amount")),
                      w=formatting.day(t["due_on"]) if t.get("due_on") else (t.get("condition") or "—")))
                for i, t in enumerate(value)]
    if key == "costs":
        f = figures({"costs": value})
        return [f"{line.name}: {formatting.money(line.value)}" for line in f["lines"]] + \
            [str(_("razem: %(t)s", t=formatting.money(f["total"])))]
    return [str(value)]


def annex_changes(annex) -> list[dict]:
    """What an approved annex changed, field by field, in words (before and after)."""
    before, after = annex.before or {}, annex.after or {}
    return [{"label": label, "before": _annex_value(k, before.get(k)), "after": _annex_value(k, after.get(k))}
            for k, label in ANNEX_FIELDS.items() if before.get(k) != after.get(k)]


def agreement_context(a: Agreement) -> dict:
    """The agreement with its annexes (załączniki: the offer it was drawn from; the approved aneksy,
    each with what it changed): the document issued at each version carries them all."""
    content = (a.content or {}).get("content", {})
    session = object_session(a)
    annexes = [] if session is None else list(session.scalars(
        select(Annex).where(Annex.agreement_id == a.id, Annex.status == "approved").order_by(Annex.number)))
    return {"a": a, "content": content, "figures": figures(content),
            "annexes": [{"annex": x, "changes": annex_changes(x)} for x in annexes],
            "offer_revision": latest_revision(a.offer) if a.offer is not None else None,
            "applicants": (a.content or {}).get("applicants", []),
            "doc_title": KINDS["agreement"].label, "doc_number": a.number,
            "doc_date": formatting.day(a.signed_by_grantor_on) if a.signed_by_grantor_on else _date(None)}


def protocol_context(session, c: Commission, doc: dict, *, frozen: bool, closed: bool, labels: dict) -> dict:
    """The protocol page's context; `doc` is the (possibly redacted) protocol body; `labels` the
    commission pages' dictionaries (kinds, grounds, without_ngo)."""
    def when(value):
        if isinstance(value, str):
            try:
                return datetime.fromisoformat(value.replace("Z", "+00:00"))
            except ValueError:
                return value
        return value
    doc = {**doc, "declarations": [{**d, "declared_at": when(d.get("declared_at"))} for d in doc.get("declarations", [])]}
    org_ids = {d["organisation_id"] for d in doc.get("declarations", [])}
    orgs = {o.id: o.name for o in session.scalars(select(Organisation).where(Organisation.id.in_(org_ids)))} if org_ids else {}
    return {"c": c, "doc": doc, "frozen": frozen, "closed": closed, **labels,
            "members": {m["id"]: m["name"] for m in doc.get("members", [])},
            "offers": {o.id: o for o in offers_to_score(session, c)}, "orgs": orgs,
            "criteria": {x["code"]: x for x in (doc.get("contest", {}).get("criteria") or [])},
            "doc_title": KINDS["protocol"].label, "doc_number": f"{c.id:05d}",
            "doc_date": _date(c.approved_at)}


RESULT_STATES = ("selected", "not_selected", "update_required", "ready_for_agreement", "declined")


def results_context(session, c: Contest) -> dict:
    """R-RESULTS: organisation, task, amount; funded and not funded (only once published)."""
    rows = [] if c.results_published_at is None else list(session.scalars(
        select(Offer).where(Offer.contest_id == c.id, Offer.state.in_(RESULT_STATES))
        .options(selectinload(Offer.organisation)).order_by(Offer.awarded_grant.desc().nulls_last(), Offer.id)))
    return {"c": c, "results": rows, "total": sum((o.awarded_grant or Decimal(0) for o in rows), Decimal(0)),
            "doc_title": KINDS["results"].label, "doc_number": f"{c.year}/{c.id:04d}",
            "doc_date": _date(c.results_published_at)}


def report_context(r: Report) -> dict:
    a = r.agreement
    content = r.content or {}
    lines = figures((a.content or {}).get("content", {}))["lines"]
    exp = []
    for e in content.get("expenditure", []):
        i = int(e.get("line", 0))
        line = lines[i] if 0 <= i < len(lines) else None
        exp.append({"name": line.name if line else f"#{i + 1}", "planned": line.value if line else Decimal(0),
                    "from_grant": Decimal(e.get("from_grant") or 0), "from_other": Decimal(e.get("from_other") or 0)})
    totals = {k: sum((x[k] for x in exp), Decimal(0)) for k in ("planned", "from_grant", "from_other")}
    return {"r": r, "a": a, "content": content, "expenditure": exp, "totals": totals,
            # the running header reads "... do umowy nr U/2027/00015": the number is the agreement's, not the report's
            "doc_title": _("Sprawozdanie końcowe do umowy") if r.kind == "final" else _("Sprawozdanie częściowe do umowy"),
            "doc_number": a.number,
            "doc_date": _date(r.submitted_at)}


def settlement_context(s: Settlement) -> dict:
    return {"s": s, "explanation": calculation.explanation(s), "doc_title": _("Rozliczenie dotacji z umowy"),
            "doc_number": s.agreement.number, "doc_date": _date(s.calculated_at)}
