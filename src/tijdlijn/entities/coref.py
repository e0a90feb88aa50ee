"""Within-article aliases and coreference: which NER mentions are the same entity.

Input is the article text and its NER spans ``(start, end, type)``; output is one
:class:`EntityCluster` per entity with a canonical name, every mention (offsets into
the text) and a human-readable ``merge_reasons`` line for every merge.

Mechanisms, in order (all generic; language knowledge lives in
``lang/<code>/aliases.toml`` and ``lang/<code>/roles.toml``):

1. demonyms/adjectives ("Iraakse", "Iraaks-Syrische") tagged MISC/LOC are not
   entities: they are returned separately as related-place mentions;
2. one name, one type: the same surface name gets the majority NER type;
3. known aliases (alias table), "(IS)"-style parenthetical definitions and
   acronym ↔ expansion by initials ("VN" ↔ "Verenigde Naties");
4. person names: a surname ("Al-Baghdadi") or an unambiguous first name joins the
   full name it ends/starts ("Abu Bakr al-Baghdadi");
5. role descriptions: appositions and titles teach the article a role
   ("De leider van Islamitische Staat, Abu Bakr al-Baghdadi" → leider van IS);
   later definite descriptions ("de IS-leider", "de ‘kalief’") are linked to the one
   entity holding that role.

Pronouns are out of scope here.
"""
from __future__ import annotations

import bisect
import re
import tomllib
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Sequence

from tijdlijn.document import Entity, Mention

__all__ = [
    "EntityCluster",
    "CorefResult",
    "cluster_mentions",
    "clusters_to_entities",
    "normalise_name",
    "is_acronym",
    "acronym_matches",
    "person_name_parts",
    "load_alias_table",
]

TYPES = ("PER", "ORG", "LOC", "MISC")
_ROLE_CLASS_TYPE = {"person": "PER", "organisation": "ORG", "place": "LOC"}
_QUOTES = "‘’“”\"'`´„‚«»"
_WORD = re.compile(r"\w+(?:[-’'.]\w+)*", re.UNICODE)
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]–—]|\s-\s|[.!?](?=\s|$)")


# --------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------

