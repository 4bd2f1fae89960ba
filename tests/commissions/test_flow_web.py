"""A contest from evaluation to published results and the partial award's update, entirely through
the HTML pages (issue 5; the same flow as test_flow_api.py). CSRF is on: every POST carries the token
read from the form it submits, as a browser would, and a POST without one changes nothing.
R-COM-NGO, R-COM-IMPARTIAL, R-COM-EXPERT, R-SCORE, R-ALLOC, R-REVIEW, R-RESULTS, R-UPDATE."""
from __future__ import annotations

import re
from decimal import Decimal
from html.parser import HTMLParser

from sqlalchemy import select
from sqlalchemy.orm import Session

from grants.core import db
from tests.factories import PASSWORD, contest_in_evaluation, offer_content


class _Forms(HTMLParser):
    """Every <form> of a page: action and its fields as a browser would submit them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get"), "fields": [],
                          "options": {}, "buttons": []}
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input":
            kind = a.get("type", "text")
            if kind in ("checkbox", "radio"):
                self._form["options"].setdefault(a.get("name"), []).append(a.get("value", "on"))
                if "checked" in a:
                    self._form["fields"].append([a.get("name"), a.get("value", "on")])
            elif kind == "submit":
                self._form["buttons"].append((a.get("name"), a.get("value")))
            elif a.get("name"):
                self._form["fields"].append([a["name"], a.get("value", "")])
        elif tag == "select":
            self._select = [a.get("name"), None, []]
        elif tag == "option" and self._select is not None:
            self._select[2].append(a.get("value", ""))
            if "selected" in a or self._select[1] is None:
                self._select[1] = a.get("value", "")
        elif tag == "textarea":
            self._textarea = [a.get("name"), ""]
        elif tag == "button" and a.get("name"):
            self._form["buttons"].append((a.get("name"), a.get("value")))

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            self._form["options"][self._select[0]] = self._select[2]
            self._form["fields"].append([self._select[0], self._select[1] or ""])
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append(self._textarea)
            self._textarea = None


def form(page: str, action: str, at: str | None = None, **match) -> dict:
    """The form whose action ends with `action` (and whose fields contain `match`), as {name: value or [values]};
    a form without an action posts to the page's own address `at`."""
    p = _Forms()
    p.feed(page)
    for f in p.forms:
        target = f["action"] or at or ""
        if not target or not target.split("#")[0].endswith(action):
            continue
        data: dict = {}
        for name, value in f["fields"]:
            if name in data:
                data[name] = (data[name] if isinstance(data[name], list) else [data[name]]) + [value]
            else:
                data[name] = value
        if all(data.get(k) == str(v) for k, v in match.items()):
            data["_options"] = f["options"]
            return data
    raise AssertionError(f"no form {action} {match} on the page")


def post(client, url: str, data: dict, **kw):
    data = {k: v for k, v in data.items() if k != "_options"}
    assert data.get("csrf_token"), f"the form for {url} carries no CSRF token"
    return client.post(url, data=data, **kw)


