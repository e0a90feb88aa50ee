"""Score quotes/speakers and claim status against the hand-annotated gold set.

Gold: ``bench/data/said_gold.jsonl`` (65 real articles: 50 DpgMedia2019 Dutch, 15
AQUAINT English; see ``bench/data/SAID_GOLD.md``), texts read from ../shared/data.
The article date given to tijdlijn is the published date (Dutch) or the DCT (TimeML).

Metrics
* Quote detection: a predicted quote matches a gold quote of any kind when their
  spans overlap by at least half of the shorter one (one-to-one, greedy by
  intersection over union, so a gold span nested in another does not take the
  prediction that matches the outer one exactly).
* Speaker attribution: precision = correct speakers / predicted quotes that have a
  speaker and match a gold quote with a speaker; recall = correct speakers / gold
  quotes with a speaker. A speaker is correct when the gold name (or its last
  word, for "Blom" vs "Niels Blom") equals the predicted entity's name, an alias or
  one of its mentions (accents, case, hyphens and periods ignored). A quote whose speaker is not an entity
  but a description from the text (``speaker_text``: "witnesses", "een woordvoerder")
  is compared the same way (full text or last word), or is correct when its
  mention in the text overlaps the gold speaker's mention (the same words).
* Claim status accuracy over all gold claims: the status of the overlapping
  predicted claim (matched like quotes, with ``thr`` 0.3; a span with several
  statuses is compared as a set), or "asserted" when tijdlijn lists no claim there (a sentence
  without a qualifying cue is an assertion). Also per status.

Split (fixed, for honest development): per corpus, the gold articles in the order of
said_gold.jsonl; Dutch: first 35 = dev, last 15 = test; English: first 10 = dev, last 5 =
test. Rules are developed by looking at dev errors only (``--errors`` prints them for
dev articles and never for test ones); test is reported as numbers only.

Run: ``python bench/said_eval.py [--data ../shared/data] [--split dev|test|all] [--json] [--errors]``
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from said_gold import DEFAULT_DATA, load_gold


def _fold(s: str) -> str:
    """Compare names without case, accents, hyphens and abbreviation periods ("Mohammed D." = "Mohammed D")."""
    s = unicodedata.normalize("NFKD", s or "").casefold()
    return " ".join("".join(c for c in s if not unicodedata.combining(c)).replace("-", " ").replace(".", " ").split())


def _desc_names(desc: str | None) -> set[str]:
    """Name forms of a speaker given as a description instead of an entity ("a U.S. Embassy official"):
    the folded text and its last word, as for entity names."""
    f = _fold(desc or "")
    return {f, f.split()[-1]} if f else set()


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / max(1, min(a[1] - a[0], b[1] - b[0]))


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    return max(0, inter) / max(1, max(a[1], b[1]) - min(a[0], b[0]))


def _match(pred: list[tuple[int, int]], gold: list[tuple[int, int]], thr: float = 0.5,
           same: Any = None) -> dict[int, int]:
    """pred index -> gold index, one to one. Eligible pairs overlap by ``thr`` of the shorter span;
    they are taken greedily by intersection over union, so that a short gold span nested in a long
    one (an assertion inside a reported clause) does not take the prediction that matches the long
    span exactly. With ``same(i, j)``, among pairs whose IoU agrees to one decimal the agreeing
    pair goes first: one span with two statuses (reported and speculated) is compared as a set,
    not in whatever order the two happen to be listed."""
    pairs = sorted(((round(_iou(p, g), 1), bool(same(i, j)) if same else False, _iou(p, g), _overlap(p, g), i, j)
                    for i, p in enumerate(pred) for j, g in enumerate(gold) if _overlap(p, g) >= thr), reverse=True)
    used_p, used_g, out = set(), set(), {}
    for *_k, i, j in pairs:
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


SPLITS = ("dev", "test", "all")
# deterministic dev/test split: per corpus, in said_gold.jsonl order, the first N are dev
DEV_COUNT = {"dpgmedia2019-nl-dev": 35, "tbaq": 10}


def split_of(gold: list[dict[str, Any]]) -> list[str]:
    """"dev" or "test" for each gold record (same order)."""
    seen: Counter = Counter()
    out = []
    for rec in gold:
        k = seen[rec["corpus"]]
        seen[rec["corpus"]] += 1
        out.append("dev" if k < DEV_COUNT.get(rec["corpus"], 0) else "test")
    return out


def _score_article(rec: dict[str, Any], doc) -> dict[str, Any]:
    """Counts of one article, plus the per-item details used by ``--errors``."""
    lang = "en" if rec["corpus"] == "tbaq" else "nl"
    names: dict[str, set[str]] = {}
    for e in doc.entities:
        forms = {_fold(e.name), *(_fold(a) for a in e.aliases), *(_fold(m.text) for m in e.mentions)}
        names[e.id] = forms | {f.split()[-1] for f in forms if f}
    q_tot: Counter = Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)
    per_status: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    c_tot: Counter = Counter()
    preds = list(doc.quotes)
    golds = rec["quotes"]
    m = _match([(q["start"], q["end"]) for q in preds], [(g["start"], g["end"]) for g in golds])
    q_tot["gold"] += len(golds)
    q_tot["pred"] += len(preds)
    q_tot["matched"] += len(m)
    q_tot["gold_with_speaker"] += sum(1 for g in golds if g.get("speaker"))
    q_detail = {}
    for i, j in m.items():
        p, g = preds[i], golds[j]
        ok = None
        pnames = names.get(p["speaker"], set()) if p.get("speaker") else _desc_names(p.get("speaker_text"))
        if pnames and g.get("speaker"):
            q_tot["pred_with_speaker_matched"] += 1
            gnames = {_fold(x) for x in str(g["speaker"]).split(";")}
            gnames |= {x.split()[-1] for x in gnames if x}
            ok = bool(gnames & pnames)
            pm = p.get("speaker_mention")
            if not ok and not p.get("speaker") and pm and g.get("speaker_start") is not None:
                # a description found at the gold speaker's own words ("woordvoerder" in "woordvoerder
                # ministerie van Justitie"): the same mention in the text
                ok = pm["start"] < g["speaker_end"] and g["speaker_start"] < pm["end"]
            q_tot["correct"] += ok
            by_lang[lang]["correct"] += ok
            by_lang[lang]["pred"] += 1
        q_detail[j] = (i, ok)
    by_lang[lang]["gold"] += sum(1 for g in golds if g.get("speaker"))
    preds_c = doc.claims
    golds_c = rec["claims"]
    mc = _match([(c["start"], c["end"]) for c in preds_c], [(g["start"], g["end"]) for g in golds_c], 0.3,
                same=lambda i, j: preds_c[i]["status"] == golds_c[j]["status"])
    inv = {j: i for i, j in mc.items()}
    c_detail = {}
    for j, g in enumerate(golds_c):
        st = preds_c[inv[j]]["status"] if j in inv else "asserted"
        c_tot["gold"] += 1
        c_tot["correct"] += st == g["status"]
        per_status[g["status"]]["gold"] += 1
        per_status[g["status"]]["correct"] += st == g["status"]
        confusion[(g["status"], st)] += 1
        c_detail[j] = (inv.get(j), st)
    return {"q": q_tot, "by_lang": by_lang, "c": c_tot, "per_status": per_status, "confusion": confusion,
            "q_detail": q_detail, "c_detail": c_detail, "unmatched_pred": sorted(set(range(len(preds))) - set(m)),
            "unmatched_pred_claims": sorted(set(range(len(preds_c))) - set(mc))}


def _aggregate(parts: list[dict[str, Any]], n_articles: int) -> dict[str, Any]:
    q_tot: Counter = Counter()
    c_tot: Counter = Counter()
    per_status: dict[str, Counter] = defaultdict(Counter)
    confusion: Counter = Counter()
    by_lang: dict[str, Counter] = defaultdict(Counter)
    for a in parts:
        q_tot.update(a["q"])
        c_tot.update(a["c"])
        confusion.update(a["confusion"])
        for k, v in a["per_status"].items():
            per_status[k].update(v)
        for k, v in a["by_lang"].items():
            by_lang[k].update(v)
    p = q_tot["correct"] / q_tot["pred_with_speaker_matched"] if q_tot["pred_with_speaker_matched"] else 0.0
    r = q_tot["correct"] / q_tot["gold_with_speaker"] if q_tot["gold_with_speaker"] else 0.0
    return {
        "articles": n_articles,
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


def _print_errors(rec: dict[str, Any], doc, part: dict[str, Any], out=sys.stdout) -> None:
    """Gold vs predicted for one (dev!) article: wrong/missing speakers, wrong claim statuses."""
    t = rec["text"]
    names = {e.id: e.name for e in doc.entities}

    def s(a, b, n=90):
        x = t[a:b].replace("\n", " ")
        return x if len(x) <= n else x[:n // 2] + " … " + x[-n // 2:]

    print(f"== {rec['corpus']} {rec['article_id']}", file=out)
    for j, g in enumerate(rec["quotes"]):
        i, ok = part["q_detail"].get(j, (None, None))
        if ok:
            continue
        cue = s(g["cue_start"], g["cue_end"]) if g["cue_start"] is not None else None
        if i is None:
            print(f"  MISS Q {g['kind'][:3]} gold={g['speaker']!r} cue={cue!r} [{s(g['start'], g['end'])}]", file=out)
            continue
        p = doc.quotes[i]
        if g.get("speaker") is None:
            continue
        print(f"  {'NOSPK' if ok is None else 'WRONG'} Q {g['kind'][:3]} gold={g['speaker']!r} cue={cue!r} "
              f"pred={names.get(p.get('speaker'), p.get('speaker_text'))!r} how={p.get('how')} pcue={p.get('cue')!r} "
              f"[{s(g['start'], g['end'])}]", file=out)
    for i in part["unmatched_pred"]:
        p = doc.quotes[i]
        print(f"  EXTRA Q {p['kind'][:3]} pred={names.get(p.get('speaker'), p.get('speaker_text'))!r} cue={p.get('cue')!r} "
              f"[{s(p['start'], p['end'])}]", file=out)
    for j, g in enumerate(rec["claims"]):
        i, st = part["c_detail"][j]
        if st == g["status"]:
            continue
        cue = s(g["cue_start"], g["cue_end"]) if g["cue_start"] is not None else None
        pc = doc.claims[i] if i is not None else None
        print(f"  CLAIM gold={g['status']} pred={st} cue={cue!r} pcue={pc.get('cue') if pc else None!r} "
              f"[{s(g['start'], g['end'])}]" + (f" pspan=[{s(pc['start'], pc['end'])}]" if pc else ""), file=out)
    for i in part["unmatched_pred_claims"]:
        pc = doc.claims[i]
        print(f"  EXTRA C {pc['status']} cue={pc.get('cue')!r} [{s(pc['start'], pc['end'])}]", file=out)


def evaluate_splits(data: Path = DEFAULT_DATA, errors: bool = False) -> dict[str, Any] | None:
    """Scores for the dev split, the test split and all articles. With ``errors`` the gold vs predicted
    differences of the DEV articles (only) are printed."""
    gold = load_gold(data)
    if not gold:
        return None
    pub = _published(data)
    splits = split_of(gold)
    parts: dict[str, list[dict[str, Any]]] = {"dev": [], "test": []}
    t0 = time.perf_counter()
    for rec, sp in zip(gold, splits):
        rec = dict(rec, published_at=pub.get(str(rec["article_id"])))
        doc = _doc_for(rec, data)
        part = _score_article(rec, doc)
        parts[sp].append(part)
        if errors and sp == "dev":
            _print_errors(rec, doc, part)
    secs = time.perf_counter() - t0
    res = {"dev": _aggregate(parts["dev"], len(parts["dev"])),
           "test": _aggregate(parts["test"], len(parts["test"])),
           "all": _aggregate(parts["dev"] + parts["test"], len(gold))}
    res["seconds"] = round(secs, 2)
    return res


def evaluate(data: Path = DEFAULT_DATA) -> dict[str, Any] | None:
    """Scores over all articles (kept for callers of the old interface)."""
    res = evaluate_splits(data)
    return None if res is None else res["all"]


def _summary(name: str, r: dict[str, Any]) -> str:
    ps = r["claims"]["per_status"]
    per = " ".join(f"{k}={v['accuracy']:.0f}%/{v['gold']}" for k, v in ps.items())
    return (f"{name:>4} ({r['articles']:2d} art): speaker P {r['speaker']['precision']:.1f} "
            f"R {r['speaker']['recall']:.1f} | quotes det R {r['quotes']['detection_recall']:.1f} "
            f"P {r['quotes']['detection_precision']:.1f} | claim acc {r['claims']['accuracy']:.1f} [{per}]")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--split", choices=SPLITS, help="report only this split (default: dev, test and all)")
    ap.add_argument("--errors", action="store_true", help="print gold vs predicted for DEV articles only")
    args = ap.parse_args()
    res = evaluate_splits(args.data, errors=args.errors)
    if res is None:
        print("shared data not available", file=sys.stderr)
        sys.exit(0)
    shown = [args.split] if args.split else list(SPLITS)
    if args.json:
        print(json.dumps({k: res[k] for k in shown}, indent=2, ensure_ascii=False))
        return
    for k in shown:
        print(_summary(k, res[k]))
    if args.split:
        print(json.dumps(res[args.split], indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
