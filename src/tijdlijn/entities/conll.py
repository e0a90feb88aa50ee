"""CoNLL files for the NER evaluation contract (``tijdlijn ner``).

Input: one token per line, the token in the first column, a blank line between
sentences, ``-DOCSTART-`` lines between documents. Any further columns are kept
as they are; if the last column holds IOB tags (a gold standard), every line
must have a valid tag there. Output: the same lines with the predicted IOB2 tag
appended as the last column, ready for conlleval.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator, TextIO

_TAG = re.compile(r"^(?:O|[BIE]-(?:PER|ORG|LOC|MISC)|[BIES]-\w+)$")


class ConllError(ValueError):
    """A malformed CoNLL file; the message names the line."""


@dataclass
class ConllDocument:
    """The lines of one document (between -DOCSTART- lines), grouped in sentences."""

    docstart: str | None = None  # the -DOCSTART- line that opened it
    sentences: list[list[str]] = field(default_factory=list)  # raw lines per sentence
    trailing_blank: list[int] = field(default_factory=list)  # blank lines after each sentence

    def tokens(self) -> list[list[str]]:
        return [[ln.split()[0] for ln in sent] for sent in self.sentences]


def read_conll(fh: TextIO, source: str = "<stdin>") -> list[ConllDocument]:
    """Parse and validate a CoNLL file; raises ``ConllError`` naming ``source:line``."""
    docs: list[ConllDocument] = [ConllDocument()]
    sent: list[str] = []
    ncols: int | None = None
    tagged: bool | None = None
    blank_run = 0

    def close_sentence() -> None:
        nonlocal sent
        if sent:
            docs[-1].sentences.append(sent)
            docs[-1].trailing_blank.append(0)
            sent = []

    for lineno, raw in enumerate(fh, 1):
        line = raw.rstrip("\n").rstrip("\r")
        if not line.strip():
            close_sentence()
            if docs[-1].trailing_blank:
                docs[-1].trailing_blank[-1] += 1
            blank_run += 1
            continue
        cols = line.split()
        if cols[0] == "-DOCSTART-":
            close_sentence()
            if docs[-1].sentences or docs[-1].docstart is not None:
                docs.append(ConllDocument())
            docs[-1].docstart = line
            continue
        if ncols is None:
            ncols = len(cols)
            tagged = ncols > 1 and bool(_TAG.match(cols[-1]))
        elif len(cols) != ncols:
            raise ConllError(f"{source}:{lineno}: expected {ncols} columns like the first token line, found {len(cols)}: {line!r}")
        if tagged and not _TAG.match(cols[-1]):
            raise ConllError(f"{source}:{lineno}: {cols[-1]!r} in the last column is not an IOB tag (O, B-TYPE, I-TYPE)")
        sent.append(line)
    close_sentence()
    return [d for d in docs if d.sentences or d.docstart is not None]


def write_conll(docs: list[ConllDocument], predicted: list[list[list[str]]], out: TextIO) -> None:
    """Echo every line with the predicted tag appended (``O`` on -DOCSTART- lines)."""
    for doc, tags in zip(docs, predicted):
        if doc.docstart is not None:
            out.write(f"{doc.docstart} O\n\n")
        for sent, sent_tags, blanks in zip(doc.sentences, tags, doc.trailing_blank):
            for line, tag in zip(sent, sent_tags):
                out.write(f"{line} {tag}\n")
            out.write("\n" * max(1, blanks))


def iter_lines(docs: list[ConllDocument]) -> Iterator[str]:
    for d in docs:
        for s in d.sentences:
            yield from s
