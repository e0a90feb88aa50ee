"""Hand-annotated "who said what" gold set: loader and checker.

The gold file ``bench/data/said_gold.jsonl`` holds only ids, character offsets,
a sha1 of the text, labels and short speaker names -- never article text (the
texts are licensed and stay in ``../shared/data``). See ``bench/data/SAID_GOLD.md``
for the selection rule, the guidelines and the counts.

``load_gold(data_dir)`` reads the gold, loads the matching texts from the shared
data folder (``data_dir``, normally ``../shared/data``), checks the sha1 of each
text and returns one dict per article with the text attached under ``"text"``.
It returns ``[]`` when the shared data folder (or the corpus files in it) is
absent, so tests and benchmarks can skip cleanly.

Texts the offsets refer to:

* ``dpgmedia2019-nl-dev``: the ``"text"`` field of the article (matched on
  ``"id"``) in ``dpgmedia2019-nl/articles-dev.jsonl``, exactly as stored
  (the title is *not* part of it).
* ``tbaq``: ``tempeval3/TBAQ-cleaned/{AQUAINT,TimeBank}/<article_id>.tml``; the
  plain text is the content of the ``<TEXT>`` element with all tags removed
  (``tbaq_plain_text``): everything between the ``<TEXT ...>`` start tag and the
  ``</TEXT>`` end tag, every ``<...>`` tag deleted, then the XML entities
  (``&amp; &lt; &gt; &quot; &apos;`` and numeric ``&#..;``) resolved. Newlines and
  spaces are kept as they are. None of the annotated TBAQ documents contains an
  entity, so entity resolution does not move any offset in this gold set.

Offsets are Python ``str`` indices (Unicode code points), end exclusive.

Command line (prints the annotated spans to the terminal for checking)::

    python bench/said_gold.py [--data ../shared/data] [--show] [--article ID]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLD_PATH = HERE / "data" / "said_gold.jsonl"
DEFAULT_DATA = Path(os.environ.get("TIJDLIJN_DATA", HERE.parent.parent / "shared" / "data"))

DPG_DEV = Path("dpgmedia2019-nl") / "articles-dev.jsonl"
TBAQ_DIR = Path("tempeval3") / "TBAQ-cleaned"

QUOTE_KINDS = ("direct", "indirect")
CLAIM_STATUSES = ("asserted", "reported", "unverified", "speculated", "denied", "confirmed", "retracted")

__all__ = ["load_gold", "read_gold", "tbaq_plain_text", "check", "QUOTE_KINDS", "CLAIM_STATUSES", "GOLD_PATH"]

_TEXT_RE = re.compile(r"<TEXT(?:\s[^>]*)?>(.*?)</TEXT\s*>", re.S)
_TAG_RE = re.compile(r"<[^>]*>")
_ENTITY_RE = re.compile(r"&(amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def tbaq_plain_text(xml: str) -> str:
    """Plain text of a TimeML document: ``<TEXT>`` content with all tags removed."""
    m = _TEXT_RE.search(xml)
    if m is None:
        raise ValueError("no <TEXT> element")
    return _ENTITY_RE.sub(_entity, _TAG_RE.sub("", m.group(1)))


def sha1(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def read_gold(path: str | Path = GOLD_PATH) -> list[dict[str, Any]]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _dpg_texts(data_dir: Path, wanted: set[int]) -> dict[int, str]:
    out: dict[int, str] = {}
    with open(data_dir / DPG_DEV, encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            if art["id"] in wanted:
                out[art["id"]] = art["text"]
    return out


def _tbaq_text(data_dir: Path, doc_id: str) -> str | None:
    for sub in ("AQUAINT", "TimeBank"):
        p = data_dir / TBAQ_DIR / sub / f"{doc_id}.tml"
        if p.exists():
            return tbaq_plain_text(p.read_text(encoding="utf-8"))
    return None


def load_gold(data_dir: str | Path | None = None, gold_path: str | Path = GOLD_PATH, *, strict: bool = True) -> list[dict]:
    """Gold records with ``"text"`` attached; ``[]`` when the shared data is absent.

    With ``strict`` (default) a missing article or a sha1 mismatch raises
    ``ValueError`` (the offsets would be meaningless); otherwise such records are
    dropped.
    """
    data_dir = Path(data_dir) if data_dir is not None else DEFAULT_DATA
    if not data_dir.is_dir() or not (data_dir / DPG_DEV).exists() or not (data_dir / TBAQ_DIR).is_dir():
        return []
    gold = read_gold(gold_path)
    dpg = _dpg_texts(data_dir, {g["article_id"] for g in gold if g["corpus"] == "dpgmedia2019-nl-dev"})
    out = []
    for g in gold:
        if g["corpus"] == "dpgmedia2019-nl-dev":
            text = dpg.get(g["article_id"])
        elif g["corpus"] == "tbaq":
            text = _tbaq_text(data_dir, g["article_id"])
        else:
            raise ValueError(f"unknown corpus {g['corpus']!r}")
        problem = None
        if text is None:
            problem = "text not found"
        elif sha1(text) != g["text_sha1"]:
            problem = "sha1 mismatch (text changed; offsets invalid)"
        if problem:
            if strict:
                raise ValueError(f"{g['corpus']} {g['article_id']}: {problem}")
            continue
        out.append({**g, "text": text})
    return out


def check(records: list[dict]) -> list[str]:
    """Consistency errors of loaded records (empty list = all fine)."""
    errs = []
    for r in records:
        n, key = len(r["text"]), f"{r['corpus']} {r['article_id']}"

        def span(a, b, what, i, optional):
            if a is None and b is None and optional:
                return
            if a is None or b is None or not (0 <= a < b <= n):
                errs.append(f"{key} {what} #{i}: bad span {a},{b} (text length {n})")

        for i, q in enumerate(r["quotes"]):
            if q["kind"] not in QUOTE_KINDS:
                errs.append(f"{key} quote #{i}: kind {q['kind']!r}")
            span(q["start"], q["end"], "quote", i, False)
            span(q["cue_start"], q["cue_end"], "quote cue", i, True)
            span(q["speaker_start"], q["speaker_end"], "speaker mention", i, True)
            if (q["speaker"] is None) != (q["speaker_start"] is None):
                errs.append(f"{key} quote #{i}: speaker name and mention must both be set or both null")
            if q["speaker"] is not None and not q["speaker"].strip():
                errs.append(f"{key} quote #{i}: empty speaker name")
        for i, c in enumerate(r["claims"]):
            if c["status"] not in CLAIM_STATUSES:
                errs.append(f"{key} claim #{i}: status {c['status']!r}")
            span(c["start"], c["end"], "claim", i, False)
            span(c["cue_start"], c["cue_end"], "claim cue", i, True)
            if c["status"] != "asserted" and c["cue_start"] is None:
                errs.append(f"{key} claim #{i}: non-asserted claim without cue")
            if c["status"] == "asserted" and c["cue_start"] is not None:
                errs.append(f"{key} claim #{i}: asserted claim with cue")
    return errs


def counts(records: list[dict]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for r in records:
        c = out.setdefault(r["corpus"], {"articles": 0})
        c["articles"] += 1
        for q in r["quotes"]:
            c[q["kind"]] = c.get(q["kind"], 0) + 1
        for cl in r["claims"]:
            c[cl["status"]] = c.get(cl["status"], 0) + 1
    return out


def load_event_gold(data_dir: str | Path | None = None,
                    gold_path: str | Path = HERE / "data" / "events_gold.jsonl", *, strict: bool = True) -> list[dict]:
    """Hand-annotated event gold (``bench/data/events_gold.jsonl``) with ``"text"`` attached.

    Same 65 articles, text conventions and checks as :func:`load_gold`: returns ``[]``
    when the shared data folder (or its corpus files) is absent; with ``strict`` a
    missing article, a sha1 mismatch or an event whose trigger/time span falls outside
    the text raises ``ValueError`` (otherwise such records are dropped). Each event has
    ``start``/``end`` (trigger), ``type``, ``modality``, ``agent``, ``patient``,
    ``place``, ``time`` (ISO value or null), ``time_start``/``time_end`` and ``status``;
    see ``bench/data/EVENTS_GOLD.md``.
    """
    records = load_gold(data_dir, gold_path, strict=strict)
    types = {"attack", "capture", "recapture", "loss", "death", "arrest", "election", "agreement", "release", "meeting"}
    out = []
    for r in records:
        n, problem = len(r["text"]), None
        for i, e in enumerate(r["events"]):
            if not (0 <= e["start"] < e["end"] <= n):
                problem = f"event #{i}: bad trigger span {e['start']},{e['end']}"
            elif (e["time_start"] is None) != (e["time_end"] is None) or (
                    e["time_start"] is not None and not (0 <= e["time_start"] < e["time_end"] <= n)):
                problem = f"event #{i}: bad time span {e['time_start']},{e['time_end']}"
            elif e["type"] not in types or e["modality"] not in ("past", "ongoing", "future") \
                    or e["status"] not in (None, "speculated", "denied"):
                problem = f"event #{i}: bad label {e['type']!r}/{e['modality']!r}/{e['status']!r}"
            if problem:
                break
        if problem:
            if strict:
                raise ValueError(f"{r['corpus']} {r['article_id']}: {problem}")
            continue
        out.append(r)
    return out


def _show(r: dict) -> None:
    t = r["text"]

    def s(a, b):
        return None if a is None else t[a:b].replace("\n", " ")

    print(f"== {r['corpus']} {r['article_id']}")
    for q in r["quotes"]:
        print(f"  Q {q['kind'][:3]} [{s(q['start'], q['end'])}]")
        print(f"      speaker={q['speaker']!r} mention={s(q['speaker_start'], q['speaker_end'])!r} cue={s(q['cue_start'], q['cue_end'])!r}")
    for c in r["claims"]:
        print(f"  C {c['status']} [{s(c['start'], c['end'])}] cue={s(c['cue_start'], c['cue_end'])!r} source={c.get('source')!r}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="check the said/claims gold set against the shared texts")
    ap.add_argument("--data", default=str(DEFAULT_DATA))
    ap.add_argument("--show", action="store_true", help="print every annotated span (terminal only)")
    ap.add_argument("--article", help="only this article id")
    args = ap.parse_args(argv)
    records = load_gold(args.data)
    if not records:
        print(f"said_gold: shared data not found under {args.data}; nothing to check")
        return 0
    errs = check(records)
    for e in errs:
        print("ERROR", e)
    if args.show or args.article:
        for r in records:
            if args.article is None or str(r["article_id"]) == args.article:
                _show(r)
    for corpus, c in counts(records).items():
        print(corpus, json.dumps(c, ensure_ascii=False))
    tot_q = sum(len(r["quotes"]) for r in records)
    tot_c = sum(len(r["claims"]) for r in records)
    print(f"total: {len(records)} articles, {tot_q} quotes, {tot_c} claims, {len(errs)} errors")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
