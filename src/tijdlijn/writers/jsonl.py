"""JSON output.

``to_record`` / ``to_jsonl`` is the **evaluation contract** (``--format jsonl``),
one line per document::

    {"id": "...", "date": "2018-08" | null, "refined_date": "2018-W34" | null, "lang": "nl",
     "timexes": [{"start": 0, "end": 10, "text": "...", "type": "DATE", "value": "2017", "mod": null}]}

``date``/``refined_date`` are value strings; ``start``/``end`` are character
offsets into the document text (``text[start:end] == timex text``). Keep these
keys and their meaning stable.

``to_json`` is the full document with all layers and explanations
(``Document.to_json``, ``--format json``).
"""
from __future__ import annotations

import json
from typing import Any, Iterable, TextIO

from tijdlijn.document import Document

__all__ = ["to_record", "to_jsonl", "to_json", "dumps_json", "write_jsonl"]

TIMEX_KEYS = ("start", "end", "text", "type", "value", "mod")


def to_record(doc: Document) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "id": doc.id,
        "date": doc.date.value if doc.date else None,
        "refined_date": doc.refined_date.date.value if doc.refined_date else None,
        "lang": doc.lang,
        "timexes": [{k: getattr(t, k) for k in TIMEX_KEYS} for t in doc.timexes],
    }
    if "entities" in doc.meta.get("stages", ()):
        # `tijdlijn annotate`: every layer the pipeline produced
        rec["entities"] = [
            {k: v for k, v in e.to_json().items() if k in ("id", "type", "name", "mentions", "place")}
            for e in doc.entities
        ]
        rec["related_places"] = list(doc.related_places)
    if "said" in doc.meta.get("stages", ()):
        rec["quotes"] = [{k: q.get(k) for k in ("start", "end", "text", "speaker", "cue", "kind", "time")}
                         for q in doc.quotes]
        rec["claims"] = [{k: c.get(k) for k in ("start", "end", "text", "status", "cue")}
                         | ({"resolution": c["resolution"]} if c.get("resolution") else {}) for c in doc.claims]
        rec["events"] = [{"start": e["start"], "end": e["end"], "predicate": e["predicate"], "type": e["type"],
                          "participants": [{"entity": p.get("entity"), "role": p["role"], "text": p.get("text")}
                                           for p in e["participants"]],
                          "place": e.get("place"), "modality": e.get("modality"),
                          "time": {"value": e["time"].get("value"), "timex": e["time"].get("timex"),
                                   "certainty": e["time"].get("certainty")}} for e in doc.events]
    return rec


def to_jsonl(doc: Document) -> str:
    """One line (without the newline)."""
    return json.dumps(to_record(doc), ensure_ascii=False)


def write_jsonl(docs: Iterable[Document], fp: TextIO) -> int:
    n = 0
    for doc in docs:
        fp.write(to_jsonl(doc) + "\n")
        n += 1
    return n


def to_json(doc: Document) -> dict[str, Any]:
    """The full document (all layers)."""
    return doc.to_json()


def dumps_json(doc: Document, *, indent: int | None = 2) -> str:
    return json.dumps(to_json(doc), ensure_ascii=False, indent=indent)
