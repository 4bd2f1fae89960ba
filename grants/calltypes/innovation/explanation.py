"""Plain-Polish public explanations of the two innovation call types (S9): the concept call (stage 1) and the
pilot contest (stage 2)."""
from __future__ import annotations

from grants.core.i18n import _

from ..prose import Bullets, Lead, Section

CONCEPT_CALL = (
    Section("inn1-what-h", _("Na czym polega pilotaż innowacji"),
            _("Niektórych pomysłów nie da się sfinansować w zwykłym konkursie, bo nikt ich jeszcze nie sprawdził. "
              "Pilotaż innowacji pozwala je wypróbować na małą skalę, zanim miasto zdecyduje, czy warto je "
              "upowszechnić. Odbywa się w dwóch etapach, jako dwa powiązane konkursy:"),
            Bullets(Lead(_("Etap I — nabór koncepcji."),
                         _("Organizacja opisuje krótko swój pomysł: jaki problem rozwiązuje, co w nim nowego, z kim "
                           "go zrealizuje, jak przebiegnie pilotaż i ile mniej więcej będzie kosztował. Komisja "
                           "ocenia koncepcje i wybiera te, które przechodzą do etapu II.")),
                    Lead(_("Etap II — konkurs na pilotaż."),
                         _("Organizacje z wybranymi koncepcjami składają pełną ofertę według ustawowego wzoru. "
                           "Dopiero tu przyznaje się dotacje, po zwykłej ocenie formalnej i merytorycznej.")),
                    ordered=True),
            Lead(_("Etap I nie przyznaje pieniędzy."),
                 _("Zakwalifikowanie koncepcji oznacza tylko, że organizacja może złożyć ofertę w etapie II."))),
    Section("inn1-who-h", _("Kto może złożyć koncepcję"),
            _("Organizacja pozarządowa (lub inny podmiot uprawniony do udziału w otwartych konkursach ofert) z "
              "rejestru, w imieniu której działa zalogowany członek. Koncepcję składa się w terminie naboru; do "
              "chwili złożenia szkic widzi tylko ta organizacja.")),
    Section("inn1-partners-h", _("Co to jest partnerstwo międzysektorowe"),
            _("Innowacje rodzą się na styku różnych środowisk — na przykład artystów z twórcami start-upów. Dlatego "
              "każda koncepcja musi mieć partnerstwo międzysektorowe: co najmniej jednego partnera spoza sektora "
              "pozarządowego, czyli przedsiębiorstwo lub start-up, instytucję lub twórców kultury, jednostkę naukową "
              "albo uczelnię."),
            _("Każdego partnera trzeba wymienić z nazwy i opisać jego rolę w pilotażu. Partnerstwo złożone wyłącznie "
              "z organizacji pozarządowych nie spełnia warunków naboru i system nie przyjmie takiej koncepcji.")),
    Section("inn1-criteria-h", _("Jak komisja ocenia koncepcje"),
            _("Komisja punktuje nowatorstwo pomysłu, wartość partnerstwa międzysektorowego, wykonalność pilotażu, "
              "możliwość upowszechnienia rozwiązania oraz to, jak organizacja zamierza uczyć się na ryzyku i "
              "ewentualnym niepowodzeniu.")),
    Section("inn1-failure-h", _("Pilotaż może się nie udać — i to jest w porządku"),
            _("Pilotaż to próba. Jeśli zostanie rzetelnie przeprowadzony i uczciwie opisany w sprawozdaniu, a mimo to "
              "nie przyniesie oczekiwanego rezultatu, jest to pełnoprawny wynik, a nie niewłaściwe wykorzystanie "
              "dotacji. Liczy się to, czego się nauczyliśmy.")),
)

PILOT_CONTEST = (
    Section("inn2-what-h", _("Konkurs na pilotaż — etap II pilotażu innowacji"),
            _("Pilotaż innowacji ma dwa etapy. W etapie I (nabór koncepcji) komisja wybiera najlepsze pomysły, ale "
              "nie przyznaje pieniędzy. Etap II to zwykły otwarty konkurs ofert, w którym organizacje z wybranymi "
              "koncepcjami składają pełną ofertę według ustawowego wzoru i mogą otrzymać dotację.")),
    Section("inn2-who-h", _("Kto może złożyć ofertę"),
            _("Tylko organizacja, której koncepcję zakwalifikowano do etapu II w naborze koncepcji wskazanym w "
              "ogłoszeniu. Inne organizacje zobaczą przy próbie złożenia oferty wyjaśnienie, dlaczego nie mogą tego "
              "zrobić. Konkurs na pilotaż ogłasza się dopiero po rozstrzygnięciu naboru koncepcji.")),
    Section("inn2-partners-h", _("Partnerstwo międzysektorowe"),
            _("Pilotaż realizuje się z partnerami z co najmniej jednego innego sektora niż pozarządowy: "
              "przedsiębiorstwem lub start-upem, instytucją lub twórcami kultury, jednostką naukową albo uczelnią — "
              "tak jak opisano w koncepcji.")),
    Section("inn2-how-h", _("Jak przebiega konkurs i pilotaż"),
            _("Oferty przechodzą zwykłą ocenę formalną i merytoryczną. Do kryteriów ustawowych dochodzą kryteria "
              "pilotażu: nowatorstwo, wartość partnerstwa międzysektorowego, możliwość upowszechnienia oraz sposób "
              "uczenia się na ryzyku i niepowodzeniu."),
            _("Umowa na pilotaż ma kamienie milowe z punktami kontrolnymi: urzędnik sprawdza postęp i decyduje, czy "
              "pilotaż idzie dalej. Sprawozdanie końcowe zawiera ocenę pilotażu: co zadziałało, jakie są wyniki, "
              "czego się nauczyliśmy i co rekomendujemy. Udany pilotaż może stać się propozycją kierunku przyszłego "
              "konkursu.")),
    Section("inn2-failure-h", _("Niepowodzenie to też wynik"),
            _("Pilotaż, który przeprowadzono rzetelnie i uczciwie opisano w sprawozdaniu, ale który nie osiągnął "
              "oczekiwanego rezultatu, jest pełnoprawnym wynikiem, a nie niewłaściwym wykorzystaniem dotacji. Wnioski "
              "z takiej próby są dla miasta równie cenne.")),
)
