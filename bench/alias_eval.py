"""Within-article alias/coreference evaluation on a small hand-checked gold set.

    python bench/alias_eval.py [tests/data/alias_gold.jsonl] [--verbose]

Each gold line holds a short news text, NER-like spans ``[start, end, type]`` (the
input), the gold clustering of mentions (names *and* role descriptions such as
"de IS-leider", which the system must find itself) and the demonyms that must be
set aside as related places.

Metrics (mentions identified by exact offsets):

* B³ (Bagga & Baldwin 1998) precision/recall/F1, computed over the union of gold and
  system mentions: a mention missing on one side counts as a singleton there, so
  both missed and spurious mentions are penalised (Cai & Strube 2010 style);
* pairwise (link) precision/recall/F1 over coreferent mention pairs;
* demonym handling: precision/recall of the spans returned as related places.

Scores are micro-averaged over all articles (B³ weighs every mention equally).
"""
from __future__ import annotations

import argparse
import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tijdlijn.entities.coref import cluster_mentions  # noqa: E402

DEFAULT = ROOT / "tests" / "data" / "alias_gold.jsonl"


def _index(clusters: list[list[tuple[int, int]]]) -> dict[tuple[int, int], int]:
    out = {}
    for k, cl in enumerate(clusters):
        for m in cl:
            out[tuple(m)] = k
    return out


def bcubed(gold: list[list[tuple[int, int]]], system: list[list[tuple[int, int]]]) -> tuple[float, float, int]:
    """Summed per-mention B³ precision and recall, and the number of mentions."""
    g, s = _index(gold), _index(system)
    mentions = set(g) | set(s)
    gsets = {m: ({x for x in gold[g[m]]} if m in g else {m}) for m in mentions}
    ssets = {m: ({x for x in system[s[m]]} if m in s else {m}) for m in mentions}
    gsets = {m: {tuple(x) for x in v} for m, v in gsets.items()}
    ssets = {m: {tuple(x) for x in v} for m, v in ssets.items()}
    p = sum(len(gsets[m] & ssets[m]) / len(ssets[m]) for m in mentions)
    r = sum(len(gsets[m] & ssets[m]) / len(gsets[m]) for m in mentions)
    return p, r, len(mentions)


def pairs(clusters: list[list[tuple[int, int]]]) -> set[frozenset]:
    out = set()
    for cl in clusters:
        for a, b in itertools.combinations(sorted({tuple(m) for m in cl}), 2):
            out.add(frozenset((a, b)))
    return out


def f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate(path: Path, verbose: bool = False) -> dict[str, float]:
    items = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    tot_bp = tot_br = tot_n = 0.0
    tp_pairs = sys_pairs = gold_pairs = 0
    dem_tp = dem_sys = dem_gold = 0
    rows = []
    for it in items:
        res = cluster_mentions(it["text"], [tuple(s) for s in it["spans"]], it["lang"])
        system = [[(m.start, m.end) for m in c.mentions] for c in res]
        gold = [[tuple(m) for m in cl] for cl in it["gold"]]
        bp, br, n = bcubed(gold, system)
        gp, sp = pairs(gold), pairs(system)
        tot_bp, tot_br, tot_n = tot_bp + bp, tot_br + br, tot_n + n
        tp_pairs += len(gp & sp)
        sys_pairs += len(sp)
        gold_pairs += len(gp)
        gd = {tuple(x) for x in it.get("related_places", [])}
        sd = {(p["start"], p["end"]) for p in res.related_places}
        dem_tp, dem_sys, dem_gold = dem_tp + len(gd & sd), dem_sys + len(sd), dem_gold + len(gd)
        pp = len(gp & sp) / len(sp) if sp else 1.0
        pr = len(gp & sp) / len(gp) if gp else 1.0
        rows.append((it["id"], it["lang"], bp / n if n else 1, br / n if n else 1, f1(pp, pr)))
        if verbose and (bp < n or br < n):
            print(f"--- {it['id']}")
            txt = it["text"]
            for c in res:
                print("  sys :", [txt[a:b] for a, b in ((m.start, m.end) for m in c.mentions)])
            for cl in gold:
                print("  gold:", [txt[a:b] for a, b in cl])
    BP, BR = tot_bp / tot_n, tot_br / tot_n
    PP = tp_pairs / sys_pairs if sys_pairs else 1.0
    PR = tp_pairs / gold_pairs if gold_pairs else 1.0
    DP = dem_tp / dem_sys if dem_sys else 1.0
    DR = dem_tp / dem_gold if dem_gold else 1.0
    print(f"{'article':28} {'lang':4} {'B3-P':>6} {'B3-R':>6} {'pair-F1':>8}")
    for r in rows:
        print(f"{r[0]:28} {r[1]:4} {r[2]:6.3f} {r[3]:6.3f} {r[4]:8.3f}")
    print()
    print(f"{'metric':22} {'P':>6} {'R':>6} {'F1':>6}")
    print(f"{'B-cubed (micro)':22} {BP:6.3f} {BR:6.3f} {f1(BP, BR):6.3f}")
    print(f"{'pairwise links':22} {PP:6.3f} {PR:6.3f} {f1(PP, PR):6.3f}")
    print(f"{'demonyms set aside':22} {DP:6.3f} {DR:6.3f} {f1(DP, DR):6.3f}")
    print(f"\n{len(items)} articles, {int(tot_n)} mentions, {gold_pairs} gold links, {sys_pairs} system links")
    return {"b3_p": BP, "b3_r": BR, "b3_f1": f1(BP, BR), "pair_p": PP, "pair_r": PR, "pair_f1": f1(PP, PR),
            "demonym_p": DP, "demonym_r": DR}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--verbose", "-v", action="store_true", help="print system vs gold clusters of imperfect articles")
    args = ap.parse_args(argv)
    evaluate(args.path, args.verbose)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
