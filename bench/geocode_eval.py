"""Geocoding accuracy on the hand-checked gold list ``tests/data/geocode_gold.tsv``.

    python bench/geocode_eval.py [--errors] [--gold PATH]

Reports, per language and overall: coverage (a place was returned), country accuracy over all
names (a miss counts as wrong), country precision over the answered ones (how often an answer
is right), and kind agreement. ``--errors`` lists every wrong or missing answer.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from tijdlijn.places import geocode
from tijdlijn.places.gazetteer import gazetteer

GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "geocode_gold.tsv"


def read_gold(path: Path) -> list[dict]:
    rows = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip() or line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            name, lang, country, kind = parts[:4]
            context = [c for c in (parts[4].split(",") if len(parts) > 4 else []) if c]
            rows.append({"name": name, "lang": lang, "country": None if country == "-" else country,
                         "kind": kind, "context": context})
    return rows


def evaluate(rows: list[dict]) -> list[dict]:
    out = []
    for r in rows:
        p = geocode(r["name"], r["lang"], context_countries=r["context"])
        out.append({**r, "place": p,
                    "covered": p is not None,
                    "country_ok": p is not None and p.country == r["country"],
                    "kind_ok": p is not None and p.kind == r["kind"]})
    return out


def table(results: list[dict]) -> str:
    lines = [f"{'subset':<8} {'n':>4} {'coverage':>9} {'country acc':>12} {'precision':>10} {'kind agree':>11}"]
    for label, subset in (("nl", [r for r in results if r["lang"] == "nl"]),
                          ("en", [r for r in results if r["lang"] == "en"]),
                          ("all", results)):
        n = len(subset)
        if not n:
            continue
        cov = sum(r["covered"] for r in subset)
        ok = sum(r["country_ok"] for r in subset)
        kind = sum(r["kind_ok"] for r in subset)
        prec = ok / cov if cov else 0.0
        lines.append(f"{label:<8} {n:>4} {cov / n:>9.1%} {ok / n:>12.1%} {prec:>10.1%} {kind / n:>11.1%}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gold", type=Path, default=GOLD)
    ap.add_argument("--errors", action="store_true", help="list wrong and missing answers")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    gz = gazetteer()
    t1 = time.perf_counter()
    rows = read_gold(args.gold)
    results = evaluate(rows)
    t2 = time.perf_counter()
    print(f"gazetteer: {len(gz.exact)} names, built in {gz.build_seconds:.2f} s (first use {t1 - t0:.2f} s)")
    print(f"gold: {len(rows)} names from {args.gold.name}; geocoded in {(t2 - t1) * 1000:.0f} ms\n")
    print(table(results))
    wrong = [r for r in results if not r["country_ok"]]
    if args.errors and wrong:
        print("\nwrong or missing:")
        for r in wrong:
            p = r["place"]
            got = "None" if p is None else f"{p.country or '-'} {p.kind} {p.name!r} — {p.why}"
            print(f"  {r['name']!r} ({r['lang']}) gold {r['country'] or '-'} {r['kind']}: {got}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
