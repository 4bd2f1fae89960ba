"""The only place that changes commissions, declarations, score cards and proposed amounts."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, joinedload, selectinload
from sqlalchemy.orm.attributes import flag_modified

from budgets.allocation import Candidate, edit_problems
from grants.accounts.models import User
from grants.contests.models import Contest, grantor_contests
from grants.core import audit, clock
from grants.core.errors import FieldErrors
from grants.core.i18n import _
from grants.core.numbers import NumberError, parse_points
from grants.core.permissions import ADMIN, COMMISSION_MEMBER, OFFICER, PermissionDenied, has_role
from grants.registry.models import Organisation
from grants.workflows.base import apply_transition, record_change
from grants.workflows.commission import COMMISSION, officer_of_contest
from grants.workflows.contest import same_department
from grants.workflows.errors import NotEditable, stale
from reviewers import submissions
from reviewers.allocation import fill_proposal, proposal  # noqa: F401 - the commission's operations, for callers
from reviewers.declarations import organisations_to_declare
from reviewers.models import GROUNDS, KINDS, Commission, CommissionMember, Declaration
from reviewers.scoring import Board

from .composition import ngo_exclusion_reason


class ReviewError(FieldErrors):
    """Refused input: `errors` lists {field, message} (grants.core.errors)."""


def _err(field, message):
    return ReviewError([{"field": field, "message": str(message)}])


def _people():
    # built on use, not at import: the mappers configure only once every model is imported
    return selectinload(Commission.members).options(joinedload(CommissionMember.user),
                                                    joinedload(CommissionMember.nominating_organisation))


def visible(q, user):
    """Officers of the contest's department and admins see commissions; members see the ones they sit on.
    The members come with the commission, with their users and nominating organisations: every page
    and answer about a commission reads them (one query for them all, not one per member)."""
    q = q.options(_people())
    if user is None:
        return q.where(False)
    conds = [Commission.id.in_(select(CommissionMember.commission_id).where(CommissionMember.user_id == user.id))]
    if has_role(user, ADMIN):  # of their own authority (issue 22)
        conds.append(Commission.contest_id.in_(grantor_contests(user)))
    if has_role(user, OFFICER) and user.department_id is not None:
        conds.append(Commission.contest_id.in_(select(Contest.id).where(Contest.department_id == user.department_id)))
    return q.where(or_(*conds))


def may_sit_for(grantor_id):
    """Who may sit on a commission of `grantor_id`'s contest (issue 22): its own staff, and people of
    no authority (experts, NGO nominees); never another authority's officers or admins."""
    return or_(User.grantor_id.is_(None), User.grantor_id == grantor_id)


def _require_officer(actor, commission) -> None:
    if not has_role(actor, OFFICER, ADMIN) or not officer_of_contest(commission, actor):
        raise PermissionDenied()


def create(session: Session, actor, contest, name: str = "") -> Commission:
    if not has_role(actor, OFFICER, ADMIN):
        raise PermissionDenied()
    if not same_department(contest, actor):
        raise PermissionDenied()
    if session.scalar(select(Commission.id).where(Commission.contest_id == contest.id)) is not None:
        raise _err("contest_id", _("Ten konkurs ma już komisję."))
    c = Commission(contest_id=contest.id, contest=contest, name=name or str(_("Komisja konkursowa")),
                   state=COMMISSION.initial, version=1, created_at=clock.now())
    session.add(c)
    session.flush()
    record_change(session, c, "create", actor, {"contest_id": contest.id})
    return c


def _forming(commission, expected_version):
    if commission.state != "forming":
        raise NotEditable(_("Skład komisji można zmieniać tylko przed otwarciem oświadczeń."))
    if expected_version is not None and expected_version != commission.version:
        raise stale(commission.version)


def check_composition(actor, commission, expected_version: int | None = None) -> None:
    """Whether `actor` may change the commission's composition now: 403 unless an officer of the
    contest, 409 once the declarations are open or for a stale version (also for a member added
    from elsewhere, e.g. the federation's pool)."""
    _require_officer(actor, commission)
    _forming(commission, expected_version)


