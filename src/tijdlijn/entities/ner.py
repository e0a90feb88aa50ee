"""Named-entity recognition (PER, ORG, LOC, MISC) for Dutch and English.

Inference only.  Each model file (``models/ner/ner-<lang>.npz``) holds an
ensemble of a feature-rich CRF (trained with CRFsuite) and a char-CNN +
BiLSTM-CRF (trained with torch), both exported to plain numpy arrays (see
``training/ner/`` and ``models/ner/MODEL_CARD.md``).  Their scores are added
and decoded with a constrained Viterbi here, so the only runtime dependency
is numpy.  Set ``OPENBLAS_NUM_THREADS=1`` for best throughput.

Usage::

    tagger = load_tagger("nl")
    tagger.tag(["Jan", "woont", "in", "Gent", "."])
    # ['B-PER', 'O', 'O', 'B-LOC', 'O']
    tagger.tag_sentences(sentences_of_one_document)

``tag_sentences`` treats its input as ONE document: it uses document-level
features (how a word is written elsewhere in the document) and applies
document-level label consistency (the same name gets the same type).
"""

from __future__ import annotations

import functools
import json
import re
import threading
import zipfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np

__all__ = [
    "ModelMissingError",
    "NerTagger",
    "FeatureExtractor",
    "load_tagger",
    "model_path",
    "spans_from_iob",
    "SUPPORTED_LANGS",
]

SUPPORTED_LANGS = ("nl", "en")
MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "ner"
FORMAT_VERSION = 1


class ModelMissingError(RuntimeError):
    """The NER model file for a language is missing or unreadable."""


def model_path(lang: str) -> Path:
    return MODEL_DIR / f"ner-{lang}.npz"


# --------------------------------------------------------------------------
# resources / (de)serialisation helpers
# --------------------------------------------------------------------------

def _pack_strings(strings: Iterable[str]) -> np.ndarray:
    """Pack a list of strings (without newlines) into a uint8 array."""
    data = "\n".join(strings).encode("utf-8")
    return np.frombuffer(data, dtype=np.uint8)


def _unpack_strings(arr: np.ndarray) -> list[str]:
    if arr.size == 0:
        return []
    return arr.tobytes().decode("utf-8").split("\n")


_SHAPE_TABLE: dict[str, str] = {}


def word_shape(w: str) -> str:
    """Compressed word shape: 'Jan-Peter' -> 'Xx-Xx', '1996' -> 'd'."""
    out = []
    prev = ""
    for ch in w:
        if ch.isupper():
            c = "X"
        elif ch.islower():
            c = "x"
        elif ch.isdigit():
            c = "d"
        else:
            c = ch
        if c != prev:
            out.append(c)
            prev = c
    return "".join(out)


_PUNCT_RE = re.compile(r"^\W+$")