def web_login(app, user):
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    data = form(page, "/login") if 'action="/login"' in page else {
        "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)}
    data.update(email=user.email, password=PASSWORD)
    r = post(c, "/login", data)
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return c


def fresh(model, oid):
    with Session(db.get_engine()) as s:
        obj = s.get(model, oid)
        s.expunge_all()
        return obj


def _fast_hash(monkeypatch):
    from argon2 import PasswordHasher

    from grants.accounts import passwords
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def test_r_com_impartial_r_score_r_alloc_r_update_whole_flow_through_the_pages(csrf_app, session, make_user,
                                                                                make_org, monkeypatch):
    from grants.contests.models import Contest
    from grants.offers.models import Offer
    from reviewers.models import Commission, Declaration, ScoreCard

    _fast_hash(monkeypatch)
    app = csrf_app
    officer = make_user("officer")
    org_a, org_b, org_c, org_n = make_org(), make_org(), make_org(), make_org()
    a, b, cc = make_user("applicant", org=org_a), make_user("applicant", org=org_b), make_user("applicant", org=org_c)
    contest, (oa, ob, oc) = contest_in_evaluation(session, officer, [(a, org_a, "40000.00"), (b, org_b, "30000.00"),
                                                                     (cc, org_c, "9000.00")])
    chair, city2 = make_user("officer"), make_user("officer")
    nominee_taking_part = make_user("commission_member")  # nominated by org_a, which submitted: excluded
    nominee = make_user("commission_member")  # nominated by org_n, not taking part
    expert = make_user("commission_member")
    ids = {"contest": contest.id, "oa": oa.id, "ob": ob.id, "oc": oc.id}
    criteria = [x["code"] for x in contest.criteria]
    session.commit()
    db.session.remove()

    # ------------------------------------------------------------ the officer appoints the commission
    off = web_login(app, officer)
    page = off.get(f"/contests/{ids['contest']}").get_data(as_text=True)
    assert "Powołaj komisję konkursową" in page
    r = off.post(f"/contests/{ids['contest']}/commission", data={})  # without the token: refused, nothing made
    assert r.status_code == 400
    with Session(db.get_engine()) as s:
        assert s.scalar(select(Commission.id).where(Commission.contest_id == ids["contest"])) is None
    r = post(off, f"/contests/{ids['contest']}/commission", form(page, f"/contests/{ids['contest']}/commission"))
    assert r.status_code == 303
    home = r.headers["Location"]
    cid = int(re.search(r"/commissions/(\d+)", home).group(1))

    for u, kind, org, is_chair in [(chair, "city", None, True), (city2, "city", None, False),
                                   (nominee_taking_part, "ngo", org_a, False), (nominee, "ngo", org_n, False),
                                   (expert, "expert", None, False)]:
        page = off.get(home).get_data(as_text=True)
        data = form(page, f"/commissions/{cid}/members")
        assert str(u.id) in data["_options"]["user_id"]
        # typed as an officer would: the KRS of one, the name of the other (no list of every organisation)
        data.update(user_id=str(u.id), kind=kind, nominating_organisation=(org.krs if org is org_a else org.name)
                    if org else "")
        if is_chair:
            data["is_chair"] = "1"
        assert post(off, f"/commissions/{cid}/members", data).status_code == 303
    page = off.get(home).get_data(as_text=True)
    assert "Wyłączony: organizacja wskazująca" in page  # the nominee of a participating organisation, on the page
    # an NGO nominee without the nominating organisation: refused, explained, nothing added
    data = form(page, f"/commissions/{cid}/members")
    data.update(kind="ngo", nominating_organisation="")
    with Session(db.get_engine()) as s:
        count = len(s.get(Commission, cid).members)
    page = post(off, f"/commissions/{cid}/members", data, follow_redirects=True).get_data(as_text=True)
    assert "R-COM-NGO" in page
    with Session(db.get_engine()) as s:
        assert len(s.get(Commission, cid).members) == count == 5

    page = off.get(home).get_data(as_text=True)
    r = post(off, f"/commissions/{cid}/transitions/open_declarations",
             form(page, f"/commissions/{cid}/transitions/open_declarations"))
    assert r.status_code == 303 and fresh(Commission, cid).state == "declarations"

    # ------------------------------------------------------------ members declare impartiality (one conflict)
    clients = {u.id: web_login(app, u) for u in (chair, city2, nominee, expert)}
    excluded_client = web_login(app, nominee_taking_part)
    assert "Złóż oświadczenie" not in excluded_client.get(home).get_data(as_text=True)
    for u in (chair, city2, nominee, expert):
        c = clients[u.id]
        for org in (org_a, org_b, org_c):
            page = c.get(home).get_data(as_text=True)
            data = form(page, f"/commissions/{cid}/declarations", organisation_id=org.id)
            assert set(data["_options"]["conflict"]) == {"0", "1"} and "family" in data["_options"]["grounds"]
            assert "conflict" not in data  # no answer is chosen for the member (issue 14)
            data["conflict"] = "0"
            if u is city2 and org is org_b:
                data.update(conflict="1")  # without a ground: refused, explained, nothing stored
                page = post(c, f"/commissions/{cid}/declarations", data, follow_redirects=True).get_data(as_text=True)
                assert "art. 24 KPA" in page
                with Session(db.get_engine()) as s:
                    assert s.scalar(select(Declaration.id).where(Declaration.organisation_id == org_b.id,
                                                                 Declaration.conflict.is_(True))) is None
                data.update(grounds=["family"], note="Siostra w zarządzie")
            assert post(c, f"/commissions/{cid}/declarations", data).status_code == 303
    page = clients[city2.id].get(home).get_data(as_text=True)
    assert "Konflikt interesów: wyłączenie z oceny" in page and "pokrewieństwo" in page

    # ------------------------------------------------------------ the chair starts scoring
    ch = clients[chair.id]
    page = ch.get(home).get_data(as_text=True)
    r = post(ch, f"/commissions/{cid}/transitions/start_scoring", form(page, f"/commissions/{cid}/transitions/start_scoring"))
    assert r.status_code == 303 and fresh(Commission, cid).state == "scoring"

    # ------------------------------------------------------------ members fill in their cards
    plan = {ids["oa"]: 4, ids["ob"]: 5, ids["oc"]: 1}
    for u in (chair, city2, nominee, expert):
        c = clients[u.id]
        page = c.get(home).get_data(as_text=True)
        for key in ("oa", "ob", "oc"):
            card_url = f"/commissions/{cid}/cards/{ids[key]}"
            if u is city2 and key == "ob":
                assert card_url not in page  # no link to an excluded offer's card
                assert "Wyłączony z oceny tej oferty" in page
                assert c.get(card_url).status_code == 403
                continue
            assert card_url in page
            card_page = c.get(card_url).get_data(as_text=True)
            data = form(card_page, card_url)
            pts = 1 if u is expert else plan[ids[key]]
            if u is chair and key == "oa":
                # a draft first: half of it, saved without the justifications
                data.update({f"scores.{x}": str(pts) for x in criteria[:2]}, submit="0")
                assert post(c, card_url, data).status_code == 303
                with Session(db.get_engine()) as s:
                    draft = s.scalar(select(ScoreCard).where(ScoreCard.offer_id == ids["oa"]))
                    assert draft.state == "draft" and set(draft.scores) == set(criteria[:2])
                card_page = c.get(card_url).get_data(as_text=True)
                data = form(card_page, card_url)
                assert data[f"scores.{criteria[0]}"] == str(pts) and data["version"]
                # submitting without justifications: every missing one named beside its field, nothing saved
                data.update({f"scores.{x}": str(pts) for x in criteria}, submit="1")
                r = post(c, card_url, data)
                assert r.status_code == 422
                err = r.get_data(as_text=True)
                assert 'class="error-summary"' in err and err.count("Uzasadnij ocenę (R-SCORE).") == 2 * len(criteria)
                assert f'id="justifications-{criteria[0]}-error"' in err
                with Session(db.get_engine()) as s:
                    again = s.scalar(select(ScoreCard).where(ScoreCard.offer_id == ids["oa"]))
                    assert again.state == "draft" and again.version == draft.version
                data = form(err, card_url)  # the form comes back with what was typed
                assert data[f"scores.{criteria[-1]}"] == str(pts)
            data.update({f"scores.{x}": str(min(pts, 5)) for x in criteria})
            data.update({f"justifications.{x}": f"Uzasadnienie {x}" for x in criteria})
            data["submit"] = "1"
            r = post(c, card_url, data)
            # the page's form asks for the confirmation step (issue 14), which its own form confirms
            asked = r.get_data(as_text=True)
            assert r.status_code == 200 and "Tej czynności nie można cofnąć." in asked, asked[:2000]
            r = post(c, card_url, form(asked, card_url, at=card_url))
            assert r.status_code == 303, r.get_data(as_text=True)[:2000]
        page = c.get(home).get_data(as_text=True)
        assert 'id="rank-' not in page  # blind while scoring
    # the officer follows the progress without seeing a score
    page = off.get(home).get_data(as_text=True)
    assert "Postęp oceny" in page and "Uzasadnienie" not in page and 'id="rank-' not in page
    assert "Uzasadnienie" not in off.get(f"/commissions/{cid}/protocol").get_data(as_text=True)

    # ------------------------------------------------------------ the chair closes scoring
    page = ch.get(home).get_data(as_text=True)
    r = post(ch, f"/commissions/{cid}/transitions/close_scoring", form(page, f"/commissions/{cid}/transitions/close_scoring"))
    assert r.status_code == 303 and fresh(Commission, cid).state == "closed"
    page = clients[city2.id].get(home).get_data(as_text=True)
    assert "ukryte (wyłączenie)" in re.search(rf'<tr id="rank-{ids["ob"]}">(.*?)</tr>', page, re.S).group(1)

    # ------------------------------------------------------------ the officer edits an amount (R-ALLOC)
    page = off.get(home).get_data(as_text=True)
    data = form(page, f"/commissions/{cid}/allocation")
    assert data[f"amount.{ids['ob']}"] == "30 000,00"  # the default proposal: the full request, as Poles write it
    data[f"amount.{ids['oa']}"] = "45000.00"  # above the request: refused, explained, nothing changed
    page = post(off, f"/commissions/{cid}/allocation", data, follow_redirects=True).get_data(as_text=True)
    assert "flash-error" in page and fresh(Offer, ids["oa"]).proposed_grant == Decimal("40000.00")
    data[f"amount.{ids['oa']}"] = "35 000,00"
    assert post(off, f"/commissions/{cid}/allocation", data).status_code == 303
    assert fresh(Offer, ids["oa"]).proposed_grant == Decimal("35000.00")

    # ------------------------------------------------------------ the chair approves the protocol (R-REVIEW)
    page = ch.get(home).get_data(as_text=True)
    r = post(ch, f"/commissions/{cid}/transitions/approve_protocol",
             form(page, f"/commissions/{cid}/transitions/approve_protocol"))
    assert r.status_code == 303
    com = fresh(Commission, cid)
    assert com.state == "approved" and com.protocol_hash
    protocol = ch.get(f"/commissions/{cid}/protocol").get_data(as_text=True)
    assert com.protocol_hash in protocol and "Siostra w zarządzie" in protocol
    assert "ukryte (wyłączenie)" in clients[city2.id].get(f"/commissions/{cid}/protocol").get_data(as_text=True)

    # ------------------------------------------------------------ the officer decides on the contest page
    anon = app.test_client()
    assert "Wyniki konkursu" not in anon.get(f"/contests/{ids['contest']}").get_data(as_text=True)
    page = off.get(f"/contests/{ids['contest']}").get_data(as_text=True)
    r = post(off, f"/contests/{ids['contest']}/transitions/decide",
             form(page, f"/contests/{ids['contest']}/transitions/decide"))
    assert r.status_code == 303
    assert fresh(Contest, ids["contest"]).state == "decided"
    states = {k: fresh(Offer, ids[k]).state for k in ("oa", "ob", "oc")}
    assert states == {"oa": "update_required", "ob": "ready_for_agreement", "oc": "not_selected"}
    public = anon.get(f"/contests/{ids['contest']}").get_data(as_text=True)  # R-RESULTS
    assert "Wyniki konkursu" in public and "35\u00a0000,00\u00a0zł" in public and "niewybrana: bez dotacji" in public
    assert f"/commissions/{cid}" not in public and "Uzasadnienie" not in public

    # ------------------------------------------------------------ the partially funded applicant updates (R-UPDATE)
    ap = web_login(app, a)
    offer_url = f"/offers/{ids['oa']}"
    page = ap.get(offer_url).get_data(as_text=True)
    data = form(page, f"{offer_url}/transitions/submit_update")
    r = post(ap, f"{offer_url}/transitions/submit_update", data, follow_redirects=True)  # not updated yet
    assert "Aktualizacja oferty:" in r.get_data(as_text=True) and "R-UPDATE" not in r.get_data(as_text=True) and fresh(Offer, ids["oa"]).state == "update_required"
    target = offer_content(fresh(Contest, ids["contest"]), "35000.00")
    costs_url = f"{offer_url}/sections/costs"
    data = form(ap.get(costs_url).get_data(as_text=True), costs_url, at=costs_url)
    for i, line in enumerate(target["costs"]):
        data[f"costs.{i}.unit_cost"] = line["unit_cost"]
        for name in [n for n in data if n.startswith(f"costs.{i}.by_year.")]:
            data[name] = ""  # a single-year task: the split follows the value
    r = post(ap, costs_url, data)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    sources_url = f"{offer_url}/sections/sources"
    data = form(ap.get(sources_url).get_data(as_text=True), sources_url, at=sources_url)
    data.update({f"sources.{k}": v for k, v in target["sources"].items()})
    r = post(ap, sources_url, data)
    assert r.status_code == 303, r.get_data(as_text=True)[:3000]
    page = ap.get(offer_url).get_data(as_text=True)
    r = post(ap, f"{offer_url}/transitions/submit_update", form(page, f"{offer_url}/transitions/submit_update"))
    asked = r.get_data(as_text=True)  # the confirmation step (issue 14), confirmed by its own form
    assert r.status_code == 200 and "Tej czynności nie można cofnąć." in asked
    r = post(ap, f"{offer_url}/transitions/submit_update", form(asked, "/transitions/submit_update",
                                                                  at=f"{offer_url}/transitions/submit_update"))
    assert r.status_code == 303
    o = fresh(Offer, ids["oa"])
    assert o.state == "ready_for_agreement" and o.requested_grant == Decimal("35000.00")
