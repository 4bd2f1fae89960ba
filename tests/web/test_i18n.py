"""Polish first, English second: the English catalog is complete, compiled, covers every marked
string, and the language switch changes the pages."""
from __future__ import annotations

import gettext
import io
import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
PO = ROOT / "grants/translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}


@pytest.fixture(scope="module")
def catalog():
    with PO.open("rb") as fh:
        return read_po(fh, locale="en")


def _code_msgids() -> set[str]:
    """What `pybabel extract -F babel.cfg -k _l -k lazy_gettext` finds, in memory."""
    with (ROOT / "babel.cfg").open() as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    ids = set()
    for package in ("grants", "reviewers", "budgets"):
        if not (ROOT / package).is_dir():
            continue
        found = extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS,
                                 directory_filter=lambda d, p=package: _in_package(d, p))
        for _filename, _lineno, message, _comments, _context in found:
            msgid = message[0] if isinstance(message, tuple) else message
            if msgid:
                ids.add(msgid)
    return ids


def _in_package(dirpath: str, package: str) -> bool:
    rel = Path(dirpath).relative_to(ROOT).parts
    return not rel or (rel[0] == package and not any(p.startswith((".", "_")) for p in rel))


def test_english_catalog_has_no_untranslated_or_fuzzy_entries(catalog):
    entries = [m for m in catalog if m.id]
    assert len(entries) > 100
    untranslated = [m.id for m in entries if not m.string]
    fuzzy = [m.id for m in entries if m.fuzzy]
    assert not untranslated, f"{len(untranslated)} untranslated, e.g. {untranslated[:5]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy, e.g. {fuzzy[:5]}"


def test_english_catalog_keeps_placeholders(catalog):
    problems = [(m.id, str(e)) for m, errors in catalog.check() for e in errors]
    assert not problems, problems[:5]
    for m in catalog:
        if m.id and m.string:
            assert sorted(re.findall(r"%\(\w+\)s", m.id)) == sorted(re.findall(r"%\(\w+\)s", m.string)), m.id


def test_english_translations_are_not_the_polish_source(catalog):
    """Translated for real: few entries may equal their source (API, E-mail...), and no Polish
    letters appear in English text."""
    same = [m.id for m in catalog if m.id and m.string == m.id]
    assert len(same) <= 5, same
    polish = [m.string for m in catalog if m.id and re.search(r"[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]", m.string)]
    allowed = {"Gmina Miejska Kraków · cooperation with non-governmental organisations"}
    assert set(polish) <= allowed, polish[:5]


def test_committed_mo_matches_the_po(catalog):
    buf = io.BytesIO()
    write_mo(buf, catalog)
    committed = MO.read_bytes()
    compiled = gettext.GNUTranslations(io.BytesIO(buf.getvalue()))
    loaded = gettext.GNUTranslations(io.BytesIO(committed))
    assert loaded._catalog == compiled._catalog  # same messages (run `make translations` after editing the .po)
    assert committed == buf.getvalue()


def test_catalog_covers_every_marked_string(catalog):
    """Every string marked in the code (Python `_`/`_l`/`lazy_gettext`, templates) is in the catalog,
    including LazyText calls with keyword parameters."""
    in_code = _code_msgids()
    assert "Nieznana rola: %(role)s. Dozwolone: %(allowed)s." in in_code  # `_("...", role=..)`
    assert "Dzień dobry, %(name)s" in in_code  # a template with a parameter
    assert "Adres e-mail" in in_code  # `_l` in a form
    known = {m.id for m in catalog if m.id}
    missing = sorted(in_code - known)
    assert not missing, f"{len(missing)} strings not in the catalog (run `make translations` and translate): " \
                        f"{missing[:10]}"


def test_switching_to_english_and_back(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="pl">' in page and "Otwarte konsultacje" in page

    r = client.post("/lang/en", data={"next": "/login"})
    assert r.status_code == 302 and r.headers["Location"] == "/login"
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Open consultations" in page and "Skip to content" in page and ">Log in<" in page
    assert "Otwarte konsultacje" not in page and "Przejdź do treści" not in page
    assert 'lang="pl">Polski</button>' in page  # the switch back names its language in it

    login = client.get("/login").get_data(as_text=True)
    assert "E-mail address" in login and "Password" in login  # `_l` labels of WTForms

    client.post("/lang/pl")
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="pl">' in page and "Otwarte konsultacje" in page and "Open consultations" not in page


def test_kernel_messages_with_parameters_are_translated(client, make_user, monkeypatch):
    """LazyText from grants.core (`_("... %(n)s ...", n=...)`) follows the request's language."""
    from datetime import timedelta

    from grants.accounts import throttle
    monkeypatch.setattr(throttle, "BASE_DELAY", timedelta(minutes=1))  # still throttled however slow the run
    user = make_user("applicant")
    client.post("/lang/en")
    r = client.post("/login", data={"email": user.email, "password": "wrong-password-1"})
    assert r.status_code == 401
    assert "Invalid e-mail or password." in r.get_data(as_text=True)
    for _ in range(5):
        r = client.post("/login", data={"email": user.email, "password": "wrong-password-1"})
    assert r.status_code == 429
    assert re.search(r"Too many failed login attempts\. Try again in \d+ (s|min)\.", r.get_data(as_text=True))


def test_language_switch_ignores_unknown_codes_and_foreign_next(client):
    r = client.post("/lang/de", data={"next": "https://evil.example.com/"})
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert '<html lang="pl">' in client.get("/").get_data(as_text=True)
    r = client.post("/lang/en", data={"next": "//evil.example.com/"})
    assert r.headers["Location"] == "/"


def test_language_switch_requires_csrf(csrf_app):
    c = csrf_app.test_client()
    assert c.post("/lang/en").status_code == 400
    assert '<html lang="pl">' in c.get("/").get_data(as_text=True)


def test_english_choice_survives_login(client, make_user):
    from tests.factories import PASSWORD
    user = make_user("applicant")
    client.post("/lang/en")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in page and "My organisations" in page


def test_templates_write_days_and_amounts_as_their_reader_does(app):
    """A template's _() with a Decimal or a day writes it in the reader's format (it gave
    "2027-01-12" and "20000.50"), escapes text under autoescape, and reads "%%" as "%"."""
    from datetime import date
    from decimal import Decimal

    from flask import render_template_string, session as flask_session
    template = ('{{ _("termin: %(d)s, kwota %(k)s, tekst %(t)s", d=d, k=k, t=t) }} | '
                '{% trans d=d %}do {{ d }}{% endtrans %} | {{ _("100%% pewne") }}')
    values = {"d": date(2027, 1, 12), "k": Decimal("20000.50"), "t": "<b>"}
    with app.test_request_context("/"):
        pl = render_template_string(template, **values)
    with app.test_request_context("/"):
        flask_session["lang"] = "en"
        en = render_template_string(template, **values)
    assert pl == "termin: 12.01.2027, kwota 20\u00a0000,50, tekst &lt;b&gt; | do 12.01.2027 | 100% pewne", pl
    assert "12.01.2027" not in en and "2027-01-12" not in en and "20,000.50" in en, en
