"""Smoke checks and throughput for the HeidelTime peer.

    python3 bench/heideltime/bench_heideltime.py verify
    taskset -c 0 python3 bench/heideltime/bench_heideltime.py speed --n 100

Runs from any Python (stdlib only); needs bench/heideltime/setup.sh to have run.
"""

from __future__ import annotations

import argparse
import glob
import html
import json
import re
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # keep __pycache__ out of the work tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from client import HeidelTime, align_timeml, available  # noqa: E402

SHARED = Path("/work/shared")
NL_EXAMPLE = SHARED / "examples" / "is-audio-2018-08.nl.txt"
TIMEBANK = SHARED / "data" / "tempeval3" / "TBAQ-cleaned" / "TimeBank"
DPG = SHARED / "data" / "dpgmedia2019-nl" / "articles-dev.jsonl"


def read_nl_example():
    raw = NL_EXAMPLE.read_text(encoding="utf-8")
    m = re.match(r"\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\s*", raw)
    # month-only header "date 2018-08" -> DCT 2018-08-01 (HeidelTime needs a full day)
    return raw[m.end():], m.group(1)


def read_timebank(path):
    """Plain text of <TEXT> (tags stripped, entities unescaped), DCT, gold (start,end,value)."""
    tml = Path(path).read_text(encoding="utf-8")
    dct = re.search(r'<TIMEX3[^>]*functionInDocument="CREATION_TIME"[^>]*>', tml)
    dct = re.search(r'value="([^"]+)"', dct.group(0)).group(1)
    body = re.search(r"<TEXT>(.*?)</TEXT>", tml, re.DOTALL).group(1)
    plain, gold, pos, stack = [], [], 0, []
    for tok in re.split(r"(<[^>]+>)", body):
        if tok.startswith("<"):
            if tok.startswith("<TIMEX3"):
                stack.append((pos, re.search(r'value="([^"]*)"', tok).group(1)))
            elif tok.startswith("</TIMEX3"):
                s, v = stack.pop()
                gold.append((s, pos, v))
            continue
        t = html.unescape(tok)
        plain.append(t)
        pos += len(t)
    return "".join(plain), dct[:10], gold


def check_spans(text, spans):
    bad = [s for s in spans if text[s["start"]:s["end"]] != s["text"] or not s["text"].strip()]
    return len(bad)


def cmd_verify(args):
    out = {}
    # synthetic alignment checks for escaped / whitespace-altered TimeML
    t = "A & B <x> op 3 mei 2018  en\n\nmorgen."
    tml = ('<?xml version="1.0"?>\n<!DOCTYPE TimeML SYSTEM "TimeML.dtd">\n<TimeML>\n'
           'A &amp; B &lt;x&gt; op <TIMEX3 tid="t1" type="DATE" value="2018-05-03">3 mei 2018</TIMEX3> en '
           '<TIMEX3 tid="t2" type="DATE" value="2018-05-04" mod="START">morgen</TIMEX3>.\n</TimeML>\n')
    al = align_timeml(tml, t)
    assert [t[a["start"]:a["end"]] for a in al] == ["3 mei 2018", "morgen"], al
    out["synthetic_alignment"] = "ok"

    text, month = read_nl_example()
    with HeidelTime("nl", pos_tagger=True) as ht:
        spans = ht.tag(text, month)
        out["nl_example"] = {"dct": month, "n": len(spans), "bad_offsets": check_spans(text, spans),
                             "errors": ht.errors, "stats": dict(ht.stats), "timexes": spans}
    with HeidelTime("nl", pos_tagger=False) as ht:
        spans = ht.tag(text, month)
        out["nl_example_nopos"] = {"n": len(spans), "bad_offsets": check_spans(text, spans),
                                   "timexes": [(s["text"], s["value"]) for s in spans]}
    files = sorted(glob.glob(str(TIMEBANK / "*.tml")))[: args.tb]
    with HeidelTime("en", pos_tagger=True) as ht:
        tb = []
        for f in files:
            text, dct, gold = read_timebank(f)
            spans = ht.tag(text, dct)
            sys_spans = {(s["start"], s["end"]) for s in spans}
            gold_spans = {(s, e) for s, e, _ in gold}
            tb.append({"file": Path(f).name, "dct": dct, "n_sys": len(spans), "n_gold": len(gold),
                       "strict_span_match": len(sys_spans & gold_spans),
                       "bad_offsets": check_spans(text, spans),
                       "sample": [(s["text"], s["type"], s["value"], s["mod"]) for s in spans[:8]]})
        out["timebank"] = tb
        out["timebank_errors"] = ht.errors
        out["timebank_stats"] = dict(ht.stats)
    # robustness: error path must not kill the server
    with HeidelTime("nl", pos_tagger=False) as ht:
        ok1 = ht.tag("Gisteren 😀 & <b>morgen</b>.", "2019-02-12")
        bad = ht.tag("Gisteren.", "not-a-date")
        ok2 = ht.tag("Volgende week maandag.", "2019-02")
        out["robustness"] = {"emoji_and_markup": ok1, "bad_dct": bad, "after_error": ok2,
                             "errors": ht.errors}
    print(json.dumps(out, indent=1, ensure_ascii=False))


def cmd_speed(args):
    docs = []
    with open(DPG, encoding="utf-8") as fh:
        for line in fh:
            if len(docs) >= args.n:
                break
            d = json.loads(line)
            docs.append((d["text"], d["published_at"]))
    chars = sum(len(t) for t, _ in docs)
    results = []
    for pos in ([True, False] if args.pos == "both" else [args.pos == "yes"]):
        with HeidelTime("nl", pos_tagger=pos) as ht:
            for p in range(args.passes):
                t0 = time.perf_counter()
                n_timex = 0
                for text, dct in docs:
                    spans = ht.tag(text, dct)
                    n_timex += len(spans)
                    assert check_spans(text, spans) == 0
                el = time.perf_counter() - t0
                results.append({"pos_tagger": pos, "pass": p + 1, "docs": len(docs), "chars": chars,
                                "startup_s": round(ht.startup_seconds, 2), "seconds": round(el, 2),
                                "docs_per_s": round(len(docs) / el, 2), "timexes": n_timex,
                                "errors": len(ht.errors), "stats": dict(ht.stats)})
    print(json.dumps(results, indent=1))


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    v = sub.add_parser("verify")
    v.add_argument("--tb", type=int, default=3)
    s = sub.add_parser("speed")
    s.add_argument("--n", type=int, default=100)
    s.add_argument("--pos", choices=["yes", "no", "both"], default="both")
    s.add_argument("--passes", type=int, default=1,
                   help="repeat the same documents; pass 1 includes JIT warm-up")
    args = ap.parse_args()
    if not available():
        print("HeidelTime peer not installed (run bench/heideltime/setup.sh); skipping")
        return
    {"verify": cmd_verify, "speed": cmd_speed}[args.cmd](args)


if __name__ == "__main__":
    main()
