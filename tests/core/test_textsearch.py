"""Search over contests and organisations (issue 20, grants.core.textsearch): on PostgreSQL without
diacritics and by the beginnings of words (unaccent, the `simple` configuration, trigrams), on SQLite
a plain case-insensitive LIKE; the public contests page and the registry (page and API) use it."""
from __future__ import annotations

from grants.registry import search
from tests.factories import make_contest


def _ids(rows) -> set[int]:
    return {o.id for o in rows}


def test_registry_finds_by_part_of_the_name_any_case(session, make_org):
    turtle = make_org("Fundacja Żółw Łódzki")
    other = make_org("Stowarzyszenie Kultura Lokalna")
    assert _ids(search.find(session, "żółw")) >= {turtle.id} and other.id not in _ids(search.find(session, "żółw"))
    assert turtle.id in _ids(search.find(session, "ÓŁW ŁÓ"))  # any part, any case
    assert other.id in _ids(search.find(session, "kultura lok"))
    assert other.id in _ids(search.find(session, other.krs))  # the whole KRS
    assert not _ids(search.find(session, "100% _x\\"))  # LIKE's wildcards are plain characters


def test_registry_without_diacritics_and_by_word_beginnings_on_postgresql(session, make_org):
    if session.bind.dialect.name != "postgresql":
        return  # the embedded default matches as written (LIKE); the test above covers it
    turtle = make_org("Fundacja Żółw Łódzki")
    assert turtle.id in _ids(search.find(session, "zolw"))
    assert turtle.id in _ids(search.find(session, "lodz fund"))  # word beginnings, any order
    assert turtle.id not in _ids(search.find(session, "lodz kultura"))


def test_public_contests_page_and_registry_page_search(client, session, make_user, make_org):
    officer = make_user("officer")
    wanted = make_contest(session, officer, title="Ochrona zabytków Łodzi")
    other = make_contest(session, officer, title="Sport dla seniorów")
    page = client.get("/contests/?q=zabytk").get_data(as_text=True)
    assert f"/contests/{wanted.id}\"" in page and f"/contests/{other.id}\"" not in page
    if session.bind.dialect.name == "postgresql":
        page = client.get("/contests/?q=lodzi").get_data(as_text=True)
        assert f"/contests/{wanted.id}\"" in page and f"/contests/{other.id}\"" not in page
    org = make_org("Towarzystwo Przyjaciół Lasu")
    page = client.get("/organisations/?q=przyjaci").get_data(as_text=True)
    assert f"/organisations/{org.id}\"" in page
    body = client.get("/api/v1/organisations?q=przyjaci").get_json()
    assert org.id in {int(o["id"]) for o in body["items"]} and body["total_exact"] is True


def test_one_word_is_found_by_its_like_alone_as_by_like_or_word_beginnings(session, make_org):
    """A single word's beginning is a part of the folded name, so its LIKE alone finds what LIKE
    or the full-text prefix would (one folding a row read instead of two)."""
    from sqlalchemy import func, or_, select

    from grants.core import textsearch
    from grants.registry.models import Organisation
    if session.bind.dialect.name != "postgresql":
        return  # SQLite has the LIKE only
    for name in ("Fundacja Żółw-Łódzki 2026", "Koło Gospodyń Wiejskich", "Stowarzyszenie ABC_2", "Łódź 24h"):
        make_org(name)
    vector = textsearch.tsvector(Organisation.name)
    for word in ("zolw", "ŁÓDZ", "2026", "kolo", "gospo", "odzki", "24h", "abc", "wiejskich", "xyz"):
        shortcut = textsearch.matches("postgresql", word, Organisation.name, vector=vector)
        both = or_(textsearch.fold(Organisation.name).like(func.grants_unaccent(textsearch.like_pattern(word)),
                                                           escape="\\"),
                   vector.op("@@")(func.to_tsquery(textsearch.SIMPLE,
                                                   func.grants_unaccent(textsearch.prefix_query(word)))))
        assert set(session.scalars(select(Organisation.id).where(shortcut))) == \
            set(session.scalars(select(Organisation.id).where(both))), word
