"""Sample sources for demos, tests and the benchmark (issue 16): KRS extracts in the open API's
`odpis` JSON, a REGON (BIR) export and departments' lists with overlapping, misspelled and invalid
rows. Deterministic for a seed; identifiers carry valid checksums."""
from __future__ import annotations

import json
import random

from grants.core import spreadsheets


WORDS = ["Przyjaciół", "Zwierząt", "Kultury", "Sportu", "Seniorów", "Dzieci", "Młodzieży", "Nowej", "Huty",
         "Podgórza", "Krakowa", "Rozwoju", "Edukacji", "Ekologii", "Sztuki", "Muzyki", "Teatru", "Pomocy",
         "Rodzinie", "Zdrowia", "Wolontariatu", "Turystyki", "Historii", "Sąsiadów", "Książki", "Tańca"]
STREETS = ["Długa", "Krótka", "Floriańska", "Grodzka", "Kalwaryjska", "Mogilska", "Wielicka", "Lea", "Zakopiańska"]


def nip(n: int) -> str:
    while True:
        digits = [int(c) for c in f"{n % 10**9:09d}"]
        s = sum(w * d for w, d in zip((6, 5, 7, 2, 3, 4, 5, 6, 7), digits)) % 11
        if s != 10 and digits[0] != 0:
            return "".join(map(str, digits)) + str(s)
        n += 1


def regon(n: int) -> str:
    digits = [int(c) for c in f"{n % 10**8:08d}"]
    s = sum(w * d for w, d in zip((8, 9, 2, 3, 4, 5, 6, 7), digits)) % 11
    return "".join(map(str, digits)) + str(0 if s == 10 else s)


def organisation(i: int, rng: random.Random) -> dict:
    kind = rng.choice(["Stowarzyszenie", "Fundacja"])
    words = rng.sample(WORDS, 3)
    return {"krs": f"{100000 + i:010d}", "nip": nip(6760000000 // 10 + i * 7), "regon": regon(12000000 + i * 3),
            "name": f"{kind} {' '.join(words)} nr {i}", "form": kind.upper(),
            "street": rng.choice(STREETS), "house": str(rng.randint(1, 120)), "postcode": f"3{rng.randint(0, 1)}-{rng.randint(100, 999)}"}


def krs_extract(o: dict, as_of: str = "01.12.2026") -> dict:
    return {"odpis": {"rodzaj": "Aktualny",
                      "naglowekA": {"rejestr": "RejS", "numerKRS": o["krs"], "stanZDnia": as_of},
                      "dane": {"dzial1": {
                          "danePodmiotu": {"formaPrawna": o["form"], "nazwa": o["name"].upper(),
                                           "identyfikatory": {"regon": o["regon"] + "00000", "nip": o["nip"]},
                                           "czyPosiadaStatusOPP": o.get("opp", False)},
                          "siedzibaIAdres": {"siedziba": {"kraj": "POLSKA", "miejscowosc": "KRAKÓW"},
                                             "adres": {"ulica": "UL. " + o["street"].upper(), "nrDomu": o["house"],
                                                       "miejscowosc": "KRAKÓW", "kodPocztowy": o["postcode"]}}}}}}


def organisations(n: int, seed: int = 16) -> list[dict]:
    rng = random.Random(seed)
    return [organisation(i, rng) for i in range(1, n + 1)]


def krs_jsonl(orgs: list[dict], bad: int = 0) -> bytes:
    lines = [json.dumps(krs_extract(o), ensure_ascii=False) for o in orgs]
    for j in range(bad):  # a wrong NIP checksum, a missing name, an unreadable date
        o = dict(orgs[j % len(orgs)], krs=f"{9000000 + j:010d}")
        e = krs_extract(o, as_of="31.02.2026" if j % 3 == 2 else "01.12.2026")
        if j % 3 == 0:
            e["odpis"]["dane"]["dzial1"]["danePodmiotu"]["identyfikatory"]["nip"] = o["nip"][:-1] + str((int(o["nip"][-1]) + 1) % 10)
        elif j % 3 == 1:
            e["odpis"]["dane"]["dzial1"]["danePodmiotu"]["nazwa"] = ""
        lines.append(json.dumps(e, ensure_ascii=False))
    return ("\n".join(lines) + "\n").encode()


def regon_xml(orgs: list[dict]) -> bytes:
    out = ['<?xml version="1.0" encoding="utf-8"?>', "<root>"]
    for o in orgs:
        out.append("<dane>" + "".join(f"<{k}>{v}</{k}>" for k, v in (
            ("praw_regon9", o["regon"]), ("praw_nip", o["nip"]), ("praw_nazwa", o["name"].upper()),
            ("praw_adSiedzUlica_Nazwa", "ul. " + o["street"]), ("praw_adSiedzNumerNieruchomosci", o["house"]),
            ("praw_adSiedzKodPocztowy", o["postcode"]), ("praw_adSiedzMiejscowosc_Nazwa", "Kraków"),
            ("praw_pkdKod", "9499Z"), ("praw_dataRozpoczeciaDzialalnosci", "2015-03-01"),
            ("praw_dataZakonczeniaDzialalnosci", ""))) + "</dane>")
    out.append("</root>")
    return "\n".join(out).encode()


DEPT_HEADER = ["Nazwa organizacji", "Nr KRS", "NIP", "E-mail", "Sfera", "Dzielnica", "Adres"]


def department_rows(orgs: list[dict], seed: int, misspell: int = 3, invalid: int = 2) -> list[list]:
    """Rows of a department's list: some with KRS, some only NIP, some misspelled without identifiers,
    and a few invalid (bad NIP checksum, no name)."""
    rng = random.Random(seed)
    rows = []
    for i, o in enumerate(orgs):
        address = f"ul. {o['street']} {o['house']}, {o['postcode']} Kraków"
        if i < misspell:  # typed from memory: no identifiers, a letter swapped, diacritics lost
            name = o["name"].replace("ó", "o").replace("ą", "a").replace("ł", "l")
            rows.append([name.replace("Fundacja ", "Fundacja „") + "”", "", "", "", "kultura", "I", address])
            continue
        rows.append([o["name"], o["krs"] if i % 2 else "", o["nip"] if not i % 2 else "",
                     f"biuro{i}@example.org", rng.choice(["kultura", "sport", "pomoc społeczna"]),
                     rng.choice(["Nowa Huta", "XIII", "Krowodrza"]), address])
    for j in range(invalid):
        rows.append(["Fundacja Błędna" if j % 2 == 0 else "", "", "1234567890", "", "", "", ""])
    return rows


def department_csv(rows: list[list]) -> bytes:
    return spreadsheets.csv_text([DEPT_HEADER, *rows], delimiter=";").encode("utf-8")


def department_xlsx(rows: list[list]) -> bytes:
    wb, ws = spreadsheets.workbook("Lista", DEPT_HEADER)
    for r in rows:
        spreadsheets.append_row(ws, r)
    return spreadsheets.xlsx_bytes(wb).getvalue()
