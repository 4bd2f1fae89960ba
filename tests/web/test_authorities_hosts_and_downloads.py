"""Each authority's own portal beyond its contests (issue 22): served at / on its own host name when
one is configured (GRANTS_AUTHORITY_HOSTS or `grants grantors create --host`); its open-data
downloads, newsletter subscription and calendar filters are its own. Department codes are unique per
authority: Kraków and Wieliczka both have a "BIS"."""
from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import select

from grants.accounts.operations import AccountError, create_user
from grants.core import config
from grants.core.config import ConfigError
from grants.notifications import subscriptions
from grants.notifications.models import Subscription
from grants.registry import authorities
from grants.registry.models import Department
from tests.factories import PASSWORD, decided_contest, department

WIE = "WIELICZKA"
HOST = "granty.wieliczka.example.org"


@pytest.fixture
def two(app, session, make_user):
    """Kraków (factories) and Wieliczka (the operator's command, with a host name), each with a "BIS"."""
    krk_officer = make_user("officer")
    r = app.test_cli_runner().invoke(args=["grantors", "create", "--code", WIE, "--name", "Gmina Wieliczka",
                                           "--teryt", "1219063", "--colour", "#006b3f", "--host", HOST.upper()])
    assert r.exit_code == 0, r.output
    wie = authorities.by_code(session, WIE)
    session.add(Department(grantor=wie, code="BIS", name="Referat Spraw Społecznych WIE", fields=["culture"]))
    session.commit()
    return {"krk": krk_officer.grantor_id, "wie": wie.id, "krk_officer": krk_officer,
            "krk_dept": department(session).id,
            "wie_dept": session.scalar(select(Department.id).where(Department.grantor_id == wie.id))}


def _wie_staff(session, email):
    u = create_user(session, email=email, password=PASSWORD, roles=["officer"], full_name="Ewa Solna",
                    department_code="BIS", grantor_code=WIE)
    session.commit()
    return u


def test_department_codes_are_per_authority_and_an_ambiguous_code_needs_the_authority(two, session):
    u = _wie_staff(session, "solna@wieliczka.example.org")
    assert u.department_id == two["wie_dept"] and u.grantor_id == two["wie"]
    with pytest.raises(AccountError) as e:  # "BIS" of which authority?
        create_user(session, email="x@example.org", password=PASSWORD, roles=["officer"], department_code="BIS")
    assert e.value.field == "department" and "kilku organach" in str(e.value.message)
    session.rollback()
    with pytest.raises(Exception):  # the same authority still may not have two
        session.add(Department(grantor_id=two["wie"], code="BIS", name="Drugi"))
        session.flush()
    session.rollback()


def test_authority_hosts_setting_parses_and_refuses_a_bad_entry():
    assert config.authority_hosts(" Granty.Wieliczka.pl=wieliczka , dotacje.krakow.pl=KRK,") == (
        ("granty.wieliczka.pl", "WIELICZKA"), ("dotacje.krakow.pl", "KRK"))
    assert config.authority_hosts("") == ()
    with pytest.raises(ConfigError):
        config.authority_hosts("granty.wieliczka.pl")


