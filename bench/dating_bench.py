"""Article-date inference and checking benchmark (issue 7).

Dutch: ../shared/data/dpgmedia2019-nl/articles-dev.jsonl (443 real articles with
``published_at``; empty texts skipped). English: TBAQ-cleaned (TimeBank + AQUAINT),
the DCT of each file. The date is hidden and inferred from the text:

* ``text only``: nothing but the article text;
* ``text + collection prior``: plus the publication dates of the *other* articles of
  the same source (leave-one-out; for TBAQ the source is the file-name prefix, e.g.
  APW, NYT, wsj) — the prior the issue allows ("other articles of the same source and
  batch");
* ``prior only``: the prior's median alone (the baseline that shows what the text adds).

Metrics: exact day (committed to a day and right), within ±3 days (the point estimate:
the committed day, or the middle of the committed week/month/year), within the month
(truth inside the reported month, or a finer unit in the right month), coverage (how
often it commits to a day), and calibration: for each confidence bucket, how often the
truth lies inside the reported unit. Dutch articles are split by file order into a dev
half (used to set the few constants in tijdlijn.temporal.dating) and a test half; both
are reported.

Checking: the true date of a random half (seeded) is shifted by 2–10 days (either
direction); ``check_date`` must flag exactly those: precision and recall of the flags.

Run: ``python bench/dating_bench.py [--data ../shared/data] [--json]``
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_DATA = Path(os.environ.get("TIJDLIJN_DATA", HERE.parent.parent / "shared" / "data"))
BUCKETS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)]


def load_dutch(data: Path) -> list[dict]:
    out = []
    with open(data / "dpgmedia2019-nl" / "articles-dev.jsonl", encoding="utf-8") as fh:
        for line in fh:
            r = json.loads(line)
            if (r.get("text") or "").strip() and r.get("published_at"):
                out.append({"id": str(r["id"]), "text": r["text"], "date": date.fromisoformat(r["published_at"][:10]),
                            "source": "dpgmedia", "lang": "nl"})
    return out


def load_english(data: Path) -> list[dict]:
    from tijdlijn.readers.timeml import parse_timeml

    out = []
    for p in sorted((data / "tempeval3" / "TBAQ-cleaned").rglob("*.tml")):
        doc, _ = parse_timeml(p.read_text(encoding="utf-8"), source=str(p))
        if doc.date is None or doc.date.day is None:
            continue
        src = "".join(ch for ch in p.stem.split("_")[0].split(".")[0] if ch.isalpha())[:3].upper() or "TBAQ"
        out.append({"id": p.stem, "text": doc.text, "date": doc.date.day, "source": src, "lang": "en"})
    return out


def _point(inf) -> date | None:  # noqa: ANN001
    """The single most likely day (reported whatever the committed granularity)."""
    return inf.mode or inf.earliest


def score(articles: list[dict], mode: str) -> dict:
    from tijdlijn.temporal.dating import CollectionPrior, DateInference, infer_date

    by_source = defaultdict(list)
    for a in articles:
        by_source[a["source"]].append(a["date"])
    n = exact = within3 = month = committed_day = any_answer = 0
    buckets = defaultdict(lambda: [0, 0])
    t0 = time.perf_counter()
    for a in articles:
        prior = None
        if mode != "text":
            others = list(by_source[a["source"]])
            others.remove(a["date"])
            prior = CollectionPrior.from_dates(others)
        if mode == "prior":
            if prior is None:
                inf = DateInference(None, "unknown", 0.0)
            else:
                d = prior.center
                inf = DateInference(d.isoformat(), "day", 0.0, [], False, d, d)
        else:
            inf = infer_date(a["text"], a["lang"], prior=prior)
        n += 1
        truth = a["date"]
        pt = _point(inf)
        if pt is not None and inf.granularity != "unknown":
            within3 += abs((pt - truth).days) <= 3
        if inf.granularity != "unknown":
            any_answer += 1
            ok = inf.earliest <= truth <= inf.latest
            b = next(i for i, (lo, hi) in enumerate(BUCKETS) if lo <= inf.confidence < hi)
            buckets[b][0] += 1
            buckets[b][1] += ok
            month += (inf.granularity in ("day", "week", "month") and
                      (inf.earliest.year, inf.earliest.month) == (truth.year, truth.month))
            if inf.granularity == "day":
                committed_day += 1
                exact += inf.earliest == truth
    secs = time.perf_counter() - t0
    pct = lambda x: round(100 * x / max(1, n), 1)  # noqa: E731
    return {"articles": n, "exact_day": pct(exact), "within_3_days": pct(within3), "within_month": pct(month),
            "day_coverage": pct(committed_day), "answered": pct(any_answer),
            "calibration": {f"{lo:.1f}-{min(hi, 1.0):.1f}": {"n": buckets[i][0],
                                                             "right": round(100 * buckets[i][1] / buckets[i][0], 1)
                                                             if buckets[i][0] else None}
                            for i, (lo, hi) in enumerate(BUCKETS)},
            "ms_per_article": round(1000 * secs / max(1, n), 2)}


def checking(articles: list[dict], seed: int = 7) -> dict:
    from tijdlijn.document import ArticleDate
    from tijdlijn.temporal.dating import check_date

    rng = random.Random(seed)
    tp = fp = fn = tn = undecided = 0
    for a in articles:
        shifted = rng.random() < 0.5
        d = a["date"]
        if shifted:
            d = d + timedelta(days=rng.choice([-1, 1]) * rng.randint(2, 10))
        flag, _inf = check_date(a["text"], ArticleDate.parse(d.isoformat()), a["lang"])
        if flag is None:
            undecided += 1
        flag = bool(flag)
        tp += flag and shifted
        fp += flag and not shifted
        fn += (not flag) and shifted
        tn += (not flag) and not shifted
    p = tp / (tp + fp) if tp + fp else None
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"articles": len(articles), "shifted": tp + fn, "flagged": tp + fp,
            "precision": round(100 * p, 1) if p is not None else None, "recall": round(100 * r, 1),
            "undecided": undecided}


def run(data: Path = DEFAULT_DATA) -> dict | None:
    if not (data / "dpgmedia2019-nl").exists():
        return None
    nl = load_dutch(data)
    half = len(nl) // 2
    out = {"nl": {}, "en": {}}
    for split, arts in (("dev", nl[:half]), ("test", nl[half:]), ("all", nl)):
        out["nl"][split] = {m: score(arts, m) for m in ("text", "text+prior", "prior")}
    out["nl"]["checking"] = checking(nl)
    if (data / "tempeval3").exists():
        en = load_english(data)
        out["en"]["all"] = {m: score(en, m) for m in ("text", "text+prior", "prior")}
        out["en"]["checking"] = checking(en)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    args = ap.parse_args()
    res = run(args.data)
    if res is None:
        print("shared data not available", file=sys.stderr)
        return
    print(json.dumps(res, indent=1))


if __name__ == "__main__":
    main()
