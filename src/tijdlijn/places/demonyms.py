"""Demonyms and adjectives of place ("Iraakse", "Syriërs", "Iraqi") → the country they derive from.

The words are hand-written data in ``lang/<code>/demonyms.toml``. Compounds are split on
hyphens when the whole word is not itself listed: "Iraaks-Syrische" → IQ, SY;
"Franco-German" → FR, DE (English combining forms such as "Franco" count only there);
"VS-Russische" → US, RU (a part may also be a country name the gazetteer knows).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LANG_DIR = Path(__file__).resolve().parent.parent / "lang"


@dataclass(frozen=True, slots=True)
class DemonymTarget:
    kind: str  # "country" or "region"
    key: str  # ISO 3166-1 alpha-2 for a country; a gazetteer name ("Europa") for a region


@dataclass(frozen=True)
class DemonymTable:
    lang: str
    words: dict[str, DemonymTarget]  # casefolded word → target
    combining: dict[str, DemonymTarget]  # casefolded combining form → target (compounds only)


@cache
def demonym_table(lang: str) -> DemonymTable:
    path = LANG_DIR / lang / "demonyms.toml"
    if not path.exists():
        return DemonymTable(lang, {}, {})
    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    words: dict[str, DemonymTarget] = {}
    for iso, forms in data.get("countries", {}).items():
        for f in forms:
            words.setdefault(f.casefold(), DemonymTarget("country", iso))
    for region, forms in data.get("regions", {}).items():
        for f in forms:
            words.setdefault(f.casefold(), DemonymTarget("region", region))
    combining = {f.casefold(): DemonymTarget("country", iso)
                 for iso, forms in data.get("combining", {}).items() for f in forms}
    return DemonymTable(lang, words, combining)


_HYPHENS = re.compile(r"[-‐‑–]")


def _country_name_target(part: str) -> DemonymTarget | None:
    from .gazetteer import gazetteer

    matches = gazetteer().country_matches(part)
    return DemonymTarget("country", matches[0].entry.country) if len(matches) == 1 else None


def demonym_targets(word: str, lang: str) -> list[DemonymTarget]:
    """What ``word`` derives from: one target, several for a compound, or none.

    >>> [t.key for t in demonym_targets("Iraaks-Syrische", "nl")]
    ['IQ', 'SY']
    """
    table = demonym_table(lang)
    w = word.strip().replace("’", "'")
    hit = table.words.get(w.casefold())
    if hit:
        return [hit]
    parts = [p for p in _HYPHENS.split(w) if p]
    if len(parts) < 2:
        return []
    # segment the parts into listed words (which may themselves contain hyphens: "Noord-Koreaans")
    n = len(parts)
    best: list[list[DemonymTarget] | None] = [None] * (n + 1)
    best[0] = []
    for i in range(n):
        if best[i] is None:
            continue
        for j in range(i + 1, n + 1):
            piece = "-".join(parts[i:j])
            key = piece.casefold()
            target = table.words.get(key)
            if target is None and j < n:
                target = table.combining.get(key) or _country_name_target(piece)
            if target is not None and (best[j] is None or len(best[j]) > len(best[i]) + 1):
                best[j] = best[i] + [target]
    out = best[n] or []
    return out if len(out) >= 2 else []


def demonym_countries(word: str, lang: str) -> list[str]:
    """ISO codes of the countries ``word`` derives from ("Iraaks-Syrische" → ["IQ", "SY"])."""
    seen: list[str] = []
    for t in demonym_targets(word, lang):
        if t.kind == "country" and t.key not in seen:
            seen.append(t.key)
    return seen


def demonym_country(word: str, lang: str) -> str | None:
    """The ISO code of the one country ``word`` derives from ("Iraakse" → "IQ"), else None.

    Region adjectives ("Europese") and compounds of several countries give None; use
    :func:`demonym_countries` or :func:`demonym_places` for those.
    """
    targets = demonym_targets(word, lang)
    if len(targets) == 1 and targets[0].kind == "country":
        return targets[0].key
    return None


def demonym_places(word: str, lang: str):
    """The places (countries or regions, as :class:`~tijdlijn.document.Place`) ``word`` derives from."""
    from .geocode import country_place, geocode

    out = []
    for t in demonym_targets(word, lang):
        if t.kind == "country":
            place = country_place(t.key, why=f"demonym '{word}' → {t.key} ({lang} demonym table)")
        else:
            place = geocode(t.key, lang)
            if place is not None:
                place.why = f"demonym '{word}' → {t.key} ({lang} demonym table); {place.why}"
        if place is not None:
            out.append(place)
    return out
