"""The ``tijdlijn`` command line.

``iter_annotated`` is the shared processing loop (read → override lang/date →
annotate) that every command uses; it yields ``Document`` or ``ReadError`` items
and never raises for a bad input or a per-document failure.
"""
from __future__ import annotations

import os
import re
import sys
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional, Sequence

import typer

from tijdlijn import __version__
from tijdlijn.document import ArticleDate, DateError, Document
from tijdlijn.readers import ReadError
from tijdlijn.readers.dateheader import NO_HEADER_WARNING
from tijdlijn.readers.files import DEFAULT_MAX_CHARS, MULTI_DOCUMENT_KINDS, expand_inputs, input_kind, is_url, read_inputs

__all__ = ["app", "main", "iter_annotated", "OutputFormat"]

PROGRESS_THRESHOLD = 20

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,
    help="tijdlijn: tag and normalize time expressions in dated news articles (Dutch and English).",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class OutputFormat(str, Enum):
    json = "json"
    jsonl = "jsonl"
    timeml = "timeml"
    table = "table"
    geojson = "geojson"


class Lang(str, Enum):
    nl = "nl"
    en = "en"
    auto = "auto"


# --------------------------------------------------------------------------- processing loop


def iter_annotated(
    inputs: Sequence[str],
    *,
    lang: str | None = None,
    date: str | ArticleDate | None = None,
    max_chars: int = DEFAULT_MAX_CHARS,
    stages: Sequence | None = None,
) -> Iterator[Document | ReadError]:
    """Read every input, apply the ``lang``/``date`` overrides and annotate.

    ``lang``: ``nl``/``en`` forces the language; ``None``/``auto`` keeps the
    language given by the input (JSONL ``lang``, TimeML → ``en``) and detects it
    otherwise. ``date`` (a string is parsed, ``DateError`` if invalid) replaces
    the article date of every document. A document whose processing raises
    becomes a ``ReadError`` ("processing failed: …"); the loop goes on.
    """
    from tijdlijn.entities.ner import ModelMissingError
    from tijdlijn.pipeline import TIME_STAGES, annotate

    override = ArticleDate.parse(date) if isinstance(date, str) else date
    forced_lang = None if lang in (None, "auto") else lang
    for item in read_inputs(inputs, max_chars=max_chars):
        if isinstance(item, ReadError):
            yield item
            continue
        doc = item
        if override is not None:
            doc.date = override
            if NO_HEADER_WARNING in doc.warnings:
                doc.warnings.remove(NO_HEADER_WARNING)
        if forced_lang:
            doc.lang = forced_lang
        try:
            doc = annotate(doc, stages if stages is not None else TIME_STAGES)
        except ModelMissingError:
            raise  # not about this document: the installation is broken, say so once
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the batch
            yield ReadError(doc.source or doc.id or "?", f"processing failed: {type(exc).__name__}: {exc}",
                            doc.meta.get("source_line"))
            continue
        yield doc


# --------------------------------------------------------------------------- reporting


