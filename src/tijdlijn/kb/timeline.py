"""Entity timelines across the collection, ordered by *event* time.

For one entity: the events it takes part in (any role) and what it said (direct
quotes and reported statements), each with the date it happened (not the date the
article appeared), the certainty of that date (``sentence``: a date expression in
the same sentence; ``lead``: the article's lead event time; ``article_date``: only
the publication date), the article and the sentence as evidence.

* ``last_heard_from``: the latest thing the entity itself said, by event time;
* ``first_mentioned``: the earliest article (by publication) that mentions it;
* ``places``: where its events took place, over time;
* ``contradictions``: the same event (type, participants and place) dated
  differently by two articles — both sources listed; the first 100 pairs
  (``contradictions_truncated`` tells whether there were more).

``semeval_lines`` renders SemEval-2015 Task 4 TimeLine rows
(``rank<TAB>date<TAB>doc-sentence-token-event …``; events on the same date share
a rank; undated events get rank 0 and date ``XXXX-XX-XX``).
"""
from __future__ import annotations

import bisect
import json
from collections import defaultdict
from typing import Any

from tijdlijn.kb.store import Store

__all__ = ["entity_timeline", "semeval_lines", "UnknownEntity"]


class UnknownEntity(LookupError):
    def __init__(self, ref: str, suggestions: list[tuple[str, str]]):
        self.ref = ref
        self.suggestions = suggestions
        hint = ("; did you mean " + ", ".join(f"{n} ({i})" for i, n in suggestions) + "?") if suggestions else ""
        super().__init__(f"no entity matches {ref!r}{hint}")


def _overlaps(a: tuple[str | None, str | None], lo: str | None, hi: str | None) -> bool:
    if a[0] is None:
        return lo is None and hi is None
    return (hi is None or a[0] <= hi) and (lo is None or (a[1] or a[0]) >= lo)