class FeatureExtractor:
    """Turns a document (list of token lists) into CRF attribute lists.

    ``resources`` holds everything learned from unlabelled text or taken
    from gazetteers:

    * ``clusters``: word -> tuple of cluster ids (coarse .. fine)
    * ``lcstat``:   lowercased word -> bucket of how often it is written in
      lower case in running text ('L' mostly lower, 'M' mixed, 'C' mostly
      capitalised)
    * ``gazetteer``: tuple(tokens) -> gazetteer type
    * ``lexicon``:  lowercased word -> 'l' (a lower-case dictionary word),
      'c' (only in the dictionary capitalised, i.e. a proper name), 'b' (both)
    """

    def __init__(
        self,
        clusters: dict[str, tuple[str, ...]] | None = None,
        lcstat: dict[str, str] | None = None,
        gazetteer: dict[tuple[str, ...], str] | None = None,
        options: dict | None = None,
        lexicon: dict[str, str] | None = None,
        names: dict[tuple[str, ...], str] | None = None,
    ) -> None:
        self.clusters = clusters or {}
        self.lexicon = lexicon or {}
        self.lcstat = lcstat or {}
        self.gazetteer = gazetteer or {}
        self.gaz_maxlen = max((len(k) for k in self.gazetteer), default=0)
        # names seen in the labelled training data -> their majority type
        self.names = names or {}
        self.names_maxlen = max((len(k) for k in self.names), default=0)
        self.options = dict(options or {})
        self.use_doc = bool(self.options.get("doc_features", True))
        self._cache: dict[str, tuple[list[str], dict]] = {}
        self._lock = threading.Lock()

    # -- word-level (context-free) features, cached ------------------------
    def _word(self, w: str) -> tuple[list[str], dict]:
        hit = self._cache.get(w)
        if hit is not None:
            return hit
        lw = w.lower()
        shape = word_shape(w)
        feats = [
            "w=" + w,
            "l=" + lw,
            "sh=" + shape[:6],
            "p1=" + w[:1],
            "p2=" + w[:2],
            "p3=" + lw[:3],
            "p4=" + lw[:4],
            "s1=" + lw[-1:],
            "s2=" + lw[-2:],
            "s3=" + lw[-3:],
            "s4=" + lw[-4:],
            "s5=" + lw[-5:],
        ]
        title = w[:1].isupper()
        upper = w.isupper()
        if title:
            feats.append("T")
        if upper and len(w) > 1:
            feats.append("U")
        if any(c.isdigit() for c in w):
            feats.append("D")
        if "-" in w:
            feats.append("H")
        if "." in w and len(w) > 1:
            feats.append("P")
        if "'" in w and len(w) > 1:
            feats.append("A")
        if _PUNCT_RE.match(w):
            feats.append("PU")
        ln = len(w)
        feats.append("len=%d" % (ln if ln < 8 else 8))
        lc = self.lcstat.get(lw)
        if lc is None:
            lc = "?"
        feats.append("lc=" + lc)
        if title:
            feats.append("Tlc=" + lc)
        if self.lexicon:
            lx = self.lexicon.get(lw, "-")
            feats.append("lx=" + lx)
            if title:
                feats.append("Tlx=" + lx + lc)
        cl = self.clusters.get(w)
        if cl is None:
            cl = self.clusters.get(lw)
        if cl is not None:
            for i, c in enumerate(cl):
                feats.append("c%d=%s" % (i, c))
        # short descriptors used by the neighbours
        desc = {
            "l": lw,
            "sh": shape[:6],
            "c": cl[0] if cl else "-",
            "c2": cl[-1] if cl else "-",
            "T": "T" if title else ("U" if upper else "x"),
            "lc": lc,
        }
        res = (feats, desc)
        if len(self._cache) < 500_000:
            self._cache[w] = res
        return res

    # -- gazetteer ---------------------------------------------------------
    def _gaz(self, toks: Sequence[str]) -> list[str | None]:
        return self._match(toks, self.gazetteer, self.gaz_maxlen)

    @staticmethod
    def _match(toks: Sequence[str], gz: dict, maxlen: int) -> list[str | None]:
        """Longest-match lookup of capitalised token sequences -> B-/I- tags."""
        n = len(toks)
        out: list[str | None] = [None] * n
        if not gz:
            return out
        i = 0
        while i < n:
            if not toks[i][:1].isupper():
                i += 1
                continue
            best = 0
            btype = None
            for L in range(min(maxlen, n - i), 0, -1):
                t = gz.get(tuple(toks[i : i + L]))
                if t is not None:
                    best, btype = L, t
                    break
            if best:
                out[i] = "B-" + btype
                for j in range(i + 1, i + best):
                    out[j] = "I-" + btype
                i += best
            else:
                i += 1
        return out

    # -- document ------------------------------------------------------------
    def _doc_stats(self, doc: Sequence[Sequence[str]]) -> tuple[Counter, Counter]:
        """How each word is written elsewhere in the document: capitalised at a
        non-initial position (``cap_mid``) or lower-case (``low_any``). Both the CRF and
        the network use them; the last document's statistics are reused."""
        key = tuple(map(tuple, doc))
        cached = getattr(self, "_stats_cache", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        cap_mid: Counter = Counter()
        low_any: Counter = Counter()
        if self.use_doc:
            for sent in doc:
                for i, w in enumerate(sent):
                    if not w[:1].isalpha():
                        continue
                    lw = w.lower()
                    if w[:1].isupper():
                        if i > 0 and not sent[i - 1] in ('"', "'", ":", "``", "(", "-"):
                            cap_mid[lw] += 1
                    else:
                        low_any[lw] += 1
        self._stats_cache = (key, (cap_mid, low_any))
        return cap_mid, low_any

    def doc_features(self, doc: Sequence[Sequence[str]], split: bool = False) -> list[list]:
        """CRF attributes per token.  With ``split=True`` each token gives
        ``(word, context_attributes)``; the full attribute list is then
        ``["b"] + word_attributes(word) + context_attributes``."""
        # document statistics: how is each word written at non-initial
        # positions elsewhere in the document?
        cap_mid, low_any = self._doc_stats(doc)
        out = []
        for sent in doc:
            out.append(self._sent_features(sent, cap_mid, low_any, split))
        return out

    def word_attributes(self, w: str) -> list[str]:
        return self._word(w)[0]

    def _sent_features(self, sent: Sequence[str], cap_mid: Counter, low_any: Counter, split: bool = False) -> list:
        n = len(sent)
        words = [self._word(w) for w in sent]
        descs = [d for _, d in words]
        gaz = self._gaz(sent)
        ng = self._match(sent, self.names, self.names_maxlen) if self.names else None
        allcaps = n > 2 and all(not w[:1].isalpha() or w.isupper() for w in sent)
        pad = {"l": "<S>", "sh": "<S>", "c": "<S>", "c2": "<S>", "T": "<S>", "lc": "<S>"}
        padE = {"l": "</S>", "sh": "</S>", "c": "</S>", "c2": "</S>", "T": "</S>", "lc": "</S>"}
        res = []
        use_doc = self.use_doc
        for i in range(n):
            w = sent[i]
            f: list[str] = []
            d0 = descs[i]
            dm1 = descs[i - 1] if i >= 1 else pad
            dm2 = descs[i - 2] if i >= 2 else pad
            dp1 = descs[i + 1] if i + 1 < n else padE
            dp2 = descs[i + 2] if i + 2 < n else padE
            if i == 0:
                f.append("BOS")
                f.append("BOS_T=" + d0["T"])
            if i == n - 1:
                f.append("EOS")
            if allcaps:
                f.append("ALLCAPS")
            f.append("-1l=" + dm1["l"])
            f.append("-2l=" + dm2["l"])
            f.append("+1l=" + dp1["l"])
            f.append("+2l=" + dp2["l"])
            f.append("-1sh=" + dm1["sh"])
            f.append("+1sh=" + dp1["sh"])
            f.append("-2sh=" + dm2["sh"])
            f.append("+2sh=" + dp2["sh"])
            f.append("-1c=" + dm1["c"])
            f.append("+1c=" + dp1["c"])
            f.append("-1c2=" + dm1["c2"])
            f.append("+1c2=" + dp1["c2"])
            f.append("-1T=" + dm1["T"] + d0["T"])
            f.append("+1T=" + d0["T"] + dp1["T"])
            f.append("-1+1T=" + dm1["T"] + d0["T"] + dp1["T"])
            f.append("-1lc=" + dm1["lc"])
            f.append("+1lc=" + dp1["lc"])
            f.append("-1l0=" + dm1["l"] + "|" + d0["l"])
            f.append("+1l0=" + d0["l"] + "|" + dp1["l"])
            f.append("-2-1l=" + dm2["l"] + "|" + dm1["l"])
            g = gaz[i]
            if g is not None:
                f.append("gz=" + g)
            if i > 0 and gaz[i - 1] is not None:
                f.append("-1gz=" + gaz[i - 1])
            if i + 1 < n and gaz[i + 1] is not None:
                f.append("+1gz=" + gaz[i + 1])
            if ng is not None:
                if ng[i] is not None:
                    f.append("ng=" + ng[i])
                if i > 0 and ng[i - 1] is not None:
                    f.append("-1ng=" + ng[i - 1])
                if i + 1 < n and ng[i + 1] is not None:
                    f.append("+1ng=" + ng[i + 1])
            if use_doc and w[:1].isupper():
                lw = d0["l"]
                cm = cap_mid.get(lw, 0)
                la = low_any.get(lw, 0)
                f.append("dc=%s%s" % ("C" if cm > (1 if i > 0 else 0) else "c", "L" if la else "l"))
            res.append((w, f) if split else ["b"] + words[i][0] + f)
        return res


    # -- inputs of the neural (BiLSTM-CRF) model ------------------------------
    def nn_inputs(self, doc: Sequence[Sequence[str]]) -> list[list[tuple[str, ...]]]:
        """Per token: (word_key, casing, lcstat, lexicon, gazetteer, doc, c0, c1, c2)."""
        cap_mid, low_any = self._doc_stats(doc)
        out = []
        clusters, lcstat, lexicon = self.clusters, self.lcstat, self.lexicon
        for sent in doc:
            gaz = self._gaz(sent)
            row = []
            for i, w in enumerate(sent):
                lw = w.lower()
                cl = clusters.get(w) or clusters.get(lw) or ("-", "-", "-")
                if len(cl) < 3:
                    cl = tuple(cl) + ("-",) * (3 - len(cl))
                if w[:1].isupper() and self.use_doc:
                    cm = cap_mid.get(lw, 0)
                    la = low_any.get(lw, 0)
                    dc = ("C" if cm > (1 if i > 0 else 0) else "c") + ("L" if la else "l")
                else:
                    dc = "-"
                row.append((
                    word_key(w),
                    casing(w) + ("0" if i == 0 else ""),
                    lcstat.get(lw, "?"),
                    lexicon.get(lw, "-"),
                    gaz[i] or "-",
                    dc,
                    cl[0], cl[1], cl[2],
                ))
            out.append(row)
        return out


_DIGIT_RE = re.compile(r"\d")


def word_key(w: str) -> str:
    return _DIGIT_RE.sub("0", w.lower())


def casing(w: str) -> str:
    if not any(c.isalnum() for c in w):
        return "p"
    if w.isdigit():
        return "n"
    if any(c.isdigit() for c in w):
        return "d"
    if w.islower():
        return "l"
    if w.isupper():
        return "U" if len(w) > 1 else "u"
    if w[:1].isupper():
        return "T" if w[1:].islower() else "M"
    return "m"


# --------------------------------------------------------------------------
# entity spans
# --------------------------------------------------------------------------

def spans_from_iob(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """IOB2 tags -> list of (start, end_exclusive, type); tolerant of I- starts."""
    spans = []
    start = None
    typ = None
    for i, t in enumerate(list(tags) + ["O"]):
        if t == "O" or t.startswith("B-") or (t.startswith("I-") and t[2:] != typ):
            if start is not None:
                spans.append((start, i, typ))
                start, typ = None, None
            if t != "O":
                start, typ = i, t[2:]
    return spans


# --------------------------------------------------------------------------
# tagger
# --------------------------------------------------------------------------

NN_FEATURES = ("casing", "lcstat", "lexicon", "gaz", "doc", "c0", "c1", "c2")


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * x) + 1.0)


