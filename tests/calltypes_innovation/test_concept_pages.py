"""Concept pages: started from the concept call's page, edited as one form, submitted there with
the workflow diagram; clear refusals; drafts private; the applicant's home; the call page's panel."""
from sqlalchemy import select

from grants.calltypes.innovation.models import Concept

from .helpers import NGO_ONLY, audit_count, concept_call, concept_values, decide_by_hand, draft_concept, \
    submitted_concept


def _form(values: dict, version: int, rows: int = 1) -> dict:
    data = {"version": str(version), "rows": str(rows)}
    for k in ("title", "problem", "novelty", "pilot_plan", "estimated_budget"):
        data[f"concept.{k}"] = values.get(k) or ""
    for i, p in enumerate(values.get("partners", [])):
        for f in ("name", "sector", "role"):
            data[f"concept.partners.{i}.{f}"] = p.get(f) or ""
    return data


def _web(app, login, user):
    c = app.test_client()
    login(user, c)
    return c


def test_organisation_creates_edits_and_submits_a_concept_through_the_pages(app, session, people, login):
    call = concept_call(session, people.officer)
    web = _web(app, login, people.member)
    page = web.get(f"/contests/{call.id}").get_data(as_text=True)
    assert "Złóż koncepcję" in page and people.org.name in page
    assert f'action="/contests/{call.id}/offers"' not in page  # a concept call takes no offers
    r = web.post(f"/contests/{call.id}/concepts", data={"organisation_id": str(people.org.id)})
    assert r.status_code == 303 and "/edit" in r.headers["Location"]
    k = session.scalar(select(Concept))
    form = web.get(r.headers["Location"]).get_data(as_text=True)
    assert 'name="concept.partners.0.sector"' in form and "start-up" in form
    values = concept_values()
    r = web.post(f"/concepts/{k.id}/edit", data=_form(values, k.version, rows=2))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    session.expire_all()
    k = session.get(Concept, k.id)
    assert k.content["partners"] == values["partners"] and k.content["estimated_budget"] == "85000.00"
    show = web.get(f"/concepts/{k.id}").get_data(as_text=True)
    assert "Koncepcja jest kompletna" in show and "AppTeatr sp. z o.o." in show
    assert 'class="mermaid"' in show and "stateDiagram" in show  # the concept workflow, drawn
    r = web.post(f"/concepts/{k.id}/transitions/submit", data={"version": str(k.version)}, follow_redirects=True)
    assert r.status_code == 200 and "Wykonano czynność „Złóż koncepcję”. Stan: złożona." in r.get_data(as_text=True)
    session.expire_all()
    k = session.get(Concept, k.id)
    assert k.state == "submitted" and k.number in web.get(f"/concepts/{k.id}").get_data(as_text=True)
    assert web.get(f"/concepts/{k.id}/edit", follow_redirects=True).get_data(as_text=True).count(
        "Złożonej koncepcji nie można zmieniać") == 1


def test_ngo_only_partnership_is_refused_on_the_page_with_the_reason(app, session, people, login):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, concept_values(partners=NGO_ONLY))
    web = _web(app, login, people.member)
    show = web.get(f"/concepts/{k.id}").get_data(as_text=True)
    assert "wyłącznie z organizacji pozarządowych" in show  # listed before submitting, button greyed out
    assert 'disabled aria-describedby="why-submit"' in show
    r = web.post(f"/concepts/{k.id}/transitions/submit", data={"version": str(k.version)}, follow_redirects=True)
    assert "wyłącznie z organizacji pozarządowych" in r.get_data(as_text=True)
    session.expire_all()
    assert session.get(Concept, k.id).state == "draft"