def test_portal_by_host_name_from_the_grantor_and_from_the_setting(app, two, session, monkeypatch):
    page = app.test_client().get("/", headers={"Host": f"{HOST}:8443"})
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Gmina Wieliczka" in body and "#006b3f" in body
    for page in ("kalendarz", "otwarte-dane", "powiadomienia", "w-liczbach"):  # its own pages
        assert f"/{WIE}/{page}/" in body
    # the deployment's own host: the usual front page, not an authority's portal
    assert "Gmina Wieliczka" not in app.test_client().get("/").get_data(as_text=True)
    # the setting maps another host to Kraków (no restart needed in the test: the app's config)
    monkeypatch.setitem(app.config, "GRANTS_AUTHORITY_HOSTS", {"dotacje.krakow.example.org": "KRK"})
    krk = app.test_client().get("/", headers={"Host": "dotacje.krakow.example.org"}).get_data(as_text=True)
    krk_name = authorities.by_code(session, "KRK").name
    assert krk_name in krk and "Gmina Wieliczka" not in krk
    # a signed-in officer on the authority's host gets their own home, not the public portal
    c = app.test_client()
    r = c.post("/login", data={"email": two["krk_officer"].email, "password": PASSWORD}, headers={"Host": HOST})
    assert r.status_code == 302
    assert "Gmina Wieliczka" not in c.get("/", headers={"Host": HOST}).get_data(as_text=True)
    # a second authority may not take the same host; a malformed one is refused
    for host in (HOST, "http://x.pl/portal"):
        r = app.test_cli_runner().invoke(args=["grantors", "create", "--code", "NIEPOLOMICE", "--name", "Gmina",
                                               "--teryt", "1219043", "--host", host])
        assert r.exit_code != 0 and "host" in r.output
    listed = app.test_cli_runner().invoke(args=["grantors", "list"]).output
    assert HOST in listed


def test_open_data_downloads_of_one_authority(app, client, session, make_user, make_org, two):
    krk2 = make_user("officer")
    wie1, wie2 = _wie_staff(session, "a@wieliczka.example.org"), _wie_staff(session, "b@wieliczka.example.org")
    org = make_org("Stowarzyszenie Obu Gmin")
    ngo = make_user("applicant", org=org)
    decided_contest(session, two["krk_officer"], [(ngo, org, "9000.00")], krk2)
    decided_contest(session, wie1, [(ngo, org, "7000.00")], wie2)
    session.commit()
    wie_grants = json.loads(client.get(f"/open-data/360giving.json?grantor={WIE}").get_data(), parse_float=Decimal)
    assert [g["amountAwarded"] for g in wie_grants["grants"]] == [Decimal("7000.00")]
    assert wie_grants["publisher"]["name"] == "Gmina Wieliczka"
    assert {g["fundingOrganization"][0]["name"] for g in wie_grants["grants"]} == {"Gmina Wieliczka"}
    every = client.get("/open-data/360giving.json").get_json()["grants"]
    assert len(every) == 2
    krk_csv = client.get("/open-data/360giving.csv?grantor=KRK")
    assert krk_csv.status_code == 200 and "Wieliczka" not in krk_csv.get_data(as_text=True)
    assert "-krk" in krk_csv.headers["Content-Disposition"]
    records = client.get(f"/open-data/ocds/records.json?grantor={WIE}").get_json()["records"]
    assert len(records) == 1
    assert len(client.get("/api/v1/open-data/records?grantor=KRK").get_json()["records"]) == 1
    assert client.get("/open-data/360giving.json?grantor=NIEMA").status_code == 404
    assert client.get("/open-data/?grantor=NIEMA").status_code == 404
    index = client.get(f"/open-data/?grantor={WIE}").get_data(as_text=True)
    assert "Gmina Wieliczka" in index and f"grantor={WIE}" in index
    # the ETag of one authority's download is not the whole deployment's
    assert client.get(f"/open-data/360giving.json?grantor={WIE}").headers["ETag"] != \
        client.get("/open-data/360giving.json").headers["ETag"]


