"""The entities stage: NER → aliases and coreference → collection ids → places.

Reads ``text``, ``lang``, ``sentences`` and ``tokens``; writes ``entities`` and
``related_places``. A language without an NER model gets a warning and keeps its
time layer only. Identity across articles is kept by an ``IdentityResolver``:
the caller may pass one (the knowledge base does); otherwise one resolver is
shared by all documents annotated in this process, so a batch gets consistent ids.
"""
from __future__ import annotations

import re
from functools import lru_cache
from threading import Lock

from ..document import Document
from ..temporal.language import literal_alternation
from .coref import cluster_mentions, clusters_to_entities, load_alias_table
from .identity import DocContext, IdentityResolver
from .ner import SUPPORTED_LANGS, load_tagger, spans_from_iob

_shared_resolver: IdentityResolver | None = None
_lock = Lock()


def shared_resolver() -> IdentityResolver:
    global _shared_resolver
    with _lock:
        if _shared_resolver is None:
            _shared_resolver = IdentityResolver()
        return _shared_resolver


def recognize_entities(doc: Document) -> list[tuple[int, int, str]]:
    """NER spans ``(start, end, type)`` as character offsets, one document at a time
    (the tagger applies document-level consistency across its sentences)."""
    tokens = doc.tokens
    sent_tokens: list[list[tuple[int, int]]] = []
    i = 0
    for s in doc.sentences:
        while i < len(tokens) and tokens[i].start < s.start:
            i += 1
        toks = []
        while i < len(tokens) and tokens[i].end <= s.end:
            toks.append((tokens[i].start, tokens[i].end))
            i += 1
        if toks:
            sent_tokens.append(toks)
    words = [[doc.text[a:b] for a, b in toks] for toks in sent_tokens]
    tags = load_tagger(doc.lang).tag_sentences(words) if words else []
    spans: list[tuple[int, int, str]] = []
    for toks, sent_tags in zip(sent_tokens, tags):
        for a, b, typ in spans_from_iob(sent_tags):
            spans.append((toks[a][0], toks[b - 1][1], typ))
    return spans


@lru_cache(maxsize=None)
def _known_names(lang: str) -> tuple[re.Pattern[str], dict[str, str]]:
    """Names of well-known entities (``lang/<code>/aliases.toml``) as a case-sensitive gazetteer."""
    types: dict[str, str] = {}
    for entry in load_alias_table((lang,)).entries.values():
        for n in entry["names"].get(lang, []):
            if len(n) >= 2 and not n.islower():
                types.setdefault(n, entry["type"])
    rx = re.compile(r"(?<![\w-])" + literal_alternation(list(types)) + r"(?![\w-])")
    return rx, types


def apply_known_names(text: str, spans: list[tuple[int, int, str]], lang: str) -> list[tuple[int, int, str]]:
    """Merge the statistical tagger's spans with exact matches of well-known entity names.

    A known name wins over the spans it covers (the tagger's "Islamitische" MISC inside
    "Islamitische Staat" becomes the ORG); a longer tagger span containing the name is kept.
    Typing follows the alias table, so "Al Qaida" is an ORG whatever the tagger guessed.
    """
    rx, types = _known_names(lang)
    out = list(spans)
    for m in rx.finditer(text):
        a, b = m.span()
        typ = types.get(m.group(0)) or types.get(" ".join(m.group(0).split()))
        if typ is None:
            continue
        if any(s <= a and b <= e and (s, e) != (a, b) for s, e, _ in out):
            continue  # inside a longer tagged name
        out = [(s, e, t) for s, e, t in out if e <= a or s >= b]
        out.append((a, b, typ))
    return sorted(out)


def annotate_entities(doc: Document, resolver: IdentityResolver | None = None) -> Document:
    from ..places.stage import locate_places
    from ..pipeline import segment

    if doc.lang not in SUPPORTED_LANGS:
        doc.warnings.append(f"no entity model for language {doc.lang!r}; only the time layer was produced")
        return doc
    if not doc.tokens or not doc.sentences:
        segment(doc)
    spans = apply_known_names(doc.text, recognize_entities(doc), doc.lang)
    result = cluster_mentions(doc.text, spans, doc.lang, sentences=[(s.start, s.end) for s in doc.sentences])
    resolver = resolver or shared_resolver()
    with _lock:
        ids = resolver.assign(result, DocContext(doc.id or f"doc-{id(doc)}", doc.lang))
    doc.entities = clusters_to_entities(result, ids)
    related = []
    for r in result.related_places:
        countries = list(r.get("countries") or [])
        related.append({
            "start": r["start"], "end": r["end"], "text": r["text"],
            "country": countries[0] if len(countries) == 1 else None,
            "countries": countries, "why": r.get("why", ""), "entity": None, "source": "coref",
        })
    doc.related_places = related
    return locate_places(doc)
