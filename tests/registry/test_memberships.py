"""R-ORG-MEMBERSHIP: membership of an organisation is the organisation's business. The board invites
by e-mail and the invitee accepts from their own account; staff add only as an audited exception
with a reason, for an organisation their department works with, never themselves, and the members
are told at once; members and staff remove members; only the board submits and withdraws offers.
Reproduces the finding of issue 21 (an officer of another department joined an NGO, read its drafts
and withdrew its offer)."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from grants.accounts.models import User
from grants.core import clock, db, outbox
from grants.core.audit import AuditEntry
from grants.registry import memberships as ms
from grants.registry.models import Membership, MembershipInvitation
from tests.factories import PASSWORD, make_contest
from tests.offers.support import draft

REASON = "Prezes organizacji jest w szpitalu; zarząd prosił pismem z 1 grudnia o dodanie tej osoby."


def _fresh():
    """A session of its own: the test's objects stay as they were (requests end the shared one)."""
    return Session(db.get_engine())


def _members(session, org) -> dict[str, str]:
    with _fresh() as s:
        return {m.user.email: m.role for m in s.scalars(select(Membership).where(Membership.organisation_id == org.id))}


def _mails(session, to: str | None = None) -> list[dict]:
    with _fresh() as s:
        rows = [e.data for e in s.scalars(select(outbox.OutboxEvent).where(outbox.OutboxEvent.topic == "email.send"))]
    return [r for r in rows if to is None or r["to"] == to]


def _audit(session, org, action: str) -> list[dict]:
    with _fresh() as s:
        return [e.changes_data for e in s.scalars(
            select(AuditEntry).where(AuditEntry.object_type == "organisation", AuditEntry.object_id == str(org.id),
                                     AuditEntry.action == action).order_by(AuditEntry.id))]


def _count(model, *where) -> int:
    with _fresh() as s:
        return s.scalar(select(func.count()).select_from(model).where(*where))


def _get(model, pk):
    with _fresh() as s:
        obj = s.get(model, pk)
        if obj is not None and hasattr(obj, "role_names"):
            obj.role_names  # noqa: B018 - loaded before the session closes
        return obj


@pytest.fixture
def ngo(session, make_user, make_org):
    """An NGO with a board member and a draft offer in a contest of the BIS department."""
    org = make_org()
    board = make_user("applicant", org=org)
    officer = make_user("officer", department_code="BIS")
    contest = make_contest(session, officer)
    offer = draft(session, contest, board, org)
    return {"org": org, "board": board, "officer": officer, "contest": contest, "offer": offer}


def test_r_org_membership_existing_and_command_line_members_are_the_board_audited(session, ngo):
    org = ngo["org"]
    assert _members(session, org) == {ngo["board"].email: "board"}
    added = _audit(session, org, "add_member")
    assert added and added[0]["via"] == "command_line" and added[0]["role"] == "board"


# ---------------------------------------------------------------- the finding

def test_r_org_membership_officer_of_another_department_cannot_join_or_add_anyone(app, client, session, ngo,
                                                                                  make_user, login, api_token):
    org, offer = ngo["org"], ngo["offer"]
    intruder = make_user("officer", department_code="KD")
    person = make_user("participant")
    before = _members(session, org)
    c = login(intruder, app.test_client())
    # the old attack (e-mail only), then with a reason, for themselves and for another person
    for data in ({"staff-email": intruder.email}, {"staff-email": intruder.email, "staff-reason": REASON},
                 {"staff-email": person.email, "staff-reason": REASON}):
        r = c.post(f"/organisations/{org.id}/members", data=data)
        assert r.status_code == 403, r.get_data(as_text=True)[:500]
    h = api_token(intruder)
    for email in (intruder.email, person.email):
        r = client.post(f"/api/v1/organisations/{org.id}/members", headers=h,
                        json={"email": email, "reason": REASON})
        assert r.status_code == 403 and r.mimetype == "application/problem+json"
    # nor can they invite: that is the board's
    r = client.post(f"/api/v1/organisations/{org.id}/invitations", headers=h, json={"email": intruder.email})
    assert r.status_code == 403
    assert _members(session, org) == before
    assert _count(MembershipInvitation) == 0
    assert _mails(session) == []
    # the drafts stay invisible, the offer cannot be withdrawn
    assert c.get(f"/offers/{offer.id}").status_code == 404
    assert client.get(f"/api/v1/offers/{offer.id}", headers=h).status_code == 404
    assert client.post(f"/api/v1/offers/{offer.id}/transitions/withdraw", headers=h).status_code == 404
    assert _get(type(offer), offer.id).state == "draft"