def test_bad_form_input_is_shown_next_to_the_field_and_nothing_is_saved(app, session, people, login):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    kid, version = k.id, k.version
    entries = audit_count(session)
    web = _web(app, login, people.member)
    values = concept_values(estimated_budget="dużo", title="Zmieniony")
    values["partners"][1]["sector"] = "mafia"
    r = web.post(f"/concepts/{kid}/edit", data=_form(values, version))
    page = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Popraw błędy: nic nie zostało zapisane" in page
    assert 'id="concept-estimated_budget-error"' in page and "to nie jest liczba" in page
    assert 'id="concept-partners-1-sector-error"' in page and "Wybierz sektor z listy" in page
    session.expire_all()
    k = session.get(Concept, kid)
    assert (k.title, k.version, audit_count(session)) == ("Teatr z aplikacją dla seniorów", 1, entries)


def test_a_field_left_blank_in_the_form_is_cleared(app, session, people, login):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    web = _web(app, login, people.member)
    values = concept_values(problem="", partners=concept_values()["partners"][1:])
    assert web.post(f"/concepts/{k.id}/edit", data=_form(values, k.version)).status_code == 303
    session.expire_all()
    k = session.get(Concept, k.id)
    assert k.content["problem"] == "" and len(k.content["partners"]) == 1


def test_concept_pages_check_who_may_see_and_do_what(app, session, people, login):
    call = concept_call(session, people.officer)
    draft = draft_concept(session, people.member, people.org, call)
    sub = submitted_concept(session, people.other, people.other_org, call)
    anon = app.test_client()
    assert anon.get(f"/concepts/{sub.id}").status_code == 302  # to the login page
    assert anon.post(f"/contests/{call.id}/concepts", data={"organisation_id": str(people.org.id)}).status_code == 302
    other = _web(app, login, people.other)
    assert other.get(f"/concepts/{draft.id}").status_code == 404
    assert other.get(f"/concepts/{draft.id}/edit").status_code == 404
    assert other.post(f"/concepts/{draft.id}/transitions/submit", data={"version": "1"}).status_code == 404
    assert other.post(f"/contests/{call.id}/concepts", data={"organisation_id": str(people.org.id)}).status_code == 403
    officer = _web(app, login, people.officer)
    assert officer.get(f"/concepts/{draft.id}").status_code == 404
    assert officer.get(f"/concepts/{sub.id}").status_code == 200
    assert officer.get(f"/concepts/{sub.id}/edit").status_code == 403
    assert officer.post(f"/concepts/{sub.id}/transitions/withdraw", data={"version": str(sub.version)}).status_code == 403
    assert officer.post(f"/contests/{call.id}/concepts", data={"organisation_id": str(people.org.id)}).status_code == 403
    stranger = _web(app, login, people.stranger_officer)
    assert stranger.get(f"/concepts/{sub.id}").status_code == 404
    assert session.scalar(select(Concept.id).where(Concept.id > sub.id)) is None


def test_creating_in_a_closed_call_shows_the_reason(app, session, people, login, clock_at):
    from datetime import timedelta
    call = concept_call(session, people.officer)
    clock_at((call.deadline + timedelta(minutes=1)).isoformat())
    web = _web(app, login, people.member)
    r = web.post(f"/contests/{call.id}/concepts", data={"organisation_id": str(people.org.id)}, follow_redirects=True)
    assert "Nabór koncepcji nie trwa" in r.get_data(as_text=True)
    assert session.scalar(select(Concept.id)) is None


def test_applicant_home_lists_the_organisations_concepts(app, session, people, login):
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call)
    page = _web(app, login, people.member).get("/").get_data(as_text=True)
    assert "Koncepcje mojej organizacji" in page and f"/concepts/{k.id}" in page
    assert f"/concepts/{k.id}" not in _web(app, login, people.other).get("/").get_data(as_text=True)


