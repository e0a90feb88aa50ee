"""The places stage: ``Document -> Document``.

Reads ``text``, ``lang`` and ``entities``; adds ``Entity.place`` to every LOC entity the
gazetteer knows, and one ``related_places`` record per demonym/adjective of place in the text
("Iraakse" → IQ, "Iraaks-Syrische" → IQ and SY) that is not inside a PER or ORG mention and
not already recorded by another stage. Records it adds carry ``"source": "places"``; re-running
replaces them.
"""
from __future__ import annotations

from ..document import Document
from .geocode import countries_in_text, geocode

RELATED_SOURCE = "places"


def _names(entity) -> list[str]:
    seen: list[str] = []
    for n in [entity.name, *entity.aliases, *(m.text for m in entity.mentions)]:
        if n and n not in seen:
            seen.append(n)
    return seen


def locate_places(doc: Document) -> Document:
    lang = doc.lang if doc.lang in ("nl", "en") else "nl"
    for entity in doc.entities:
        if entity.type != "LOC":
            continue
        entity.place = None
        for n in _names(entity):
            place = geocode(n, lang, text=doc.text)
            if place is not None:
                if n != entity.name:
                    place.why += f" (resolved through the mention '{n}')"
                entity.place = place
                break

    blocked = [(m.start, m.end) for e in doc.entities if e.type in ("PER", "ORG") for m in e.mentions]
    by_country: dict[str, str] = {}
    for e in doc.entities:
        if e.type == "LOC" and e.place is not None and e.place.kind == "country" and e.place.country:
            by_country.setdefault(e.place.country, e.id)
    related = [r for r in doc.related_places if r.get("source") != RELATED_SOURCE]
    # spans another stage (the NER/coref layer) already recorded are not added twice
    recorded = {(r.get("start"), r.get("end")) for r in related}
    for m in countries_in_text(doc.text, lang):
        if m.how != "demonym" or any(a <= m.start < b for a, b in blocked) or (m.start, m.end) in recorded:
            continue
        related.append({
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "country": m.country,
            "entity": by_country.get(m.country),
            "source": RELATED_SOURCE,
        })
    doc.related_places = related
    return doc
