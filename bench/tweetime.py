"""TweeTIME evaluation data (Tabassum, Ritter & Xu, EMNLP 2016): date resolution in tweets.

File format (``file_format.txt``): one tweet per line,
``tweet<TAB>creation_date<TAB>gold_date(s)|None<TAB>tweetime_predicted_date``;
gold dates are comma-separated ``YYYY-MM-DD`` days, ``None`` = no resolvable date.
Column 4 is TweeTIME's own output and is scored as a reference row.

Metrics (``score_tweetime``):

* ``exact``: exact-set accuracy = fraction of tweets whose predicted set of days
  equals the gold set (empty set ⇔ ``None``). For single values this is the
  string match used in PROVENANCE.md (dev 28/49 for TweeTIME); for a
  comma-separated gold list the order does not matter here.
* ``exact_string``: only for the reference column, the literal string match of
  column 3 vs column 4 as in PROVENANCE.md.
* ``date``: micro P/R/F1 over (tweet, day) pairs: TP = Σ|pred ∩ gold|,
  P = TP / Σ|pred|, R = TP / Σ|gold| (``None`` contributes no dates).
  ``None`` tweets only affect precision (any predicted date there is a FP).

Data quirks: tweet text contains HTML entities (``&amp;``, ``&gt;``) – ``text``
is unescaped, ``text_raw`` is the original. One dev gold value is
``None,2015-07-28`` (a ``None`` inside a list): ``None`` items in a list are
dropped, so the gold set is ``{2015-07-28}`` (``gold_raw`` keeps the string).
"""
from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path
from typing import Callable, Iterable

__all__ = ["load_tweetime", "score_tweetime", "parse_dates"]

_DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def parse_dates(field: str, where: str = "") -> set[str]:
    """``None`` → empty set; ``2015-01-21,2015-01-22`` → the two days (validated)."""
    out: set[str] = set()
    for item in field.split(","):
        item = item.strip()
        if not item or item == "None":
            continue
        if not _DAY_RE.match(item):
            raise ValueError(f"{where}: bad date {item!r}")
        date.fromisoformat(item)  # raises on impossible dates
        out.add(item)
    return out


def load_tweetime(path: str | Path) -> list[dict]:
    """Rows ``{"line", "text", "text_raw", "creation_date", "gold", "gold_raw", "tweetime", "tweetime_raw"}``.

    ``gold`` / ``tweetime`` are sets of ``YYYY-MM-DD`` strings. Raises ``ValueError``
    naming the line for a malformed line; blank lines are skipped.
    """
    p = Path(path)
    rows: list[dict] = []
    with p.open(encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            cols = line.split("\t")
            if len(cols) != 4:
                raise ValueError(f"{p}:{n}: expected 4 tab-separated columns, got {len(cols)}")
            tweet, created, gold, tt = cols
            where = f"{p}:{n}"
            created = created.strip()
            if not _DAY_RE.match(created):
                raise ValueError(f"{where}: bad creation date {created!r}")
            date.fromisoformat(created)
            rows.append(
                {
                    "line": n,
                    "text": html.unescape(tweet),
                    "text_raw": tweet,
                    "creation_date": created,
                    "gold": parse_dates(gold, where),
                    "gold_raw": gold.strip(),
                    "tweetime": parse_dates(tt, where),
                    "tweetime_raw": tt.strip(),
                }
            )
    return rows


def _metrics(golds: list[set[str]], preds: list[set[str]]) -> dict:
    n = len(golds)
    exact = sum(g == p for g, p in zip(golds, preds))
    tp = sum(len(g & p) for g, p in zip(golds, preds))
    n_pred = sum(len(p) for p in preds)
    n_gold = sum(len(g) for g in golds)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "n": n,
        "exact": exact / n if n else 0.0,
        "exact_count": exact,
        "date": {"p": prec, "r": rec, "f1": f1, "tp": tp, "pred": n_pred, "gold": n_gold},
    }


def score_tweetime(
    rows: Iterable[dict],
    predict: Callable[[str, str], Iterable[str] | None],
    *,
    details: bool = False,
) -> dict:
    """Score ``predict(text, creation_date) -> set of YYYY-MM-DD`` on ``rows``.

    Returns ``{"system": {...}, "tweetime": {...}}`` (each with ``n``, ``exact``,
    ``exact_count``, ``date`` P/R/F1); the TweeTIME row also has
    ``exact_string``. An exception in ``predict`` counts as an empty prediction
    and is counted in ``system["errors"]``. With ``details=True`` the per-tweet
    results are in ``"rows"``.
    """
    rows = list(rows)
    preds: list[set[str]] = []
    errors: list[str] = []
    for r in rows:
        try:
            out = predict(r["text"], r["creation_date"])
            preds.append({str(d) for d in out} if out else set())
        except Exception as exc:  # noqa: BLE001 - one bad tweet must not stop the benchmark
            errors.append(f"line {r['line']}: {type(exc).__name__}: {exc}")
            preds.append(set())
    golds = [r["gold"] for r in rows]
    system = _metrics(golds, preds)
    system["errors"] = len(errors)
    system["error_messages"] = errors
    ref = _metrics(golds, [r["tweetime"] for r in rows])
    str_match = sum(r["gold_raw"] == r["tweetime_raw"] for r in rows)
    ref["exact_string"] = str_match / len(rows) if rows else 0.0
    ref["exact_string_count"] = str_match
    result = {"system": system, "tweetime": ref}
    if details:
        result["rows"] = [
            {
                "line": r["line"],
                "text": r["text"],
                "creation_date": r["creation_date"],
                "gold": sorted(r["gold"]),
                "pred": sorted(p),
                "tweetime": sorted(r["tweetime"]),
                "correct": p == r["gold"],
            }
            for r, p in zip(rows, preds)
        ]
    return result


if __name__ == "__main__":  # reference numbers: python bench/tweetime.py [file]
    import json
    import sys

    f = sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/tweetime/dev_input_final.txt"
    res = score_tweetime(load_tweetime(f), lambda text, created: set())
    res["system"].pop("error_messages")
    print(json.dumps(res, indent=1))