def test_call_page_lists_submitted_concepts_to_staff_and_the_shortlist_to_everyone(app, session, people, login):
    call = concept_call(session, people.officer)
    draft_concept(session, people.member, people.org, call, concept_values(title="Szkic tajny"))
    a = submitted_concept(session, people.other, people.other_org, call, concept_values(title="Koncepcja A"))
    staff_page = _web(app, login, people.officer).get(f"/contests/{call.id}").get_data(as_text=True)
    assert "Złożone koncepcje (1)" in staff_page and "Koncepcja A" in staff_page
    assert "Szkic tajny" not in staff_page
    public = app.test_client().get(f"/contests/{call.id}").get_data(as_text=True)
    assert "Koncepcja A" not in public and "Złóż koncepcję" not in public.split("Koncepcje pilotaży")[1]
    decide_by_hand(session, people.officer, call, shortlist=[a])
    public = app.test_client().get(f"/contests/{call.id}").get_data(as_text=True)
    assert "Koncepcje zakwalifikowane do etapu II" in public
    assert "Koncepcja A" in public and people.other_org.name in public
    assert "Szkic tajny" not in public  # a draft stays private whatever happens to the call
    assert "Konkurs na pilotaż (etap II) nie został jeszcze ogłoszony" in public


def test_public_explanations_of_both_stages_in_plain_polish(client):
    one = client.get("/call-types/innovation_concept").get_data(as_text=True)
    assert "Etap I nie przyznaje pieniędzy." in one and "partnerstwo międzysektorowe" in one
    assert "wyłącznie z organizacji pozarządowych" in one and "pełnoprawny wynik" in one
    two = client.get("/call-types/innovation_pilot").get_data(as_text=True)
    assert "Kto może złożyć ofertę" in two and "zakwalifikowano do etapu II" in two
    assert "pełnoprawnym wynikiem" in two


def test_lists_read_in_a_constant_number_of_queries(app, session, people, login, api_token, client, count_queries,
                                                     make_org, make_user):
    call = concept_call(session, people.officer)
    h = api_token(people.officer)
    officer_web = _web(app, login, people.officer)

    def add(n):
        for _ in range(n):
            org = make_org()
            submitted_concept(session, make_user("applicant", org=org), org, call)

    def measure():
        with count_queries() as api_n:
            assert client.get("/api/v1/concepts", headers=h).status_code == 200
        with count_queries() as page_n:
            assert officer_web.get(f"/contests/{call.id}").status_code == 200
        return api_n(), page_n()

    add(2)
    first = measure()
    add(4)
    assert measure() == first


def test_concept_pages_and_panels_have_labels_headings_and_unique_ids(app, session, people, login):
    from tests.web.test_accessibility import problems
    from .helpers import pilot_contest
    call = concept_call(session, people.officer)
    k = draft_concept(session, people.member, people.org, call, concept_values(partners=NGO_ONLY))
    sub = submitted_concept(session, people.other, people.other_org, call)
    decide_by_hand(session, people.officer, call, shortlist=[sub])
    pilot = pilot_contest(session, people.officer, call.id)
    open_call = concept_call(session, people.officer, title="Drugi nabór koncepcji")
    kid, sid, call_id, pilot_id, open_id = k.id, sub.id, call.id, pilot.id, open_call.id
    member, officer = _web(app, login, people.member), _web(app, login, people.officer)
    bad = _form(concept_values(estimated_budget="x", partners=[{"name": "A", "sector": "zzz", "role": ""}]), 1)
    pages = {
        "show draft": member.get(f"/concepts/{kid}"), "edit": member.get(f"/concepts/{kid}/edit?rows=3"),
        "edit with errors": member.post(f"/concepts/{kid}/edit", data=bad),
        "show submitted (officer)": officer.get(f"/concepts/{sid}"),
        "concept call (member)": member.get(f"/contests/{call_id}"),
        "open concept call (member)": member.get(f"/contests/{open_id}"),
        "concept call (officer)": officer.get(f"/contests/{call_id}"),
        "pilot (member)": member.get(f"/contests/{pilot_id}"),
        "pilot (public)": app.test_client().get(f"/contests/{pilot_id}"),
    }
    assert pages["edit with errors"].status_code == 422
    assert "Złóż koncepcję" in pages["open concept call (member)"].get_data(as_text=True)
    failures = [f"{name}: {p}" for name, r in pages.items() for p in problems(r.get_data(as_text=True))]
    assert not failures, "\n".join(failures)