def add_member(session: Session, actor, commission: Commission, *, user_id: int, kind: str,
               nominating_organisation_id: int | None = None, is_chair: bool = False,
               expected_version: int | None = None) -> CommissionMember:
    _require_officer(actor, commission)
    _forming(commission, expected_version)
    if kind not in KINDS:
        raise _err("kind", _("Rodzaj członka: przedstawiciel miasta, osoba wskazana przez organizacje albo ekspert."))
    user = session.get(User, user_id)
    if user is None:
        raise _err("user_id", _("Nie ma takiego użytkownika."))
    if not has_role(user, OFFICER, ADMIN, COMMISSION_MEMBER):
        raise _err("user_id", _("Członkiem komisji może być urzędnik albo osoba z rolą członka komisji."))
    if user.grantor_id is not None and user.grantor_id != commission.contest.grantor_id:
        raise _err("user_id", _("Ta osoba jest pracownikiem innego organu dotującego."))
    if commission.member_for(user) is not None:
        raise _err("user_id", _("Ta osoba już zasiada w komisji."))
    if kind == "ngo" and nominating_organisation_id is None:
        raise _err("nominating_organisation_id", _("Podaj organizację, która wskazała tę osobę (R-COM-NGO)."))
    if kind == "ngo" and session.get(Organisation, nominating_organisation_id) is None:
        raise _err("nominating_organisation_id", _("Nie ma takiej organizacji w rejestrze."))
    if is_chair and kind == "expert":
        raise _err("is_chair", _("Ekspert ma głos doradczy i nie może przewodniczyć komisji (R-COM-EXPERT)."))
    if is_chair:
        for m in commission.members:
            m.is_chair = False
    m = CommissionMember(commission=commission, user_id=user_id, kind=kind, is_chair=is_chair,
                         nominating_organisation_id=nominating_organisation_id if kind == "ngo" else None)
    session.add(m)
    session.flush()
    session.refresh(m)
    m.excluded_reason = ngo_exclusion_reason(session, commission, m)
    session.flush()
    record_change(session, commission, "add_member", actor,
                  {"member": {"user_id": user_id, "kind": kind, "chair": is_chair,
                              "nominated_by": nominating_organisation_id, "excluded": m.excluded_reason}})
    _touch(session, commission)
    return m


def _touch(session, commission) -> None:
    """Changing a part of the commission changes the commission: its version moves (optimistic lock)."""
    flag_modified(commission, "name")
    session.flush()


def remove_member(session: Session, actor, commission: Commission, member_id: int, expected_version=None) -> None:
    _require_officer(actor, commission)
    _forming(commission, expected_version)
    m = next((x for x in commission.members if x.id == member_id), None)
    if m is None:
        raise _err("member_id", _("Nie ma takiego członka komisji."))
    commission.members.remove(m)
    session.flush()
    record_change(session, commission, "remove_member", actor, {"member_id": member_id, "user_id": m.user_id})
    _touch(session, commission)


def declare(session: Session, actor, commission: Commission, organisation_id: int, conflict: bool,
            grounds: list[str] | None = None, note: str = "") -> Declaration:
    """R-COM-IMPARTIAL: the member's own declaration towards one organisation of the contest."""
    member = commission.member_for(actor)
    if member is None:
        raise PermissionDenied(_("Oświadczenie składa członek komisji osobiście."))
    if not member.active:
        raise PermissionDenied(_("Członek wyłączony z komisji nie składa oświadczeń."))
    if commission.state not in ("declarations", "scoring"):
        raise NotEditable(_("Oświadczenia składa się po otwarciu oświadczeń, przed zakończeniem oceny."))
    if organisation_id not in organisations_to_declare(session, commission):
        raise _err("organisation_id", _("Ta organizacja nie złożyła oferty w tym konkursie."))
    grounds = list(dict.fromkeys(grounds or []))
    unknown = [g for g in grounds if g not in GROUNDS]
    if unknown:
        raise _err("grounds", _("Nieznana podstawa wyłączenia."))
    if conflict and not grounds:
        raise _err("grounds", _("Wskaż podstawę wyłączenia (art. 24 KPA)."))
    if not conflict and grounds:
        raise _err("grounds", _("Podstawy wyłączenia podaje się tylko przy konflikcie interesów."))
    existing = session.scalar(select(Declaration).where(Declaration.member_id == member.id,
                                                        Declaration.organisation_id == organisation_id))
    if existing is not None:
        raise _err("organisation_id", _("Oświadczenie wobec tej organizacji zostało już złożone i nie podlega zmianie."))
    audit.lock_object(session, Commission, commission.id)
    d = Declaration(member_id=member.id, organisation_id=organisation_id, conflict=conflict, grounds=grounds,
                    note=(note or "")[:4000], declared_at=clock.now())
    session.add(d)
    session.flush()
    audit.record(session, "commission", commission.id, "declare", actor,
                 changes={"member_id": member.id, "organisation_id": organisation_id, "conflict": conflict,
                          "grounds": grounds})
    return d