def entity_timeline(store: Store, ref: str, *, date_from: str | None = None, date_to: str | None = None,
                    limit: int = 5000, context: bool = True) -> dict[str, Any]:
    ids = store.resolve_entity(ref)
    if not ids:
        raise UnknownEntity(ref, store.entity_suggestions(ref))
    eid = ids[0]
    row = store.query("SELECT name, type FROM entities WHERE id = ?", (eid,))
    name, etype = row[0] if row else (ref, None)
    marks = ",".join("?" * len(ids))
    items: list[dict[str, Any]] = []

    # events the entity takes part in, and the events told around its mentions (context):
    # batched queries over the event and mention tables, no document is decoded
    arts = [r[0] for r in store.query(f"SELECT DISTINCT article_id FROM article_entities WHERE entity_id IN ({marks}) "
                                      f"ORDER BY article_id LIMIT ?", (*ids, limit))]
    idset = set(ids)
    for part in _chunks(arts, 300):
        amarks = ",".join("?" * len(part))
        near: dict[int, set[int]] = defaultdict(set)  # article -> sentences with a mention, and the next one
        for aid, sents in store.query(f"SELECT article_id, sentences FROM article_entities WHERE article_id IN "
                                      f"({amarks}) AND entity_id IN ({marks})", (*part, *ids)):
            for k in json.loads(sents or "[]"):
                near[aid].update((k, k + 1))
        # the events it takes part in (index on the entity), then every event row without its sentence
        mine = {(aid, idx) for aid, idx in store.query(
            f"SELECT article_id, event_idx FROM event_participants WHERE entity_id IN ({marks}) AND article_id IN "
            f"({amarks})", (*ids, *part))}
        kept = []
        for row in store.query(
                f"SELECT e.article_id, e.idx, e.char_start, e.char_end, e.predicate, e.type, e.modality, e.place, "
                f"e.time_value, e.time_start, e.time_end, e.certainty, e.sentence_start, e.sentence_end, e.status, "
                f"e.resolution, e.sentence_index FROM events e WHERE e.article_id IN ({amarks}) AND "
                f"e.is_quote = 0 ORDER BY e.article_id, e.idx", part):
            aid, idx, k, tstart, tend = row[0], row[1], row[16], row[9], row[10]
            if (aid, idx) not in mine and (not context or k is None or k not in near[aid]):
                continue
            if not _overlaps((tstart, tend), date_from, date_to):
                continue
            kept.append(row)
        if not kept:
            continue
        # participants, article and sentence text only for the events kept (each article row is read once)
        kmarks = ",".join("?" * len({r[0] for r in kept}))
        kaids = sorted({r[0] for r in kept})
        parts: dict[tuple[int, int], list[tuple]] = defaultdict(list)
        for aid, idx, ent, role, ptext in store.query(
                f"SELECT article_id, event_idx, entity_id, role, text FROM event_participants WHERE article_id IN "
                f"({kmarks})", kaids):
            parts[(aid, idx)].append((ent, role, ptext))
        art = {aid: (ext, pub, text) for aid, ext, pub, text in store.query(
            f"SELECT id, ext_id, published, text FROM articles WHERE id IN ({kmarks})", kaids)}
        for (aid, idx, c0, c1, pred, typ, modality, place, tval, tstart, tend, cert, ss, se, status, resolution,
             k) in kept:
            ext, pub, text = art[aid]
            roles = [p[1] for p in parts[(aid, idx)] if p[0] in idset]
            ev = (text or "")[ss:se].strip() if ss is not None and se is not None else ""
            items.append({"date": tval, "start": tstart, "end": tend, "certainty": cert, "kind": typ,
                          "predicate": pred, "relation": "participant" if roles else "context",
                          "role": roles[0] if roles else None, "modality": modality, "status": status,
                          "resolution": resolution, "place": place,
                          "participants": [{"entity": p[0], "role": p[1], "text": p[2]} for p in parts[(aid, idx)]],
                          "text": ev, "article": ext, "published": pub,
                          "evidence": {"article": ext, "start": c0, "end": c1, "sentence": ev, "sentence_index": k}})
    # what the entity said (the quote is its own evidence; the sentence around it is cut from a window)
    for (aid, ext, pub, kind, c0, c1, qtext, cue, tval, tstart, tend, cert, window, w0) in store.query(
            f"SELECT q.article_id, a.ext_id, a.published, q.kind, q.char_start, q.char_end, q.text, q.cue, "
            f"q.time_value, q.time_start, q.time_end, q.certainty, "
            f"SUBSTR(a.text, CASE WHEN q.char_start > 300 THEN q.char_start - 300 ELSE 0 END + 1, "
            f"q.char_end - q.char_start + 600), CASE WHEN q.char_start > 300 THEN q.char_start - 300 ELSE 0 END "
            f"FROM quotes q JOIN articles a ON a.id = q.article_id "
            f"WHERE q.speaker IN ({marks}) ORDER BY q.time_start, a.pub_start LIMIT ?", (*ids, limit)):
        if not _overlaps((tstart, tend), date_from, date_to):
            continue
        sent = _sentence_in(window or "", c0 - w0, c1 - w0)
        items.append({"date": tval, "start": tstart, "end": tend, "certainty": cert,
                      "kind": "quote" if kind == "direct" else "statement", "predicate": cue, "role": "speaker",
                      "relation": "speaker", "status": None, "resolution": None, "participants": [],
                      "modality": "past", "place": None, "text": qtext, "article": ext, "published": pub,
                      "evidence": {"article": ext, "start": c0, "end": c1, "sentence": sent}})
    items.sort(key=lambda it: (it["start"] is None, it["start"] or "", it["end"] or "", it["published"] or "",
                               it["evidence"]["start"]))
    said = [it for it in items if it["kind"] in ("quote", "statement") and it["start"]]
    last = max(said, key=lambda it: (it["end"] or it["start"], it["start"])) if said else None
    first = _first_mentioned(store, ids)
    place_names = {}
    places = []
    for it in items:
        if it.get("place"):
            if it["place"] not in place_names:
                r = store.query("SELECT name FROM entities WHERE id = ?", (it["place"],))
                place_names[it["place"]] = r[0][0] if r else it["place"]
            places.append({"date": it["date"], "place": it["place"], "name": place_names[it["place"]],
                           "kind": it["kind"], "article": it["article"]})
    contradictions, truncated = _contradictions(items)
    return {
        "entity": eid, "name": name, "type": etype, "also": ids[1:],
        "first_mentioned": {"article": first[0][0], "date": first[0][1]} if first else None,
        "last_heard_from": ({"date": last["date"], "certainty": last["certainty"], "article": last["article"],
                             "text": last["text"], "kind": last["kind"]} if last else None),
        "items": items, "places": places, "contradictions": contradictions,
        "contradictions_truncated": truncated,
    }


