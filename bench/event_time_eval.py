"""Event-time assignment on TempEval-3 TBAQ-cleaned: is each event anchored to the right time?

The TimeML gold tells which time an event is anchored to: a TLINK between an EVENT
instance and a TIMEX3 (or the document creation time, DCT) with an inclusion or
simultaneity relation — event IS_INCLUDED / DURING / SIMULTANEOUS time, or time
INCLUDES / SIMULTANEOUS event. Only DATE and TIME anchors are scored (a link to a
duration such as "the last twenty-four hours" names no calendar value). An event
anchored to several such times may be given any of them.

tijdlijn gets the plain text and the DCT as article date, runs its own pipeline
(its own timexes, not the gold ones), and for every gold-anchored event asks the
events layer for the time of an event at that position (``said.events._time``:
the nearest usable date expression in the event's sentence, else the article
date). Oracle event spans isolate the time-assignment step from trigger detection;
detection is scored separately on the hand-annotated Dutch/English event set
(``bench/events_eval.py``).

Scores: accuracy of the value (exact match of the ISO value; the DCT's day part),
split by where the gold anchor is (a time expression in the text vs. the DCT), and
the baseline that gives every event the article date.

Run: ``python bench/event_time_eval.py [--data ../shared/data] [--json]``
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"

ANCHOR_FWD = {"IS_INCLUDED", "DURING", "SIMULTANEOUS"}  # event REL time
ANCHOR_REV = {"INCLUDES", "SIMULTANEOUS"}  # time REL event
_TAG = re.compile(r"<(/?)(\w+)([^>]*)>")
_ATTR = re.compile(r'(\w+)="([^"]*)"')


def _gold(xml: str) -> tuple[str, dict[str, int], dict[str, str], dict[str, str], str]:
    """Plain text of <TEXT>, event id -> char offset, timex id -> value (DATE/TIME only),
    event instance id -> event id, and the DCT tid."""
    from tijdlijn.readers.timeml import unescape_xml

    a = xml.index(">", xml.index("<TEXT")) + 1
    b = xml.index("</TEXT>")
    inner = xml[a:b]
    out: list[str] = []
    pos = 0
    ev_pos: dict[str, int] = {}
    values: dict[str, str] = {}
    i = 0
    for m in _TAG.finditer(inner):
        piece = unescape_xml(inner[i:m.start()])
        out.append(piece)
        pos += len(piece)
        i = m.end()
        if m.group(1):
            continue
        attrs = dict(_ATTR.findall(m.group(3)))
        if m.group(2) == "EVENT":
            ev_pos[attrs["eid"]] = pos
        elif m.group(2) == "TIMEX3" and attrs.get("type") in ("DATE", "TIME"):
            values[attrs["tid"]] = attrs.get("value", "")
    out.append(unescape_xml(inner[i:]))
    dct = re.search(r"<TIMEX3[^>]*functionInDocument=\"CREATION_TIME\"[^>]*>", xml)
    dct_tid = ""
    if dct:
        d = dict(_ATTR.findall(dct.group(0)))
        dct_tid = d.get("tid", "t0")
        values[dct_tid] = d.get("value", "")[:10]
    inst = {d["eiid"]: d["eventID"] for d in (dict(_ATTR.findall(x)) for x in re.findall(r"<MAKEINSTANCE[^>]*>", xml))
            if "eiid" in d and "eventID" in d}
    return "".join(out), ev_pos, values, inst, dct_tid


def _anchors(xml: str, values: dict[str, str], inst: dict[str, str]) -> dict[str, set[str]]:
    """event id -> the timex ids it is anchored to (DATE/TIME only)."""
    out: dict[str, set[str]] = {}
    for t in re.findall(r"<TLINK[^>]*>", xml):
        d = dict(_ATTR.findall(t))
        rel = d.get("relType")
        if "eventInstanceID" in d and "relatedToTime" in d and rel in ANCHOR_FWD:
            ev, tid = inst.get(d["eventInstanceID"]), d["relatedToTime"]
        elif "timeID" in d and "relatedToEventInstance" in d and rel in ANCHOR_REV:
            ev, tid = inst.get(d["relatedToEventInstance"]), d["timeID"]
        else:
            continue
        if ev and tid in values and values[tid][:1].isdigit():
            out.setdefault(ev, set()).add(tid)
    return out


def evaluate(data: Path = DEFAULT_DATA) -> dict[str, Any] | None:
    import tijdlijn
    from tijdlijn.readers.timeml import parse_timeml
    from tijdlijn.said.events import _time, load_events

    root = data / "tempeval3" / "TBAQ-cleaned"
    files = sorted(root.glob("*/*.tml"))
    if not files:
        return None
    E = load_events("en")
    t: Counter = Counter()
    for path in files:
        xml = path.read_text(encoding="utf-8")
        text, ev_pos, values, inst, dct_tid = _gold(xml)
        ref, _ = parse_timeml(xml, source=str(path))
        if ref.text != text:  # our reader and this gold reader must see the same characters
            t["skipped_docs"] += 1
            continue
        anchors = _anchors(xml, values, inst)
        if not anchors:
            continue
        doc = tijdlijn.annotate(text, date=ref.date.value if ref.date else None, lang="en")
        sents = [(s.start, s.end) for s in doc.sentences]
        dct_value = values.get(dct_tid, "")
        t["docs"] += 1
        for ev, tids in anchors.items():
            if ev not in ev_pos:
                continue
            pos = ev_pos[ev]
            s0, s1 = next(((a, b) for a, b in sents if a <= pos < b), (pos, pos + 1))
            pred = _time(doc, s0, s1, pos, E)
            pv = (pred.get("value") or "")
            gold_vals = {values[x] for x in tids}
            where = "text" if any(x != dct_tid for x in tids) else "dct"
            ok = pv in gold_vals or pv[:10] in {g for g in gold_vals if len(g) == 10}
            base = dct_value in gold_vals
            t["events"] += 1
            t[f"events_{where}"] += 1
            t["ok"] += ok
            t[f"ok_{where}"] += ok
            t["base_ok"] += base
            t[f"base_ok_{where}"] += base
            t[f"pred_{pred.get('certainty')}"] += 1

    def pct(a: str, b: str) -> float:
        return round(100 * t[a] / max(1, t[b]), 1)

    return {"documents": t["docs"], "skipped_documents": t["skipped_docs"], "events": t["events"],
            "accuracy": pct("ok", "events"), "baseline_article_date": pct("base_ok", "events"),
            "anchored_in_text": {"events": t["events_text"], "accuracy": pct("ok_text", "events_text"),
                                 "baseline_article_date": pct("base_ok_text", "events_text")},
            "anchored_to_dct": {"events": t["events_dct"], "accuracy": pct("ok_dct", "events_dct"),
                                "baseline_article_date": pct("base_ok_dct", "events_dct")},
            "predicted_from": {k[5:]: v for k, v in t.items() if k.startswith("pred_")}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res = evaluate(Path(a.data))
    if res is None:
        sys.exit(f"event_time_eval: no TBAQ-cleaned under {a.data}")
    if a.json:
        print(json.dumps(res, indent=1))
        return
    print(f"{res['events']} anchored events in {res['documents']} documents: accuracy {res['accuracy']}% "
          f"(article date for all: {res['baseline_article_date']}%)")
    for k in ("anchored_in_text", "anchored_to_dct"):
        r = res[k]
        print(f"  {k}: {r['events']} events, accuracy {r['accuracy']}% (baseline {r['baseline_article_date']}%)")


if __name__ == "__main__":
    main()
