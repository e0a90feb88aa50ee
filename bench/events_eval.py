"""Score event extraction against the hand-annotated event gold set.

Gold: ``bench/data/events_gold.jsonl`` (the 65 real articles of the quotes gold; see
``bench/data/EVENTS_GOLD.md``): trigger spans with type, modality, agent, patient,
place, the date value and status. Split as in ``said_eval.py`` (per corpus, the first
35 Dutch / 10 English articles are dev, the rest test).

* Trigger detection: a predicted event (types the gold annotates; statements and
  declarations are not annotated there) matches a gold event when the trigger spans
  overlap (one to one, greedy by overlap): precision, recall, F1.
* On matched pairs: type accuracy, modality accuracy, time accuracy (gold events with a
  date value: the predicted value equals it, or the predicted interval lies inside
  the gold date's interval), agent accuracy (gold events with an agent: the predicted
  agent's entity name/mentions or text matches the gold name or its last word).

Run: ``python bench/events_eval.py [--data ../shared/data]``
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from said_eval import _doc_for, _fold, _match, _published  # noqa: E402
from said_gold import DEFAULT_DATA, load_event_gold  # noqa: E402

GOLD_TYPES = {"attack", "capture", "recapture", "loss", "death", "arrest", "election", "agreement", "release",
              "meeting"}
DEV_COUNT = {"dpgmedia2019-nl-dev": 35, "tbaq": 10}


def _splits(gold: list[dict]) -> list[str]:
    seen: Counter = Counter()
    out = []
    for r in gold:
        out.append("dev" if seen[r["corpus"]] < DEV_COUNT.get(r["corpus"], 0) else "test")
        seen[r["corpus"]] += 1
    return out


def _time_ok(pred: dict[str, Any], gold_value: str) -> bool:
    from tijdlijn.temporal.values import value_interval

    pv = (pred.get("time") or {}).get("value") or ""
    if pv == gold_value:
        return True
    g = value_interval(gold_value)
    lo, hi = (pred.get("time") or {}).get("start"), (pred.get("time") or {}).get("end")
    return bool(g and lo and hi and g[0].isoformat() <= lo and hi <= g[1].isoformat())


def evaluate(data: Path = DEFAULT_DATA) -> dict[str, Any] | None:
    gold = load_event_gold(data)
    if not gold:
        return None
    pub = _published(data)
    out = {}
    tallies = {s: Counter() for s in ("dev", "test", "all")}
    for rec, split in zip(gold, _splits(gold)):
        doc = _doc_for(dict(rec, published_at=pub.get(str(rec["article_id"]))), data)
        names: dict[str, set[str]] = {}
        for e in doc.entities:
            forms = {_fold(e.name), *(_fold(m.text) for m in e.mentions)}
            names[e.id] = forms | {f.split()[-1] for f in forms if f}
        preds = [e for e in doc.events if e["type"] in GOLD_TYPES]
        golds = rec["events"]
        m = _match([(e["start"], e["end"]) for e in preds], [(g["start"], g["end"]) for g in golds], 0.01)
        for s in (split, "all"):
            t = tallies[s]
            t["gold"] += len(golds)
            t["pred"] += len(preds)
            t["matched"] += len(m)
            for i, j in m.items():
                p, g = preds[i], golds[j]
                t["type_ok"] += p["type"] == g["type"]
                t["modality_ok"] += p.get("modality") == g.get("modality")
                if g.get("time"):
                    t["timed"] += 1
                    t["time_ok"] += _time_ok(p, g["time"])
                if g.get("agent"):
                    t["with_agent"] += 1
                    gn = {_fold(x) for x in str(g["agent"]).split(";")}
                    gn |= {x.split()[-1] for x in gn if x}
                    agent = next((x for x in p["participants"] if x["role"] == "agent"), None)
                    if agent is not None:
                        pn = names.get(agent.get("entity"), set()) | {_fold(agent.get("text") or "")}
                        pn |= {x.split()[-1] for x in pn if x}
                        t["agent_ok"] += bool(gn & pn)
    for s, t in tallies.items():
        p = t["matched"] / max(1, t["pred"])
        r = t["matched"] / max(1, t["gold"])
        out[s] = {"gold": t["gold"], "predicted": t["pred"], "matched": t["matched"],
                  "trigger_precision": round(100 * p, 1), "trigger_recall": round(100 * r, 1),
                  "trigger_f1": round(200 * p * r / (p + r), 1) if p + r else 0.0,
                  "type_accuracy": round(100 * t["type_ok"] / max(1, t["matched"]), 1),
                  "modality_accuracy": round(100 * t["modality_ok"] / max(1, t["matched"]), 1),
                  "time_accuracy": round(100 * t["time_ok"] / max(1, t["timed"]), 1), "timed_matched": t["timed"],
                  "agent_accuracy": round(100 * t["agent_ok"] / max(1, t["with_agent"]), 1),
                  "agent_matched": t["with_agent"]}
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    res = evaluate(args.data)
    if res is None:
        print("shared data not available", file=sys.stderr)
        return
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
