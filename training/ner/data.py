"""Readers for the CoNLL-2002 (nl) / CoNLL-2003 (en) files and unlabelled text."""
from __future__ import annotations

import html
import json
import re
from pathlib import Path

Doc = list  # list of (tokens, tags) sentences

FILES = {
    "nl": ("conll2002-nl", "ned.train", "ned.testa", "ned.testb"),
    "en": ("conll2003-en", "eng.train", "eng.testa", "eng.testb"),
}


def iob1_to_iob2(tags: list[str]) -> list[str]:
    out = []
    prev = "O"
    for t in tags:
        if t.startswith("I-") and (prev == "O" or prev[2:] != t[2:]):
            t = "B-" + t[2:]
        out.append(t)
        prev = t
    return out


def read_conll(path: Path, iob1: bool) -> list[list[tuple[list[str], list[str]]]]:
    """-> list of documents, each a list of (tokens, IOB2 tags) sentences."""
    docs: list = []
    doc: list = []
    toks: list[str] = []
    tags: list[str] = []

    def flush_sent():
        nonlocal toks, tags
        if toks:
            doc.append((toks, iob1_to_iob2(tags) if iob1 else tags))
        toks, tags = [], []

    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if not parts:
                flush_sent()
                continue
            if parts[0] == "-DOCSTART-":
                flush_sent()
                if doc:
                    docs.append(doc)
                doc = []
                continue
            toks.append(parts[0])
            tags.append(parts[-1])
    flush_sent()
    if doc:
        docs.append(doc)
    return docs


def load(lang: str, data_dir: Path, split: str):
    sub, tr, dev, test = FILES[lang]
    name = {"train": tr, "dev": dev, "test": test}[split]
    return read_conll(Path(data_dir) / sub / name, iob1=(lang == "en"))


_TOK_RE = re.compile(
    r"\d+(?:[.,]\d+)*|[A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+(?:[-'’.][A-Za-zÀ-ÖØ-öø-ÿĀ-ž]+)*\.?|'s|[^\sA-Za-z0-9]"
)


def simple_tokenize(text: str) -> list[str]:
    toks = _TOK_RE.findall(text)
    # keep abbreviation dots only for short all-letter tokens ("dr.", "U.S.")
    out = []
    for t in toks:
        if t.endswith(".") and len(t) > 4 and "." not in t[:-1]:
            out.extend([t[:-1], "."])
        else:
            out.append(t)
    return out


def split_sentences(tokens: list[str]) -> list[list[str]]:
    sents, cur = [], []
    for t in tokens:
        cur.append(t)
        if t in (".", "!", "?"):
            sents.append(cur)
            cur = []
    if cur:
        sents.append(cur)
    return sents


def unlabelled_nl(data_dir: Path) -> list[list[str]]:
    """Sentences of unlabelled Dutch text: DpgMedia2019 articles + UD Dutch."""
    data_dir = Path(data_dir)
    sents: list[list[str]] = []
    p = data_dir / "dpgmedia2019-nl" / "articles-dev.jsonl"
    if p.exists():
        for line in p.open(encoding="utf-8"):
            rec = json.loads(line)
            sents.append(simple_tokenize(rec.get("title", "")))
            sents.extend(split_sentences(simple_tokenize(rec.get("text", ""))))
    for f in sorted(data_dir.glob("ud-dutch-*/*.conllu")):
        cur: list[str] = []
        for line in f.open(encoding="utf-8"):
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) < 2:
                if cur:
                    sents.append(cur)
                cur = []
                continue
            if "-" in parts[0] or "." in parts[0]:
                continue
            cur.append(parts[1])
        if cur:
            sents.append(cur)
    return [s for s in sents if s]


def unlabelled_en(data_dir: Path) -> list[list[str]]:
    """Sentences of unlabelled English news text: TempEval-3 TBAQ (TimeBank+AQUAINT)."""
    data_dir = Path(data_dir)
    sents: list[list[str]] = []
    for f in sorted((data_dir / "tempeval3").rglob("*.tml")):
        s = f.read_text(encoding="utf-8", errors="replace")
        m = re.search(r"<TEXT>(.*?)</TEXT>", s, re.S)
        if not m:
            continue
        txt = html.unescape(re.sub(r"<[^>]+>", "", m.group(1)))
        for para in re.split(r"\n\s*\n", txt):
            sents.extend(split_sentences(simple_tokenize(para)))
    return [s for s in sents if s]
