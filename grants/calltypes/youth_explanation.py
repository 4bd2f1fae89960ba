"""The public explanation of youth entrepreneurship in plain Polish (shown on /call-types/youth_entrepreneurship)."""
from __future__ import annotations

from grants.core.i18n import _

from .prose import Bullets, Section

EXPLANATION = (
    Section("yx-who", _("Kto może złożyć ofertę"),
            _("Organizacja pozarządowa (lub inny podmiot uprawniony do udziału w otwartym konkursie ofert), która "
              "razem ze szkołą albo uczelnią chce nauczyć młodych ludzi przedsiębiorczości w praktyce."),
            _("W ofercie podajesz:"),
            Bullets(_("szkołę lub uczelnię, z którą współpracujesz, osobę do kontaktu i to, co partner robi w "
                      "zadaniu;"),
                    _("wiek młodych uczestników (od–do) i ich liczbę: wiek musi mieścić się w granicach podanych w "
                      "ogłoszeniu konkursu (zwykle od 13 do 25 lat);"),
                    _("przedsięwzięcia, które młodzi założą, każde z mentorem;"),
                    _("oświadczenia o ochronie małoletnich (patrz niżej), jeśli wśród uczestników są osoby poniżej 18 "
                      "lat.")),
            _("Poza tym oferta jest zwykłą ofertą na wzorze z rozporządzenia: opis zadania, kosztorys, źródła "
              "finansowania i oświadczenia.")),
    Section("yx-venture", _("Co to jest przedsięwzięcie młodzieżowe"),
            _("To eksperymentalne przedsięwzięcie prowadzone przez młodzież, w którym decyzje podejmują sami młodzi: "
              "mini-firma uczniowska lub studencka, spółdzielnia uczniowska, zespół projektowy albo inna forma. "
              "Młodzi wymyślają, co robią, dzielą się zadaniami, liczą pieniądze i odpowiadają za efekty."),
            _("Każde przedsięwzięcie ma mentora: dorosłego, który doradza (np. przedsiębiorcę, nauczyciela, "
              "pracownika uczelni), ale nie decyduje za młodych. Oferta bez mentora przy którymkolwiek "
              "przedsięwzięciu nie spełnia warunków konkursu."),
            _("Komisja ocenia oferty według zwykłych kryteriów z art. 15 ustawy oraz czterech dodatkowych: czy młodzi "
              "naprawdę podejmują decyzje, czy uczą się w praktyce, jak wygląda partnerstwo ze szkołą lub uczelnią i "
              "co zostanie po zakończeniu dotacji.")),
    Section("yx-minors", _("Obowiązki wobec małoletnich"),
            _("Jeśli w zadaniu biorą udział osoby poniżej 18 lat, organizacja oświadcza w ofercie, że:"),
            Bullets(_("przyjęła standardy ochrony małoletnich: od 15 lutego 2024 r. (tzw. ustawa Kamilka) każda "
                      "organizacja pracująca z dziećmi musi mieć takie zasady, czyli spisane reguły bezpiecznych "
                      "relacji, reagowania na krzywdzenie i zgłaszania niepokojących sytuacji;"),
                    _("sprawdza każdą osobę, którą dopuszcza do pracy z małoletnimi (także wolontariuszy i mentorów), "
                      "w Rejestrze Sprawców Przestępstw na Tle Seksualnym: taki wymóg istnieje od 2017 r.")),
            _("Bez tych oświadczeń oferty nie można złożyć: system pokaże, czego brakuje. Gdy wszyscy uczestnicy są "
              "pełnoletni (np. studenci), oświadczenia nie są wymagane.")),
    Section("yx-report", _("O co pyta sprawozdanie"),
            _("Oprócz zwykłego sprawozdania (co zrobiono, rezultaty, wydatki) podajesz:"),
            Bullets(_("każde założone przedsięwzięcie: co zrobiło, ilu miało uczestników i czy działa dalej po "
                      "zakończeniu zadania;"),
                    _("liczbę uczestników według grup wieku;"),
                    _("ile przedsięwzięć założono i ile z nich działało na koniec zadania (nie więcej niż założono);"),
                    _("ile godzin pracowali mentorzy.")),
            _("Przedsięwzięcie, które się nie udało, też jest wynikiem: opisz uczciwie, czego młodzi się nauczyli.")),
)