def test_r_org_membership_staff_never_add_themselves_or_a_colleague(client, session, ngo, make_user, api_token):
    org, officer = ngo["org"], ngo["officer"]  # the department works with this organisation
    colleague = make_user("officer", department_code="KD")
    for email in (officer.email, colleague.email):
        r = client.post(f"/api/v1/organisations/{org.id}/members", headers=api_token(officer),
                        json={"email": email, "reason": REASON})
        assert r.status_code == 422 and any(e["field"] == "email" for e in r.get_json()["errors"])
    assert _members(session, org) == {ngo["board"].email: "board"}
    assert _mails(session) == []


def test_r_org_membership_staff_exception_needs_a_written_reason(app, session, ngo, make_user, login):
    org = ngo["org"]
    person = make_user("participant")
    c = login(ngo["officer"], app.test_client())
    r = c.post(f"/organisations/{org.id}/members", data={"staff-email": person.email, "staff-reason": "bo tak"})
    assert r.status_code == 422
    assert "co najmniej" in r.get_data(as_text=True)
    assert person.email not in _members(session, org) and _mails(session) == []


def test_r_org_membership_staff_exception_with_reason_is_audited_and_mailed_to_members(app, session, ngo,
                                                                                       make_user, login):
    org, board = ngo["org"], ngo["board"]
    person = make_user("participant")
    c = login(ngo["officer"], app.test_client())
    r = c.post(f"/organisations/{org.id}/members", data={"staff-email": person.email, "staff-reason": REASON,
                                                         "staff-role": "member"})
    assert r.status_code == 303, r.get_data(as_text=True)[:1000]
    assert _members(session, org) == {board.email: "board", person.email: "member"}
    assert "applicant" in _get(User, person.id).role_names
    entry = [e for e in _audit(session, org, "add_member") if e["user"] == person.email]
    assert entry and entry[0]["via"] == "staff_exception" and entry[0]["reason"] == REASON
    to_board = _mails(session, board.email)
    assert len(to_board) == 1 and REASON in to_board[0]["body"] and person.email in to_board[0]["body"]
    assert _mails(session, org.email) if org.email else True


def test_r_org_membership_admin_exception_for_any_organisation(client, session, make_org, make_user, api_token):
    org = make_org()
    board = make_user("applicant", org=org)
    admin = make_user("admin")
    person = make_user("participant")
    r = client.post(f"/api/v1/organisations/{org.id}/members", headers=api_token(admin),
                    json={"email": person.email, "reason": REASON})
    assert r.status_code == 201, r.get_data(as_text=True)
    assert r.get_json()["role"] == "member"
    assert len(_mails(session, board.email)) == 1


def test_r_org_membership_works_with_is_the_departments_relation(session, ngo, make_user, make_org):
    assert ms.works_with(session, ngo["officer"], ngo["org"])
    assert not ms.works_with(session, make_user("officer", department_code="KD"), ngo["org"])
    assert not ms.works_with(session, ngo["officer"], make_org())
    assert ms.works_with(session, make_user("admin"), make_org())
    assert not ms.works_with(session, ngo["board"], ngo["org"])


# ---------------------------------------------------------------- invitations

def _token(page: str) -> dict:
    """The CSRF fields of the page's forms (prefixed or not)."""
    return dict(re.findall(r'name="([\w-]*csrf_token)"[^>]*value="([^"]+)"', page))