class Reporter:
    """Errors/warnings on stderr, and a progress bar when there are many documents on a TTY."""

    def __init__(self, total_hint: int | None, enabled: bool):
        self.total_hint = total_hint
        self.enabled = enabled
        self.progress = None
        self.task = None
        self.n_docs = 0
        self.n_errors = 0

    def echo(self, msg: str) -> None:
        if self.progress is not None:
            self.progress.console.print(msg, markup=False, highlight=False, soft_wrap=True)
        else:
            print(msg, file=sys.stderr, flush=True)

    def error(self, err: ReadError) -> None:
        self.n_errors += 1
        self.echo(f"error: {err}")

    def warnings(self, doc: Document) -> None:
        where = doc.source or doc.id
        line = doc.meta.get("source_line")
        if line is not None:
            where = f"{where}:{line}"
        for w in doc.warnings:
            self.echo(f"warning: {where}: {w}")

    def step(self) -> None:
        done = self.n_docs + self.n_errors
        if self.progress is None and self.enabled and done > PROGRESS_THRESHOLD:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn)

            self.progress = Progress(
                SpinnerColumn(), TextColumn("tijdlijn"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                console=Console(stderr=True), transient=True, redirect_stdout=False, redirect_stderr=False,
            )
            total = self.total_hint if self.total_hint and self.total_hint >= done else None
            self.task = self.progress.add_task("tag", total=total, completed=done)
            self.progress.start()
        elif self.progress is not None:
            self.progress.update(self.task, completed=done)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
            self.progress = None


def _total_hint(inputs: Sequence[str]) -> int | None:
    """The number of documents if every input is a one-document file, else None."""
    n = 0
    for item in expand_inputs(inputs):
        if isinstance(item, ReadError):
            n += 1
        elif item == "-" or input_kind(item) in MULTI_DOCUMENT_KINDS:
            return None
        else:
            n += 1
    return n


# --------------------------------------------------------------------------- output


_UNSAFE = re.compile(r"[^\w.\-]+")


class OutDir:
    """Per-document output files with unique, safe names."""

    def __init__(self, path: Path):
        self.path = path
        self.used: set[str] = set()

    def name_for(self, doc: Document, fmt: OutputFormat) -> str:
        ext = {"json": ".json", "jsonl": ".jsonl", "timeml": ".tml", "table": ".txt"}[fmt.value]
        src = Path(doc.source) if doc.source and not doc.source.startswith("<") else None
        if fmt is OutputFormat.timeml and src is not None and not is_url(doc.source) and input_kind(src) == "timeml":
            base = src.name  # same file name as the input, for the TempEval scorer
        else:
            stem = _UNSAFE.sub("_", doc.id or (src.stem if src else "document")).strip("._") or "document"
            base = stem + ext
        name, n = base, 1
        while name in self.used:
            n += 1
            stem, dot, suffix = base.rpartition(".")
            name = f"{stem}-{n}.{suffix}" if dot else f"{base}-{n}"
        self.used.add(name)
        return name

    def write(self, doc: Document, fmt: OutputFormat, content: str) -> Path:
        target = self.path / self.name_for(doc, fmt)
        with open(target, "w", encoding="utf-8", newline="") as fh:
            fh.write(content)
        return target


def _render(doc: Document, fmt: OutputFormat) -> str:
    if fmt is OutputFormat.jsonl:
        from tijdlijn.writers.jsonl import to_jsonl

        return to_jsonl(doc) + "\n"
    if fmt is OutputFormat.json:
        from tijdlijn.writers.jsonl import dumps_json

        return dumps_json(doc) + "\n"
    if fmt is OutputFormat.timeml:
        from tijdlijn.writers.timeml import to_timeml

        return to_timeml(doc)
    from tijdlijn.writers.table import to_table

    return to_table(doc, width=100)


class StdoutWriter:
    """json: one object for exactly one document, else an array (streamed)."""

    def __init__(self, fmt: OutputFormat):
        self.fmt = fmt
        self.n = 0
        self.pending: str | None = None
        self.console = None
        if fmt is OutputFormat.table:
            from rich.console import Console

            tty = sys.stdout.isatty()
            self.console = Console(
                file=sys.stdout, highlight=False,
                width=None if tty else int(os.environ.get("COLUMNS", "") or 100),
            )

    def write(self, doc: Document) -> None:
        out = sys.stdout
        if self.fmt is OutputFormat.json:
            from tijdlijn.writers.jsonl import dumps_json

            text = dumps_json(doc)
            if self.n == 0:
                self.pending = text
            elif self.n == 1:
                out.write("[\n" + _indent(self.pending) + ",\n" + _indent(text))
                self.pending = None
            else:
                out.write(",\n" + _indent(text))
        elif self.fmt is OutputFormat.table:
            from tijdlijn.writers.table import render_document

            if self.n:
                self.console.print()
            self.console.print(render_document(doc, self.console.width))
        else:
            out.write(_render(doc, self.fmt))
        self.n += 1
        out.flush()

    def close(self) -> None:
        if self.fmt is OutputFormat.json:
            if self.n == 1:
                sys.stdout.write(self.pending + "\n")
            elif self.n == 0:
                sys.stdout.write("[]\n")
            else:
                sys.stdout.write("\n]\n")
            sys.stdout.flush()


def _indent(text: str) -> str:
    return "\n".join("  " + line for line in text.splitlines())


# --------------------------------------------------------------------------- commands


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"tijdlijn {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", help="Show the version and exit.",
                                 callback=_version_callback, is_eager=True),
) -> None:
    """tijdlijn: tag and normalize time expressions in dated news articles (Dutch and English)."""