class _BiLstmNet:
    """numpy forward pass of the char-CNN + BiLSTM emission network."""

    def __init__(self, z, meta: dict, prefix: str = "") -> None:
        f32 = lambda k: np.ascontiguousarray(z[prefix + k], dtype=np.float32)  # noqa: E731
        self.word_index = {w: i for i, w in enumerate(_unpack_strings(z[prefix + "v_word"]))}
        self.char_index = {c: i for i, c in enumerate(_unpack_strings(z[prefix + "v_char"]))}
        self.E_word = f32("E_word")
        self.E_char = f32("E_char")
        self.feat_index = []
        self.E_feat = []
        for k in range(len(NN_FEATURES)):
            self.feat_index.append({v: i for i, v in enumerate(_unpack_strings(z[prefix + "v_f%d" % k]))})
            self.E_feat.append(f32("E_f%d" % k))
        self.conv_w = f32("conv_w")  # [F, C, K]
        self.conv_b = f32("conv_b")
        F, C, K = self.conv_w.shape
        self.K = K
        self.conv_mat = np.ascontiguousarray(self.conv_w.transpose(2, 1, 0).reshape(K * C, F))
        self.lstm = {}
        H = f32("lstm_f_Whh").shape[1]
        # torch gate order is (i, f, g, o); reorder to (i, f, o, g) so that one
        # sigmoid covers the first 3H columns and one tanh the last H
        perm = np.concatenate([np.arange(0, 2 * H), np.arange(3 * H, 4 * H), np.arange(2 * H, 3 * H)])
        for d in ("f", "b"):
            self.lstm[d] = (
                np.ascontiguousarray(f32("lstm_%s_Wih" % d)[perm].T),
                np.ascontiguousarray(f32("lstm_%s_Whh" % d)[perm].T),
                np.ascontiguousarray(f32("lstm_%s_b" % d)[perm]),
            )
        self.H = H
        self.out_W = np.ascontiguousarray(f32("out_W").T)
        self.out_b = f32("out_b")
        self.max_word_len = int(meta.get("max_word_len", 20))
        self.prefix = prefix
        self._char_cache: dict[str, np.ndarray] = {}

    def _char_vec(self, w: str) -> np.ndarray:
        v = self._char_cache.get(w)
        if v is not None:
            return v
        ci = self.char_index
        ids = [1] + [ci.get(c, 0) for c in w[: self.max_word_len]] + [1]  # 1 = boundary pad
        K = self.K
        if len(ids) < K:
            ids = ids + [2] * (K - len(ids))  # 2 = filler pad
        X = self.E_char[np.asarray(ids)]  # [n, C]
        n = X.shape[0] - K + 1
        win = np.concatenate([X[j : j + n] for j in range(K)], axis=1)  # [n, K*C]
        h = win @ self.conv_mat + self.conv_b
        v = h.max(axis=0)
        if len(self._char_cache) < 200_000:
            self._char_cache[w] = v
        return v

    def _run_lstm(self, feats: np.ndarray, lengths: list[int], starts: list[int], d: str) -> np.ndarray:
        """feats: [N_tokens, D] (sentences concatenated, ``lengths`` sorted in
        descending order); returns hidden states [N_tokens, H] in the same
        token order.  Only still-active sentences are computed at each step."""
        Wih, Whh, b = self.lstm[d]
        H = self.H
        B, T = len(lengths), lengths[0]
        Gf = feats @ Wih + b  # unpadded input projection
        # time-major gather index: step t of sentence i (reversed for 'b')
        G = np.zeros((T, B, 4 * H), dtype=np.float32)
        out_idx = []
        for i, (L, st) in enumerate(zip(lengths, starts)):
            tok = np.arange(st, st + L) if d == "f" else np.arange(st + L - 1, st - 1, -1)
            G[:L, i] = Gf[tok]
            out_idx.append(tok)
        active = np.array([sum(1 for L in lengths if L > t) for t in range(T)])
        h = np.zeros((B, H), dtype=np.float32)
        c = np.zeros((B, H), dtype=np.float32)
        hs = np.zeros((T, B, H), dtype=np.float32)
        H2, H3 = 2 * H, 3 * H
        for t in range(T):
            na = active[t]
            hh = h[:na]
            g = G[t, :na] + hh @ Whh
            sg = _sigmoid(g[:, :H3])
            cc = sg[:, H:H2] * c[:na] + sg[:, :H] * np.tanh(g[:, H3:])
            hh = sg[:, H2:H3] * np.tanh(cc)
            c[:na] = cc
            h[:na] = hh
            hs[t, :na] = hh
        out = np.empty((feats.shape[0], H), dtype=np.float32)
        for i, (L, tok) in enumerate(zip(lengths, out_idx)):
            out[tok] = hs[:L, i]
        return out

    def emissions(self, sents: list[list[str]], inputs: list[list[tuple[str, ...]]]) -> list[np.ndarray]:
        order = sorted(range(len(sents)), key=lambda i: -len(sents[i]))
        sents = [sents[i] for i in order]
        inputs = [inputs[i] for i in order]
        lengths = [len(s) for s in sents]
        starts = []
        p = 0
        for L in lengths:
            starts.append(p)
            p += L
        wi = self.word_index
        rows = [tup for inp in inputs for tup in inp]
        n = len(rows)
        parts = [self.E_word[np.fromiter((wi.get(r[0], 1) for r in rows), dtype=np.int64, count=n)]]
        parts.append(np.stack([self._char_vec(w) for s in sents for w in s]))
        for k in range(len(NN_FEATURES)):
            idx = self.feat_index[k]
            parts.append(self.E_feat[k][np.fromiter((idx.get(r[k + 1], 0) for r in rows), dtype=np.int64, count=n)])
        feats = np.concatenate(parts, axis=1)
        hf = self._run_lstm(feats, lengths, starts, "f")
        hb = self._run_lstm(feats, lengths, starts, "b")
        E = np.concatenate([hf, hb], axis=1) @ self.out_W + self.out_b
        res: list = [None] * len(sents)
        for i, L, st in zip(order, lengths, starts):
            res[i] = E[st : st + L]
        return res