def test_calendar_departments_and_newsletter_of_one_authority(app, client, session, two):
    # the calendar of Wieliczka lists its own department only; the deployment's names each one's authority
    cal = client.get(f"/calendar?grantor={WIE}").get_data(as_text=True)
    assert f'value="{two["wie_dept"]}"' in cal and f'value="{two["krk_dept"]}"' not in cal
    assert f'name="grantor" value="{WIE}"' in cal  # filtering keeps the authority
    every = client.get("/calendar").get_data(as_text=True)
    assert f'value="{two["wie_dept"]}"' in every and f'value="{two["krk_dept"]}"' in every
    assert "(Gmina Wieliczka)" in every
    # the newsletter subscribed on Wieliczka's portal: its departments; a Kraków department refused
    page = client.get(f"/subscriptions/?grantor={WIE}").get_data(as_text=True)
    assert f'value="{two["wie_dept"]}"' in page and f'value="{two["krk_dept"]}"' not in page
    assert client.get("/subscriptions/?grantor=NIEMA").status_code == 404
    data = {"email": "czytelnik@example.org", "topics": ["contests"], "fields": ["culture"], "grantor": WIE,
            "frequency": "immediate", "departments": [str(two["krk_dept"])]}
    r = client.post("/subscriptions/", data=data)
    assert r.status_code == 422 and "Nieznany wydział" in r.get_data(as_text=True)
    assert session.scalar(select(Subscription.id)) is None
    r = client.post("/subscriptions/", data=dict(data, departments=[str(two["wie_dept"])]))
    assert r.status_code == 201
    sub = session.scalar(select(Subscription))
    assert sub.grantors == [two["wie"]]
    base = {"topic": "contests", "fields": ["culture"], "district": None, "department": two["wie_dept"],
            "call_type": "standard", "grantor": two["wie"]}
    assert subscriptions.matches(sub, base)
    assert not subscriptions.matches(sub, {**base, "grantor": two["krk"], "department": two["krk_dept"]})
    # a subscription made on the deployment's page follows every authority
    r = client.post("/subscriptions/", data={"email": "wszyscy@example.org", "topics": ["contests"]})
    assert r.status_code == 201
    every_sub = session.scalar(select(Subscription).where(Subscription.email == "wszyscy@example.org"))
    assert every_sub.grantors == [] and subscriptions.matches(every_sub, {**base, "grantor": two["krk"]})


def test_an_applicant_names_the_authority_of_an_art_19a_offer_when_there_are_several(app, session, two, make_user,
                                                                                     make_org, login, clock_at):
    from grants.small_grants.models import SmallGrant
    clock_at("2027-03-10T10:00")
    org = make_org("Fundacja Małych Grantów")
    c = login(make_user("applicant", org=org), app.test_client())
    page = c.get(f"/small-grants/?grantor={WIE}").get_data(as_text=True)
    assert 'name="grantor"' in page and f'<option value="{WIE}" selected>' in page
    data = {"organisation_id": org.id, "title": "Piknik sąsiedzki", "amount": "5000", "task_start": "2027-05-01",
            "task_end": "2027-06-30", "field": "culture", "description": "Piknik"}
    r = c.post("/small-grants/", data=data)  # no authority named: asked which, nothing stored
    assert r.status_code == 422 and "Wybierz organ dotujący" in r.get_data(as_text=True)
    assert session.scalar(select(SmallGrant.id)) is None
    r = c.post("/small-grants/", data=dict(data, grantor=WIE))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    assert session.scalar(select(SmallGrant.grantor_id)) == two["wie"]
    page = c.get(f"/initiatives/?grantor={WIE}").get_data(as_text=True)
    assert 'name="grantor"' in page


def test_what_every_authority_shares_is_the_operators_once_there_are_several(app, two, session, make_user, login,
                                                                             api_token):
    """The national parameters (interest rates, art. 19a limits, retention) and the mail queue of
    every authority's people: with two authorities, Kraków's admin would change them for Wieliczka;
    the platform operator keeps them (an admin still does while one authority is served: the
    parameters' and undelivered mail's own tests)."""
    admin, operator = make_user("admin"), make_user("operator")
    c = login(admin, app.test_client())
    assert c.get("/admin/parameters/").status_code == 403
    assert c.get("/notifications/undelivered").status_code == 403
    assert "/admin/parameters/" not in c.get("/").get_data(as_text=True)
    body = {"key": "interest.tax_arrears_rate", "valid_from": "2027-01-01", "value": "13.5"}
    r = app.test_client().post("/api/v1/parameters", json=body, headers=api_token(admin))
    assert r.status_code == 403, r.get_data(as_text=True)
    op = login(operator, app.test_client())
    assert op.get("/admin/parameters/").status_code == 200
    assert op.get("/notifications/undelivered").status_code == 200
    r = app.test_client().post("/api/v1/parameters", json=body, headers=api_token(operator))
    assert r.status_code == 201, r.get_data(as_text=True)
