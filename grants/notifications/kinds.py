"""What each kind of notification says, its category, and whether it is an obligation with a
statutory or contractual period (R-NOTIFY-OBLIGATION: never switched off).

Texts are Polish msgids (English in the catalog) with %(name)s placeholders filled from the
notification's params: title, contest, number, amount (formatted money), due (formatted Warsaw
time), reason, days."""
from __future__ import annotations

from dataclasses import dataclass

from grants.core.i18n import LazyText, _

OBLIGATIONS, DECISIONS, ANNOUNCEMENTS, WORK, COMMENTS = "obligations", "decisions", "announcements", "work", "comments"
CATEGORIES: dict[str, LazyText] = {
    OBLIGATIONS: _("Terminy i obowiązki"),
    DECISIONS: _("Decyzje"),
    ANNOUNCEMENTS: _("Nowe konkursy i konsultacje"),
    WORK: _("Praca komisji i obsługa naborów"),
    COMMENTS: _("Komentarze i odpowiedzi"),
}
IMMEDIATE, DIGEST, NEVER = "immediate", "digest", "never"
MODES: dict[str, LazyText] = {IMMEDIATE: _("od razu"), DIGEST: _("w codziennym zestawieniu"), NEVER: _("nigdy")}
DEFAULTS = {OBLIGATIONS: IMMEDIATE, DECISIONS: IMMEDIATE, ANNOUNCEMENTS: DIGEST, WORK: DIGEST, COMMENTS: DIGEST}
#: R-NOTIFY-OBLIGATION: the categories that cannot be switched off (nor delayed to a digest)
LOCKED = frozenset({OBLIGATIONS})


@dataclass(frozen=True)
class Kind:
    code: str
    category: str
    subject: LazyText
    happened: LazyText
    todo: LazyText | None = None

    @property
    def obligation(self) -> bool:
        return self.category in LOCKED


def _k(code, category, subject, happened, todo=None) -> Kind:
    return Kind(code, category, subject, happened, todo)


