"""``tijdlijn date``: when was this written? Infer article dates from the text, or check given ones.

Table (default): every input ``tijdlijn tag`` reads; per article the inferred date,
its granularity and confidence, the given date and whether the text contradicts it,
and the evidence.

``--format jsonl``: each input is read as JSON Lines (``-`` = stdin), one record
``{"id", "text", "lang"}`` per line; a ``date`` (or ``published_at``) field is *checked*,
never used. One output line per input record::

    {"id": "a1", "date": "2019-03-05", "granularity": "day", "confidence": 0.93,
     "evidence": [{"kind": "...", "text": "...", "start": 12, "why": "..."}],
     "contradicts_given_date": true | false | null, "given_date": "2019-03-01" | null}

``contradicts_given_date`` is null when no date was given or the text says too little
to check it. A bad line is reported on stderr as ``error: FILE:LINE: message``; the
other lines are processed and the exit status is 1.

The collection prior (``--prior``, on by default): the dated articles of the same
input file are the batch of an article (leave-one-out: an article's own date is never
used for its own inference), weighted by text similarity as learnt from the batch.
"""
from __future__ import annotations

import json
import os
import sys
from enum import Enum
from pathlib import Path
from typing import Iterable, Iterator

import typer

from tijdlijn.cli import Lang, app
from tijdlijn.document import Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.files import DEFAULT_MAX_CHARS


class DateFormat(str, Enum):
    table = "table"
    jsonl = "jsonl"


def _jsonl_inputs(inputs: Iterable[str], max_chars: int) -> Iterator[Document | ReadError]:
    """Every input read as JSON Lines, whatever its extension (``-`` = stdin)."""
    from tijdlijn.readers.jsonl import read_jsonl_lines

    for path in inputs:
        if path == "-":
            stream = getattr(sys.stdin, "buffer", None)
            lines = stream if stream is not None else (ln.encode("utf-8") for ln in sys.stdin)
            yield from read_jsonl_lines(lines, source="<stdin>", stem="stdin", max_chars=max_chars)
            continue
        try:
            fh = open(path, "rb")
        except OSError as exc:
            yield ReadError(path, f"cannot read: {exc.strerror or exc}")
            continue
        with fh:
            try:
                yield from read_jsonl_lines(fh, source=path, stem=Path(path).stem, max_chars=max_chars)
            except OSError as exc:
                yield ReadError(path, f"cannot read: {exc.strerror or exc}")


def _lang_of(doc: Document, forced: str | None) -> str:
    if forced:
        return forced
    if doc.lang and doc.lang != "auto":
        return doc.lang
    from tijdlijn.langdetect import detect_language

    return detect_language(doc.text)[0]


def _assess_all(docs: list[Document], langs: list[str], use_prior: bool):  # type: ignore[no-untyped-def]
    """Assessments in input order; the batch of an article is the dated articles of its input."""
    from tijdlijn.temporal.dating import Collection, assess

    batches: dict[str, Collection] = {}
    if use_prior:
        for i, d in enumerate(docs):
            if d.date is not None:
                batches.setdefault(d.source or "", Collection()).add(d.text, d.date.earliest, key=i)
    for i, (d, lang) in enumerate(zip(docs, langs)):
        coll = batches.get(d.source or "")
        prior = coll.prior(d.text, exclude=i) if coll is not None and len(coll) > (d.date is not None) else None
        yield assess(d.text, lang, given=d.date, prior=prior)


def _where(doc: Document) -> str:
    where = doc.source or doc.id or "?"
    line = doc.meta.get("source_line")
    return f"{where}:{line}" if line is not None else where


def _render_table(doc: Document, a, width: int | None):  # type: ignore[no-untyped-def]  # noqa: ANN001
    from rich.table import Table
    from rich.text import Text

    inf = a.inference
    head = Text()
    head.append(f"{doc.id or _where(doc)}", style="bold")
    if doc.id and doc.source:
        head.append(f"  ({_where(doc)})")
    head.append("\ninferred: ")
    if inf.value:
        head.append(f"{inf.value} ({inf.granularity}, confidence {inf.confidence:.2f})", style="bold")
    else:
        head.append("unknown (confidence 0)", style="bold")
        if inf.mode is not None:
            head.append(f"; most likely day {inf.mode.isoformat()}, below the threshold")
    if inf.conflict:
        head.append("  — conflicting evidence", style="bold red")
    if a.given is not None:
        verdict = {True: ("contradicted by the text", "bold red"), False: ("consistent with the text", "green"),
                   None: ("cannot be checked from the text", "yellow")}[a.contradicts]
        head.append(f"\ngiven: {a.given.value} — ")
        head.append(verdict[0], style=verdict[1])
    table = Table(title=head, title_justify="left", show_lines=False, expand=False, width=width)
    table.add_column("evidence", no_wrap=True)
    table.add_column("text")
    table.add_column("implies")
    rows = a.evidence_json()
    if not rows:
        table.add_row("–", "", "no temporal evidence in the text")
    for ev in rows:
        table.add_row(ev["kind"], ev["text"] or "", ev["why"])
    return table


@app.command("date")
def date_command(
    inputs: list[str] = typer.Argument(..., metavar="INPUT",
                                       help="As for 'tag' (files, folders, globs, URLs, - for stdin). With --format "
                                            "jsonl every input is JSON Lines: {\"id\", \"text\", \"lang\"[, \"date\"]} "
                                            "per line."),
    lang: Lang = typer.Option(Lang.auto, "--lang", "-l",
                              help="Language of all inputs; auto = as given by the input, else detected."),
    fmt: DateFormat = typer.Option(DateFormat.table, "--format", "-f",
                                   help="table: inferred date, granularity, confidence and evidence per article. "
                                        "jsonl: one line per record {id, date, granularity, confidence, evidence, "
                                        "contradicts_given_date, given_date}."),
    prior: bool = typer.Option(True, "--prior/--no-prior",
                               help="Use the dated articles of the same input as a collection prior (never an "
                                    "article's own date)."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, metavar="N",
                                  help="Reject documents longer than N characters."),
) -> None:
    """When was this written? Infer each article's date from its text (and the other dated articles of the
    same input), with a granularity (day, week, month, year or unknown), a confidence and the evidence; a
    date given in the input is checked against the text instead of used. Exit status 1 if any input failed."""
    from tijdlijn.readers.files import read_inputs

    forced = None if lang is Lang.auto else lang.value
    items = _jsonl_inputs(inputs, max_chars) if fmt is DateFormat.jsonl else read_inputs(inputs, max_chars=max_chars)
    docs: list[Document] = []
    n_errors = 0
    for item in items:  # errors first, as they come; the articles are assessed together (one batch per input)
        if isinstance(item, ReadError):
            n_errors += 1
            print(f"error: {item}", file=sys.stderr, flush=True)
        else:
            docs.append(item)
    langs = [_lang_of(d, forced) for d in docs]
    console = None
    if fmt is DateFormat.table:
        from rich.console import Console

        tty = sys.stdout.isatty()
        console = Console(file=sys.stdout, highlight=False, width=None if tty else int(os.environ.get("COLUMNS", "")
                                                                                       or 100))
    for n, (doc, a) in enumerate(zip(docs, _assess_all(docs, langs, prior))):
        if console is not None:
            if n:
                console.print()
            console.print(_render_table(doc, a, None))
        else:
            sys.stdout.write(json.dumps(a.to_record(doc.id), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    if n_errors:
        print(f"tijdlijn date: {n_errors} of {n_errors + len(docs)} inputs failed", file=sys.stderr)
        raise typer.Exit(1)
