"""Dutch and English UI text. The language follows ``?ui=nl|en`` (remembered in a cookie), else the
cookie, else the browser's Accept-Language, else Dutch."""
from __future__ import annotations

LANGS = ("nl", "en")
DEFAULT = "nl"
COOKIE = "tijdlijn_ui"

MESSAGES: dict[str, dict[str, str]] = {
    "app_title": {"nl": "tijdlijn", "en": "tijdlijn"},
    "tagline": {"nl": "nieuws op de tijdlijn", "en": "news on the timeline"},
    "skip": {"nl": "Naar de inhoud", "en": "Skip to content"},
    "nav_search": {"nl": "Zoeken", "en": "Search"},
    "nav_entities": {"nl": "Entiteiten", "en": "Entities"},
    "nav_map": {"nl": "Kaart", "en": "Map"},
    "nav_api": {"nl": "API", "en": "API"},
    "language": {"nl": "Taal", "en": "Language"},
    "search_placeholder": {"nl": "Zoek in het nieuws…", "en": "Search the news…"},
    "search_help": {"nl": 'Woorden worden gecombineerd; "een zin", a OR b, -woord.',
                    "en": 'Words are combined; "a phrase", a OR b, -word.'},
    "search_button": {"nl": "Zoeken", "en": "Search"},
    "published_from": {"nl": "Gepubliceerd vanaf", "en": "Published from"},
    "published_to": {"nl": "tot en met", "en": "to"},
    "about_from": {"nl": "Gaat over tijd vanaf", "en": "Talks about time from"},
    "about_to": {"nl": "tot en met", "en": "to"},
    "entity": {"nl": "Entiteit", "en": "Entity"},
    "place": {"nl": "Plaats", "en": "Place"},
    "article_lang": {"nl": "Taal van het artikel", "en": "Article language"},
    "any": {"nl": "alle", "en": "any"},
    "date_hint": {"nl": "JJJJ, JJJJ-MM of JJJJ-MM-DD", "en": "YYYY, YYYY-MM or YYYY-MM-DD"},
    "filters": {"nl": "Filters", "en": "Filters"},
    "active_filters": {"nl": "Actieve filters", "en": "Active filters"},
    "remove_filter": {"nl": "filter verwijderen", "en": "remove filter"},
    "facets": {"nl": "Verfijnen", "en": "Refine"},
    "facet_dates": {"nl": "Publicatiedatum", "en": "Publication date"},
    "facet_entities": {"nl": "Entiteiten", "en": "Entities"},
    "facet_places": {"nl": "Plaatsen", "en": "Places"},
    "facet_langs": {"nl": "Taal", "en": "Language"},
    "facet_note": {"nl": "over de eerste {n} resultaten", "en": "over the first {n} results"},
    "results": {"nl": "Resultaten", "en": "Results"},
    "n_results": {"nl": "{n} resultaten", "en": "{n} results"},
    "n_results_capped": {"nl": "meer dan {n} resultaten", "en": "more than {n} results"},
    "no_results": {"nl": "Geen artikelen gevonden.", "en": "No articles found."},
    "next_page": {"nl": "Volgende pagina", "en": "Next page"},
    "first_page": {"nl": "Eerste pagina", "en": "First page"},
    "untitled": {"nl": "(zonder titel)", "en": "(untitled)"},
    "error": {"nl": "Fout", "en": "Error"},
    "did_you_mean": {"nl": "Bedoelde u", "en": "Did you mean"},
    "not_found": {"nl": "Niet gevonden", "en": "Not found"},
    "db_unavailable": {"nl": "De kennisbank is niet beschikbaar", "en": "The knowledge base is unavailable"},
    "back_to_search": {"nl": "Terug naar zoeken", "en": "Back to search"},
    # article
    "published": {"nl": "Gepubliceerd", "en": "Published"},
    "refined": {"nl": "Verfijnde datum", "en": "Refined date"},
    "source": {"nl": "Bron", "en": "Source"},
    "layers": {"nl": "Lagen", "en": "Layers"},
    "layer_timex": {"nl": "Tijdsuitdrukkingen", "en": "Time expressions"},
    "layer_entity": {"nl": "Entiteiten", "en": "Entities"},
    "layer_quote": {"nl": "Citaten", "en": "Quotes"},
    "layer_claim": {"nl": "Beweringen", "en": "Claims"},
    "timexes": {"nl": "Tijdsuitdrukkingen", "en": "Time expressions"},
    "entities": {"nl": "Entiteiten", "en": "Entities"},
    "quotes": {"nl": "Citaten en uitspraken", "en": "Quotes and statements"},
    "claims": {"nl": "Beweringen", "en": "Claims"},
    "col_text": {"nl": "Tekst", "en": "Text"},
    "col_type": {"nl": "Soort", "en": "Type"},
    "col_value": {"nl": "Waarde", "en": "Value"},
    "col_rule": {"nl": "Regel", "en": "Rule"},
    "col_anchor": {"nl": "Anker", "en": "Anchor"},
    "col_explanation": {"nl": "Uitleg", "en": "Explanation"},
    "col_speaker": {"nl": "Spreker", "en": "Speaker"},
    "col_cue": {"nl": "Signaalwoord", "en": "Cue"},
    "col_date": {"nl": "Datum", "en": "Date"},
    "col_status": {"nl": "Status", "en": "Status"},
    "col_name": {"nl": "Naam", "en": "Name"},
    "col_articles": {"nl": "Artikelen", "en": "Articles"},
    "col_mentions": {"nl": "Vermeldingen", "en": "Mentions"},
    "col_first": {"nl": "Eerst", "en": "First"},
    "col_last": {"nl": "Laatst", "en": "Last"},
    "col_identity": {"nl": "Identiteit", "en": "Identity"},
    "rule": {"nl": "regel", "en": "rule"},
    "anchor": {"nl": "anker", "en": "anchor"},
    "anchor_none": {"nl": "absoluut (geen anker nodig)", "en": "absolute (no anchor needed)"},
    "anchor_article": {"nl": "artikeldatum {d}", "en": "article date {d}"},
    "anchor_refined": {"nl": "artikeldatum verfijnd van {d} tot {r}", "en": "article date refined from {d} to {r}"},
    "anchor_timex": {"nl": "de tijdsuitdrukking ‘{t}’ ({v})", "en": "the time expression ‘{t}’ ({v})"},
    "unknown_speaker": {"nl": "onbekende spreker", "en": "unknown speaker"},
    "said_on": {"nl": "gezegd op", "en": "said on"},
    "claim_status": {"nl": "status", "en": "status"},
    "cue": {"nl": "signaal", "en": "cue"},
    "mentions_n": {"nl": "{n}× genoemd", "en": "mentioned {n}×"},
    "warnings": {"nl": "Waarschuwingen", "en": "Warnings"},
    "evidence": {"nl": "Aanwijzingen", "en": "Evidence"},
    "json": {"nl": "JSON", "en": "JSON"},
    # entity
    "type_PER": {"nl": "persoon", "en": "person"},
    "type_ORG": {"nl": "organisatie", "en": "organisation"},
    "type_LOC": {"nl": "plaats", "en": "place"},
    "type_MISC": {"nl": "overig", "en": "other"},
    "aliases": {"nl": "Ook bekend als", "en": "Also known as"},
    "no_aliases": {"nl": "Geen andere namen.", "en": "No other names."},
    "identity": {"nl": "Waarom dit één entiteit is", "en": "Why this is one entity"},
    "evidence_keys": {"nl": "Sleutels", "en": "Keys"},
    "first_mentioned": {"nl": "Eerst genoemd", "en": "First mentioned"},
    "last_heard": {"nl": "Laatst van gehoord", "en": "Last heard from"},
    "never_heard": {"nl": "Geen uitspraken gevonden.", "en": "No statements found."},
    "timeline": {"nl": "Tijdlijn", "en": "Timeline"},
    "timeline_help": {"nl": "Gebeurtenissen en uitspraken op het moment dat ze plaatsvonden. Pijltjes: schuiven; + en −: zoomen; Tab: langs de punten.",
                      "en": "Events and statements at the time they happened. Arrows: pan; + and −: zoom; Tab: visit the points."},
    "zoom_in": {"nl": "Inzoomen", "en": "Zoom in"},
    "zoom_out": {"nl": "Uitzoomen", "en": "Zoom out"},
    "zoom_reset": {"nl": "Alles tonen", "en": "Show all"},
    "undated": {"nl": "Zonder datum", "en": "Undated"},
    "no_timeline": {"nl": "Geen gebeurtenissen of uitspraken gevonden.", "en": "No events or statements found."},
    "kind_quote": {"nl": "citaat", "en": "quote"},
    "kind_statement": {"nl": "uitspraak", "en": "statement"},
    "kind_event": {"nl": "gebeurtenis", "en": "event"},
    "certainty": {"nl": "zekerheid", "en": "certainty"},
    "places_map": {"nl": "Plaatsen", "en": "Places"},
    "recent_articles": {"nl": "Recente artikelen", "en": "Recent articles"},
    "contradictions": {"nl": "Tegenstrijdige dateringen", "en": "Contradicting dates"},
    "all_entities": {"nl": "Alle entiteiten", "en": "All entities"},
    "filter_name": {"nl": "Naam bevat", "en": "Name contains"},
    "type": {"nl": "Soort", "en": "Type"},
    "show": {"nl": "Tonen", "en": "Show"},
    "articles_about": {"nl": "Artikelen met deze entiteit", "en": "Articles with this entity"},
    # map
    "map_title": {"nl": "Kaart", "en": "Map"},
    "map_help": {"nl": "Plaatsen uit artikelen die in het gekozen tijdvak verschenen. Cirkelgrootte: aantal artikelen.",
                 "en": "Places from articles published in the chosen window. Circle size: number of articles."},
    "window_from": {"nl": "Van", "en": "From"},
    "window_to": {"nl": "Tot en met", "en": "To"},
    "apply": {"nl": "Toepassen", "en": "Apply"},
    "map_loading": {"nl": "Laden…", "en": "Loading…"},
    "n_places": {"nl": "{n} plaatsen", "en": "{n} places"},
    "col_country": {"nl": "Land", "en": "Country"},
    "map_label": {"nl": "Wereldkaart met plaatsen", "en": "World map with places"},
    "search_place": {"nl": "Artikelen over deze plaats", "en": "Articles about this place"},
    # docs
    "api_docs": {"nl": "API-documentatie", "en": "API documentation"},
}


def pick(query_ui: str | None, cookie: str | None, accept_language: str | None) -> str:
    for cand in (query_ui, cookie):
        if cand in LANGS:
            return cand
    best, best_q = None, -1.0
    for part in (accept_language or "").split(","):
        bits = part.strip().split(";")
        tag = bits[0].strip().lower()
        q = 1.0
        for b in bits[1:]:
            b = b.strip()
            if b.startswith("q="):
                try:
                    q = float(b[2:])
                except ValueError:
                    q = 0.0
        code = tag.split("-")[0]
        if code in LANGS and q > best_q:
            best, best_q = code, q
    return best or DEFAULT


class T:
    """Message lookup for one language: ``t("key", n=3)``."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGS else DEFAULT

    def __call__(self, key: str, **kw: object) -> str:
        msg = MESSAGES.get(key, {}).get(self.lang) or MESSAGES.get(key, {}).get("en") or key
        return msg.format(**kw) if kw else msg
