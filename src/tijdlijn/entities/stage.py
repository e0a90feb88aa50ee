"""The entities stage: NER → aliases and coreference → collection ids → places.

Reads ``text``, ``lang``, ``sentences`` and ``tokens``; writes ``entities`` and
``related_places``. A language without an NER model gets a warning and keeps its
time layer only. Identity across articles is kept by an ``IdentityResolver``:
the caller may pass one (the knowledge base does); otherwise one resolver is
shared by all documents annotated in this process, so a batch gets consistent ids.
"""
from __future__ import annotations

from threading import Lock

from ..document import Document
from .coref import cluster_mentions, clusters_to_entities
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


def annotate_entities(doc: Document, resolver: IdentityResolver | None = None) -> Document:
    from ..places.stage import locate_places
    from ..pipeline import segment

    if doc.lang not in SUPPORTED_LANGS:
        doc.warnings.append(f"no entity model for language {doc.lang!r}; only the time layer was produced")
        return doc
    if not doc.tokens or not doc.sentences:
        segment(doc)
    spans = recognize_entities(doc)
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