def _parse_score(raw, maximum: Decimal, half: bool):
    """A score in the one grammar of points (grants.core.numbers; a comma as typed in forms too,
    no exponent, sign or NaN), then R-SCORE's bounds and step."""
    try:
        v = parse_points(raw, signed=True, grammar="typed")  # a negative score: the range message below
    except NumberError as e:
        return None, e.message
    if v < 0 or v > maximum:
        return None, _("Ocena musi mieścić się w przedziale 0–%(max)s.", max=maximum)
    step = Decimal("0.5") if half else Decimal(1)
    if v % step != 0:
        return None, _("Dozwolone są tylko pełne punkty.") if not half else _("Dozwolone są pełne lub połówki punktów.")
    # stored in one spelling ("10", "7.5"): not "1E+1", "-0" or "7.0" as typed
    return (v.quantize(Decimal(1)) if v % 1 == 0 else v.quantize(Decimal("0.1"))) + 0, None


def card_for(session, commission, member, submission):
    """The member's card for this submission (an offer, a concept...), if any."""
    return Board.of(session, commission).scored(submissions.of(submission)).card_of(member, submission)


def may_score(session, commission, member, submission) -> object | None:
    """None when the member may open this submission's card; otherwise the reason. Reads the
    session's `Board` (declarations and submissions loaded once), so a page may ask it for every one."""
    if member is None or not member.active:
        return _("Nie jesteś aktywnym członkiem tej komisji.")
    if commission.state != "scoring":
        return _("Ocena nie trwa.")
    board = Board.of(session, commission)
    mine = board.declared_by(member)
    if any(o not in mine for o in board.organisations):
        return _("Najpierw złóż oświadczenia o bezstronności wobec wszystkich organizacji (R-COM-IMPARTIAL).")
    kind = submissions.of(submission)
    # the lead and partners as the board's facts have them (a page need not load each one's partners)
    fact = board.scored(kind).facts_by_id.get(submission.id)
    orgs = {fact.organisation_id, *fact.partner_ids} if fact else {submission.organisation_id, *submission.partner_ids}
    if any(mine[o].conflict for o in orgs if o in mine):
        return kind.texts["excluded"]
    if submission.contest_id != commission.contest_id or fact is None:
        return kind.texts["not_scored"]
    return None


def check_scores(contest, scores: dict, justifications: dict, submit: bool) -> tuple[dict, dict, list[dict]]:
    """R-SCORE on one card (of an offer or of any other submission scored on the contest's criteria):
    a score within 0..max (whole or half points as the contest says) and, when submitting, one for
    every criterion with its justification; no unknown criterion. Returns the clean scores and
    justifications and the errors."""
    errors: list[dict] = []
    clean_scores, clean_just = {}, {}
    for crit in contest.criteria or []:
        code, maximum = crit["code"], Decimal(str(crit["max_points"]))
        raw = scores.get(code)
        just = (justifications.get(code) or "").strip()
        if raw not in (None, ""):
            v, err = _parse_score(raw, maximum, contest.half_points)
            if err:
                errors.append({"field": f"scores.{code}", "message": str(err)})
            else:
                clean_scores[code] = str(v)
        elif submit:
            errors.append({"field": f"scores.{code}", "message": str(_("Oceń każde kryterium."))})
        if submit and not just:
            errors.append({"field": f"justifications.{code}", "message": str(_("Uzasadnij ocenę (R-SCORE)."))})
        if len(just) > 4000:
            errors.append({"field": f"justifications.{code}", "message": str(_("Uzasadnienie jest za długie."))})
        clean_just[code] = just[:4000]
    unknown = [k for k in list(scores) + list(justifications) if k not in {c["code"] for c in contest.criteria or []}]
    if unknown:
        errors.append({"field": "scores", "message": str(_("Nieznane kryterium: %(c)s.", c=", ".join(sorted(set(unknown)))))})
    return clean_scores, clean_just, errors