class NerTagger:
    """IOB2 named-entity tagger: CRF or BiLSTM-CRF, decoded with numpy."""

    def __init__(self, path: Path, lang: str = "") -> None:
        self.lang = lang
        self.path = Path(path)
        try:
            with open(self.path, "rb") as fh:
                if fh.read(2) != b"PK":
                    raise ValueError("not an .npz (zip) archive")
            with np.load(self.path, allow_pickle=False) as z:
                meta = json.loads(bytes(z["meta"]).decode("utf-8"))
                if int(meta.get("format", 0)) != FORMAT_VERSION:
                    raise ValueError("unsupported model format %r" % meta.get("format"))
                self.kind = meta.get("kind", "crf")
                self.labels: list[str] = list(meta["labels"])
                cl_words = _unpack_strings(z["cl_words"])
                cl_ids = z["cl_ids"]
                lc_words = _unpack_strings(z["lc_words"])
                lc_vals = _unpack_strings(z["lc_vals"])
                gz_entries = _unpack_strings(z["gz"])
                ng_entries = _unpack_strings(z["ng"]) if "ng" in z.files else []
                if "lx_words" in z.files:
                    lexicon = dict(zip(_unpack_strings(z["lx_words"]), _unpack_strings(z["lx_vals"])))
                else:
                    lexicon = {}
                self.T = np.ascontiguousarray(z["T"], dtype=np.float32)
                L = len(self.labels)
                self.start = np.ascontiguousarray(z["start"], dtype=np.float32) if "start" in z.files else np.zeros(L, np.float32)
                self.end = np.ascontiguousarray(z["end"], dtype=np.float32) if "end" in z.files else np.zeros(L, np.float32)
                # optional per-label score offset (tuned on dev, e.g. towards ORG)
                self.bias = np.ascontiguousarray(z["bias"], dtype=np.float32) if "bias" in z.files else None
                if self.bias is not None and self.bias.shape != (L,):
                    raise ValueError("bias shape does not match")
                if self.kind not in ("crf", "bilstm", "ensemble"):
                    raise ValueError("unknown model kind %r" % self.kind)
                self.W = None
                self.nets: list[_BiLstmNet] = []
                if self.kind in ("crf", "ensemble"):
                    attrs = _unpack_strings(z["attrs"])
                    self.W = np.ascontiguousarray(z["W"], dtype=np.float32)
                    if self.W.shape != (len(attrs), L):
                        raise ValueError("weight shapes do not match")
                    self.attr_index: dict[str, int] = {a: i for i, a in enumerate(attrs)}
                if self.kind in ("bilstm", "ensemble"):
                    # for an ensemble the exported weights are pre-scaled, so
                    # the emission scores of the two parts are simply added
                    self.nets = [_BiLstmNet(z, meta, p) for p in meta.get("nets", [""])]
        except FileNotFoundError as exc:
            raise ModelMissingError(_missing_msg(lang, self.path, "file not found")) from exc
        except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile, UnicodeDecodeError,
                json.JSONDecodeError, EOFError) as exc:
            raise ModelMissingError(_missing_msg(lang, self.path, "file is corrupt: %s" % exc)) from exc
        if self.T.shape != (L, L):
            raise ModelMissingError(_missing_msg(lang, self.path, "transition shape does not match"))
        self.meta = meta
        self._static_cache: dict[str, np.ndarray] = {}
        n_levels = cl_ids.shape[1] if cl_ids.ndim == 2 else 0
        clusters = {
            w: tuple("%x" % v for v in row) for w, row in zip(cl_words, cl_ids.tolist())
        } if n_levels else {}
        lcstat = dict(zip(lc_words, lc_vals))
        gazetteer: dict[tuple[str, ...], str] = {}
        for e in gz_entries:
            typ, _, name = e.partition("\t")
            gazetteer[tuple(name.split(" "))] = typ
        names: dict[tuple[str, ...], str] = {}
        for e in ng_entries:
            typ, _, name = e.partition("\t")
            names[tuple(name.split(" "))] = typ
        self.features = FeatureExtractor(clusters, lcstat, gazetteer, meta.get("options", {}), lexicon, names)
        self.doc_consistency = bool(meta.get("options", {}).get("doc_consistency", True))
        # "hard": majority vote over predicted types; "soft": names predicted
        # with conflicting types get the type with the highest summed
        # posterior probability over their occurrences
        self.consistency_mode = str(meta.get("consistency_mode", "hard"))
        # transitions that are invalid in IOB2 (O -> I-X, B-X -> I-Y, ...)
        self._start = self.start.copy()
        for j, lab in enumerate(self.labels):
            if lab.startswith("I-"):
                self._start[j] = -1e4
        self._T = self.T.copy()
        for i, a in enumerate(self.labels):
            for j, b in enumerate(self.labels):
                if b.startswith("I-") and not (a[2:] == b[2:] and a != "O"):
                    self._T[i, j] = -1e4

    # -- scoring -------------------------------------------------------------
    def _static(self, w: str) -> np.ndarray:
        """Summed CRF weights of the context-free attributes of a word (cached)."""
        v = self._static_cache.get(w)
        if v is None:
            idx = self.attr_index
            ks = [k for k in (idx.get(a) for a in ["b"] + self.features.word_attributes(w)) if k is not None]
            v = self.W[ks].sum(axis=0) if ks else np.zeros(len(self.labels), np.float32)
            if len(self._static_cache) < 300_000:
                self._static_cache[w] = v
        return v

    def _crf_emissions(self, feats: list) -> np.ndarray:
        idx = self.attr_index
        flat: list[int] = []
        offsets: list[int] = []
        for _, fl in feats:
            offsets.append(len(flat))
            for a in fl:
                k = idx.get(a)
                if k is not None:
                    flat.append(k)
        n = len(feats)
        em = np.stack([self._static(w) for w, _ in feats])
        if not flat:
            return em
        rows = self.W[np.asarray(flat, dtype=np.int64)]
        offs = np.asarray(offsets, dtype=np.int64)
        nonempty = np.empty(n, dtype=bool)
        nonempty[:-1] = offs[1:] > offs[:-1]
        nonempty[-1] = offs[-1] < len(flat)
        if nonempty.all():
            em += np.add.reduceat(rows, offs, axis=0)
        else:
            em[nonempty] += np.add.reduceat(rows, offs[nonempty], axis=0)
        return em

    def emissions(self, sents: list[list[str]]) -> list[np.ndarray]:
        """Per-sentence emission score matrices [n_tokens, n_labels] (one document)."""
        nonempty = [s for s in sents if s]
        if not nonempty:
            return [np.zeros((0, len(self.labels)), np.float32) for _ in sents]
        ems: list = [None] * len(nonempty)
        if self.W is not None:
            feats = self.features.doc_features(nonempty, split=True)
            ems = [self._crf_emissions(f) for f in feats]
        if self.nets:
            inputs = self.features.nn_inputs(nonempty)
            # batch sentences of similar length together to limit padding
            order = sorted(range(len(nonempty)), key=lambda i: len(nonempty[i]))
            for a in range(0, len(order), 64):
                chunk = order[a : a + 64]
                for net in self.nets:
                    out = net.emissions([nonempty[i] for i in chunk], [inputs[i] for i in chunk])
                    for i, e in zip(chunk, out):
                        ems[i] = e if ems[i] is None else ems[i] + e
        if self.bias is not None:
            ems = [e + self.bias for e in ems]
        it = iter(ems)
        return [next(it) if s else np.zeros((0, len(self.labels)), np.float32) for s in sents]

    def marginals(self, ems: list[np.ndarray]) -> list[np.ndarray]:
        """Posterior label probabilities [n_tokens, n_labels] of each sentence."""
        return _marginals(ems, self._T, self._start, self.end)

    def _viterbi(self, em: np.ndarray) -> list[int]:
        n, L = em.shape
        T = self._T
        score = em[0] + self._start
        back = np.empty((n, L), dtype=np.int64)
        ar = np.arange(L)
        for t in range(1, n):
            cand = score[:, None] + T
            b = cand.argmax(axis=0)
            back[t] = b
            score = cand[b, ar] + em[t]
        score = score + self.end
        best = [int(score.argmax())]
        for t in range(n - 1, 0, -1):
            best.append(int(back[t, best[-1]]))
        best.reverse()
        return best

    # -- public API ------------------------------------------------------------
    def tag(self, tokens: list[str]) -> list[str]:
        """Tag one sentence (treated as a one-sentence document)."""
        return self.tag_sentences([tokens])[0]

    def tag_sentences(self, sentences: list[list[str]]) -> list[list[str]]:
        """Tag the sentences of ONE document (document-level features and
        label consistency are applied across them)."""
        sents = [[str(t) for t in s] for s in sentences]
        labels = self.labels
        out: list[list[str]] = []
        ems = self.emissions(sents)
        for sent, em in zip(sents, ems):
            if not sent:
                out.append([])
                continue
            out.append([labels[k] for k in self._viterbi(em)])
        if self.doc_consistency and len(sents) > 1:
            if self.consistency_mode == "soft":
                out = _soft_consistency(sents, out, lambda idx: self.marginals([ems[i] for i in idx]), labels)
            out = _doc_consistency(sents, out)
        return out