@dataclass
class EntityCluster:
    """One entity of one article.

    ``mentions`` holds every mention (names, acronyms, appositions and role
    descriptions) sorted by offset; ``descriptions`` the subset that are role
    descriptions/appositions rather than names; ``aliases`` the other *names*
    used for the entity; ``acronyms`` the acronym → expansion pairs the article
    attests (evidence for cross-article identity); ``roles`` the roles the article
    gives the entity ("leider van Islamitische Staat").
    """

    name: str
    type: str
    mentions: list[Mention] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    merge_reasons: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    descriptions: list[Mention] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        return [self.name, *self.aliases]

    def to_entity(self, id: str) -> Entity:
        return Entity(
            id=id,
            type=self.type,
            name=self.name,
            mentions=[Mention(m.start, m.end, m.text) for m in self.mentions],
            aliases=list(self.aliases),
            merge_reasons=list(self.merge_reasons),
            acronyms=dict(self.acronyms),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "type": self.type,
            "mentions": [m.to_json() for m in self.mentions],
            "aliases": list(self.aliases),
            "merge_reasons": list(self.merge_reasons),
            "roles": list(self.roles),
            "descriptions": [m.to_json() for m in self.descriptions],
            "acronyms": dict(self.acronyms),
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "EntityCluster":
        return cls(
            name=d["name"],
            type=d["type"],
            mentions=[Mention(**m) for m in d.get("mentions", [])],
            aliases=list(d.get("aliases", [])),
            merge_reasons=list(d.get("merge_reasons", [])),
            roles=list(d.get("roles", [])),
            descriptions=[Mention(**m) for m in d.get("descriptions", [])],
            acronyms=dict(d.get("acronyms", {})),
        )


class CorefResult(list):
    """A ``list[EntityCluster]`` that also carries what was set aside.

    ``related_places``: demonym/adjective mentions (``{"start", "end", "text",
    "countries", "why"}``) that NER tagged but that are not entities.
    """

    def __init__(self, clusters: Iterable[EntityCluster] = (), related_places: list[dict[str, Any]] | None = None):
        super().__init__(clusters)
        self.related_places: list[dict[str, Any]] = related_places or []


def clusters_to_entities(clusters: Sequence[EntityCluster], ids: Sequence[str] | None = None) -> list[Entity]:
    """Turn clusters into ``Document.entities`` (ids default to a type:slug of the name)."""
    if ids is None:
        from tijdlijn.entities.identity import entity_slug

        ids = [f"{c.type.lower()}:{entity_slug(c.name)}" for c in clusters]
    return [c.to_entity(i) for c, i in zip(clusters, ids)]


# --------------------------------------------------------------------------
# normalisation helpers (shared with identity.py)
# --------------------------------------------------------------------------

@lru_cache(maxsize=1 << 16)  # pure; called for every name form many times
def fold(s: str) -> str:
    """Accent-folded, case-folded text."""
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _strip_quotes(s: str) -> str:
    return "".join(c for c in s if c not in _QUOTES)


_POSSESSIVE = re.compile(r"(?:['’]s|['’])$")
_LEADING_DET = re.compile(r"^(?:de|het|the|'t)\s+", re.I)


@lru_cache(maxsize=1 << 16)  # pure; called for every name form many times
def normalise_name(name: str) -> str:
    """Matching key of a name: accents/case folded, quotes, possessive 's, leading article,
    hyphens and dots removed ("de VS" = "VS", "Kim Jong-un" = "Kim Jong Un", "U.S." = "US")."""
    s = name.strip()
    s = _POSSESSIVE.sub("", s) if len(s) > 3 else s
    s = _strip_quotes(s)
    s = _LEADING_DET.sub("", s)
    s = fold(s)
    s = s.replace(".", "")
    s = re.sub(r"[-‐‑–_/]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


@lru_cache(maxsize=1 << 16)  # pure; called for every name form many times
def is_acronym(name: str) -> bool:
    """"IS", "VN", "PvdA", "U.S.", "ISIS": one token, mostly capitals, 2–8 letters."""
    s = name.replace(".", "").strip()
    if not s or " " in s or "-" in s or not s.isalnum():
        return False
    letters = [c for c in s if c.isalpha()]
    upp = sum(c.isupper() for c in letters)
    return 2 <= len(s) <= 8 and upp >= 2 and upp * 2 >= len(letters) and s[0].isupper()


def _acronym_key(name: str) -> str:
    return fold(name.replace(".", "").strip())


def _initial_variants(expansion: str, function_words: set[str]) -> set[str]:
    words = [w for w in re.split(r"\s+", _strip_quotes(expansion).strip()) if w]
    if len(words) < 1:
        return set()
    out: set[str] = set()
    for split_hyphen in (True, False):
        parts: list[str] = []
        for w in words:
            parts.extend([p for p in w.split("-") if p] if split_hyphen else [w])
        if len(parts) < 2:
            continue
        content = [p for p in parts if fold(p) not in function_words]
        out.add(fold("".join(p[0] for p in parts)))
        if len(content) >= 2:
            out.add(fold("".join(p[0] for p in content)))
    return out


def acronym_matches(acronym: str, expansion: str, function_words: Iterable[str] = ()) -> bool:
    """True when ``acronym`` is the initials of ``expansion`` (content words, or all words,
    hyphenated parts counted separately or not): IS = Islamitische Staat, FBI = Federal
    Bureau of Investigation, CDA = Christen-Democratisch Appèl, PvdA = Partij van de Arbeid."""
    if not is_acronym(acronym) or is_acronym(expansion):
        return False
    return _acronym_key(acronym) in _initial_variants(expansion, {fold(w) for w in function_words})


def _letters_subsequence(acronym: str, expansion: str) -> bool:
    """Weak acronym test for explicit parenthetical definitions: first letters equal and the
    acronym's letters appear in order in the expansion (NAVO in Noord-Atlantische Verdragsorganisatie)."""
    a = [c for c in _acronym_key(acronym) if c.isalnum()]
    e = [c for c in fold(expansion) if c.isalnum()]
    if not a or not e or a[0] != e[0]:
        return False
    i = 0
    for c in e:
        if i < len(a) and c == a[i]:
            i += 1
    return i == len(a)


# --------------------------------------------------------------------------
# language resources
# --------------------------------------------------------------------------

@dataclass
class AliasTable:
    """Known aliases: normalised name -> entry id; entry id -> (type, names per language)."""

    by_key: dict[str, set[str]]
    entries: dict[str, dict[str, Any]]

    def ids_of(self, name: str) -> set[str]:
        return self.by_key.get(normalise_name(name), set())

    def canonical(self, entry_id: str, lang: str | None) -> str:
        names = self.entries[entry_id]["names"]
        if lang in names:
            return names[lang][0]
        return names[sorted(names)[0]][0] if "nl" not in names else names["nl"][0]


def _read_lang_toml(lang: str, name: str) -> dict[str, Any]:
    try:
        ref = resources.files("tijdlijn") / "lang" / lang / name
        with ref.open("rb") as fh:
            return tomllib.load(fh)
    except (FileNotFoundError, OSError):
        return {}


def available_langs() -> list[str]:
    base = resources.files("tijdlijn") / "lang"
    return sorted(p.name for p in base.iterdir() if p.is_dir() and (p / "aliases.toml").is_file())


@lru_cache(maxsize=None)
def load_alias_table(langs: tuple[str, ...] | None = None) -> AliasTable:
    """The alias tables of ``langs`` (default: every language), merged by entry id."""
    by_key: dict[str, set[str]] = defaultdict(set)
    entries: dict[str, dict[str, Any]] = {}
    for lang in langs or tuple(available_langs()):
        for e in _read_lang_toml(lang, "aliases.toml").get("entity", []):
            ent = entries.setdefault(e["id"], {"type": e.get("type", "MISC"), "names": {}})
            ent["names"][lang] = list(e["names"])
            for n in e["names"]:
                by_key[normalise_name(n)].add(e["id"])
    return AliasTable(dict(by_key), entries)


@dataclass
class _Lang:
    code: str
    function_words: set[str]
    particles: set[str]
    hyphen_particles: set[str]
    definite: set[str]
    appos_det: set[str]
    preps: set[str]
    predicative: set[str]
    modifiers: set[str]
    not_modifiers: set[str]
    roles: dict[tuple[str, ...], str]  # role noun (folded words) -> entity type
    max_role_len: int
    closed_heads: list[tuple[str, str]]  # single-word role nouns for closed compounds, longest first
    demonyms: dict[str, str]


@lru_cache(maxsize=None)
def _load_lang(lang: str) -> _Lang:
    code = lang if _read_lang_toml(lang, "roles.toml") else "en"
    roles_t = _read_lang_toml(code, "roles.toml")
    alias_t = _read_lang_toml(code, "aliases.toml")
    roles: dict[tuple[str, ...], str] = {}
    for cls, typ in _ROLE_CLASS_TYPE.items():
        for noun in roles_t.get(cls, {}).get("nouns", []):
            roles.setdefault(tuple(fold(noun).split()), typ)
    closed = sorted(((k[0], t) for k, t in roles.items() if len(k) == 1 and len(k[0]) >= 4), key=lambda x: (-len(x[0]), x[0]))
    names = alias_t.get("names", {})
    return _Lang(
        code=code,
        function_words={fold(w) for w in alias_t.get("acronyms", {}).get("function_words", [])},
        particles={fold(w) for w in names.get("particles", [])},
        hyphen_particles={fold(w) for w in names.get("hyphen_particles", [])},
        definite={fold(w) for w in roles_t.get("definite_determiners", [])},
        appos_det={fold(w) for w in roles_t.get("apposition_determiners", [])},
        preps={fold(w) for w in roles_t.get("complement_prepositions", [])},
        predicative={fold(w) for w in roles_t.get("predicative_cues", [])},
        modifiers={fold(w) for w in roles_t.get("modifiers", [])},
        not_modifiers={fold(w) for w in roles_t.get("not_modifiers", [])},
        roles=roles,
        max_role_len=max((len(k) for k in roles), default=1),
        closed_heads=closed if code == "nl" else [],
        demonyms={fold(k): v for k, v in roles_t.get("fallback_demonyms", {}).items()},
    )


# --------------------------------------------------------------------------
# demonyms
# --------------------------------------------------------------------------

def _places_demonym(word: str, lang: str) -> list[str] | None:
    """The places helper's answer: ISO codes (``[]`` for a demonym of a region or people such
    as "Europese", "Koerdische"), or None (not a demonym, or no helper installed)."""
    try:
        from tijdlijn import places  # lazily: the places helper is optional here
        demonym_country = places.demonym_country
    except (ImportError, AttributeError):
        return None
    try:
        res = demonym_country(word, lang)
        if res is None:
            targets = getattr(places, "demonym_targets", None)
            found = targets(word, lang) if targets is not None else None
            if found:
                return [t.key for t in found if getattr(t, "kind", "") == "country"]
            return None
    except Exception:  # a helper still being written must not break coreference
        return None
    if isinstance(res, dict):
        res = res.get("country") or res.get("code")
    elif isinstance(res, (tuple, list)):
        res = res[0] if res else None
    elif not isinstance(res, str):
        res = getattr(res, "country", None) or getattr(res, "code", None)
    return [str(res)] if res else None


def demonym_countries(word: str, lang: str) -> list[str] | None:
    """Countries a demonym/adjective refers to ("Iraaks-Syrische" -> ["IQ", "SY"]), or None
    when the word is not (entirely) a demonym. Uses ``tijdlijn.places.demonym_country`` when
    available, else the small ``fallback_demonyms`` table of roles.toml. Empty list: a
    demonym of a region or people ("Europese", "Kurdish"), not of a country."""
    w = _strip_quotes(word).strip()
    if not w or " " in w:
        return None
    parts = [p for p in w.split("-") if p]
    # keep known hyphenated demonyms together ("Noord-Koreaanse", "Saoedi-Arabische")
    table = _load_lang(lang).demonyms

    real = _places_demonym(w, lang)
    if real is not None:
        return real

    def one(p: str) -> str | None:
        part = _places_demonym(p, lang)
        if part is not None:
            return part[0] if len(part) == 1 else ""
        f = fold(p)
        for cand in (f, f[:-1] if f.endswith("e") else f + "e", f[:-2] if f.endswith("se") else None,
                     f[:-4] + "s" if f.endswith("sche") else None, f[:-1] if f.endswith("n") else None,
                     f[:-1] if lang == "en" and f.endswith("s") else None,
                     f[:-3] + "ees" if f.endswith("ese") else None):
            if cand and cand in table:
                return table[cand]
        return None

    whole = one(w)
    if whole is not None:
        return [whole] if whole else []
    out = []
    for p in parts:
        c = one(p)
        if c is None:
            return None
        if c:
            out.append(c)
    return out


# --------------------------------------------------------------------------
# person names
# --------------------------------------------------------------------------

def person_name_parts(name: str, lang: str = "nl") -> tuple[list[str], list[str]]:
    """(all folded tokens, tokens that are not particles) of a person name."""
    L = _load_lang(lang)
    toks = [fold(_strip_quotes(t)) for t in _POSSESSIVE.sub("", name.strip()).split() if _strip_quotes(t)]
    core = []
    for t in toks:
        if t in L.particles:
            continue
        if "-" in t and t.split("-", 1)[0] in L.hyphen_particles:
            t = t.split("-", 1)[1]
        core.append(t)
    return toks, core


@lru_cache(maxsize=1 << 16)  # pure; called for every name form many times
def surname_key(name: str, lang: str = "nl") -> str:
    _, core = person_name_parts(name, lang)
    return core[-1] if core else ""


@lru_cache(maxsize=1 << 16)  # pure; called for every name form many times
def is_full_person_name(name: str, lang: str = "nl") -> bool:
    return len(person_name_parts(name, lang)[1]) >= 2


def _tails(full: str, lang: str) -> set[str]:
    """Surname forms of a full name: its last 1..n-1 tokens, with and without particles."""
    toks, _ = person_name_parts(full, lang)
    L = _load_lang(lang)
    out = set()
    for k in range(1, len(toks)):
        tail = toks[-k:]
        if all(t in L.particles for t in tail):
            continue
        out.add(" ".join(tail))
        stripped = [t for t in tail if t not in L.particles]
        stripped = [t.split("-", 1)[1] if "-" in t and t.split("-", 1)[0] in L.hyphen_particles else t for t in stripped]
        if stripped:
            out.add(" ".join(stripped))
    return out


# --------------------------------------------------------------------------
# the clustering
# --------------------------------------------------------------------------

@dataclass
class _M:
    start: int
    end: int
    text: str
    type: str
    name: str  # the name part (role words stripped)
    kind: str = "name"  # name | parenthetical | propagated | apposition | role


@dataclass
class _Node:
    mentions: list[_M]
    type: str

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


@dataclass
class _Role:
    node: int
    head: str
    type: str  # type of the entity holding the role
    org: int | None  # node of the organisation/place in the role, if an entity
    org_text: str | None
    modifiers: list[str]
    demonyms: set[str]
    label: str
    evidence: str


@dataclass
class _Desc:
    start: int
    end: int
    head: str
    type: str
    org: int | None
    org_text: str | None
    modifiers: list[str]
    demonyms: set[str]
    has_det: bool


def _compatible(a: str, b: str) -> bool:
    if a == b:
        return True
    if "PER" in (a, b):
        return False
    return True  # ORG/LOC/MISC: metonymy ("de VS" as actor) and MISC noise


class _Clusterer:
    def __init__(self, text: str, spans: Sequence[tuple[int, int, str]], lang: str, sentences, propagate: bool):
        self.text = text
        self.lang = lang if lang in ("nl", "en") or _read_lang_toml(lang, "roles.toml") else "en"
        self.L = _load_lang(self.lang)
        self.aliases = load_alias_table()
        self.propagate = propagate
        self.sentences = self._sentence_bounds(sentences)
        self.related_places: list[dict[str, Any]] = []
        self.reasons: dict[int, list[str]] = defaultdict(list)  # node -> reasons (moved to root on union)
        self.roles: list[_Role] = []
        self.acronym_pairs: dict[int, dict[str, str]] = defaultdict(dict)
        self.spans = self._clean_spans(spans)

    # ---- setup ---------------------------------------------------------
    def _sentence_bounds(self, sentences) -> list[tuple[int, int]]:
        if sentences:
            out = []
            for s in sentences:
                if hasattr(s, "start"):
                    out.append((s.start, s.end))
                else:
                    out.append((int(s[0]), int(s[1])))
            return sorted(out)
        out, start = [], 0
        for m in re.finditer(r"(?<=[.!?’”\"'])\s+(?=[‘“\"'(]?[A-Z0-9À-Ý])|\n\s*\n|\n", self.text):
            out.append((start, m.start()))
            start = m.end()
        out.append((start, len(self.text)))
        return [(a, b) for a, b in out if b > a]

    def _sentence_of(self, pos: int) -> tuple[int, int]:
        starts = self.__dict__.get("_sent_starts")
        if starts is None or len(starts) != len(self.sentences):
            starts = self._sent_starts = [a for a, _ in self.sentences]
        i = bisect.bisect_right(starts, pos) - 1
        if 0 <= i < len(self.sentences) and self.sentences[i][0] <= pos < self.sentences[i][1]:
            return self.sentences[i]
        return 0, len(self.text)

    def _clean_spans(self, spans) -> list[_M]:
        seen = set()
        out: list[_M] = []
        max_end = -1
        for s in sorted(spans, key=lambda s: (s[0], -s[1])):
            a, b, t = int(s[0]), int(s[1]), str(s[2]).upper()
            t = {"PERSON": "PER", "GPE": "LOC", "NORP": "MISC", "FAC": "LOC"}.get(t, t)
            if t not in TYPES:
                t = "MISC"
            # trim whitespace and enclosing quotes/punctuation the tagger may have included
            while a < b and (self.text[a].isspace() or self.text[a] in _QUOTES + "(["):
                a += 1
            while b > a and (self.text[b - 1].isspace() or self.text[b - 1] in _QUOTES + ",.;:)]"):
                if self.text[b - 1] == "." and is_acronym(self.text[a:b]):
                    break
                b -= 1
            if b <= a or (a, b) in seen:
                continue
            if b <= max_end and any(o.start <= a and b <= o.end for o in reversed(out)):
                continue  # nested inside an accepted span
            seen.add((a, b))
            out.append(_M(a, b, self.text[a:b], t, self.text[a:b]))
            max_end = max(max_end, b)
        return out

    # ---- union-find ----------------------------------------------------
    def _find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def _union(self, a: int, b: int, reason: str) -> bool:
        ra, rb = self._find(a), self._find(b)
        if ra == rb:
            return False
        if not _compatible(self._root_type(ra), self._root_type(rb)):
            return False
        keep, drop = (ra, rb) if self.nodes[ra].first <= self.nodes[rb].first else (rb, ra)
        self.parent[drop] = keep
        self.reasons[keep].extend(self.reasons.pop(drop, []))
        if reason and reason not in self.reasons[keep]:
            self.reasons[keep].append(reason)
        return True

    def _root_type(self, r: int) -> str:
        types = Counter(self.nodes[i].type for i in range(len(self.nodes)) if self._find(i) == r)
        non_misc = [t for t in types if t != "MISC"]
        if "PER" in types:
            return "PER"
        return max(non_misc, key=lambda t: (types[t], -TYPES.index(t))) if non_misc else "MISC"

    def _add_node(self, mentions: list[_M], typ: str) -> int:
        self.nodes.append(_Node(mentions, typ))
        self.parent.append(len(self.nodes) - 1)
        return len(self.nodes) - 1

    def _name_of(self, i: int) -> str:
        return self.nodes[i].mentions[0].name

    # ---- stage 1: demonyms ---------------------------------------------
    def drop_demonyms(self) -> None:
        keep = []
        for m in self.spans:
            if m.type in ("MISC", "LOC"):
                countries = demonym_countries(m.text, self.lang)
                if countries is not None:
                    why = (f"‘{m.text}’ is a demonym/adjective, not an entity"
                           + (f"; it refers to {', '.join(countries)}" if countries else ""))
                    self.related_places.append({"start": m.start, "end": m.end, "text": m.text,
                                                "countries": countries, "why": why})
                    continue
            keep.append(m)
        self.spans = keep

    # ---- stage 2: titles inside PER spans, description-like spans --------
    def split_titles(self) -> None:
        self.title_roles: list[tuple[_M, str, list[str], int]] = []  # (mention, head, modifiers, title_start)
        keep = []
        for m in self.spans:
            words = [(w.start() + m.start, w.end() + m.start, w.group()) for w in _WORD.finditer(m.text)]
            if m.type == "PER" and len(words) >= 2:
                k = 0
                mods = []
                while k < len(words) - 1 and self._is_modifier(words[k][2]):
                    mods.append(words[k][2])
                    k += 1
                rl = self._role_at([w[2] for w in words[k:-1]], 0)
                if rl and rl[1] == "PER" and words[k + rl[0]][2][:1].isupper():
                    head = " ".join(fold(w[2]) for w in words[k:k + rl[0]])
                    name_start = words[k + rl[0]][0]
                    m.name = self.text[name_start:m.end]
                    self.title_roles.append((m, head, mods, m.start))
            elif len(words) == 1 and "-" in m.text:
                h = self._compound_head(m.text)
                if h and h[1] and len(h[1]) >= 2:
                    continue  # "IS-leider" tagged as an entity: it is a description, found later
            keep.append(m)
        self.spans = keep

    # ---- stage 3: one name, one type -------------------------------------
    def retype_by_role(self) -> None:
        """A name the tagger called MISC but that stands in apposition to a person role
        ("De leider van IS, Abu Bakr al-Baghdadi," / "X, de zelfverklaarde ‘kalief’,") is a
        person; so are the other MISC mentions of its surname ("Al-Baghdadi")."""
        self.retype_notes: dict[str, str] = {}
        persons: list[_M] = []
        self.nodes, self.parent = [], []  # descriptions are parsed before any node exists
        for m in self.spans:
            if m.type != "MISC":
                continue
            evidence = None
            left = self.text[:m.start]
            if re.search(r",\s*$", left):
                comma = left.rstrip().rfind(",")
                a = self._clause_left(comma)
                d = self._parse_description(a, comma, full=True, dets=self.L.appos_det | self.L.definite)
                if d and d.type == "PER":
                    evidence = self.text[d.start:m.end]
            if evidence is None:
                hit = re.match(r"\s*,\s*", self.text[m.end:])
                if hit:
                    a = m.end + hit.end()
                    d = self._parse_description(a, self._clause_right(a), full=True, dets=self.L.appos_det)
                    if d and d.has_det and d.type == "PER":
                        evidence = self.text[m.start:d.end]
            if evidence is not None:
                m.type = "PER"
                persons.append(m)
                self.retype_notes[normalise_name(m.name)] = f"‘{m.name}’ is a person: apposition with a person role (‘{evidence}’)"
        for p in persons:
            tails = {fold(t) for t in _tails(p.name, self.lang)}
            for m in self.spans:
                if m.type == "MISC" and fold(m.name) in tails:
                    m.type = "PER"
                    self.retype_notes.setdefault(normalise_name(m.name), f"‘{m.name}’ is a person: the surname of ‘{p.name}’")

    def vote_types(self) -> None:
        by_key: dict[str, list[_M]] = defaultdict(list)
        for m in self.spans:
            by_key[normalise_name(m.name)].append(m)
        self.type_notes: dict[str, str] = {}
        for key, ms in by_key.items():
            c = Counter(m.type for m in ms)
            if len(c) > 1:
                first = {t: min(m.start for m in ms if m.type == t) for t in c}
                best = max(c, key=lambda t: (c[t], -first[t]))
                detail = ", ".join(f"{t} {n}×" for t, n in c.most_common())
                self.type_notes[key] = (f"document-level consistency: ‘{ms[0].name}’ was tagged {detail}; "
                                        f"using {best} (majority{', earliest on a tie' if list(c.values()).count(c[best]) > 1 else ''})")
                for m in ms:
                    m.type = best

    # ---- stage 4: nodes --------------------------------------------------
    def build_nodes(self) -> None:
        self.nodes: list[_Node] = []
        self.parent: list[int] = []
        groups: dict[tuple[str, str], list[_M]] = {}
        for m in self.spans:
            groups.setdefault((normalise_name(m.name), m.type), []).append(m)
        for (key, typ), ms in groups.items():
            i = self._add_node(ms, typ)
            if key in self.type_notes:
                self.reasons[i].append(self.type_notes[key])
            if key in getattr(self, "retype_notes", {}):
                self.reasons[i].append(self.retype_notes[key])

    def propagate_names(self) -> None:
        """Unlabelled repeats of a name the tagger found elsewhere in the article."""
        if not self.propagate:
            return
        taken = bytearray(len(self.text) + 1)  # 1 where a mention already is (overlap test in C, not O(n))
        for n in self.nodes:
            for m in n.mentions:
                taken[m.start:m.end] = b"\x01" * (m.end - m.start)
        for i, node in enumerate(list(self.nodes)):
            names = {m.name for m in node.mentions if m.name == m.text}
            for name in sorted(names):
                if len(name) < 2 or not name[0].isupper():
                    continue
                for hit in re.finditer(r"(?<![\w-])" + re.escape(name) + r"(?![\w]|-\w)", self.text):
                    a, b = hit.span()
                    if taken.find(1, a, b) >= 0:
                        continue
                    taken[a:b] = b"\x01" * (b - a)
                    node.mentions.append(_M(a, b, name, node.type, name, "propagated"))
        for node in self.nodes:
            node.mentions.sort(key=lambda m: m.start)

    # ---- stage 5: alias table, parentheticals, acronyms ------------------
    def merge_alias_table(self) -> None:
        by_entry: dict[str, list[int]] = defaultdict(list)
        for i, n in enumerate(self.nodes):
            for eid in sorted(self.aliases.ids_of(self._name_of(i))):
                if _compatible(n.type, self.aliases.entries[eid]["type"]):
                    by_entry[eid].append(i)
        self.node_entry: dict[int, str] = {}
        for eid, idx in by_entry.items():
            for i in idx:
                self.node_entry.setdefault(i, eid)
            for j in idx[1:]:
                a, b = self._name_of(idx[0]), self._name_of(j)
                self._union(idx[0], j, f"‘{b}’ is a known alias of ‘{a}’ (alias table: {eid})")
            # an acronym and an expansion seen together: evidence for cross-article identity
            for j in idx:
                if is_acronym(self._name_of(j)):
                    for k in idx:
                        if not is_acronym(self._name_of(k)) and acronym_matches(self._name_of(j), self._name_of(k), self.L.function_words):
                            self.acronym_pairs[k].setdefault(self._name_of(j), self._name_of(k))

    def merge_parentheticals(self) -> None:
        starts = {}
        for i, n in enumerate(self.nodes):
            for m in n.mentions:
                starts[m.start] = (i, m)
        for i, n in enumerate(list(self.nodes)):
            if n.type == "PER":
                continue
            for m in list(n.mentions):
                hit = re.match(r"\s*\(\s*([^()\s,;]{2,12})\s*\)", self.text[m.end:])
                if not hit:
                    continue
                inner = hit.group(1)
                a = m.end + hit.start(1)
                if is_acronym(inner) and not is_acronym(m.name):
                    acr, exp = inner, m.name
                elif is_acronym(m.name) and not is_acronym(inner):
                    acr, exp = m.name, inner
                else:
                    continue
                if not _letters_subsequence(acr, exp):
                    continue
                reason = f"‘{inner}’ is defined as ‘{m.name}’ in parentheses (‘{self.text[m.start:m.end + hit.end()].strip()}’)"
                if a in starts and starts[a][0] != i:
                    j = starts[a][0]
                    if self.nodes[j].type != "PER":
                        self._union(i, j, reason)
                elif a not in starts:
                    pm = _M(a, a + len(inner), inner, n.type, inner, "parenthetical")
                    j = self._add_node([pm], n.type)
                    starts[a] = (j, pm)
                    self._union(i, j, reason)
                else:
                    continue
                self.acronym_pairs[i][acr] = exp

    def merge_acronyms(self) -> None:
        acrs = [i for i, n in enumerate(self.nodes) if n.type != "PER" and is_acronym(self._name_of(i))]
        exps = [i for i, n in enumerate(self.nodes) if n.type != "PER" and not is_acronym(self._name_of(i))]
        for i in acrs:
            acr = self._name_of(i)
            cands = [j for j in exps if acronym_matches(acr, self._name_of(j), self.L.function_words)
                     and _compatible(self.nodes[i].type, self.nodes[j].type)]
            roots = {self._find(j) for j in cands}
            if len(roots) == 1:
                j = min(cands, key=lambda j: self.nodes[j].first)
                self._union(j, i, f"‘{acr}’ is the acronym of ‘{self._name_of(j)}’")
                self.acronym_pairs[j][acr] = self._name_of(j)

    # ---- stage 6: person names -------------------------------------------
    def merge_person_names(self) -> None:
        per = [i for i, n in enumerate(self.nodes) if n.type == "PER"]
        full = [i for i in per if is_full_person_name(self._name_of(i), self.lang)]
        # full names differing only by middle names/initials: "Donald J. Trump" = "Donald Trump"
        for x in range(len(full)):
            for y in range(x + 1, len(full)):
                i, j = full[x], full[y]
                ti, ci = person_name_parts(self._name_of(i), self.lang)
                tj, cj = person_name_parts(self._name_of(j), self.lang)
                short, long_ = (ci, cj) if len(ci) <= len(cj) else (cj, ci)
                if short[0] == long_[0] and short[-1] == long_[-1] and short != long_ and _is_subsequence(short, long_):
                    extra = [t for t in long_ if t not in short]
                    if all(len(t.rstrip(".")) <= 1 for t in extra):
                        self._union(i, j, f"‘{self._name_of(j)}’ and ‘{self._name_of(i)}’ share first and last name (differ only by initials)")
        tails = {i: _tails(self._name_of(i), self.lang) for i in full}
        firsts = {i: person_name_parts(self._name_of(i), self.lang)[1][0] for i in full}
        for i in per:
            if i in full and len(person_name_parts(self._name_of(i), self.lang)[0]) > 2:
                continue
            name = self._name_of(i)
            toks, core = person_name_parts(name, self.lang)
            key = " ".join(toks)
            key_core = " ".join(core)
            sur = [j for j in full if j != i and (key in tails[j] or key_core in tails[j])]
            sur_roots = sorted({self._find(j) for j in sur})
            if len(sur_roots) == 1:
                j = min(sur, key=lambda j: self.nodes[j].first)
                self._union(j, i, f"‘{name}’ is the surname of ‘{self._name_of(j)}’")
                continue
            if len(sur_roots) > 1:
                self._split_by_recency(i, sur)
                continue
            if len(core) == 1 and i not in full:
                fn = [j for j in full if firsts[j] == core[0]]
                fn_roots = {self._find(j) for j in fn}
                surname_clash = any(core[0] in tails[j] for j in full)
                if len(fn_roots) == 1 and not surname_clash:
                    j = fn[0]
                    self._union(j, i, f"‘{name}’ is the first name of ‘{self._name_of(j)}’ (the only person in the article with that first name)")

    def _split_by_recency(self, i: int, cands: list[int]) -> None:
        """An ambiguous surname: each mention goes to the nearest preceding full-name candidate."""
        node = self.nodes[i]
        rest = []
        for m in node.mentions:
            prior = [(max(mm.start for mm in self.nodes[j].mentions if mm.start < m.start), j)
                     for j in cands if any(mm.start < m.start for mm in self.nodes[j].mentions)]
            if not prior:
                rest.append(m)
                continue
            _, j = max(prior)
            k = self._add_node([m], node.type)
            self._union(j, k, f"‘{m.text}’ is the surname of ‘{self._name_of(j)}’ and of other people in the article; "
                              f"linked to the nearest preceding one")
        node.mentions[:] = rest or node.mentions[:0]
        if not rest:
            # empty node: make it inert
            node.mentions.append(_M(-1, -1, "", node.type, ""))

    # ---- stage 7: roles ----------------------------------------------------
    def _is_modifier(self, w: str) -> bool:
        f = fold(_strip_quotes(w))
        if not f or f in self.L.not_modifiers or self._role_at([w], 0):
            return False
        if f in self.L.modifiers or (f.rstrip("-") in self.L.modifiers):
            return True
        if "-" in f and f.split("-", 1)[0] in self.L.modifiers:  # oud-premier handled by compounds; ex-minister
            return False
        if w[:1].isupper() and demonym_countries(w, self.lang):
            return True
        if self.lang == "nl" and w.islower() and len(f) > 3 and f.endswith("e") and f not in self.L.definite:
            return True
        return False

    def _demonyms_of(self, mods: list[str]) -> set[str]:
        out = set()
        for w in mods:
            if w[:1].isupper():
                out.update(demonym_countries(w, self.lang) or [])
        return out

    def _role_at(self, words: list[str], k: int) -> tuple[int, str] | None:
        """(number of words, entity type) of the longest role noun starting at words[k]."""
        for n in range(min(self.L.max_role_len, len(words) - k), 0, -1):
            key = tuple(fold(_strip_quotes(w)) for w in words[k:k + n])
            if key in self.L.roles:
                return n, self.L.roles[key]
        return None

    def _compound_head(self, w: str) -> tuple[str, str, str] | None:
        """("leider", "IS", "PER") for "IS-leider"; ("leider", "partij", "PER") for "partijleider"."""
        w = _strip_quotes(w)
        f = fold(w)
        if "-" in w:
            prefix, last = w.rsplit("-", 1)
            t = self.L.roles.get((fold(last),))
            if t and prefix:
                return fold(last), prefix, t
        if not w.isupper() and "-" not in f:
            index = self.__dict__.get("_head_index")
            if index is None:
                index = {}
                for order, (head, t) in enumerate(self.L.closed_heads):
                    index.setdefault(head, (order, t))
                self._head_index = index
                self._head_lengths = sorted({len(h) for h in index})
            best = None
            for n in self._head_lengths:  # the first head in list order that ends the word
                if len(f) - n < 3:
                    break
                hit = index.get(f[-n:])
                if hit is not None and (best is None or hit[0] < best[0]):
                    best = (hit[0], f[-n:], hit[1])
            if best is not None:
                return best[1], w[: len(w) - len(best[1])], best[2]
        return None

    def _words(self, a: int, b: int) -> list[tuple[int, int, str]]:
        return [(m.start() + a, m.end() + a, m.group()) for m in _WORD.finditer(self.text[a:b])]

    def _gap_ok(self, a: int, b: int) -> bool:
        """Only whitespace and quotes between two words."""
        return all(c.isspace() or c in _QUOTES for c in self.text[a:b])

    def _mention_at(self, pos: int) -> tuple[int, _M] | None:
        # index by start offset, rebuilt only when mentions were added (linear overall, not per call)
        size = sum(len(n.mentions) for n in self.nodes)
        cache = self.__dict__.get("_at_cache")
        if cache is None or cache[0] != size:
            index: dict[int, tuple[int, _M]] = {}
            for i, n in enumerate(self.nodes):
                for m in n.mentions:
                    if m.kind != "role":
                        index.setdefault(m.start, (i, m))
            cache = self._at_cache = (size, index)
        return cache[1].get(pos)

    def _node_by_name(self, name: str) -> int | None:
        key = normalise_name(name)
        hits = sorted({self._find(i) for i, n in enumerate(self.nodes)
                       if any(normalise_name(m.name) == key for m in n.mentions if m.kind in ("name", "propagated", "parenthetical"))})
        if len(hits) == 1:
            return hits[0]
        eids = self.aliases.ids_of(name)
        if eids:
            hits = sorted({self._find(i) for i, e in self.node_entry.items() if e in eids})
            if len(hits) == 1:
                return hits[0]
        return None

    def _parse_description(self, a: int, b: int, *, full: bool, dets: set[str] | None) -> _Desc | None:
        """Parse text[a:b] as [det] modifier* ROLE [prep complement]. With ``full`` the whole
        range must be consumed; otherwise the longest description starting at ``a``."""
        words = self._words(a, b)
        if not words:
            return None
        k = 0
        has_det = False
        if dets is not None and fold(words[0][2]) in dets:
            has_det, k = True, 1
        elif dets is not None and not full:
            return None
        mods: list[str] = []
        org: int | None = None
        org_text: str | None = None
        while k < len(words):
            if k > 0 and not self._gap_ok(words[k - 1][1], words[k][0]):
                return None
            # an entity name used as a premodifier: "the IS leader", "the Islamic State leader"
            hit = self._mention_at(words[k][0])
            if hit and hit[1].type in ("ORG", "LOC", "MISC") and k + 1 < len(words):
                i, m = hit
                nxt = [w for w in words if w[0] >= m.end]
                if nxt and self._role_at([w[2] for w in nxt], 0) and self._gap_ok(m.end, nxt[0][0]):
                    org, org_text = self._find(i), m.text
                    k = words.index(nxt[0])
                    continue
            if self._role_at([w[2] for w in words], k) or self._compound_head(words[k][2]):
                break
            if len(mods) < 4 and self._is_modifier(words[k][2]):
                mods.append(words[k][2])
                k += 1
                continue
            return None
        if k >= len(words):
            return None
        rl = self._role_at([w[2] for w in words], k)
        if rl:
            n, typ = rl
            head = " ".join(fold(_strip_quotes(w[2])) for w in words[k:k + n])
            end = words[k + n - 1][1]
            k += n
        else:
            head, prefix, typ = self._compound_head(words[k][2])
            end = words[k][1]
            p_node = self._node_by_name(prefix)
            if p_node is not None:
                org, org_text = p_node, prefix
            elif prefix[:1].isupper() and demonym_countries(prefix, self.lang):
                mods.append(prefix)
            else:
                mods.append(prefix)
            k += 1
        # closing quote of ‘kalief’
        while end < len(self.text) and self.text[end] in _QUOTES:
            end += 1
        # complement: "van Islamitische Staat", "of IS"
        if k < len(words) and fold(words[k][2]) in self.L.preps and self._gap_ok(end, words[k][0]):
            c = k + 1
            if c + 1 < len(words) and fold(words[c][2]) in self.L.definite | self.L.appos_det and self._mention_at(words[c + 1][0]):
                c += 1
            c_start = words[c][0] if c < len(words) else None
            if c_start is not None:
                hit = self._mention_at(c_start)
                if hit and hit[1].type != "PER" and (not full or hit[1].end == b or self._gap_ok(hit[1].end, b)):
                    org, org_text = self._find(hit[0]), hit[1].text
                    end = hit[1].end
                    k = len(words) if full else k
                elif full and len(words) - (k + 1) <= 6:
                    org_text = self.text[c_start:words[-1][1]]
                    end = words[-1][1]
                    k = len(words)
        if full and (k < len(words) and words[-1][1] > end):
            return None
        return _Desc(a if not has_det else words[0][0], end, head, typ, org, org_text, mods,
                     self._demonyms_of(mods), has_det)

    def _clause_left(self, pos: int) -> int:
        s0, _ = self._sentence_of(pos)
        seg = self.text[s0:pos]
        last = None
        for m in _CLAUSE_BREAK.finditer(seg):
            last = m
        return s0 + (last.end() if last else 0)

    def _clause_right(self, pos: int) -> int:
        _, s1 = self._sentence_of(pos)
        m = _CLAUSE_BREAK.search(self.text, pos, s1)
        return m.start() if m else s1

    def _role_label(self, d: _Desc) -> str:
        prep = "van" if self.lang == "nl" else "of"
        base = " ".join([*[_strip_quotes(x) for x in d.modifiers if not x[:1].isupper() or not d.demonyms], d.head])
        if d.demonyms:
            base = " ".join([*d.modifiers, d.head])
        return base + (f" {prep} {d.org_text}" if d.org_text else "")

    def learn_roles(self) -> None:
        self.appositions: list[tuple[int, _Desc, str]] = []
        for i, node in enumerate(list(self.nodes)):
            for m in node.mentions:
                if m.kind not in ("name", "propagated") or m.type not in ("PER", "ORG", "LOC"):
                    continue
                # (A) "DESC, NAME," — description before the name
                left = self.text[:m.start]
                if re.search(r",\s*$", left):
                    comma = left.rstrip().rfind(",")
                    a = self._clause_left(comma)
                    d = self._parse_description(a, comma, full=True, dets=self.L.appos_det | self.L.definite)
                    after = self.text[m.end:m.end + 2].lstrip()
                    if d and d.type == m.type and (not after or after[0] in ",;:.)" or self._sentence_of(m.start)[0] == a):
                        self._learn(i, d, self.text[d.start:m.end], apposition=True)
                        continue
                # (B) "NAME, DESC," — description after the name, with a determiner
                hit = re.match(r"\s*,\s*", self.text[m.end:])
                if hit:
                    a = m.end + hit.end()
                    b = self._clause_right(a)
                    d = self._parse_description(a, b, full=True, dets=self.L.appos_det)
                    if d and d.has_det and d.type == m.type:
                        self._learn(i, d, self.text[m.start:d.end], apposition=True)
                        continue
                # (C) title before the name: "premier Rutte", "de Iraakse stad Mosul"
                if m.start and self.text[m.start - 1] in _QUOTES + " ":
                    a = self._clause_left(m.start)
                    words = self._words(a, m.start)
                    stop = m.start
                    if words and fold(words[-1][2]) in self.L.preps and len(words) >= 2:
                        stop = words[-1][0]
                        words = words[:-1]
                    for s in range(max(0, len(words) - 6), len(words)):
                        d = self._parse_description(words[s][0], stop, full=True, dets=self.L.definite | self.L.appos_det)
                        if d and d.type == m.type and (self._gap_ok(d.end, m.start) or stop < m.start):
                            self._learn(i, d, self.text[d.start:m.end], apposition=False)
                            break
        for m, head, mods, _ in getattr(self, "title_roles", []):
            i = next(k for k, n in enumerate(self.nodes) if m in n.mentions)
            self._learn(i, _Desc(m.start, m.start, head, "PER", None, None, mods, self._demonyms_of(mods), False),
                        m.text, apposition=False)

    def _learn(self, i: int, d: _Desc, evidence: str, *, apposition: bool) -> None:
        r = self._find(i)
        label = self._role_label(d)
        self.roles.append(_Role(r, d.head, d.type, d.org, d.org_text, d.modifiers, d.demonyms, label, evidence))
        if apposition and not any(x.start <= d.start < x.end or d.start <= x.start < d.end for x in self.nodes[r].mentions):
            text = self.text[d.start:d.end]
            k = self._add_node([_M(d.start, d.end, text, d.type, text, "apposition")], self.nodes[r].type)
            self.parent[k] = r
            self.reasons[r].append(f"‘{text}’ is an apposition to ‘{self._name_of(r)}’ (‘{evidence}’): role ‘{label}’")

    def link_descriptions(self) -> None:
        taken = [(m.start, m.end) for n in self.nodes for m in n.mentions]
        descs = {(m.start, m.end) for n in self.nodes for m in n.mentions if m.kind in ("apposition", "role")}
        words = self._words(0, len(self.text))
        for k, (ws, we, w) in enumerate(words):
            if fold(w) not in self.L.definite:
                continue
            if k and fold(words[k - 1][2]) in self.L.predicative and self._gap_ok(words[k - 1][1], ws):
                continue
            b = self._clause_right(ws)
            d = self._parse_description(ws, b, full=False, dets=self.L.definite)
            if d is None or d.end <= ws:
                continue
            if any(s < d.end and ws < e and (s < ws or e > d.end or (s, e) in descs) for s, e in taken):
                continue
            if any(ws <= m.start and m.end <= d.end and m.type == "PER" for n in self.nodes for m in n.mentions):
                continue
            # followed by a capitalised word: a title of a name ("de provincie Idlib"), not a reference
            nxt = re.match(r"[\s‘’“”\"']+(\w)", self.text[d.end:])
            if nxt and nxt.group(1).isupper():
                continue
            target, why = self._resolve_description(d)
            if target is None or (d.org is not None and self._find(d.org) == target):
                continue  # "the city of Mosul": a title of the name inside it, not a separate mention
            text = self.text[ws:d.end]
            k2 = self._add_node([_M(ws, d.end, text, d.type, text, "role")], self.nodes[target].type)
            self.parent[k2] = target
            taken.append((ws, d.end))
            descs.add((ws, d.end))
            reason = f"‘{text}’ is a role description of ‘{self._name_of(target)}’ ({why})"
            if reason not in self.reasons[target]:
                self.reasons[target].append(reason)

    def _resolve_description(self, d: _Desc) -> tuple[int | None, str]:
        cands = []
        for r in self.roles:
            if r.head != d.head or r.type != d.type:
                continue
            if d.org is not None and r.org is not None and self._find(d.org) != self._find(r.org):
                continue
            if d.org is not None and r.org is None and r.org_text is not None:
                continue
            if d.demonyms and r.demonyms and not (d.demonyms & r.demonyms):
                continue
            cands.append(r)
        targets = {self._find(r.node) for r in cands}
        if len(targets) == 1:
            r = cands[0]
            return self._find(r.node), f"‘{r.evidence}’"
        if not targets and d.org is not None and d.type == "PER":
            linked = [r for r in self.roles if r.type == "PER" and r.org is not None and self._find(r.org) == self._find(d.org)]
            people = {self._find(r.node) for r in linked}
            if len(people) == 1:
                r = linked[0]
                return self._find(r.node), (f"the only person the article links to ‘{self._name_of(self._find(d.org))}’: "
                                            f"‘{r.evidence}’")
        return None, ""

    # ---- output ------------------------------------------------------------
    def clusters(self) -> CorefResult:
        members: dict[int, list[int]] = defaultdict(list)
        for i in range(len(self.nodes)):
            if self.nodes[i].mentions and self.nodes[i].mentions[0].start >= 0:
                members[self._find(i)].append(i)
        out = []
        for r, idx in members.items():
            ms = sorted({(m.start, m.end): m for i in idx for m in self.nodes[i].mentions if m.start >= 0}.values(),
                        key=lambda m: (m.start, m.end))
            if not ms:
                continue
            names = [m for m in ms if m.kind in ("name", "propagated", "parenthetical")]
            typ = self._root_type(r)
            if not names:
                continue
            name = self._canonical(idx, names, typ)
            seen, aliases = {normalise_name(name)}, []
            for m in names:
                k = normalise_name(m.name)
                if k not in seen:
                    seen.add(k)
                    aliases.append(m.name)
            pairs: dict[str, str] = {}
            for i in idx:
                pairs.update(self.acronym_pairs.get(i, {}))
            roles = []
            for ro in self.roles:
                if self._find(ro.node) == r and ro.label not in roles:
                    roles.append(ro.label)
            out.append(EntityCluster(
                name=name, type=typ,
                mentions=[Mention(m.start, m.end, m.text) for m in ms],
                aliases=aliases,
                merge_reasons=list(self.reasons.get(r, [])),
                roles=roles,
                descriptions=[Mention(m.start, m.end, m.text) for m in ms if m.kind in ("apposition", "role")],
                acronyms=pairs,
            ))
        out.sort(key=lambda c: (c.mentions[0].start, c.mentions[0].end))
        return CorefResult(out, sorted(self.related_places, key=lambda p: p["start"]))

    def _canonical(self, idx: list[int], names: list[_M], typ: str) -> str:
        for i in sorted(idx, key=lambda i: self.nodes[i].first):
            if i in self.node_entry:
                return self.aliases.canonical(self.node_entry[i], self.lang)
        first = {}
        for m in names:
            first.setdefault(normalise_name(m.name), m)
        cands = list(first.values())
        if typ == "PER":
            return max(cands, key=lambda m: (len(person_name_parts(m.name, self.lang)[1]), len(m.name), -m.start)).name
        non_acr = [m for m in cands if not is_acronym(m.name)] or cands
        return max(non_acr, key=lambda m: (len(m.name.split()), len(m.name), -m.start)).name

    def run(self) -> CorefResult:
        self.drop_demonyms()
        self.split_titles()
        self.retype_by_role()
        self.vote_types()
        self.build_nodes()
        self.node_entry = {}
        self.merge_parentheticals()
        self.propagate_names()
        self.merge_acronyms()
        self.merge_alias_table()
        self.merge_person_names()
        self.learn_roles()
        self.link_descriptions()
        return self.clusters()


def _is_subsequence(short: list[str], long_: list[str]) -> bool:
    it = iter(long_)
    return all(any(s == x for x in it) for s in short)


def cluster_mentions(
    text: str,
    spans: Sequence[tuple[int, int, str]],
    lang: str,
    *,
    sentences: Sequence[Any] | None = None,
    propagate: bool = True,
) -> CorefResult:
    """Cluster the NER ``spans`` of one article into entities.

    ``spans`` are ``(start, end, type)`` character offsets into ``text`` with type
    PER/ORG/LOC/MISC. ``sentences`` (``(start, end)`` pairs or ``Span`` objects) bound
    appositions; without them a simple splitter is used. With ``propagate`` unlabelled
    repeats of a name found by NER elsewhere in the article become mentions too.

    Returns a :class:`CorefResult` (a ``list[EntityCluster]`` ordered by first mention)
    whose ``related_places`` holds the demonyms/adjectives that were set aside.
    """
    return _Clusterer(text, spans, lang, sentences, propagate).run()
