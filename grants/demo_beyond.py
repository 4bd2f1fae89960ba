"""Demo data of issue 17 (S10, S12, S13): a lecture filled up with a waiting list, a workshop, a
mobile consultation point, a lecture held with its attendance, consultation slots open, booked and
held; mutual-service listings with exchanges in each state (one rated); partnership offers in the
catalogue and business interest up to a partnership started. Made through the operations, so each
carries its history; running it twice adds nothing twice (the first event's title is looked up)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from grants.core import clock
from grants.education import operations as edu
from grants.education.models import EducationEvent
from grants.partnerships import operations as part
from grants.services import operations as serv
from grants.workflows.base import apply_transition

FIRST = "Zmiany w ustawie o działalności pożytku publicznego: co nowego w 2027"


def _at(days: int, hour: int, minutes: int = 90) -> dict:
    day = clock.today() + timedelta(days=days)
    start = clock.parse_moment(f"{day.isoformat()}T{hour:02d}:00")
    return {"starts_at": start, "ends_at": start + timedelta(minutes=minutes)}


def _education(s, officer, people, ngo, orgs) -> None:
    lecture = edu.create_event(s, officer, {"title": FIRST, "kind": "lecture", "capacity": 3, "district": "I",
                                            "place": "Sala Obrad UMK, pl. Wszystkich Świętych 3-4",
                                            "description": "Comiesięczny wykład o zmianach w prawie dla organizacji.",
                                            **_at(10, 17)})
    s.flush()
    apply_transition(s, lecture, "publish", officer, commit=False)
    for p in people[:5]:  # three places, two on the waiting list
        edu.register(s, p, lecture.id)
    workshop = edu.create_event(s, officer, {"title": "Warsztaty: sprawozdanie z realizacji zadania publicznego",
                                             "kind": "workshop", "capacity": 12, "online_url": "https://meet.demo.krakow.pl/sprawozdania",
                                             **_at(17, 10, 180)})
    s.flush()
    apply_transition(s, workshop, "publish", officer, commit=False)
    edu.register(s, ngo, workshop.id, organisation_id=orgs[0].id)
    point = edu.create_event(s, officer, {"title": "Mobilny punkt konsultacyjny w Nowej Hucie", "kind": "mobile_point",
                                          "capacity": 20, "district": "XVIII", "place": "Centrum Obywatelskie, os. Zgody 7",
                                          **_at(24, 12, 240)})
    s.flush()
    apply_transition(s, point, "publish", officer, commit=False)
    edu.create_event(s, officer, {"title": "Wykład: RODO w małej organizacji (szkic)", "kind": "lecture", "capacity": 40,
                                  "district": "I", **_at(40, 17)})
    off = edu.create_event(s, officer, {"title": "Warsztaty: fundraising online (odwołane)", "kind": "workshop",
                                        "capacity": 15, "district": "V", **_at(8, 16)})
    s.flush()
    apply_transition(s, off, "cancel", officer, commit=False)
    then = clock.now() - timedelta(days=30)  # a lecture held a fortnight ago, announced a month ago
    held = edu.create_event(s, officer, {"title": "Wykład: nowe wzory ofert i umów", "kind": "lecture", "capacity": 30,
                                         "district": "II", "place": "Centrum Obywatelskie, ul. Reymonta 20",
                                         **_at(-14, 9)}, at=then)
    s.flush()
    apply_transition(s, held, "publish", officer, commit=False, received_at=then)
    regs = [edu.register(s, p, held.id, at=then) for p in people[:4]]
    after = held.starts_at + timedelta(minutes=30)  # attendance is marked during the lecture
    for r, mark in zip(regs, ("mark_attended", "mark_attended", "mark_attended", "mark_absent")):
        apply_transition(s, r, mark, officer, commit=False, received_at=after)
    apply_transition(s, held, "mark_held", officer, commit=False, received_at=after)
    slots = [edu.create_slot(s, officer, {"topic": topic, "host_name": host, "district": "I",
                                          "place": "Wydział Polityki Społecznej, pok. 12", **_at(days, hour, 45)})
             for topic, host, days, hour in (("Rozliczenie dotacji i wkład własny", "", 3, 10),
                                             ("Statut i zmiany w KRS", "mec. Joanna Prawnik (ekspertka)", 3, 11),
                                             ("Księgowość małej fundacji", "", 5, 13),
                                             ("Ekonomia społeczna: jak zacząć", "", 6, 9))]
    s.flush()
    apply_transition(s, slots[0], "book", ngo, {"organisation_id": orgs[0].id,
                                                "question": "Czy praca wolontariuszy może być wkładem osobowym?"},
                     commit=False)
    apply_transition(s, slots[3], "withdraw", officer, commit=False)


def _services(s, officer, members, orgs) -> None:
    a, b, c = members[0], members[1], members[3]
    room = serv.publish(s, a, orgs[0].id, {"kind": "offer", "category": "rooms", "title": "Sala na 40 osób w Nowej Hucie",
                                           "description": "Udostępnimy salę z rzutnikiem w dni robocze po 16:00.",
                                           "district": "XVIII", "contact_phone": "+48 12 400 00 00"})
    books = serv.publish(s, b, orgs[1].id, {"kind": "request", "category": "accounting",
                                            "title": "Pomoc przy sprawozdaniu finansowym", "district": "II",
                                            "description": "Szukamy księgowej na kilka godzin w marcu."})
    legal = serv.publish(s, c, orgs[3].id, {"kind": "offer", "category": "legal", "title": "Konsultacja prawna: umowy z artystami",
                                            "district": "I"})
    serv.publish(s, b, orgs[1].id, {"kind": "request", "category": "volunteers", "title": "Wolontariusze do Dnia Seniora",
                                    "district": "II"})
    sound = serv.publish(s, c, orgs[3].id, {"kind": "offer", "category": "equipment",
                                            "title": "Nagłośnienie na plenerowe wydarzenia", "district": "I"})
    s.flush()
    apply_transition(s, sound, "pause", c, commit=False)
    done = serv.answer(s, b, room, orgs[1].id, "Chcielibyśmy zorganizować w sali spotkanie seniorów.")
    s.flush()
    for name, actor, payload in (("confirm", a, None), ("complete", b, None),
                                 ("rate", a, {"rating": 5, "comment": "Punktualnie i bez problemów."}),
                                 ("rate", b, {"rating": 5, "comment": "Świetna sala, polecamy."})):
        apply_transition(s, done, name, actor, payload, commit=False)
    agreed = serv.answer(s, c, books, orgs[3].id, "Nasza księgowa pomoże w dwa popołudnia.")
    s.flush()
    apply_transition(s, agreed, "confirm", b, commit=False)
    serv.suggest(s, officer, legal, orgs[1].id, "Forum Seniora przygotowuje umowy z muzykami na koncerty.")
    serv.answer(s, a, legal, orgs[0].id, "Potrzebujemy wzoru umowy o dzieło dla fotografa.")


def _partnerships(s, firm, members, orgs) -> None:
    a, c = members[0], members[3]
    offers = []
    for m, org, values in (
            (a, orgs[0], {"title": "Wolontariat pracowniczy: remont świetlicy na os. Zgody", "kinds": ["volunteering", "joint_project"],
                          "audiences": ["sme", "large"], "seeks": ["equipment", "volunteers"], "district": "XVIII",
                          "field": "local_communities", "seeks_note": "farby, narzędzia, 10-15 osób na dwa dni",
                          "description": "Zapraszamy zespoły firm do odnowienia świetlicy dla dzieci z Nowej Huty."}),
            (c, orgs[3], {"title": "Warsztaty kreatywności dla zespołów firmowych", "kinds": ["expertise", "venue"],
                          "audiences": ["startup", "sme"], "seeks": ["money", "mentoring"], "district": "I",
                          "field": "culture", "description": "Artyści fundacji prowadzą warsztaty teatralne dla zespołów."}),
            (a, orgs[0], {"title": "Sąsiedzka Wigilia dla samotnych seniorów", "kinds": ["cause"], "audiences": ["sme", "large"],
                          "seeks": ["money", "volunteers"], "district": "XVIII", "field": "local_communities"}),
            (c, orgs[3], {"title": "Mentoring dla artystów-przedsiębiorców (szkic)", "kinds": ["joint_project"],
                          "audiences": ["startup"], "seeks": ["mentoring"], "district": "I"})):
        offers.append(part.create_offer(s, m, org.id, values))
    s.flush()
    for o, m in zip(offers[:3], (a, c, a)):
        apply_transition(s, o, "publish", m, commit=False)
    paused = part.create_offer(s, c, orgs[3].id, {"title": "Przestrzeń na eventy firmowe w Starym Mieście",
                                                  "kinds": ["venue"], "audiences": ["large"], "district": "I"})
    s.flush()
    apply_transition(s, paused, "publish", c, commit=False)
    apply_transition(s, paused, "pause", c, commit=False)
    interest = part.express_interest(s, firm, offers[0], {
        "company": "Drukarnia Krakowska Sp. z o.o.", "message": "Chcemy wysłać 12 osób w maju i przekazać farby.",
        "contact_email": "csr@drukarnia.demo.com.pl", "contact_phone": "+48 12 555 10 10"})
    s.flush()
    for name, actor, payload in (("answer", a, {"answer": "Dziękujemy! Proponujemy 15-16 maja."}),
                                 ("business_consent", firm, None), ("org_consent_too", a, None),
                                 ("mark_started", a, None)):
        apply_transition(s, interest, name, actor, payload, commit=False)
    waiting = part.express_interest(s, firm, offers[1], {"company": "Drukarnia Krakowska Sp. z o.o.",
                                                         "message": "Czy warsztaty są możliwe dla 20 osób?"})
    s.flush()
    apply_transition(s, waiting, "answer", c, {"answer": "Tak, w grupach po 10 osób."}, commit=False)
    part.express_interest(s, firm, offers[2], {"company": "Drukarnia Krakowska Sp. z o.o.",
                                               "message": "Wydrukujemy bezpłatnie zaproszenia na Wigilię."})


def seed(s, users, orgs, members_of) -> None:
    if s.scalar(select(EducationEvent.id).where(EducationEvent.title == FIRST)) is not None:
        return
    officer, firm = users["urzednik@demo.krakow.pl"], users["firma@demo.krakow.pl"]
    ngo = users["ngo@demo.krakow.pl"]
    members = members_of(users, orgs)
    people = [users[e] for e in ("ngo@demo.krakow.pl", "ngo2@demo.krakow.pl", "ngo3@demo.krakow.pl",
                                 "mieszkanka@demo.krakow.pl", "firma@demo.krakow.pl")]
    _education(s, officer, people, ngo, orgs)
    _services(s, officer, members, orgs)
    _partnerships(s, firm, members, orgs)
    s.commit()