_ALL = [
    # offers
    _k("offer_received", DECISIONS, _("Oferta %(number)s złożona"),
       _("Oferta „%(title)s” (nr %(number)s) w konkursie „%(contest)s” została złożona i przyjęta przez system. "
         "Skrót SHA-256 złożonej treści: %(hash)s."),
       _("Zachowaj ten numer: potwierdzenie złożenia znajdziesz na stronie oferty.")),
    _k("offer_new", WORK, _("Nowa oferta w konkursie „%(contest)s”"),
       _("Wpłynęła oferta „%(title)s” (nr %(number)s) w konkursie „%(contest)s”."),
       _("Ofertę sprawdzisz formalnie po zamknięciu naboru.")),
    _k("offer_formally_accepted", DECISIONS, _("Oferta %(number)s poprawna formalnie"),
       _("Oferta „%(title)s” przeszła ocenę formalną i trafi do oceny merytorycznej komisji.")),
    _k("offer_correction_requested", OBLIGATIONS, _("Wezwanie do uzupełnienia braków: oferta %(number)s"),
       _("Urząd wzywa do uzupełnienia braków formalnych w ofercie „%(title)s”: %(reason)s."),
       _("Uzupełnij braki i złóż poprawioną ofertę do %(due)s. Oferta nieuzupełniona w terminie zostanie "
         "odrzucona z przyczyn formalnych.")),
    _k("offer_formally_rejected", DECISIONS, _("Oferta %(number)s odrzucona z przyczyn formalnych"),
       _("Oferta „%(title)s” została odrzucona z przyczyn formalnych. Uzasadnienie: %(reason)s.")),
    _k("offer_correction_received", WORK, _("Uzupełniona oferta %(number)s"),
       _("Organizacja złożyła poprawioną ofertę „%(title)s” w konkursie „%(contest)s”."),
       _("Sprawdź uzupełnienie i rozstrzygnij ocenę formalną.")),
    _k("offer_selected", DECISIONS, _("Oferta %(number)s wybrana"),
       _("Oferta „%(title)s” została wybrana w konkursie „%(contest)s”. Przyznana dotacja: %(amount)s.")),
    _k("offer_not_selected", DECISIONS, _("Oferta %(number)s niewybrana"),
       _("Oferta „%(title)s” nie została wybrana w konkursie „%(contest)s”.")),
    _k("offer_ready_for_agreement", DECISIONS, _("Umowa do przygotowania: oferta %(number)s"),
       _("Oferta „%(title)s” została przekazana do przygotowania umowy na kwotę %(amount)s."),
       _("Urząd przygotuje umowę; sprawdź dane osób upoważnionych do jej podpisania.")),
    _k("offer_update_required", OBLIGATIONS, _("Wymagana aktualizacja oferty %(number)s"),
       _("Przyznana dotacja (%(amount)s) jest niższa niż wnioskowana w ofercie „%(title)s”."),
       _("Złóż aktualizację oferty (zakres, harmonogram, kosztorys) zgodną z przyznaną kwotą albo zrezygnuj "
         "z realizacji zadania.")),
    _k("offer_update_received", WORK, _("Aktualizacja oferty %(number)s"),
       _("Organizacja złożyła aktualizację oferty „%(title)s”."), _("Przygotuj umowę.")),
    _k("offer_declined", WORK, _("Rezygnacja z realizacji: oferta %(number)s"),
       _("Organizacja zrezygnowała z realizacji zadania „%(title)s”.")),
    _k("offer_withdrawn", WORK, _("Oferta %(number)s wycofana"),
       _("Organizacja wycofała ofertę „%(title)s” w konkursie „%(contest)s”.")),
    # contests
    _k("contest_published", ANNOUNCEMENTS, _("Nowy konkurs: %(title)s"),
       _("Ogłoszono otwarty konkurs ofert „%(title)s”."), _("Oferty można składać do %(due)s.")),
    _k("contest_closed", WORK, _("Nabór zamknięty: %(title)s"),
       _("Termin składania ofert w konkursie „%(title)s” upłynął."), _("Rozpocznij ocenę formalną ofert.")),
    _k("contest_cancelled", DECISIONS, _("Konkurs unieważniony: %(title)s"),
       _("Konkurs „%(title)s” został unieważniony. Uzasadnienie: %(reason)s.")),
    # commissions
    _k("commission_appointed", WORK, _("Powołanie do komisji konkursowej"),
       _("Zostałeś(-aś) powołany(-a) do komisji konkursowej w konkursie „%(contest)s”."),
       _("Gdy urząd otworzy składanie oświadczeń, złóż oświadczenie o bezstronności; potem ocenisz oferty.")),
    _k("commission_declarations", WORK, _("Komisja konkursowa: złóż oświadczenie"),
       _("Zostałeś(-aś) powołany(-a) do komisji konkursu „%(contest)s”."),
       _("Przed oceną złóż oświadczenie o bezstronności wobec każdej organizacji.")),
    _k("commission_scoring", WORK, _("Komisja konkursowa: ocena ofert otwarta"),
       _("Komisja konkursu „%(contest)s” rozpoczęła ocenę ofert."), _("Wypełnij karty oceny.")),
    _k("commission_closed", WORK, _("Komisja konkursowa: ocena zamknięta"),
       _("Komisja konkursu „%(contest)s” zakończyła ocenę ofert."), _("Przygotuj protokół i rozstrzygnięcie.")),
    _k("commission_reopened", WORK, _("Komisja konkursowa: ocena wznowiona"),
       _("Ocena ofert w konkursie „%(contest)s” została wznowiona."), _("Sprawdź swoje karty oceny.")),
    _k("commission_approved", WORK, _("Protokół komisji zatwierdzony"),
       _("Protokół komisji konkursu „%(contest)s” został zatwierdzony.")),
    # directions and consultations
    _k("direction_submitted", WORK, _("Nowy kierunek w konsultacji"),
       _("Zgłoszono kierunek „%(title)s” w konsultacji „%(contest)s”."), _("Rozpatrz zgłoszenie.")),
    _k("direction_answered", COMMENTS, _("Odpowiedź na Twój kierunek: %(title)s"),
       _("Urząd rozpatrzył zgłoszony przez Ciebie kierunek „%(title)s”: %(state)s.")),
    _k("comment_reply", COMMENTS, _("Nowy komentarz w dyskusji: %(title)s"),
       _("W dyskusji nad propozycją „%(title)s” (konsultacja „%(contest)s”), którą zgłosiłeś(-aś) albo "
         "komentowałeś(-aś), pojawił się nowy komentarz."),
       _("Przeczytaj go i odpowiedz, jeśli chcesz, do końca konsultacji.")),
    _k("direction_withdrawn", WORK, _("Kierunek wycofany"), _("Zgłaszający wycofał kierunek „%(title)s”.")),
    _k("consultation_opened", ANNOUNCEMENTS, _("Nowa konsultacja: %(title)s"),
       _("Rozpoczęła się konsultacja „%(title)s”."), _("Uwagi i propozycje można zgłaszać do %(due)s.")),
    _k("consultation_closed", WORK, _("Konsultacja zakończona: %(title)s"),
       _("Zakończyła się konsultacja „%(title)s”."), _("Przygotuj i opublikuj raport z konsultacji.")),
    _k("consultation_reported", COMMENTS, _("Raport z konsultacji: %(title)s"),
       _("Opublikowano raport z konsultacji „%(title)s” z odpowiedziami na zgłoszone propozycje.")),
    # art. 12 and art. 19a
    _k("initiative_received", WORK, _("Nowa oferta z własnej inicjatywy: %(title)s"),
       _("Organizacja „%(organisation)s” złożyła ofertę z własnej inicjatywy „%(title)s” (art. 12)."),
       _("Oceń celowość realizacji zadania do %(due)s (miesiąc od złożenia) i powiadom organizację.")),
    _k("initiative_assessment", DECISIONS, _("Oferta z własnej inicjatywy w ocenie"),
       _("Urząd rozpoczął ocenę celowości oferty „%(title)s” (art. 12)."),
       _("Ocena potrwa najdłużej miesiąc od złożenia oferty.")),
    _k("initiative_decided", DECISIONS, _("Ocena oferty z własnej inicjatywy"),
       _("Urząd ocenił ofertę „%(title)s” (art. 12): %(state)s.")),
    _k("initiative_withdrawn", WORK, _("Oferta z własnej inicjatywy wycofana"),
       _("Organizacja wycofała ofertę „%(title)s” (art. 12).")),
    _k("small_grant_published", DECISIONS, _("Oferta opublikowana (art. 19a): %(title)s"),
       _("Oferta „%(title)s” została opublikowana do uwag na 7 dni."), _("Uwagi można zgłaszać do %(due)s.")),
    _k("small_grant_comments_closed", WORK, _("Koniec uwag (art. 19a): %(title)s"),
       _("Minął termin zgłaszania uwag do oferty „%(title)s”."), _("Rozpatrz uwagi i rozstrzygnij o dotacji.")),
    _k("small_grant_awarded", DECISIONS, _("Mały grant przyznany: %(title)s"),
       _("Przyznano dotację %(amount)s na zadanie „%(title)s” (art. 19a).")),
    _k("small_grant_refused", DECISIONS, _("Mały grant nieprzyznany: %(title)s"),
       _("Urząd nie przyznał dotacji na zadanie „%(title)s” (art. 19a).")),
    _k("small_grant_withdrawn", WORK, _("Oferta wycofana (art. 19a)"),
       _("Organizacja wycofała ofertę „%(title)s”.")),
    _k("concept_submitted", WORK, _("Nowa koncepcja: %(title)s"),
       _("Złożono koncepcję „%(title)s” w konkursie „%(contest)s”.")),
    _k("concept_withdrawn", WORK, _("Koncepcja wycofana: %(title)s"),
       _("Organizacja wycofała koncepcję „%(title)s”.")),
    _k("concept_decided", DECISIONS, _("Wynik naboru koncepcji: %(title)s"),
       _("Koncepcja „%(title)s”: %(state)s.")),
    # agreements, tranches, reports, settlements
    _k("agreement_signed", DECISIONS, _("Umowa %(number)s podpisana"),
       _("Umowa %(number)s na zadanie „%(title)s” (dotacja %(amount)s) została podpisana.")),
    _k("agreement_reporting", OBLIGATIONS, _("Sprawozdanie końcowe: umowa %(number)s"),
       _("Termin realizacji zadania „%(title)s” minął."),
       _("Złóż sprawozdanie końcowe do %(due)s (30 dni od zakończenia zadania).")),
    _k("agreement_settling", DECISIONS, _("Rozliczenie umowy %(number)s"),
       _("Rozpoczęło się rozliczenie dotacji na zadanie „%(title)s”.")),
    _k("agreement_closed", DECISIONS, _("Umowa %(number)s zamknięta"),
       _("Umowa na zadanie „%(title)s” została rozliczona i zamknięta.")),
    _k("agreement_terminated", DECISIONS, _("Umowa %(number)s rozwiązana"),
       _("Umowa na zadanie „%(title)s” została rozwiązana. Uzasadnienie: %(reason)s.")),
    _k("tranche_due", WORK, _("Transza do wypłaty: umowa %(number)s"),
       _("Transza %(amount)s z umowy %(number)s („%(title)s”) jest wymagalna."), _("Zleć przelew.")),
    _k("tranche_paid", DECISIONS, _("Transza wypłacona: umowa %(number)s"),
       _("Wypłacono transzę %(amount)s dotacji na zadanie „%(title)s”.")),
    _k("tranche_withheld", DECISIONS, _("Transza wstrzymana: umowa %(number)s"),
       _("Wypłata transzy %(amount)s została wstrzymana. Uzasadnienie: %(reason)s.")),
    _k("report_submitted", WORK, _("Sprawozdanie złożone: umowa %(number)s"),
       _("Organizacja złożyła sprawozdanie z realizacji zadania „%(title)s”."), _("Rozpocznij weryfikację.")),
    _k("report_correction_requested", OBLIGATIONS, _("Sprawozdanie do poprawy: umowa %(number)s"),
       _("Urząd zwrócił sprawozdanie z zadania „%(title)s” do poprawy: %(reason)s."),
       _("Złóż poprawione sprawozdanie do %(due)s.")),
    _k("report_accepted", DECISIONS, _("Sprawozdanie przyjęte: umowa %(number)s"),
       _("Sprawozdanie z realizacji zadania „%(title)s” zostało przyjęte.")),
    _k("report_rejected", DECISIONS, _("Sprawozdanie odrzucone: umowa %(number)s"),
       _("Sprawozdanie z realizacji zadania „%(title)s” zostało odrzucone. Uzasadnienie: %(reason)s.")),
    _k("settlement_return_demanded", OBLIGATIONS, _("Wezwanie do zwrotu dotacji: umowa %(number)s"),
       _("Z rozliczenia zadania „%(title)s” wynika kwota do zwrotu: %(amount)s."),
       _("Zwróć ją na rachunek urzędu do %(due)s; po terminie naliczane są odsetki jak dla zaległości podatkowych.")),
    _k("settlement_return_booked", DECISIONS, _("Zwrot zaksięgowany: umowa %(number)s"),
       _("Zwrot dotacji z zadania „%(title)s” został zaksięgowany.")),
    _k("settlement_closed", DECISIONS, _("Rozliczenie zamknięte: umowa %(number)s"),
       _("Rozliczenie dotacji na zadanie „%(title)s” zostało zamknięte.")),
    # education, mutual services, partnerships with business (issue 17)
    _k("event_published", ANNOUNCEMENTS, _("Nowe wydarzenie edukacyjne: %(title)s"),
       _("Otwarto zapisy na „%(title)s” (%(due)s)."), _("Zapisz się na stronie wydarzenia.")),
    _k("event_cancelled", DECISIONS, _("Wydarzenie odwołane: %(title)s"),
       _("Wydarzenie „%(title)s” (%(due)s), na które się zapisałeś(-aś), zostało odwołane.")),
    _k("event_promoted", DECISIONS, _("Masz miejsce: %(title)s"),
       _("Zwolniło się miejsce na „%(title)s” (%(due)s): przesunęliśmy Cię z listy rezerwowej na listę uczestników."),
       _("Jeśli nie możesz przyjść, zrezygnuj na stronie wydarzenia, aby zwolnić miejsce dla kolejnej osoby.")),
    _k("reminder_event", DECISIONS, _("Przypomnienie: jutro %(title)s"),
       _("Przypominamy o wydarzeniu „%(title)s” (%(due)s), na które jesteś zapisany(-a)."),
       _("Jeśli nie możesz przyjść, zrezygnuj, aby zwolnić miejsce.")),
    _k("slot_booked", DECISIONS, _("Rezerwacja konsultacji: %(title)s"),
       _("Zarezerwowano konsultację „%(title)s” (%(due)s)."),
       _("Zaproszenie do kalendarza (plik iCalendar) pobierzesz ze strony terminu.")),
    _k("slot_cancelled", DECISIONS, _("Rezerwacja konsultacji odwołana: %(title)s"),
       _("Rezerwacja konsultacji „%(title)s” (%(due)s) została odwołana.")),
    _k("service_answered", COMMENTS, _("Odpowiedź na ogłoszenie: %(title)s"),
       _("Inna organizacja odpowiedziała na ogłoszenie „%(title)s”."), _("Potwierdź albo odrzuć wymianę.")),
    _k("service_suggested", COMMENTS, _("Propozycja wymiany usług: %(title)s"),
       _("Urząd proponuje wymianę usług w ramach ogłoszenia „%(title)s”."), _("Przyjmij albo odrzuć propozycję.")),
    _k("service_agreed", DECISIONS, _("Wymiana usług potwierdzona: %(title)s"),
       _("Obie organizacje potwierdziły wymianę w ramach ogłoszenia „%(title)s”.")),
    _k("service_completed", COMMENTS, _("Wymiana usług zakończona: %(title)s"),
       _("Wymiana w ramach ogłoszenia „%(title)s” została zakończona."), _("Oceń współpracę.")),
    _k("partnership_paused", DECISIONS, _("Oferta partnerstwa wstrzymana: %(title)s"),
       _("Oferta partnerstwa „%(title)s” została zdjęta z katalogu.")),
    _k("partnership_interest", COMMENTS, _("Zainteresowanie ofertą partnerstwa: %(title)s"),
       _("Firma jest zainteresowana ofertą partnerstwa „%(title)s”."), _("Odpowiedz na stronie zgłoszenia.")),
    _k("partnership_answered", COMMENTS, _("Odpowiedź organizacji: %(title)s"),
       _("Organizacja odpowiedziała na Twoje zgłoszenie do oferty „%(title)s”.")),
    _k("partnership_consent", DECISIONS, _("Zgoda na wymianę kontaktów: %(title)s"),
       _("Druga strona zgodziła się na wymianę danych kontaktowych w sprawie „%(title)s”."),
       _("Jeśli także się zgadzasz, potwierdź to na stronie zgłoszenia.")),
    _k("partnership_connected", DECISIONS, _("Kontakty wymienione: %(title)s"),
       _("Obie strony zgodziły się na wymianę kontaktów w sprawie „%(title)s”: dane są na stronie zgłoszenia.")),
    # reminders (grants.notifications.reminders)
    _k("reminder_offer_deadline", OBLIGATIONS, _("Przypomnienie: %(days)s dni do końca naboru"),
       _("Oferta „%(title)s” w konkursie „%(contest)s” nie została jeszcze złożona."),
       _("Złóż ją do %(due)s. Oferty złożonej po terminie nie można przyjąć.")),
    _k("reminder_correction", OBLIGATIONS, _("Przypomnienie: mija termin uzupełnienia oferty %(number)s"),
       _("Termin na uzupełnienie braków w ofercie „%(title)s” upływa wkrótce."),
       _("Złóż poprawioną ofertę do %(due)s.")),
    _k("reminder_report_due", OBLIGATIONS, _("Przypomnienie: sprawozdanie do %(due)s"),
       _("Zbliża się termin złożenia sprawozdania z zadania „%(title)s”."), _("Złóż sprawozdanie do %(due)s.")),
    _k("reminder_report_overdue", OBLIGATIONS, _("Sprawozdanie po terminie: umowa %(number)s"),
       _("Termin złożenia sprawozdania z zadania „%(title)s” upłynął %(due)s."),
       _("Złóż sprawozdanie niezwłocznie.")),
    _k("reminder_return_due", OBLIGATIONS, _("Przypomnienie: zwrot dotacji do %(due)s"),
       _("Zbliża się termin zwrotu %(amount)s z dotacji na zadanie „%(title)s”."), _("Dokonaj zwrotu do %(due)s.")),
    _k("reminder_return_overdue", OBLIGATIONS, _("Zwrot dotacji po terminie: umowa %(number)s"),
       _("Termin zwrotu %(amount)s z dotacji na zadanie „%(title)s” upłynął %(due)s; naliczane są odsetki."),
       _("Dokonaj zwrotu niezwłocznie.")),
    _k("reminder_return_overdue_finance", WORK, _("Zwrot po terminie: umowa %(number)s"),
       _("Organizacja nie zwróciła %(amount)s z dotacji na zadanie „%(title)s” w terminie %(due)s.")),
    _k("reminder_scoring", WORK, _("Przypomnienie: niewypełnione karty oceny"),
       _("W konkursie „%(contest)s” masz %(days)s niewypełnionych kart oceny."),
       _("Wypełnij je przed zamknięciem oceny.")),
]
KINDS: dict[str, Kind] = {k.code: k for k in _ALL}