def save_card(session: Session, actor, commission: Commission, submission, scores: dict, justifications: dict,
              submit: bool = False, expected_version: int | None = None):
    """A member's own card for one submission (R-SCORE): saved as a draft, or submitted (then final)."""
    kind = submissions.of(submission)
    member = commission.member_for(actor)
    reason = may_score(session, commission, member, submission)
    if reason is not None:
        raise PermissionDenied(reason)
    card = card_for(session, commission, member, submission)
    _editable(card, expected_version)
    clean_scores, clean_just, errors = check_scores(commission.contest, scores, justifications, submit)
    if errors:
        raise ReviewError(errors)
    if kind.lock_on_save:  # one card per member and submission, even when racing
        audit.lock_object(session, Commission, commission.id)
        card = card_for(session, commission, member, submission)
        _editable(card, None)
    if card is None:
        card = kind.card_model(commission_id=commission.id, member_id=member.id, state="draft", scores={},
                               justifications={}, **{kind.key: submission.id})
        session.add(card)
    card.scores = clean_scores
    card.justifications = clean_just
    if submit:
        card.state = "submitted"
        card.submitted_at = clock.now()
    session.flush()
    audit.record(session, kind.audit_kind, card.id, "submit" if submit else "save", actor,
                 changes={kind.key: submission.id, "member_id": member.id, "scores": clean_scores, "state": card.state})
    return card


def _editable(card, expected_version) -> None:
    if card is not None and card.state == "submitted":
        raise NotEditable(_("Karta oceny została już złożona."))
    if card is not None and expected_version is not None and expected_version != card.version:
        raise stale(card.version)


def _lock_for_amounts(session, commission):
    """PostgreSQL: SELECT ... FOR UPDATE on the contest (whose budget bounds the sum, and which
    `decide` locks too), then on the commission (whose state says amounts may change, and which
    approve_protocol and reopen lock), always in this order; both re-read. Returns the contest."""
    pg = session.bind.dialect.name == "postgresql"
    q = select(Contest).where(Contest.id == commission.contest_id).execution_options(populate_existing=True)
    contest = session.scalar(q.with_for_update() if pg else q)
    q = select(Commission).where(Commission.id == commission.id).execution_options(populate_existing=True)
    session.scalar(q.with_for_update() if pg else q)
    return contest


def set_amounts(session: Session, actor, commission: Commission, amounts: dict[int, Decimal]) -> dict[int, Decimal]:
    """The officer's proposed amounts within [minimum grant, requested]; the sum never exceeds the budget,
    under any concurrency (R-ALLOC): the contest and the commission rows are locked, then the offers'
    current amounts are read again (not from anything loaded before the lock) and the total checked."""
    _require_officer(actor, commission)
    if commission.state != "closed":
        raise NotEditable(_("Kwoty proponuje się po zamknięciu oceny, przed zatwierdzeniem protokołu."))
    contest = _lock_for_amounts(session, commission)
    if commission.state != "closed":  # changed while waiting for the lock (approved, reopened)
        raise NotEditable(_("Kwoty proponuje się po zamknięciu oceny, przed zatwierdzeniem protokołu."))
    board = Board(session, commission, fresh=True)
    offers = board.offers_by_id
    ranked = {r.offer_id: r for r in board.ranking}
    cands = {oid: Candidate(oid, o.requested_grant or Decimal(0), ranked[oid].passed) for oid, o in offers.items()}
    merged = {oid: (o.proposed_grant or Decimal("0.00")) for oid, o in offers.items()}
    merged.update(amounts)
    problems = edit_problems(merged, cands, contest.budget or Decimal(0), contest.min_grant)
    if problems:
        raise ReviewError([{"field": f"amounts.{oid}" if oid else "amounts", "message": str(m)} for oid, m in problems])
    changes = {}
    for oid, amount in amounts.items():
        o = offers[oid]
        if o.proposed_grant != amount:
            changes[str(oid)] = [o.proposed_grant, amount]
            o.proposed_grant = amount
    session.flush()
    if changes:
        audit.lock_object(session, Commission, commission.id)
        audit.record(session, "commission", commission.id, "set_amounts", actor, changes=changes)
    return merged


def transition(session: Session, commission: Commission, name: str, actor, payload=None, expected_version=None):
    return apply_transition(session, commission, name, actor, payload, expected_version)