def test_r_org_membership_invite_and_accept_through_the_pages_with_csrf(csrf_app, session, ngo, make_user):
    org, board = ngo["org"], ngo["board"]
    invitee = make_user("participant")
    c = csrf_app.test_client()
    c.post("/login", data={"email": board.email, "password": PASSWORD,
                           "csrf_token": _token(c.get("/login").get_data(as_text=True))["csrf_token"]})
    page = c.get(f"/organisations/{org.id}/members")
    assert page.status_code == 200
    # without the token: refused, nothing stored
    assert c.post(f"/organisations/{org.id}/invitations", data={"invite-email": invitee.email}).status_code in (400, 422)
    assert _count(MembershipInvitation) == 0
    tokens = _token(page.get_data(as_text=True))
    r = c.post(f"/organisations/{org.id}/invitations", data={"invite-email": invitee.email.upper(), "invite-role": "member",
                                                              "invite-csrf_token": tokens["invite-csrf_token"]})
    assert r.status_code == 303, r.get_data(as_text=True)[:1000]
    mail = _mails(session, invitee.email)
    assert len(mail) == 1 and "/invitations" in mail[0]["body"]
    assert invitee.email not in _members(session, org)  # not a member until they accept

    other = csrf_app.test_client()
    other.post("/login", data={"email": invitee.email, "password": PASSWORD,
                               "csrf_token": _token(other.get("/login").get_data(as_text=True))["csrf_token"]})
    assert org.name in other.get("/").get_data(as_text=True)  # the home page shows the invitation
    page = other.get("/invitations").get_data(as_text=True)
    inv = session.scalar(select(MembershipInvitation))
    assert f"/invitations/{inv.id}/accept" in page
    assert other.post(f"/invitations/{inv.id}/accept").status_code == 400  # no CSRF token
    assert invitee.email not in _members(session, org)
    r = other.post(f"/invitations/{inv.id}/accept", data={"csrf_token": _token(page)["csrf_token"]})
    assert r.status_code == 303
    assert _members(session, org)[invitee.email] == "member"
    assert "applicant" in _get(User, invitee.id).role_names
    # single use
    r = other.post(f"/invitations/{inv.id}/accept", data={"csrf_token": _token(page)["csrf_token"]},
                   follow_redirects=True)
    assert "wykorzystane" in r.get_data(as_text=True)
    assert _count(Membership, Membership.organisation_id == org.id) == 2


