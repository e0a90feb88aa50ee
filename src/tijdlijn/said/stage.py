"""The "said" stage: quotes with speakers, reported statements and claim status.

Reads ``text``, ``lang``, ``sentences``, ``entities`` and ``timexes``; writes
``quotes`` and ``claims``. Each quote gets a time: the date expression of its own
sentence if it has one, else the article's lead event time (the first day-precise
date in the first paragraph: "…die IS woensdag heeft verspreid"), else the
article date — with ``certainty`` saying which.
"""
from __future__ import annotations

import bisect

from typing import Any

from tijdlijn.document import Document
from tijdlijn.said.claims import extract_claims
from tijdlijn.said.lang import SUPPORTED
from tijdlijn.said.quotes import extract_quotes

__all__ = ["annotate_said", "time_at"]

_DATE_TYPES = ("DATE", "TIME")


def _lead_time(doc: Document) -> Any:
    para_end = doc.text.find("\n\n")
    para_end = len(doc.text) if para_end < 0 else para_end
    for t in sorted(doc.timexes, key=lambda t: t.start):
        if t.start >= para_end:
            break
        if t.type in _DATE_TYPES and t.granularity in ("day", "time") and t.value[:4].isdigit():
            return t
    return None


def time_at(doc: Document, start: int, end: int, _index: dict | None = None) -> dict[str, Any]:
    """The time of something said/happening at [start, end): its sentence's date, the lead event
    time, or the article date."""
    idx = _index if _index is not None else _time_index(doc)
    k = bisect.bisect_right(idx["sent_starts"], start) - 1
    sent = ((doc.sentences[k].start, doc.sentences[k].end)
            if k >= 0 and start < doc.sentences[k].end else (start, end))
    lo = bisect.bisect_left(idx["tx_starts"], sent[0])
    hi = bisect.bisect_left(idx["tx_starts"], sent[1])
    here = [t for t in idx["tx"][lo:hi] if t.type in _DATE_TYPES and t.value[:1].isdigit()]
    if here:
        t = min(here, key=lambda t: abs(t.start - start))
        return {"value": t.value, "timex": t.id, "granularity": t.granularity, "certainty": "sentence"}
    lead = _lead_time(doc)
    if lead is not None:
        return {"value": lead.value, "timex": lead.id, "granularity": lead.granularity, "certainty": "lead"}
    d = doc.anchor_date
    if d is not None:
        return {"value": d.value, "timex": None, "granularity": d.granularity, "certainty": "article_date"}
    return {"value": None, "timex": None, "granularity": None, "certainty": "unknown"}


def _time_index(doc: Document) -> dict:
    tx = sorted(doc.timexes, key=lambda t: t.start)
    return {"sent_starts": [s.start for s in doc.sentences], "tx": tx, "tx_starts": [t.start for t in tx]}


def annotate_said(doc: Document) -> Document:
    if doc.lang not in SUPPORTED:
        doc.warnings.append(f"no quote/claim cues for language {doc.lang!r}; quotes and claims not extracted")
        return doc
    quotes = extract_quotes(doc)
    idx = _time_index(doc)
    for q in quotes:
        q["time"] = time_at(doc, q["start"], q["end"], idx)
    doc.quotes = quotes
    doc.claims = extract_claims(doc, [q for q in quotes if q["kind"] == "indirect"])
    from tijdlijn.said.events import extract_events

    doc.events = extract_events(doc)
    # an event inside a qualified claim carries the claim's status ("zou om het leven zijn gekomen")
    qualified = sorted((c for c in doc.claims if c["status"] in ("speculated", "unverified", "denied", "retracted")),
                       key=lambda c: c["start"])
    starts = [c["start"] for c in qualified]
    for e in doc.events:
        k = bisect.bisect_right(starts, e["start"]) - 1
        # claims do not nest, so only the last one starting at or before the event can contain it
        if k >= 0 and e["start"] < qualified[k]["end"]:
            c = qualified[k]
            e["status"] = c["status"]
            if c.get("resolution"):
                e["resolution"] = c["resolution"]
    return doc