def _check_date(value: Optional[str]) -> Optional[str]:
    if value is None:
        return None
    try:
        ArticleDate.parse(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


@app.command()
def tag(
    inputs: list[str] = typer.Argument(
        ..., metavar="INPUT",
        help="Files, folders (recursive: *.txt, *.jsonl, *.tml), globs, or - for stdin. "
             ".jsonl/.ndjson = JSON Lines, .tml/.xml = TimeML, anything else = date-header text "
             "('date YYYY[-MM[-DD]] <text>').",
    ),
    lang: Lang = typer.Option(Lang.auto, "--lang", "-l",
                              help="Language of all inputs; auto = as given by the input, else detected."),
    date: Optional[str] = typer.Option(None, "--date", "-d", callback=_check_date, metavar="DATE",
                                       help="Article date for all inputs (YYYY, YYYY-MM, YYYY-MM-DD or "
                                            "YYYY-MM-DDTHH:MM); overrides the date in the input."),
    fmt: OutputFormat = typer.Option(OutputFormat.jsonl, "--format", "-f",
                                     help="jsonl: one evaluation record per line (id, date, refined_date, lang, "
                                          "timexes). json: the full document with all layers - one JSON object "
                                          "if there is exactly one document, else a JSON array. timeml: "
                                          "annotated TimeML. table: a human-readable table."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", "-o", file_okay=False, dir_okay=True,
                                           help="Write one file per document into DIR instead of stdout "
                                                "(<id>.json/.jsonl/.txt; timeml: the input's file name for "
                                                ".tml inputs, else <id>.tml)."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, metavar="N",
                                  help="Reject documents longer than N characters."),
) -> None:
    """Tag time expressions. Errors go to stderr as 'error: FILE[:LINE]: message'; the other inputs are
    still processed and the exit status is 1 if any input failed."""
    from tijdlijn.pipeline import TIME_STAGES

    if fmt is OutputFormat.geojson:
        raise typer.BadParameter("geojson needs the entities layer: use 'tijdlijn annotate'", param_hint="--format")
    _run(inputs, lang=lang, date=date, fmt=fmt, out_dir=out_dir, max_chars=max_chars, stages=TIME_STAGES)


@app.command()
def annotate(
    inputs: list[str] = typer.Argument(..., metavar="INPUT", help="As for 'tag'."),
    lang: Lang = typer.Option(Lang.auto, "--lang", "-l", help="As for 'tag'."),
    date: Optional[str] = typer.Option(None, "--date", "-d", callback=_check_date, metavar="DATE", help="As for 'tag'."),
    fmt: OutputFormat = typer.Option(OutputFormat.jsonl, "--format", "-f",
                                     help="jsonl: one record per input with every layer (id, date, refined_date, "
                                          "lang, timexes, entities, related_places); json: the full document; table; "
                                          "geojson: one FeatureCollection of all geocoded places (Point per place, "
                                          "with entity ids, names as written, mention counts and article ids)."),
    out_dir: Optional[Path] = typer.Option(None, "--out-dir", "-o", file_okay=False, dir_okay=True, help="As for 'tag'."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, metavar="N", help="As for 'tag'."),
) -> None:
    """Run the full pipeline: time expressions, named entities with aliases and cross-article ids, places."""
    from tijdlijn.pipeline import DEFAULT_STAGES

    _run(inputs, lang=lang, date=date, fmt=fmt, out_dir=out_dir, max_chars=max_chars, stages=DEFAULT_STAGES)


@app.command()
def ner(
    conll: list[Path] = typer.Argument(..., metavar="FILE.conll", exists=False, help="CoNLL file(s), or - for stdin."),
    lang: Lang = typer.Option(..., "--lang", "-l", help="nl or en."),
) -> None:
    """Tag the tokens of CoNLL files as they are (no re-tokenization) and print the same lines with the
    predicted IOB2 tag appended as the last column (for conlleval). -DOCSTART- lines separate documents."""
    from tijdlijn.entities.conll import ConllError, read_conll, write_conll
    from tijdlijn.entities.ner import load_tagger

    if lang is Lang.auto:
        raise typer.BadParameter("give --lang nl or --lang en", param_hint="--lang")
    tagger = load_tagger(lang.value)
    failed = 0
    for path in conll:
        try:
            if str(path) == "-":
                docs = read_conll(sys.stdin, "<stdin>")
            else:
                with open(path, encoding="utf-8") as fh:
                    docs = read_conll(fh, str(path))
        except (ConllError, OSError, UnicodeDecodeError) as exc:
            print(f"error: {exc if isinstance(exc, ConllError) else f'{path}: {exc}'}", file=sys.stderr)
            failed += 1
            continue
        predicted = [tagger.tag_sentences(d.tokens()) for d in docs]
        write_conll(docs, predicted, sys.stdout)
    if failed:
        raise typer.Exit(1)


def _run(inputs, *, lang, date, fmt, out_dir, max_chars, stages) -> None:  # type: ignore[no-untyped-def]
    outdir = None
    if out_dir is not None:
        try:
            out_dir.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise typer.BadParameter(f"cannot create {out_dir}: {exc.strerror or exc}", param_hint="--out-dir")
        outdir = OutDir(out_dir)

    # a progress bar on stderr only if stdout does not go to the same terminal (it would garble the output)
    show_progress = sys.stderr.isatty() and (outdir is not None or not sys.stdout.isatty())
    reporter = Reporter(_total_hint(inputs) if show_progress else None, enabled=show_progress)
    geo_docs: list[Document] | None = [] if fmt is OutputFormat.geojson else None
    writer = None if (outdir or geo_docs is not None) else StdoutWriter(fmt)
    try:
        for item in iter_annotated(inputs, lang=lang.value, date=date, max_chars=max_chars, stages=stages):
            if isinstance(item, ReadError):
                reporter.error(item)
            else:
                try:
                    if geo_docs is not None:
                        geo_docs.append(item)
                    elif outdir is not None:
                        outdir.write(item, fmt, _render(item, fmt))
                    else:
                        writer.write(item)
                except BrokenPipeError:
                    raise
                except Exception as exc:  # noqa: BLE001
                    reporter.error(ReadError(item.source or item.id,
                                             f"writing failed: {type(exc).__name__}: {exc}",
                                             item.meta.get("source_line")))
                else:
                    reporter.n_docs += 1
                    reporter.warnings(item)
            reporter.step()
        if writer is not None:
            writer.close()
        if geo_docs is not None:
            import json as _json

            from tijdlijn.places.geojson import places_geojson

            text = _json.dumps(places_geojson(geo_docs), ensure_ascii=False, indent=2) + "\n"
            if outdir is not None:
                (outdir.path / "places.geojson").write_text(text, encoding="utf-8")
            else:
                sys.stdout.write(text)
    finally:
        reporter.close()
    if reporter.n_errors:
        total = reporter.n_docs + reporter.n_errors
        reporter.echo(f"tijdlijn: {reporter.n_errors} of {total} inputs failed")
        raise typer.Exit(1)


from tijdlijn import cli_kb as _cli_kb  # noqa: E402,F401  (registers ingest/search/stats/export)
from tijdlijn import cli_web as _cli_web  # noqa: E402,F401  (registers serve)
from tijdlijn import cli_date as _cli_date  # noqa: E402,F401  (registers date)


def main(argv: Optional[list[str]] = None) -> None:
    """Console-script entry point."""
    from tijdlijn.entities.ner import ModelMissingError

    try:
        app(args=argv, prog_name="tijdlijn")
    except ModelMissingError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)
    except BrokenPipeError:  # e.g. `tijdlijn tag ... | head`
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)


if __name__ == "__main__":
    main()