def _first_mentioned(store: Store, ids: list[str]) -> list[tuple]:
    """``[(ext_id, published)]`` of the earliest article (publication date, then id) that mentions any of
    ``ids``; an undated article only when none is dated (the same on both backends).

    The entities' ``first_date`` (the earliest publication date of their articles, kept by the store in
    the transaction that writes them) names the day, so a frequent entity costs a look at one day's
    articles instead of sorting all of its articles (47,000 for the most frequent one at 200,000)."""
    marks = ",".join("?" * len(ids))
    day = store.query(f"SELECT MIN(first_date) FROM entities WHERE id IN ({marks})", ids)
    if day and day[0][0] is not None:
        rows = store.query(f"SELECT a.ext_id, a.published FROM articles a WHERE a.pub_start = ? AND EXISTS "
                           f"(SELECT 1 FROM article_entities ae WHERE ae.article_id = a.id AND ae.entity_id IN "
                           f"({marks})) ORDER BY a.id LIMIT 1", (day[0][0], *ids))
        if rows:
            return rows
    return store.query(f"SELECT a.ext_id, a.published FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                       f"WHERE ae.entity_id IN ({marks}) ORDER BY a.pub_start IS NULL, a.pub_start, a.id LIMIT 1", ids)


def _sentence_in(t: str, a: int, b: int) -> str:
    """The sentence around [a, b) of a text window (cut at sentence punctuation or a line break)."""
    s0 = max(t.rfind(". ", 0, a) + 2 if t.rfind(". ", 0, a) >= 0 else 0, t.rfind("\n", 0, a) + 1)
    ends = [i for i in (t.find(". ", b), t.find("\n", b)) if i >= 0]
    s1 = min(ends) + 1 if ends else len(t)
    return t[s0:s1].strip()


def _chunks(seq: list, n: int):  # noqa: ANN201
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


MAX_CONTRADICTIONS = 100


def _contradictions(items: list[dict[str, Any]], cap: int = MAX_CONTRADICTIONS) -> tuple[list[dict[str, Any]], bool]:
    """Pairs of items telling the same event (kind, participants, place) with dates that do not overlap,
    from different articles: the first ``cap`` pairs (by event time), and whether there were more.

    Pairs grow with the square of the reports of one event (500 articles retelling it with different
    dates are 125,000 pairs), so the list is cut at ``cap``; the pairs are those the full enumeration
    lists first, found without comparing every pair (items are sorted by start: the later items that do
    not overlap an item are the ones that start after it ends)."""
    groups: dict[tuple, list[dict[str, Any]]] = defaultdict(list)
    for it in items:
        if it["kind"] in ("quote", "statement") or it["certainty"] != "sentence" or not it["start"] or it.get("status"):
            continue
        key = (it["kind"], tuple(sorted((p["entity"] or p["text"] or "", p["role"]) for p in it["participants"])),
               it["place"])
        groups[key].append(it)
    out: list[dict[str, Any]] = []
    for (kind, parts, place), its in groups.items():
        arts = {it["article"] for it in its}
        if len(arts) < 2:
            continue
        starts = [it["start"] for it in its]
        ordered = starts == sorted(starts) and all(it["end"] >= it["start"] for it in its)
        for i, a in enumerate(its):
            if ordered:  # b starts no earlier than a, so b cannot end before a starts
                later = its[bisect.bisect_right(starts, a["end"], i + 1):]
            else:
                later = [b for b in its[i + 1:] if a["end"] < b["start"] or b["end"] < a["start"]]
            for b in later:
                if a["article"] == b["article"]:
                    continue
                if len(out) == cap:
                    return out, True
                out.append({"kind": kind, "place": place, "participants": [list(p) for p in parts],
                            "dates": [{"date": a["date"], "article": a["article"], "sentence": a["text"]},
                                      {"date": b["date"], "article": b["article"], "sentence": b["text"]}]})
    return out, False


def _semeval_date(it: dict[str, Any]) -> str:
    """YYYY-MM-DD, YYYY-MM or YYYY (the finest calendar unit covering the event time), else XXXX-XX-XX."""
    lo, hi = it.get("start"), it.get("end")
    if not lo or not hi:
        return "XXXX-XX-XX"
    if lo == hi:
        return lo
    if lo[:7] == hi[:7]:
        return lo[:7]
    if lo[:4] == hi[:4]:
        return lo[:4]
    return "XXXX-XX-XX"


def semeval_lines(store: Store, timeline: dict[str, Any]) -> list[str]:
    """SemEval-2015 Task 4 TimeLine rows for the timeline's events (quotes excluded)."""
    from tijdlijn.temporal.tagger import tokenize

    rows: dict[str, list[str]] = defaultdict(list)
    sent_cache: dict[str, Any] = {}
    for it in timeline["items"]:
        if it["kind"] in ("quote", "statement"):
            continue
        doc = sent_cache.get(it["article"])
        if doc is None:
            doc = sent_cache[it["article"]] = store.get_document(it["article"])
        pos = it["evidence"]["start"]
        si = next((i for i, s in enumerate(doc.sentences) if s.start <= pos < s.end), 0)
        s = doc.sentences[si] if doc.sentences else None
        toks = tokenize(doc.text[s.start:s.end]) if s else []
        ti = next((i for i, t in enumerate(toks) if s.start + t.start <= pos < s.start + t.end), 0)
        word = doc.text[pos:it["evidence"]["end"]].split()[0] if it["evidence"]["end"] > pos else it["predicate"]
        date = _semeval_date(it)
        rows[date].append(f"{it['article']}-{si}-{ti}-{word}")
    out = []
    rank = 0
    for date in sorted(rows, key=lambda d: (d == "XXXX-XX-XX", d)):
        if date == "XXXX-XX-XX":
            out.append("\t".join(["0", date, *rows[date]]))
        else:
            rank += 1
            out.append("\t".join([str(rank), date, *rows[date]]))
    return out
