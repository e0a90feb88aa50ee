#!/usr/bin/env python3
"""Evaluate a shipped NER model with conlleval (phrase-level exact match).

    python training/ner/evaluate.py --lang nl                 # ned.testa
    python training/ner/evaluate.py --lang en --split dev
    python training/ner/evaluate.py --lang nl --model /tmp/x.npz

Uses only the inference code (tijdlijn.entities.ner, numpy) – no torch.
Also reports tokens/second (single thread) and model load time.
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))

import data  # noqa: E402
from conlleval import evaluate, report  # noqa: E402

_spec = importlib.util.spec_from_file_location("tijdlijn_ner", ROOT / "src" / "tijdlijn" / "entities" / "ner.py")
ner = importlib.util.module_from_spec(_spec)
sys.modules["tijdlijn_ner"] = ner
_spec.loader.exec_module(ner)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", required=True, choices=["nl", "en"])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--split", default="dev", choices=["dev", "test", "train"])
    ap.add_argument("--model", default="", help="model file (default: the shipped one)")
    ap.add_argument("--no-doc-consistency", action="store_true")
    ap.add_argument("--sentence-level", action="store_true",
                    help="tag every sentence on its own (no document context)")
    args = ap.parse_args(argv)
    docs = data.load(args.lang, Path(args.data), args.split)
    path = Path(args.model) if args.model else ner.model_path(args.lang)
    t = time.time()
    tagger = ner.NerTagger(path, args.lang)
    load = time.time() - t
    if args.no_doc_consistency:
        tagger.doc_consistency = False
    gold, pred = [], []
    t = time.time()
    for d in docs:
        toks = [tk for tk, _ in d]
        if args.sentence_level:
            p = [tagger.tag(s) for s in toks]
        else:
            p = tagger.tag_sentences(toks)
        gold.extend(tags for _, tags in d)
        pred.extend(p)
    dt = time.time() - t
    ntok = sum(map(len, gold))
    print("model %s (%.1f MB), loaded in %.2fs" % (path, path.stat().st_size / 1e6, load))
    print("tagged %d tokens in %.1fs: %.0f tokens/s" % (ntok, dt, ntok / dt))
    print(report(evaluate(gold, pred)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