def _marginals(ems: list[np.ndarray], T: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[np.ndarray]:
    """Forward-backward posterior marginals of a linear-chain CRF for a batch of
    sentences (scaled, in probability space; all sentences advance together)."""
    if not ems:
        return []
    L = T.shape[0]
    B = len(ems)
    n_max = max(len(e) for e in ems)
    expT = np.exp(np.asarray(T, dtype=np.float64) - np.max(T))
    st = np.exp(np.asarray(start, dtype=np.float64) - np.max(start))
    en = np.exp(np.asarray(end, dtype=np.float64) - np.max(end))
    # E_left: sentences left-aligned (forward), E_right: right-aligned (backward)
    E_left = np.ones((n_max, B, L))
    E_right = np.ones((n_max, B, L))
    for b, e in enumerate(ems):
        e = np.asarray(e, dtype=np.float64)
        x = np.exp(e - e.max(axis=1, keepdims=True))
        E_left[: len(e), b] = x
        E_right[n_max - len(e) :, b] = x
    alpha = np.empty((n_max, B, L))
    a = st * E_left[0]
    alpha[0] = a = a / a.sum(axis=1, keepdims=True)
    for t in range(1, n_max):
        a = (a @ expT) * E_left[t]
        alpha[t] = a = a / a.sum(axis=1, keepdims=True)
    beta = np.empty((n_max, B, L))
    g = np.broadcast_to(en, (B, L)).copy()
    beta[n_max - 1] = g
    for t in range(n_max - 2, -1, -1):
        g = (E_right[t + 1] * g) @ expT.T
        beta[t] = g = g / g.sum(axis=1, keepdims=True)
    out = []
    for b, e in enumerate(ems):
        n = len(e)
        p = alpha[:n, b] * beta[n_max - n :, b]
        out.append(p / p.sum(axis=1, keepdims=True))
    return out


def _soft_consistency(sents: list[list[str]], tags: list[list[str]], marginals, labels: Sequence[str]) -> list[list[str]]:
    """Names (exact token sequences) predicted with more than one type in the
    document get the type with the highest summed posterior probability over
    all their predicted occurrences.  ``marginals(indices)`` returns the posterior
    label probabilities of those sentences; it is only called (once) for the
    sentences holding such a conflicting name."""
    spans_per_sent = [spans_from_iob(t) for t in tags]
    types_of: dict[tuple[str, ...], set] = defaultdict(set)
    for s, sp in zip(sents, spans_per_sent):
        for a, b, typ in sp:
            types_of[tuple(s[a:b])].add(typ)
    conflicts = {k for k, v in types_of.items() if len(v) > 1}
    if not conflicts:
        return tags
    types = sorted({lab[2:] for lab in labels if lab != "O"})
    li = {lab: i for i, lab in enumerate(labels)}
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    need = [i for i, (s, sp) in enumerate(zip(sents, spans_per_sent))
            if any(tuple(s[a:b]) in conflicts for a, b, _ in sp)]
    margs = dict(zip(need, marginals(need)))
    for i in need:
        s, sp, m = sents[i], spans_per_sent[i], margs[i]
        for a, b, _ in sp:
            key = tuple(s[a:b])
            if key not in conflicts:
                continue
            for typ in types:
                bi, ii = li.get("B-" + typ), li.get("I-" + typ)
                v = m[a, bi] + (m[a + 1 : b, ii].sum() if b - a > 1 else 0.0)
                votes[key][typ] += float(v) / (b - a)
    out = []
    for s, t, sp in zip(sents, tags, spans_per_sent):
        t = list(t)
        for a, b, typ in sp:
            key = tuple(s[a:b])
            if key in conflicts:
                best = votes[key].most_common(1)[0][0]
                if best != typ:
                    t[a] = "B-" + best
                    for k in range(a + 1, b):
                        t[k] = "I-" + best
        out.append(t)
    return out


def _doc_consistency(sents: list[list[str]], tags: list[list[str]]) -> list[list[str]]:
    """Document-level label consistency.

    1. the same name (exact token sequence) gets its majority type;
    2. a name that is part of a longer person name in the same document
       ('Verhofstadt' after 'Guy Verhofstadt') becomes PER as well.
    """
    votes: dict[tuple[str, ...], Counter] = defaultdict(Counter)
    spans_per_sent = []
    for s, t in zip(sents, tags):
        sp = spans_from_iob(t)
        spans_per_sent.append(sp)
        for a, b, typ in sp:
            votes[tuple(s[a:b])][typ] += 1
    out = []
    for s, t, sp in zip(sents, tags, spans_per_sent):
        t = list(t)
        for a, b, typ in sp:
            c = votes[tuple(s[a:b])]
            if len(c) > 1:
                best, nb = c.most_common(1)[0]
                if best != typ and nb > c[typ]:
                    t[a] = "B-" + best
                    for k in range(a + 1, b):
                        t[k] = "I-" + best
        out.append(t)
    # (2) sub-spans of longer person names
    longer = []
    for s, t in zip(sents, out):
        for a, b, typ in spans_from_iob(t):
            if b - a > 1:
                longer.append((tuple(s[a:b]), typ))
    if not longer:
        return out
    # every proper sub-sequence of a longer name -> the types of the names containing it
    # (an index, so this is linear in the document rather than quadratic)
    inside: dict[tuple, Counter] = {}
    for lk, lt in longer:
        subs = {tuple(lk[i:i + n]) for n in range(1, len(lk)) for i in range(len(lk) - n + 1)}
        for sub in subs:
            inside.setdefault(sub, Counter())[lt] += 1
    final = []
    for s, t in zip(sents, out):
        t = list(t)
        for a, b, typ in spans_from_iob(t):
            key = tuple(s[a:b])
            c = inside.get(key, Counter())
            if c:
                best, nb = c.most_common(1)[0]
                if best == "PER" and best != typ and nb > c[typ]:
                    t[a] = "B-PER"
                    for k in range(a + 1, b):
                        t[k] = "I-PER"
        final.append(t)
    return final


def _missing_msg(lang: str, path: Path, why: str) -> str:
    return (
        "NER model for language %r is unavailable (%s): %s. "
        "The model files ship inside the tijdlijn package; reinstall it "
        "(pip install --force-reinstall tijdlijn) or, from a source checkout, "
        "restore src/tijdlijn/models/ner/ (git checkout -- src/tijdlijn/models/ner) "
        "or retrain with training/ner/train.py." % (lang, why, path)
    )


_LOAD_LOCK = threading.Lock()


@functools.lru_cache(maxsize=None)
def _load_cached(lang: str, path: str) -> NerTagger:
    return NerTagger(Path(path), lang)


def load_tagger(lang: str) -> NerTagger:
    """Return the (cached) tagger for ``lang`` ('nl' or 'en').

    Raises ``ModelMissingError`` when the model file is missing or corrupt
    and ``ValueError`` for an unsupported language.
    """
    lang = (lang or "").lower().split("-")[0].split("_")[0]
    if lang not in SUPPORTED_LANGS:
        raise ValueError("no NER model for language %r (supported: %s)" % (lang, ", ".join(SUPPORTED_LANGS)))
    path = model_path(lang)
    if not path.is_file():
        raise ModelMissingError(_missing_msg(lang, path, "file not found"))
    with _LOAD_LOCK:
        return _load_cached(lang, str(path))
