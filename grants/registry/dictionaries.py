"""Dictionaries of the registry: fields of public benefit (UDPP art. 4), Kraków's districts,
legal forms. Codes are stable; labels are translatable."""
from grants.core.i18n import _

FIELDS = {
    "social_assistance": _("pomoc społeczna"),
    "social_integration": _("integracja i reintegracja zawodowa i społeczna"),
    "charity": _("działalność charytatywna"),
    "national_tradition": _("tradycja narodowa i świadomość obywatelska"),
    "minorities": _("mniejszości narodowe i etniczne, język regionalny"),
    "health": _("ochrona i promocja zdrowia"),
    "disability": _("działalność na rzecz osób z niepełnosprawnościami"),
    "employment": _("promocja zatrudnienia i aktywizacja zawodowa"),
    "equal_rights": _("równe prawa kobiet i mężczyzn"),
    "seniors": _("działalność na rzecz osób w wieku emerytalnym"),
    "economy": _("rozwój przedsiębiorczości"),
    "local_communities": _("rozwój wspólnot i społeczności lokalnych"),
    "science_education": _("nauka, szkolnictwo wyższe, edukacja, oświata i wychowanie"),
    "children_youth": _("wypoczynek dzieci i młodzieży"),
    "culture": _("kultura, sztuka, ochrona dóbr kultury i dziedzictwa narodowego"),
    "sport": _("wspieranie i upowszechnianie kultury fizycznej"),
    "ecology": _("ekologia, ochrona zwierząt i dziedzictwa przyrodniczego"),
    "tourism": _("turystyka i krajoznawstwo"),
    "public_order": _("porządek i bezpieczeństwo publiczne"),
    "human_rights": _("ochrona praw człowieka i demokracja"),
    "rescue": _("ratownictwo i ochrona ludności"),
    "consumer": _("ochrona praw konsumentów"),
    "european_integration": _("integracja europejska i współpraca międzynarodowa"),
    "volunteering": _("promocja i organizacja wolontariatu"),
    "family": _("wspieranie rodziny i systemu pieczy zastępczej"),
    "ngo_support": _("działalność wspomagająca organizacje pozarządowe"),
}

# Kraków's 18 districts (dzielnice)
DISTRICTS = {
    "I": "Stare Miasto", "II": "Grzegórzki", "III": "Prądnik Czerwony", "IV": "Prądnik Biały",
    "V": "Krowodrza", "VI": "Bronowice", "VII": "Zwierzyniec", "VIII": "Dębniki",
    "IX": "Łagiewniki-Borek Fałęcki", "X": "Swoszowice", "XI": "Podgórze Duchackie",
    "XII": "Bieżanów-Prokocim", "XIII": "Podgórze", "XIV": "Czyżyny", "XV": "Mistrzejowice",
    "XVI": "Bieńczyce", "XVII": "Wzgórza Krzesławickie", "XVIII": "Nowa Huta",
}

LEGAL_FORMS = {
    "association": _("stowarzyszenie"),
    "foundation": _("fundacja"),
    "ordinary_association": _("stowarzyszenie zwykłe"),
    "church_entity": _("osoba prawna kościoła lub związku wyznaniowego"),
    "social_cooperative": _("spółdzielnia socjalna"),
    "sports_club": _("klub sportowy (spółka non-profit)"),
    "federation": _("związek stowarzyszeń (federacja)"),
    "other": _("inna"),
}
