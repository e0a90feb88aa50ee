"""Full-text search text processing shared by every backend.

Both backends index the *same* stemmed tokens, produced here in Python with the
Snowball stemmers (PyStemmer): ``dutch_porter`` for Dutch (the algorithm
PostgreSQL's ``dutch`` text-search configuration uses) and ``english`` for
English. SQLite stores them in an FTS5 table, PostgreSQL in a ``tsvector`` built
with the ``simple`` configuration, so a query finds the same articles in both.

A user query is parsed here, never passed through: words are ANDed, ``"a b"``
is a phrase, ``OR`` between two items makes an alternative, ``-word`` excludes.
Everything else (FTS operators, ``*``, parentheses, quotes left open) is plain
text. A query word matches its Dutch or its English stem.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import Stemmer

__all__ = ["Query", "parse_query", "stem_tokens", "index_text", "snippet", "STEMMERS"]

STEMMERS = {"nl": "dutch_porter", "en": "english"}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_TERMS = 32


@lru_cache(maxsize=None)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(STEMMERS.get(lang, "dutch_porter"))


def fold(word: str) -> str:
    """Lower-cased, accents removed ("Syrië" -> "syrie"): the form that gets stemmed."""
    word = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in word if not unicodedata.combining(c))


def words(text: str) -> list[re.Match[str]]:
    return list(_WORD.finditer(text))


def stem_tokens(text: str, lang: str | None) -> list[str]:
    """Stems of every word of ``text`` in the article's language (Dutch if unknown)."""
    toks = [fold(m.group(0)) for m in _WORD.finditer(text)]
    return _stemmer(lang or "nl").stemWords(toks)


def index_text(title: str | None, text: str, lang: str | None) -> str:
    """The string both backends index: space-separated stems of title and text."""
    return " ".join(stem_tokens((title or "") + "\n" + text, lang))


@dataclass
class Term:
    """One query item: a word or a phrase, as alternatives of stem sequences (nl and en)."""

    text: str
    variants: list[tuple[str, ...]]
    negated: bool = False


@dataclass
class Query:
    """Conjunction of groups; each group is a disjunction of terms (``a OR b``)."""

    groups: list[list[Term]] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any(not t.negated for g in self.groups for t in g)

    def stems(self) -> set[str]:
        return {s for g in self.groups for t in g if not t.negated for v in t.variants for s in v}

    def sequences(self) -> set[tuple[str, ...]]:
        """Stem sequences to highlight: single words and whole phrases."""
        return {v for g in self.groups for t in g if not t.negated for v in t.variants}

    # ---- backend renderings (only stems, which are \w+ strings, ever reach the engines) ----
    def fts5(self) -> str:
        def alt(t: Term) -> str:
            vs = sorted({'"' + " ".join(v) + '"' for v in t.variants})
            return vs[0] if len(vs) == 1 else "(" + " OR ".join(vs) + ")"

        positive = []
        negative = []
        for g in self.groups:
            if all(t.negated for t in g):
                negative.extend(alt(t) for t in g)
            else:
                items = [alt(t) for t in g if not t.negated]
                positive.append(items[0] if len(items) == 1 else "(" + " OR ".join(items) + ")")
        q = " AND ".join(positive)
        for n in negative:
            q = f"{q} NOT {n}"
        return q

    def tsquery(self) -> str:
        def alt(t: Term) -> str:
            vs = sorted({" <-> ".join(v) for v in t.variants})
            return vs[0] if len(vs) == 1 else "(" + " | ".join(f"({v})" for v in vs) + ")"

        parts = []
        for g in self.groups:
            if all(t.negated for t in g):
                parts.extend(f"!({alt(t)})" for t in g)
            else:
                items = [alt(t) for t in g if not t.negated]
                parts.append(items[0] if len(items) == 1 else "(" + " | ".join(items) + ")")
        return " & ".join(parts)


_QTOKEN = re.compile(r'-?"[^"]*"?|\S+')


def _term(raw: str, langs: tuple[str, ...]) -> Term | None:
    negated = raw.startswith("-") and len(raw) > 1
    body = raw[1:] if negated else raw
    ws = [fold(m.group(0)) for m in _WORD.finditer(body)]
    if not ws:
        return None
    variants = []
    for lang in langs:
        v = tuple(_stemmer(lang).stemWords(ws))
        if v not in variants:
            variants.append(v)
    return Term(body.strip('"'), variants, negated)


def parse_query(text: str, langs: tuple[str, ...] = ("nl", "en")) -> Query:
    """Parse user text; never raises. Unknown syntax is treated as words."""
    q = Query()
    pending_or = False
    n = 0
    for tok in _QTOKEN.findall(text or ""):
        if tok == "OR" and q.groups:
            pending_or = True
            continue
        if tok.startswith('"') or tok.startswith('-"'):
            term = _term(tok, langs)
        else:
            # a bare token like "IS-leider" or "a*b(c" is one word sequence (a phrase of its parts)
            term = _term(tok, langs)
        if term is None:
            continue
        n += 1
        if n > MAX_QUERY_TERMS:
            break
        if pending_or and not term.negated and not all(t.negated for t in q.groups[-1]):
            q.groups[-1].append(term)
        else:
            q.groups.append([term])
        pending_or = False
    return q


def snippet(text: str, sequences: set[tuple[str, ...]], lang: str | None, *, width: int = 220,
            mark: tuple[str, str] = ("[", "]")) -> str:
    """A window of ``text`` around the densest run of query hits, the hits marked.

    Words are compared by stem in the article's language (and by folded form), so
    "aanvallen" highlights "aanval" for the query "aanval"; a phrase is marked only
    where all its words occur in order. ``mark`` wraps each hit.
    """
    ms = words(text)
    if not ms:
        return ""
    st = _stemmer(lang or "nl")
    folded = [fold(m.group(0)) for m in ms]
    stemmed = st.stemWords(folded)
    marked: set[int] = set()
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for seq in sequences:
        if seq:
            by_first.setdefault(seq[0], []).append(seq)
    for i, (f, s) in enumerate(zip(folded, stemmed)):
        for key in {f, s}:
            for seq in by_first.get(key, ()):
                n = len(seq)
                if all(stemmed[i + k] == seq[k] or folded[i + k] == seq[k] for k in range(1, n)
                       if i + k < len(ms)) and i + n <= len(ms):
                    marked.update(range(i, i + n))
    hits = sorted(marked)
    if hits:
        best, best_n = hits[0], 0
        j = 0
        for i, h in enumerate(hits):  # densest window of ~width characters
            while ms[hits[j]].start() < ms[h].start() - width // 2:
                j += 1
            if i - j + 1 > best_n:
                best, best_n = hits[j], i - j + 1
        centre = ms[best].start()
    else:
        centre = 0
    start = max(0, centre - width // 4)
    if start > 0:
        sp = text.rfind(" ", 0, start)
        start = sp + 1 if sp >= 0 and start - sp < 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        sp = text.rfind(" ", start, end)
        end = sp if sp > start + width // 2 else end
    hitset = marked
    out = []
    pos = start
    for i, m in enumerate(ms):
        if m.start() < start or m.end() > end:
            continue
        if i in hitset:
            out.append(text[pos:m.start()])
            out.append(mark[0] + m.group(0) + mark[1])
            pos = m.end()
    out.append(text[pos:end])
    s = " ".join("".join(out).split())
    return ("… " if start > 0 else "") + s + (" …" if end < len(text) else "")