def test_r_org_membership_invitation_to_an_email_without_account_waits_for_registration(client, session, ngo,
                                                                                          api_token, make_user):
    org = ngo["org"]
    r = client.post(f"/api/v1/organisations/{org.id}/invitations", headers=api_token(ngo["board"]),
                    json={"email": "Nowa.Osoba@Example.org", "role": "board"})
    assert r.status_code == 201, r.get_data(as_text=True)
    mail = _mails(session, "nowa.osoba@example.org")
    assert len(mail) == 1 and "zarejestruj" in mail[0]["body"]
    newcomer = make_user("participant", email="nowa.osoba@example.org")
    h = api_token(newcomer)
    mine = client.get("/api/v1/invitations", headers=h).get_json()
    assert mine["total"] == 1 and mine["items"][0]["organisation"]["id"] == str(org.id)
    r = client.post(f"/api/v1/invitations/{mine['items'][0]['id']}/accept", headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == "accepted"
    assert _members(session, org)["nowa.osoba@example.org"] == "board"


def test_r_org_membership_invitation_expires_and_is_only_the_invitees(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    invitee, stranger = make_user("participant"), make_user("applicant")
    inv = ms.invite(session, ngo["board"], org, invitee.email)
    session.commit()
    # someone else cannot see, accept or decline it
    hs = api_token(stranger)
    assert client.post(f"/api/v1/invitations/{inv.id}/accept", headers=hs).status_code == 404
    assert client.post(f"/api/v1/invitations/{inv.id}/decline", headers=hs).status_code == 404
    assert client.get("/api/v1/invitations", headers=hs).get_json()["total"] == 0
    # expired (technical time)
    with _fresh() as s:
        s.get(MembershipInvitation, inv.id).expires_at = clock.real_now() - timedelta(seconds=1)
        s.commit()
    h = api_token(invitee)
    assert client.get("/api/v1/invitations", headers=h).get_json()["total"] == 0
    r = client.post(f"/api/v1/invitations/{inv.id}/accept", headers=h)
    assert r.status_code == 422 and "wygasło" in r.get_json()["detail"]
    assert invitee.email not in _members(session, org)


def test_r_org_membership_invitee_declines(client, session, ngo, make_user, api_token):
    invitee = make_user("participant")
    inv = ms.invite(session, ngo["board"], ngo["org"], invitee.email)
    session.commit()
    h = api_token(invitee)
    r = client.post(f"/api/v1/invitations/{inv.id}/decline", headers=h)
    assert r.status_code == 200 and r.get_json()["status"] == "declined"
    assert client.post(f"/api/v1/invitations/{inv.id}/accept", headers=h).status_code == 422
    assert invitee.email not in _members(session, ngo["org"])


def test_r_org_membership_only_the_board_invites(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    member = make_user("participant")
    ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    for who in (member, ngo["officer"], make_user("applicant")):
        r = client.post(f"/api/v1/organisations/{org.id}/invitations", headers=api_token(who),
                        json={"email": "kto@example.org"})
        assert r.status_code == 403
    assert _count(MembershipInvitation) == 0
    r = client.post(f"/api/v1/organisations/{org.id}/invitations", headers=api_token(ngo["board"]),
                    json={"email": member.email})
    assert r.status_code == 422  # already a member
    r = client.post(f"/api/v1/organisations/{org.id}/invitations", headers=api_token(ngo["board"]),
                    json={"email": "kto@example.org", "role": "owner"})
    assert r.status_code == 422


# ---------------------------------------------------------------- members list and removal

def test_r_org_membership_members_list_for_members_and_staff_only(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    r = client.get(f"/api/v1/organisations/{org.id}/members", headers=api_token(ngo["board"]))
    assert r.status_code == 200 and [m["role"] for m in r.get_json()["items"]] == ["board"]
    assert client.get(f"/api/v1/organisations/{org.id}/members", headers=api_token(ngo["officer"])).status_code == 200
    assert client.get(f"/api/v1/organisations/{org.id}/members", headers=api_token(make_user("applicant"))).status_code == 403
    assert client.get(f"/api/v1/organisations/{org.id}/members").status_code == 401
    assert client.get("/api/v1/organisations/999999/members", headers=api_token(ngo["board"])).status_code == 404


def test_r_org_membership_board_removes_a_member_through_the_confirm_page(csrf_app, session, ngo, make_user):
    org, board = ngo["org"], ngo["board"]
    member = make_user("participant")
    m = ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    c = csrf_app.test_client()
    c.post("/login", data={"email": board.email, "password": PASSWORD,
                           "csrf_token": _token(c.get("/login").get_data(as_text=True))["csrf_token"]})
    page = c.get(f"/organisations/{org.id}/members/{m.id}/remove")
    assert page.status_code == 200 and member.email in page.get_data(as_text=True)
    assert c.post(f"/organisations/{org.id}/members/{m.id}/remove").status_code in (200, 400, 422)
    assert member.email in _members(session, org)
    r = c.post(f"/organisations/{org.id}/members/{m.id}/remove",
               data={"csrf_token": _token(page.get_data(as_text=True))["csrf_token"], "reason": "Odejście z zarządu"})
    assert r.status_code == 303
    assert member.email not in _members(session, org)
    assert _audit(session, org, "remove_member")[0]["reason"] == "Odejście z zarządu"
    assert len([x for x in _mails(session, member.email) if "Koniec" in x["subject"]]) == 1


def test_r_org_membership_last_board_member_stays_until_another_exists(client, session, ngo, make_user, api_token):
    org, board = ngo["org"], ngo["board"]
    mine = session.scalar(select(Membership).where(Membership.user_id == board.id))
    h = api_token(board)
    r = client.delete(f"/api/v1/organisations/{org.id}/members/{mine.id}", headers=h)
    assert r.status_code == 422 and "ostatnia osoba z zarządu" in r.get_json()["detail"]
    r = client.delete(f"/api/v1/organisations/{org.id}/members/{mine.id}", headers=api_token(ngo["officer"]))
    assert r.status_code == 422
    r = client.patch(f"/api/v1/organisations/{org.id}/members/{mine.id}", headers=h, json={"role": "member"})
    assert r.status_code == 422
    assert _members(session, org) == {board.email: "board"}
    # with a second board member the first may leave
    second = make_user("participant")
    inv = ms.invite(session, board, org, second.email, "board")
    session.commit()
    assert client.post(f"/api/v1/invitations/{inv.id}/accept", headers=api_token(second)).status_code == 200
    assert client.delete(f"/api/v1/organisations/{org.id}/members/{mine.id}", headers=h).status_code == 204
    assert _members(session, org) == {second.email: "board"}
    assert _audit(session, org, "remove_member")[0]["via"] == "left"


def test_r_org_membership_staff_remove_only_where_their_department_works(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    member = make_user("participant")
    m = ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    r = client.delete(f"/api/v1/organisations/{org.id}/members/{m.id}",
                      headers=api_token(make_user("officer", department_code="KD")))
    assert r.status_code == 403
    assert member.email in _members(session, org)
    r = client.delete(f"/api/v1/organisations/{org.id}/members/{m.id}", headers=api_token(ngo["officer"]),
                      json={"reason": "Na prośbę zarządu"})
    assert r.status_code == 204
    assert member.email not in _members(session, org)


def test_r_org_membership_a_member_may_leave_but_not_remove_others(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    a, b = make_user("participant"), make_user("participant")
    ma = ms.add_by_staff(session, ngo["officer"], org, a.email, REASON, "member")
    mb = ms.add_by_staff(session, ngo["officer"], org, b.email, REASON, "member")
    session.commit()
    assert client.delete(f"/api/v1/organisations/{org.id}/members/{mb.id}", headers=api_token(a)).status_code == 403
    assert client.delete(f"/api/v1/organisations/{org.id}/members/{ma.id}", headers=api_token(a)).status_code == 204
    assert set(_members(session, org)) == {ngo["board"].email, b.email}


# ---------------------------------------------------------------- board and member in the offer workflow

def test_r_org_membership_a_member_drafts_but_only_the_board_submits(client, session, ngo, make_user, api_token):
    org, offer = ngo["org"], ngo["offer"]
    member = make_user("participant")
    ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    h = api_token(member)
    got = client.get(f"/api/v1/offers/{offer.id}", headers=h)
    assert got.status_code == 200  # the member sees the draft
    submit = [t for t in got.get_json()["transitions"] if t["name"] == "submit"][0]
    assert not submit["allowed"] and "zarząd" in submit["reason"]
    r = client.post(f"/api/v1/offers/{offer.id}/transitions/submit", headers=h)
    assert r.status_code == 403 and "zarząd" in r.get_json()["detail"]
    r = client.post(f"/api/v1/offers/{offer.id}/transitions/withdraw", headers=h)
    assert r.status_code == 403
    assert _get(type(offer), offer.id).state == "draft"
    r = client.post(f"/api/v1/offers/{offer.id}/transitions/submit", headers=api_token(ngo["board"]))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.get_json()["state"] == "submitted"


def test_r_org_membership_demo_officer_of_another_department_is_refused(session, make_user, make_org):
    """The operation itself refuses (not only the pages): PermissionDenied, nothing changed."""
    from grants.core.permissions import PermissionDenied
    org = make_org()
    officer = make_user("officer", department_code="KD")
    with pytest.raises(PermissionDenied):
        ms.add_by_staff(session, officer, org, officer.email, REASON)
    session.rollback()
    assert _members(session, org) == {}


def test_r_org_membership_only_the_board_submits_art12_and_art19a_offers(client, session, ngo, make_user, api_token):
    org = ngo["org"]
    member = make_user("participant")
    ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    h = api_token(member)
    r = client.post("/api/v1/initiatives", headers=h, json={
        "organisation_id": str(org.id), "title": "Ogrody", "description": "Ogrody społeczne na osiedlach, z opisem."})
    assert r.status_code == 403 and "zarząd" in r.get_json()["detail"]
    r = client.post("/api/v1/small-grants", headers=h, json={
        "organisation_id": str(org.id), "title": "Piknik", "amount": "5000.00",
        "task_start": (clock.today() + timedelta(days=30)).isoformat(),
        "task_end": (clock.today() + timedelta(days=60)).isoformat()})
    assert r.status_code == 403
    r = client.post("/api/v1/initiatives", headers=api_token(ngo["board"]), json={
        "organisation_id": str(org.id), "title": "Ogrody", "description": "Ogrody społeczne na osiedlach, z opisem."})
    assert r.status_code == 201


def test_r_org_membership_board_promotes_a_member_who_may_then_submit(client, session, ngo, make_user, api_token):
    org, offer = ngo["org"], ngo["offer"]
    member = make_user("participant")
    m = ms.add_by_staff(session, ngo["officer"], org, member.email, REASON, "member")
    session.commit()
    h = api_token(member)
    assert client.patch(f"/api/v1/organisations/{org.id}/members/{m.id}", headers=h,
                        json={"role": "board"}).status_code == 403  # not by themselves
    r = client.patch(f"/api/v1/organisations/{org.id}/members/{m.id}", headers=api_token(ngo["board"]),
                     json={"role": "board"})
    assert r.status_code == 200 and r.get_json()["role"] == "board"
    assert _audit(session, org, "set_member_role")[0]["role"] == ["member", "board"]
    r = client.post(f"/api/v1/offers/{offer.id}/transitions/submit", headers=api_token(member))
    assert r.status_code == 200, r.get_data(as_text=True)


# ---------------------------------------------------------------- the registry record

RECORD = {"legal_form": "foundation", "fields": ["culture"], "district": "I"}


def _edit(client, org, **values):
    from grants.registry.models import Organisation
    with _fresh() as s:
        o = s.get(Organisation, org.id)
        data = {"name": o.name, "krs": o.krs, "nip": o.nip, "regon": o.regon, "email": o.email or "", **RECORD}
    return client.post(f"/organisations/{org.id}/edit", data={**data, **values})


def test_r_org_membership_an_officer_without_a_relation_cannot_redirect_an_ngos_mail(app, session, ngo, make_user,
                                                                                     login):
    """The record's contact address is where the office writes: only staff who work with the
    organisation (or admins) and its board change it; the old address is told."""
    from grants.registry.models import Organisation
    org = ngo["org"]
    intruder = login(make_user("officer", department_code="KD"), app.test_client())
    assert "Edytuj" not in intruder.get(f"/organisations/{org.id}").get_data(as_text=True)
    assert _edit(intruder, org, email="przejete@example.org").status_code == 403
    assert _get(Organisation, org.id).email != "przejete@example.org"

    member = make_user("applicant")
    with _fresh() as s:
        ms.add_by_command_line(s, s.get(User, member.id), s.get(Organisation, org.id), role="member")
        s.commit()
    assert _edit(login(member, app.test_client()), org, phone="12 000 00 00").status_code == 403  # drafts only

    own = login(ngo["officer"], app.test_client())  # BIS: the offer is in its contest
    assert _edit(own, org, email="stary@example.org").status_code == 302
    assert _edit(own, org, email="nowy@example.org").status_code == 302
    assert _get(Organisation, org.id).email == "nowy@example.org"
    told = _mails(session, "stary@example.org")
    assert told and "nowy@example.org" in told[-1]["body"]
    assert _edit(login(ngo["board"], app.test_client()), org, phone="12 111 11 11").status_code == 302


def test_r_org_membership_officers_keep_records_nobody_acts_for(app, session, make_user, make_org, login):
    org = make_org()  # typed in by the registry keepers, no members yet
    client = login(make_user("officer", department_code="KD"), app.test_client())
    assert _edit(client, org, phone="12 222 22 22").status_code == 302
