#!/usr/bin/env python3
"""Re-implementation of the CoNLL-2000/2002/2003 ``conlleval`` perl script.

Phrase-level exact-match precision / recall / F1, per entity type and overall,
computed the way ``conlleval`` does it (chunk boundaries from IOB1/IOB2
tags via the script's startOfChunk/endOfChunk rules, so an ``I-X`` that
follows ``O`` starts a new chunk).

Library use::

    from conlleval import evaluate, report
    res = evaluate(gold_tag_sequences, predicted_tag_sequences)

Command line (same input as the perl script: one token per line, the last two
columns are gold and predicted tag, blank line between sentences)::

    python conlleval.py < output.txt
"""
from __future__ import annotations

import sys
from collections import defaultdict
from typing import Iterable, Sequence


def _split(tag: str) -> tuple[str, str]:
    if tag in ("O", "", "-X-"):
        return "O", ""
    if "-" in tag:
        p, _, t = tag.partition("-")
        return p, t
    return tag, ""


def _end_of_chunk(prev_tag, tag, prev_type, typ) -> bool:
    """Literal port of conlleval's endOfChunk."""
    end = False
    if prev_tag == "B" and tag == "B": end = True
    if prev_tag == "B" and tag == "O": end = True
    if prev_tag == "I" and tag == "B": end = True
    if prev_tag == "I" and tag == "O": end = True
    if prev_tag == "E" and tag == "E": end = True
    if prev_tag == "E" and tag == "I": end = True
    if prev_tag == "E" and tag == "O": end = True
    if prev_tag != "O" and prev_tag != "." and prev_type != typ: end = True
    if prev_tag in ("]", "["): end = True
    return end


def _start_of_chunk(prev_tag, tag, prev_type, typ) -> bool:
    """Literal port of conlleval's startOfChunk."""
    start = False
    if prev_tag == "B" and tag == "B": start = True
    if prev_tag == "I" and tag == "B": start = True
    if prev_tag == "O" and tag == "B": start = True
    if prev_tag == "O" and tag == "I": start = True
    if prev_tag == "E" and tag == "E": start = True
    if prev_tag == "E" and tag == "I": start = True
    if prev_tag == "O" and tag == "E": start = True
    if tag != "O" and tag != "." and prev_type != typ: start = True
    if tag in ("[", "]"): start = True
    return start


def chunks(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Chunks (start, end_exclusive, type) as conlleval sees them."""
    out = []
    prev_tag, prev_type = "O", ""
    start = None
    for i, t in enumerate(list(tags) + ["O"]):
        tag, typ = _split(t)
        if start is not None and _end_of_chunk(prev_tag, tag, prev_type, typ):
            out.append((start, i, prev_type))
            start = None
        if _start_of_chunk(prev_tag, tag, prev_type, typ):
            start = i
        prev_tag, prev_type = tag, typ
    return out


def evaluate(gold: Iterable[Sequence[str]], pred: Iterable[Sequence[str]]) -> dict:
    """Return {'overall': {...}, 'types': {TYPE: {...}}, 'accuracy': float, ...}."""
    n_gold = defaultdict(int)
    n_pred = defaultdict(int)
    n_ok = defaultdict(int)
    tok = tok_ok = 0
    for g, p in zip(gold, pred):
        if len(g) != len(p):
            raise ValueError("length mismatch %d vs %d" % (len(g), len(p)))
        tok += len(g)
        tok_ok += sum(1 for a, b in zip(g, p) if a == b)
        gc = chunks(g)
        pc = chunks(p)
        for c in gc:
            n_gold[c[2]] += 1
        for c in pc:
            n_pred[c[2]] += 1
        for c in set(gc) & set(pc):
            n_ok[c[2]] += 1

    def prf(ok, np_, ng):
        p = 100.0 * ok / np_ if np_ else 0.0
        r = 100.0 * ok / ng if ng else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return {"precision": p, "recall": r, "f1": f, "correct": ok, "predicted": np_, "gold": ng}

    types = sorted(set(n_gold) | set(n_pred))
    res = {
        "overall": prf(sum(n_ok.values()), sum(n_pred.values()), sum(n_gold.values())),
        "types": {t: prf(n_ok[t], n_pred[t], n_gold[t]) for t in types},
        "tokens": tok,
        "accuracy": 100.0 * tok_ok / tok if tok else 0.0,
    }
    return res


def report(res: dict) -> str:
    o = res["overall"]
    lines = [
        "processed %d tokens with %d phrases; found: %d phrases; correct: %d."
        % (res["tokens"], o["gold"], o["predicted"], o["correct"]),
        "accuracy: %6.2f%%; precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f"
        % (res["accuracy"], o["precision"], o["recall"], o["f1"]),
    ]
    for t, v in res["types"].items():
        lines.append(
            "%17s: precision: %6.2f%%; recall: %6.2f%%; FB1: %6.2f  %d"
            % (t, v["precision"], v["recall"], v["f1"], v["predicted"])
        )
    return "\n".join(lines)


def _main(argv=None) -> int:
    gold, pred, g, p = [], [], [], []
    for line in sys.stdin:
        parts = line.split()
        if not parts or parts[0] == "-DOCSTART-":
            if g:
                gold.append(g); pred.append(p); g, p = [], []
            continue
        g.append(parts[-2]); p.append(parts[-1])
    if g:
        gold.append(g); pred.append(p)
    print(report(evaluate(gold, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(_main())
