"""The public explanation of the federation-building call type in plain Polish (/call-types/federation_building)."""
from __future__ import annotations

from grants.core.i18n import _

from ..prose import Bullets, Section

EXPLANATION = (
    Section("fed-why", _("Po co ten konkurs"),
            _("Organizacje pozarządowe mają mocniejszy głos, gdy mówią razem. Ten konkurs finansuje budowanie "
              "federacji, związków stowarzyszeń i koalicji organizacji oraz ich udział w dialogu z miastem: w radzie "
              "działalności pożytku publicznego, w komisjach dialogu obywatelskiego i w konsultacjach.")),
    Section("fed-who", _("Kto może złożyć ofertę"),
            Bullets(_("Związek stowarzyszeń lub federacja: oferent sam jest federacją, a jego członkami są inne "
                      "organizacje z rejestru."),
                    _("Koalicja organizacji: kilka organizacji składa ofertę wspólną (część V.C oferty). Partnerzy "
                      "oferty wspólnej są też członkami koalicji; oferent wiodący liczy się jako jeden z członków.")),
            _("Ogłoszenie konkursu podaje, ilu co najmniej organizacji członkowskich wymaga (zwykle trzech). "
              "Organizacje członkowskie wybiera się z rejestru organizacji; oferent nie może wskazać samego siebie.")),
    Section("fed-confirm", _("Dlaczego członkowie potwierdzają ze swoich kont"),
            _("Lista członków to nie deklaracja oferenta, tylko zgoda każdej organizacji. Dlatego członkostwo "
              "potwierdza członek danej organizacji, logując się na własne konto: oferent nie może potwierdzić go za "
              "nią, a jedna organizacja nie może potwierdzić za drugą. Po wskazaniu przez oferenta organizacja widzi "
              "na swojej stronie startowej sekcję „Potwierdź członkostwo”. Widzi tam tytuł oferty i oferenta, ale nie "
              "resztę jej treści."),
            _("Dopóki za mało organizacji potwierdzi członkostwo, oferty nie można złożyć; system pokazuje, ile "
              "potwierdzeń jest i które organizacje jeszcze nie odpowiedziały. Organizacja może też odmówić albo "
              "wycofać potwierdzenie, dopóki oferta nie zostanie złożona.")),
    Section("fed-criteria", _("Jak oceniamy oferty"),
            _("Oprócz zwykłych kryteriów z ustawy komisja ocenia: reprezentatywność dla sektora, planowany wzrost "
              "liczby członków, udział w ciałach dialogu i trwałość federacji lub koalicji po zakończeniu dotacji.")),
    Section("fed-report", _("Co trzeba wykazać w sprawozdaniu"),
            Bullets(_("liczbę organizacji członkowskich na początku i na końcu zadania,"),
                    _("przedstawicieli delegowanych do ciał dialogu: kto, dokąd (rada działalności pożytku "
                      "publicznego, komisja dialogu obywatelskiego lub inne ciało) i od kiedy,"),
                    _("liczbę przygotowanych stanowisk i uwag w konsultacjach,"),
                    _("liczbę przeprowadzonych spotkań.")),
            _("Wskaźniki podaje się liczbami całkowitymi, nie mniejszymi od zera; bez nich sprawozdania końcowego nie "
              "można złożyć.")),
    Section("fed-pool", _("Kandydaci organizacji do komisji konkursowych"),
            _("Niezależnie od konkursu miasto prowadzi stałą listę kandydatów organizacji pozarządowych do komisji "
              "konkursowych. Organizacje zgłaszają na nią osoby (za ich zgodą, z krótkim opisem i dziedzinami pożytku "
              "publicznego), a urzędnicy wybierają z niej członków komisji. Osoba zgłoszona przez organizację, która "
              "bierze udział w danym konkursie, nie zasiada w jego komisji. Lista jest publiczna tylko w zakresie "
              "imienia i nazwiska oraz organizacji zgłaszającej.")),
)
