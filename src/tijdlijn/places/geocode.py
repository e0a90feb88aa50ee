"""Geocoding a place name: exact gazetteer matches, disambiguated by explicit, explainable rules.

Order of decision (each step says why in ``Place.why``):

0. an explicit cue in the article text — "de staat Washington", "state of Washington",
   "provincie Groningen" — selects the state or province of that name;
1. an exact **country name** (CLDR nl/en, pycountry, geonames, our aliases) wins — unless the
   country is not mentioned in the article while a state/region of the same name lies in a
   country that is (or one of its cue cities is named: "Georgia" next to "Atlanta");
2. the **region table** (and continents): a region in a mentioned country first, then one whose
   cue words occur in the text, then the table's default reading ("Limburg" → NL);
3. **cities and US states** by exact normalised name: one in a mentioned country first (unless
   another is a national capital or at least 20× more populous), then one whose own name
   matched (not just an alternate name), then national capitals (unless a namesake is 10× larger),
   then US states over small towns, then population.

Names are matched exactly after normalisation (case, hyphens, a leading article; accents are
ignored only when the exact spelling is unknown). There is no fuzzy matching: a name the
gazetteer does not know returns None rather than a guess.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..document import Place
from .demonyms import demonym_targets
from .gazetteer import Entry, Match, gazetteer, name_key

CONTEXT_OVERRIDE_FACTOR = 20  # a candidate outside the article's countries still wins if this much larger
CAPITAL_FACTOR = 10  # a capital wins over namesakes unless one is this much larger
_REGION_KINDS = frozenset({"region", "continent", "sea", "historical"})

# "de staat Washington", "state of Washington", "Washington State", "provincie Groningen"
_ADMIN_BEFORE = {
    "nl": ("staat", "deelstaat", "Amerikaanse staat", "provincie", "regio", "deelrepubliek"),
    "en": ("state of", "US state of", "province of", "region of"),
}
_ADMIN_AFTER = {"nl": ("provincie",), "en": ("State", "state", "province", "Province", "region")}


def _place(entry: Entry, why: str) -> Place:
    return Place(
        lat=round(float(entry.lat), 5),
        lon=round(float(entry.lon), 5),
        country=entry.country,
        kind=entry.kind,
        name=entry.name,
        population=entry.population,
        gazetteer_id=entry.gazetteer_id,
        why=why,
    )


def country_place(iso: str, why: str = "") -> Place | None:
    """The country with ISO 3166-1 alpha-2 code ``iso`` as a Place (None if unknown)."""
    entry = gazetteer().country(iso)
    return _place(entry, why or f"ISO code {iso.upper()}") if entry else None


# -- context: which countries does the article mention? ---------------------------------------

_CAP_RUN = re.compile(
    r"(?<![\w'’])(?:'s-)?[A-ZÀ-ÖØ-Þ][\w'’.]*(?:-[\w'’.]+)*(?:[ \t]+(?:(?:'s-)?[A-ZÀ-ÖØ-Þ][\w'’.]*(?:-[\w'’.]+)*))*"
)
_MAX_NGRAM = 4


@dataclass(frozen=True, slots=True)
class Mentioned:
    """A country found in a text: its code, the words that name it, and how (name, region, demonym)."""

    country: str
    start: int
    end: int
    text: str
    how: str  # "country name", "region in country", "demonym"


@lru_cache(maxsize=128)
def countries_in_text(text: str, lang: str) -> tuple[Mentioned, ...]:
    """Every country the text names, by name ("Syrië"), by a region inside it ("Gazastrook")
    or by a demonym/adjective ("Iraakse", "Iraaks-Syrische"). Cities are not used: too ambiguous."""
    gz = gazetteer()
    out: list[Mentioned] = []
    for run in _CAP_RUN.finditer(text):
        words = [(m.start() + run.start(), m.end() + run.start()) for m in re.finditer(r"\S+", run.group())]
        i = 0
        while i < len(words):
            for n in range(min(_MAX_NGRAM, len(words) - i), 0, -1):
                a, b = words[i][0], words[i + n - 1][1]
                surface = text[a:b].rstrip(".,;:!?)'’\"")
                b = a + len(surface)
                if not surface:
                    continue
                found = _country_of_name(gz, surface)
                if found:
                    out.append(Mentioned(found[0], a, b, surface, found[1]))
                    i += n
                    break
                hits = [t.key if t.kind == "country" else _region_country(gz, t.key)
                        for t in demonym_targets(surface, lang)]
                if any(hits):
                    out.extend(Mentioned(iso, a, b, surface, "demonym") for iso in hits if iso)
                    i += n
                    break
            else:
                i += 1
    return tuple(out)


def _country_of_name(gz, surface: str) -> tuple[str, str] | None:
    matches, _ = gz.lookup(surface)
    countries = {m.entry.country for m in matches if m.entry.kind == "country"}
    if len(countries) == 1:
        return countries.pop(), "country name"
    if not countries:
        regional = {m.entry.country for m in matches if m.entry.kind in _REGION_KINDS or m.entry.kind == "admin"}
        if len(regional) == 1 and None not in regional and not any(m.entry.kind == "city" for m in matches):
            return regional.pop(), "region in country"
    return None


def _region_country(gz, name: str) -> str | None:
    matches, _ = gz.lookup(name)
    codes = {m.entry.country for m in matches if m.entry.kind != "city"}
    return codes.pop() if len(codes) == 1 else None


def _context(context_countries: Sequence[str], text: str, lang: str, query_key: str) -> dict[str, str]:
    """ISO code → why it counts as context (the query's own mentions excluded)."""
    ctx: dict[str, str] = {}
    for c in context_countries:
        if c:
            ctx.setdefault(c.upper(), "given as context")
    if text:
        for m in countries_in_text(text, lang):
            if name_key(m.text) != query_key:
                ctx.setdefault(m.country, f"'{m.text}' in the article")
    return ctx


def _cue_in_text(entry: Entry, text: str) -> str | None:
    for cue in entry.cues:
        if cue and re.search(rf"(?<!\w){re.escape(cue)}(?!\w)", text):
            return cue
    return None


@lru_cache(maxsize=4096)
def _admin_patterns(name: str, lang: str) -> tuple[re.Pattern[str], re.Pattern[str] | None]:
    """One regex for "provincie/staat/state of X", one for "X State/Province" (compiled once per name)."""
    n = re.escape(name.strip())
    before = _ADMIN_BEFORE.get(lang, ()) + _ADMIN_BEFORE["en" if lang != "en" else "nl"]
    after = _ADMIN_AFTER.get(lang, ())
    rx_before = re.compile(rf"(?<!\w)(?:{'|'.join(re.escape(p) for p in before)})\s+{n}(?!\w)", re.IGNORECASE)
    rx_after = re.compile(rf"(?<!\w){n}[\s-]+(?:{'|'.join(re.escape(p) for p in after)})(?!\w)") if after else None
    return rx_before, rx_after


def _admin_phrase(name: str, text: str, lang: str) -> str | None:
    if not text or not name.strip():
        return None
    rx_before, rx_after = _admin_patterns(name, lang)
    m = rx_before.search(text) or (rx_after.search(text) if rx_after is not None else None)
    return m.group() if m else None


def _source_note(match: Match, folded: bool) -> str:
    note = match.source
    if not match.primary:
        note = f"geonames alternate name of {match.entry.name}"
    if folded:
        note += ", accent-insensitive match"
    return note


# -- the decision ------------------------------------------------------------------------------


def geocode(
    name: str,
    lang: str,
    *,
    context_countries: Sequence[str] = (),
    text: str = "",
) -> Place | None:
    """Where ``name`` (a LOC entity as written, in language ``lang``) is, or None if unknown.

    ``context_countries`` are ISO codes of countries the article mentions (by name or demonym);
    ``text`` is the article itself: countries, demonyms and cue words are also read from it.
    """
    if not name or not name.strip():
        return None
    gz = gazetteer()
    matches, folded = gz.lookup(name)
    qkey = name_key(name)
    ctx = _context(context_countries, text, lang, qkey) if (matches and (context_countries or text)) else {}

    # 0. "de staat Washington", "provincie Groningen": the state/province of that name
    phrase = _admin_phrase(name, text, lang)
    if phrase:
        admin_matches, _ = gz.lookup(phrase)
        admin = [m for m in admin_matches if m.entry.kind not in ("city", "country")]
        if not admin:
            admin = [m for m in matches if m.entry.kind in ("admin", "region")]
        if admin:
            best = min(admin, key=lambda m: (m.entry.country not in ctx, m.entry.order))
            return _place(best.entry, f"{_label(best.entry)} ({best.source}); '{phrase}' in the article")

    if not matches:
        return _compass_part(name, lang, ctx_countries=context_countries, text=text)

    # 1. a country name
    countries = [m for m in matches if m.entry.kind == "country"]
    if countries:
        best = max(countries, key=lambda m: (m.entry.country in ctx, m.entry.population or 0))
        iso = best.entry.country
        if iso not in ctx:
            rivals = []
            for m in matches:
                if m.entry.kind == "city" or m.entry.kind == "country" or not m.entry.country:
                    continue
                if m.entry.country in ctx:
                    rivals.append((m, f"country {m.entry.country} mentioned ({ctx[m.entry.country]})"))
                elif cue := _cue_in_text(m.entry, text):
                    rivals.append((m, f"'{cue}' in the article"))
            if rivals:
                m, reason = rivals[0]
                return _place(m.entry, f"{_label(m.entry)} ({m.source}): {reason}; "
                                       f"not the country {best.entry.name} ({iso}), which the article does not mention")
        why = f"country name ({_source_note(best, folded)})"
        if len(countries) > 1:
            why += f"; {'mentioned in the article' if iso in ctx else 'most populous'} of {len(countries)} countries so named"
        return _place(best.entry, why)

    places = [m for m in matches if m.entry.kind in ("city", "admin")]

    # 2. the region table and continents
    regions = [m for m in matches if m.entry.kind in _REGION_KINDS]
    if regions:
        in_ctx = [m for m in regions if m.entry.country and m.entry.country in ctx]
        cued = [(m, c) for m in regions if (c := _cue_in_text(m.entry, text))]
        if in_ctx:
            cued_ctx = [m for m, _ in cued if m in in_ctx]
            best = (cued_ctx or sorted(in_ctx, key=lambda m: m.entry.order))[0]
            why = f"{best.entry.kind} ({_source_note(best, folded)}); country {best.entry.country} mentioned ({ctx[best.entry.country]})"
        elif cued:
            best, cue = cued[0]
            why = f"{best.entry.kind} ({_source_note(best, folded)}); '{cue}' in the article"
        else:
            local = [m for m in places if m.entry.country in ctx]
            if local and all(m.entry.country for m in regions):
                return _rank_places(local, name, ctx, folded, note="no region of that name lies in a country the article mentions")
            best = min(regions, key=lambda m: m.entry.order)
            why = f"{best.entry.kind} ({_source_note(best, folded)})"
            if len(regions) > 1:
                why += f"; default reading of {len(regions)} regions named '{name}'"
        return _place(best.entry, why)

    # 3. cities and US states
    return _rank_places(places, name, ctx, folded) if places else None


_COMPASS = re.compile(
    r"^(?P<dir>(?:noord|zuid|oost|west|midden|centraal|noordoost|noordwest|zuidoost|zuidwest)-"
    r"|(?:north|south|east|west|northern|southern|eastern|western|central|north-?east|north-?west|"
    r"south-?east|south-?west|northeast|northwest|southeast|southwest)[\s-]+)(?P<rest>\S.*)$",
    re.IGNORECASE,
)


def _compass_part(name: str, lang: str, *, ctx_countries: Sequence[str], text: str) -> Place | None:
    """"Noord-Syrië", "Zuid-Spanje", "northern Iraq": a part of a country (or of a state or region
    within one) that the gazetteer does not list by itself. Placed at the whole's point."""
    m = _COMPASS.match(name.strip())
    if not m:
        return None
    whole = geocode(m["rest"], lang, context_countries=ctx_countries, text=text)
    if whole is None or whole.kind not in ("country", "admin", "region") or not whole.country:
        return None
    return Place(lat=whole.lat, lon=whole.lon, country=whole.country, kind="region",
                 name=f"{name.strip()}", population=None, gazetteer_id=None,
                 why=f"part ('{m['dir'].strip(' -')}') of {whole.name} ({whole.country}); point of the whole: {whole.why}")


def _rank_places(places: list[Match], name: str, ctx: dict[str, str], folded: bool, note: str = "") -> Place:
    top_pop = max((m.entry.population or 0) for m in places)
    # an alternate (often historical) name of a big place does not outrank a sizeable place whose
    # own name it is: "Philadelphia" is not Amman, "Victoria" not Hong Kong
    own_name_town = any(m.primary and (m.entry.population or 0) >= 100_000 for m in places)

    def prominence(m: Match) -> int:
        e = m.entry
        if not m.primary and own_name_town:
            return 1
        if e.capital and (e.population or 0) * CAPITAL_FACTOR >= top_pop:
            return 4  # national capital (unless a namesake is 10× larger)
        if (e.population or 0) >= 1_000_000:
            return 3  # metropolis ("New York" → the city, not the state)
        if e.kind == "admin":
            return 2  # US state over towns ("Florida")
        return 1

    def rank(m: Match) -> tuple:
        return (prominence(m), m.primary, m.entry.population or 0)

    best_all = max(places, key=rank)
    in_ctx = [m for m in places if m.entry.country in ctx]
    reason = ""
    best = best_all
    if in_ctx and best_all.entry.country not in ctx:
        best_ctx = max(in_ctx, key=rank)
        pop_all, pop_ctx = best_all.entry.population or 0, best_ctx.entry.population or 0
        if prominence(best_all) == 4:
            reason = (f"capital of {best_all.entry.country}, kept over {best_ctx.entry.name} "
                      f"({best_ctx.entry.country}, mentioned in the article)")
        elif pop_all >= CONTEXT_OVERRIDE_FACTOR * max(pop_ctx, 1) and best_ctx.entry.kind != "admin":
            reason = (f"{pop_all // max(pop_ctx, 1)}× more populous than {best_ctx.entry.name} "
                      f"({best_ctx.entry.country}, mentioned in the article)")
        else:
            best = best_ctx
    if best.entry.country in ctx and not reason:
        reason = f"country {best.entry.country} mentioned ({ctx[best.entry.country]})"
        n_ctx = len(in_ctx)
        if n_ctx > 1:
            reason += f"; {_tiebreak(best, in_ctx)} of {n_ctx} there"
    elif not reason:
        if len(places) == 1:
            reason = f"only place named '{name}' in the gazetteer"
        else:
            reason = f"{_tiebreak(best, places)} of {len(places)} places named '{name}'"
    kind = "capital" if best.entry.capital else _label(best.entry)
    why = f"{kind} ({_source_note(best, folded)}); {reason}"
    if note:
        why += f"; {note}"
    return _place(best.entry, why)


def _tiebreak(best: Match, pool: list[Match]) -> str:
    others = [m for m in pool if m is not best]
    if best.entry.capital:
        return "the national capital"
    if (best.entry.population or 0) >= 1_000_000 and any((m.entry.population or 0) < 1_000_000 for m in others):
        return "the metropolis"
    if best.entry.kind == "admin":
        return "the state (over towns)"
    if best.primary and others and not any(m.primary for m in others):
        return "the one whose own name this is (the others only have it as an alternate name)"
    return "the largest"


def _label(entry: Entry) -> str:
    return entry.note if entry.note == "US state" else entry.kind
