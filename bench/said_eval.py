"""Score quotes/speakers and claim status against the hand-annotated gold set.

Gold: ``bench/data/said_gold.jsonl`` (65 real articles: 50 DpgMedia2019 Dutch, 15
AQUAINT English; see ``bench/data/SAID_GOLD.md``), texts read from ../shared/data.
The article date given to tijdlijn is the published date (Dutch) or the DCT (TimeML).

Metrics
* Quote detection: a predicted quote matches a gold quote of any kind when their
  spans overlap by at least half of the shorter one (one-to-one, greedy by overlap).
* Speaker attribution: precision = correct speakers / predicted quotes that have a
  speaker and match a gold quote with a speaker; recall = correct speakers / gold
  quotes with a speaker. A speaker is correct when the gold name (or its last
  word, for "Blom" vs "Niels Blom") equals the predicted entity's name, an alias or
  one of its mentions (accents/case ignored).
* Claim status accuracy over all gold claims: the status of the overlapping
  predicted claim, or "asserted" when tijdlijn lists no claim there (a sentence
  without a qualifying cue is an assertion). Also per status.

Run: ``python bench/said_eval.py [--data ../shared/data] [--json]``
"""
from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from said_gold import DEFAULT_DATA, load_gold  # noqa: E402


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s or "").casefold()
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).replace("-", " ").split())


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / max(1, min(a[1] - a[0], b[1] - b[0]))


def _match(pred: list[tuple[int, int]], gold: list[tuple[int, int]], thr: float = 0.5) -> dict[int, int]:
    """pred index -> gold index, one to one, greedy by overlap."""
    pairs = sorted(((_overlap(p, g), i, j) for i, p in enumerate(pred) for j, g in enumerate(gold)
                    if _overlap(p, g) >= thr), reverse=True)
    used_p, used_g, out = set(), set(), {}
    for _ov, i, j in pairs:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        out[i] = j
    return out


def _doc_for(rec: dict[str, Any], data: Path):
    import tijdlijn
    from tijdlijn.readers.timeml import parse_timeml

    if rec["corpus"] == "tbaq":
        path = next((data / "tempeval3" / "TBAQ-cleaned" / sub / f"{rec['article_id']}.tml"
                     for sub in ("AQUAINT", "TimeBank")
                     if (data / "tempeval3" / "TBAQ-cleaned" / sub / f"{rec['article_id']}.tml").exists()), None)
        doc, _ = parse_timeml(path.read_text(encoding="utf-8"), source=str(path))
        date, lang = doc.date.value if doc.date else None, "en"
    else:
        date, lang = (rec.get("published_at") or "")[:10] or None, "nl"
    return tijdlijn.annotate(rec["text"], date=date, lang=lang, id=str(rec["article_id"]))


def _published(data: Path) -> dict[str, str]:
    out = {}
    p = data / "dpgmedia2019-nl" / "articles-dev.jsonl"
    with open(p, encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            out[str(r["id"])] = r.get("published_at") or ""
    return out


def evaluate(data: Path = DEFAULT_DATA) -> dict[str, Any] | None:
    gold = load_gold(data)
    if not gold:
        return None
    pub = _published(data)
    q_tot = Counter()
    c_tot = Counter()
    per_status = defaultdict(Counter)
    confusion = Counter()
    by_lang = defaultdict(Counter)
    for rec in gold:
        rec = dict(rec, published_at=pub.get(str(rec["article_id"])))
        doc = _doc_for(rec, data)
        lang = "en" if rec["corpus"] == "tbaq" else "nl"
        names: dict[str, set[str]] = {}
        for e in doc.entities:
            forms = {_fold(e.name), *(_fold(a) for a in e.aliases), *(_fold(m.text) for m in e.mentions)}
            names[e.id] = forms | {f.split()[-1] for f in forms if f}
        preds = [q for q in doc.quotes]
        golds = rec["quotes"]
        m = _match([(q["start"], q["end"]) for q in preds], [(g["start"], g["end"]) for g in golds])
        q_tot["gold"] += len(golds)
        q_tot["pred"] += len(preds)
        q_tot["matched"] += len(m)
        q_tot["gold_with_speaker"] += sum(1 for g in golds if g.get("speaker"))
        for i, j in m.items():
            p, g = preds[i], golds[j]
            if p.get("speaker") and g.get("speaker"):
                q_tot["pred_with_speaker_matched"] += 1
                gnames = {_fold(x) for x in str(g["speaker"]).split(";")}
                gnames |= {x.split()[-1] for x in gnames if x}
                ok = bool(gnames & names.get(p["speaker"], set()))
                q_tot["correct"] += ok
                by_lang[lang]["correct"] += ok
                by_lang[lang]["pred"] += 1
        by_lang[lang]["gold"] += sum(1 for g in golds if g.get("speaker"))
        # claims
        preds_c = doc.claims
        golds_c = rec["claims"]
        mc = _match([(c["start"], c["end"]) for c in preds_c], [(g["start"], g["end"]) for g in golds_c], 0.3)
        inv = {j: i for i, j in mc.items()}
        for j, g in enumerate(golds_c):
            st = preds_c[inv[j]]["status"] if j in inv else "asserted"
            c_tot["gold"] += 1
            c_tot["correct"] += st == g["status"]
            per_status[g["status"]]["gold"] += 1
            per_status[g["status"]]["correct"] += st == g["status"]
            confusion[(g["status"], st)] += 1
    p = q_tot["correct"] / q_tot["pred_with_speaker_matched"] if q_tot["pred_with_speaker_matched"] else 0.0
    r = q_tot["correct"] / q_tot["gold_with_speaker"] if q_tot["gold_with_speaker"] else 0.0
    return {
        "articles": len(gold),
        "quotes": {"gold": q_tot["gold"], "predicted": q_tot["pred"], "matched": q_tot["matched"],
                   "detection_recall": round(100 * q_tot["matched"] / max(1, q_tot["gold"]), 2),
                   "detection_precision": round(100 * q_tot["matched"] / max(1, q_tot["pred"]), 2)},
        "speaker": {"precision": round(100 * p, 2), "recall": round(100 * r, 2),
                    "f1": round(200 * p * r / (p + r), 2) if p + r else 0.0,
                    "by_lang": {k: {"precision": round(100 * v["correct"] / max(1, v["pred"]), 2),
                                    "recall": round(100 * v["correct"] / max(1, v["gold"]), 2)}
                                for k, v in sorted(by_lang.items())}},
        "claims": {"gold": c_tot["gold"], "accuracy": round(100 * c_tot["correct"] / max(1, c_tot["gold"]), 2),
                   "per_status": {k: {"gold": v["gold"], "accuracy": round(100 * v["correct"] / max(1, v["gold"]), 2)}
                                  for k, v in sorted(per_status.items())},
                   "confusion": {f"{a}->{b}": n for (a, b), n in sorted(confusion.items()) if a != b}},
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = evaluate(args.data)
    if res is None:
        print("shared data not available", file=sys.stderr)
        sys.exit(0)
    print(json.dumps(res, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
