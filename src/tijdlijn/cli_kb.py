"""Knowledge-base commands: ``ingest``, ``search``, ``stats``, ``export``.

Every command takes ``--db URL`` (``sqlite:///path`` — the default is
``./tijdlijn.sqlite`` — or ``postgresql://user@host:port/db``; also the
``TIJDLIJN_DB`` environment variable). A database that cannot be opened is one
clear error line and exit status 2.
"""
from __future__ import annotations

import json
import sys
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import Iterator, Optional

import typer

from tijdlijn.cli import Lang, _total_hint, app
from tijdlijn.document import ArticleDate, DateError
from tijdlijn.kb.store import DEFAULT_DB, Store, StoreError, open_store
from tijdlijn.readers.files import DEFAULT_MAX_CHARS

DB_HELP = ("Knowledge base: sqlite:///path/kb.sqlite (default ./tijdlijn.sqlite) or "
           "postgresql://user@host:port/db. Env: TIJDLIJN_DB.")


def _db_option() -> typer.models.OptionInfo:
    return typer.Option(DEFAULT_DB, "--db", envvar="TIJDLIJN_DB", metavar="URL", help=DB_HELP)


@contextmanager
def _store(url: str) -> Iterator[Store]:
    try:
        store = open_store(url)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(2)
    try:
        yield store
    finally:
        store.close()


class Executors(str, Enum):
    serial = "serial"
    pool = "pool"
    dask = "dask"


class SummaryFormat(str, Enum):
    text = "text"
    json = "json"


def _count_hint(inputs: list[str]) -> int | None:
    """Documents to expect: one per file, lines of JSON Lines files (cheap byte count)."""
    from tijdlijn.readers import ReadError
    from tijdlijn.readers.files import MULTI_DOCUMENT_KINDS, expand_inputs, input_kind

    if all(not i.startswith(("http://", "https://")) for i in inputs):
        n = 0
        for item in expand_inputs(inputs):
            if isinstance(item, ReadError):
                n += 1
            elif item == "-":
                return None
            elif input_kind(item) == "jsonl":
                try:
                    with open(item, "rb") as fh:
                        n += sum(chunk.count(b"\n") for chunk in iter(lambda: fh.read(1 << 20), b""))
                except OSError:
                    n += 1
            elif input_kind(item) in MULTI_DOCUMENT_KINDS:
                return None
            else:
                n += 1
        return n
    return _total_hint(inputs)


class _Progress:
    """A progress bar with rate and ETA on stderr (only on a terminal)."""

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.bar = None
        if enabled:
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self.bar = Progress(TextColumn("ingest"), BarColumn(), MofNCompleteColumn(), TaskProgressColumn(),
                                TextColumn("{task.fields[rate]} art/s"), TimeElapsedColumn(), TimeRemainingColumn(),
                                console=Console(stderr=True), transient=True)
            self.task = self.bar.add_task("ingest", total=total, rate="–")
            self.bar.start()

    def __call__(self, summary) -> None:  # type: ignore[no-untyped-def]
        if self.bar is not None:
            rate = (summary.ingested + summary.updated) / summary.seconds if summary.seconds else 0
            self.bar.update(self.task, completed=summary.processed, rate=f"{rate:.1f}")

    def echo(self, msg: str) -> None:
        if self.bar is not None:
            self.bar.console.print(msg, markup=False, highlight=False, soft_wrap=True)
        else:
            print(msg, file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.stop()


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(..., metavar="INPUT",
                                       help="Files, folders, globs, URLs or - (as for 'tag'; plus CSV, HTML pages "
                                            "and RSS/Atom feeds)."),
    db: str = _db_option(),
    lang: Lang = typer.Option(Lang.auto, "--lang", "-l", help="Language of all inputs; auto = as given, else detected."),
    stages: str = typer.Option("time,entities,said", "--stages", metavar="LIST",
                               help="Annotation layers: time, entities, said (quotes and claims); comma-separated."),
    executor: Executors = typer.Option(Executors.pool, "--executor", "-x",
                                       help="serial; pool = local processes (--workers, default all cores); "
                                            "dask = a Dask LocalCluster (or --cluster)."),
    workers: Optional[int] = typer.Option(None, "--workers", "-w", min=1, help="Worker processes (pool/dask local)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="ADDRESS",
                                          help="Run annotation on Dask: tcp://host:8786, or 'local' for a "
                                               "LocalCluster on this machine."),
    batch_size: int = typer.Option(64, "--batch-size", min=1, help="Documents per task and per transaction."),
    log: Optional[str] = typer.Option(None, "--log", metavar="FILE",
                                      help="Append one JSON line per input record (status ingested/updated/"
                                           "skipped/failed, reason) to FILE; - = stdout."),
    columns: Optional[str] = typer.Option(None, "--columns", metavar="MAP",
                                          help="CSV column mapping, e.g. text=body,date=published,id=guid."),
    max_chars: int = typer.Option(DEFAULT_MAX_CHARS, "--max-chars", min=1, metavar="N",
                                  help="Reject documents longer than N characters."),
    summary_format: SummaryFormat = typer.Option(SummaryFormat.text, "--summary", help="Final summary as text or json "
                                                 "(on stderr for text, stdout for json)."),
) -> None:
    """Annotate and store articles. Idempotent (unchanged articles are skipped by content hash, changed ones
    updated) and crash-safe (one transaction per batch; re-run to finish an interrupted job). Exit status 1
    if any record failed (each is reported with its reason), 2 if the database or executor is unusable."""
    from tijdlijn.kb.executors import ExecutorError, make_executor
    from tijdlijn.kb.ingest import JsonlLog, ingest as run_ingest, stage_names
    from tijdlijn.readers.files import read_inputs

    try:
        names = stage_names(stages)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--stages") from None
    read_kwargs = {}
    if columns:
        from tijdlijn.readers.csv import parse_column_mapping

        try:
            read_kwargs["columns"] = parse_column_mapping(columns)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--columns") from None
    forced = None if lang is Lang.auto else lang.value

    def items():  # type: ignore[no-untyped-def]
        for item in read_inputs(inputs, max_chars=max_chars, **read_kwargs):
            if forced and not isinstance(item, Exception) and hasattr(item, "lang"):
                item.lang = forced
            yield item

    with _store(db) as store:
        try:
            ex = make_executor(executor.value, names, workers=workers,
                               cluster=cluster or (None if executor is not Executors.dask else "local"))
        except ExecutorError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2)
        show = sys.stderr.isatty() and log != "-"
        progress = _Progress(_count_hint(inputs) if show else None, show)
        jlog = JsonlLog(log)

        def on_record(r: dict) -> None:
            jlog(r)
            if r["status"] == "failed":
                where = r["source"] or "?"
                if r.get("line") is not None:
                    where = f"{where}:{r['line']}"
                progress.echo(f"error: {where}: {r['reason']}")

        try:
            with ex:
                summary = run_ingest(items(), store, ex, batch_size=batch_size, command=" ".join(sys.argv[1:]),
                                     on_record=on_record, on_progress=progress)
        except StoreError as exc:
            progress.close()
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2)
        finally:
            progress.close()
            jlog.close()
    if summary_format is SummaryFormat.json:
        print(json.dumps(summary.to_json(), ensure_ascii=False))
    else:
        s = summary.to_json()
        print(f"tijdlijn ingest: {s['ingested']} ingested, {s['updated']} updated, {s['skipped']} skipped, "
              f"{s['failed']} failed in {s['seconds']:.1f} s ({s['articles_per_second']:.1f} articles/s, "
              f"{summary.executor} × {summary.workers})", file=sys.stderr)
        reasons: dict[str, int] = {}
        for f in summary.failures:
            reasons[f["reason"]] = reasons.get(f["reason"], 0) + 1
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1])[:10]:
            print(f"  failed ×{n}: {reason}", file=sys.stderr)
        for line in summary.date_lines():
            print(line, file=sys.stderr)
    if summary.failed:
        raise typer.Exit(1)


def _bound(value: Optional[str], which: str, param: str) -> Optional[str]:
    if value is None:
        return None
    try:
        d = ArticleDate.parse(value)
    except DateError as exc:
        raise typer.BadParameter(str(exc), param_hint=param) from None
    return (d.earliest if which == "start" else d.latest).isoformat()


class SearchFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


@app.command()
def search(
    query: str = typer.Argument("", metavar="QUERY",
                                help='Words (all must occur; Dutch and English stemming), "a phrase", a OR b, '
                                     '-excluded. Empty: filters only, newest first.'),
    db: str = _db_option(),
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Published on or after (YYYY[-MM[-DD]])."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Published on or before."),
    about_from: Optional[str] = typer.Option(None, "--about-from", metavar="DATE",
                                             help="Talks about a time on or after DATE (a time expression in the "
                                                  "text whose date falls in the window)."),
    about_to: Optional[str] = typer.Option(None, "--about-to", metavar="DATE", help="… on or before DATE."),
    entity: list[str] = typer.Option([], "--entity", "-e", metavar="ENTITY",
                                     help="Entity id or name (repeatable: all must occur)."),
    place: list[str] = typer.Option([], "--place", "-p", metavar="PLACE",
                                    help="Place id, name (Dutch or English) or ISO country code (repeatable)."),
    lang: Optional[str] = typer.Option(None, "--lang", "-l", help="Only articles in this language (nl, en)."),
    limit: int = typer.Option(20, "--limit", "-n", min=1, max=1000),
    fmt: SearchFormat = typer.Option(SearchFormat.table, "--format", "-f"),
) -> None:
    """Full-text search, ranked, with highlighted snippets; filters on publication date, on the time the
    article talks about, on entities and places."""
    bounds = dict(date_from=_bound(date_from, "start", "--from"), date_to=_bound(date_to, "end", "--to"),
                  about_from=_bound(about_from, "start", "--about-from"),
                  about_to=_bound(about_to, "end", "--about-to"))
    with _store(db) as store:
        ent_filters = []
        for e in entity:
            ids = store.resolve_entity(e)
            if not ids:
                close = store.entity_suggestions(e)
                hint = ("; did you mean " + ", ".join(f"{n} ({i})" for i, n in close) + "?") if close else ""
                print(f"error: no entity matches {e!r}{hint}", file=sys.stderr)
                raise typer.Exit(1)
            ent_filters.append(ids)
        place_ids: list[str] = []
        for p in place:
            ids = store.resolve_place(p)
            if not ids:
                print(f"error: no stored place matches {p!r}", file=sys.stderr)
                raise typer.Exit(1)
            place_ids.extend(ids)
        # every --entity must occur: intersect by running the first and filtering on the rest
        hits = store.search(query, **bounds, entities=ent_filters[0] if ent_filters else (),
                            places=place_ids, lang=lang, limit=limit if len(ent_filters) <= 1 else 1000,
                            highlight=("\x01", "\x02"))
        for ids in ent_filters[1:]:
            keep = {h.id for h in store.search(query, **bounds, entities=ids, places=place_ids, lang=lang,
                                                limit=100000)}
            hits = [h for h in hits if h.id in keep]
        hits = hits[:limit]
    if fmt is SearchFormat.table:
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        t = Table(show_lines=True)
        for c in ("id", "date", "score", "title / snippet"):
            t.add_column(c)
        for h in hits:
            body = Text()
            if h.title:
                body.append(h.title + "\n", style="bold")
            for i, part in enumerate(h.snippet.replace("\x02", "\x01").split("\x01")):
                body.append(part, style="reverse" if i % 2 else "")
            t.add_row(h.id, h.date or "", f"{h.score:.3f}", body)
        Console().print(t)
        print(f"{len(hits)} result(s)", file=sys.stderr)
        return
    for h in hits:
        h.snippet = h.snippet.replace("\x01", "«").replace("\x02", "»")
    if fmt is SearchFormat.json:
        print(json.dumps([{k: v for k, v in h.to_json().items() if k in ("id", "title", "date", "score", "snippet")}
                          for h in hits], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            print(json.dumps(h.to_json(), ensure_ascii=False))


@app.command()
def identities(
    db: str = _db_option(),
    recompute: bool = typer.Option(False, "--recompute",
                                   help="Re-partition all entity mentions of the collection (adds context-supported "
                                        "merges that streaming ingest leaves out). O(collection)."),
) -> None:
    """Cross-article entity identities: counts, or recompute them over the whole collection."""
    with _store(db) as store:
        if recompute:
            r = store.recompute_identities()
            print(json.dumps(r))
        else:
            print(json.dumps({"entities": store.stats()["entities"]}))


class TimelineFormat(str, Enum):
    table = "table"
    json = "json"
    semeval = "semeval"


@app.command()
def timeline(
    entity: str = typer.Argument(..., metavar="ENTITY", help="Entity id, name, alias or surname."),
    db: str = _db_option(),
    date_from: Optional[str] = typer.Option(None, "--from", metavar="DATE", help="Events on or after DATE."),
    date_to: Optional[str] = typer.Option(None, "--to", metavar="DATE", help="Events on or before DATE."),
    fmt: TimelineFormat = typer.Option(TimelineFormat.table, "--format", "-f",
                                       help="table; json ({entity, last_heard_from, items:[{date, kind, text, "
                                            "article, evidence}], …}); semeval (SemEval-2015 Task 4 TimeLine rows)."),
    participant_only: bool = typer.Option(False, "--participant-only",
                                          help="Only events the entity takes part in (no context events told around "
                                               "its mentions)."),
) -> None:
    """What an entity did and said, ordered by when it happened (not when it was published), with evidence,
    the certainty of each date, when it was last heard from, and contradictions between articles."""
    from tijdlijn.kb.timeline import UnknownEntity, entity_timeline, semeval_lines

    with _store(db) as store:
        try:
            tl = entity_timeline(store, entity, date_from=_bound(date_from, "start", "--from"),
                                 date_to=_bound(date_to, "end", "--to"), context=not participant_only)
        except UnknownEntity as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(1)
        if fmt is TimelineFormat.semeval:
            print(tl["entity"])
            for line in semeval_lines(store, tl):
                print(line)
            return
    if fmt is TimelineFormat.json:
        print(json.dumps(tl, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    c = Console()
    lh = tl["last_heard_from"]
    c.print(f"[bold]{tl['name']}[/bold] ({tl['entity']}) — first mentioned "
            f"{(tl['first_mentioned'] or {}).get('date', '–')}, last heard from "
            f"{lh['date'] + ' (' + lh['certainty'] + ')' if lh else '–'}", highlight=False)
    t = Table(show_lines=False)
    for col in ("date", "certainty", "what", "text", "article"):
        t.add_column(col)
    for it in tl["items"]:
        notes = [x for x in (it.get("modality") if it.get("modality") != "past" else None, it.get("status"),
                             it.get("resolution"), "context" if it.get("relation") == "context" else None) if x]
        what = it["kind"] + (f" ({', '.join(notes)})" if notes else "")
        t.add_row(it["date"] or "?", it["certainty"] or "", what, (it["text"] or "")[:100], it["article"])
    c.print(t)
    for x in tl["contradictions"]:
        c.print(f"[red]contradiction[/red]: {x['kind']} dated {x['dates'][0]['date']} ({x['dates'][0]['article']}) "
                f"and {x['dates'][1]['date']} ({x['dates'][1]['article']})", highlight=False)


class ListFormat(str, Enum):
    table = "table"
    json = "json"
    jsonl = "jsonl"


def _print_rows(rows: list[dict], fmt: ListFormat, columns: tuple[str, ...]) -> None:
    if fmt is ListFormat.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt is ListFormat.jsonl:
        for r in rows:
            print(json.dumps(r, ensure_ascii=False))
    else:
        from rich.console import Console
        from rich.table import Table

        t = Table()
        for col in columns:
            t.add_column(col)
        for r in rows:
            t.add_row(*[str(r.get(col) if r.get(col) is not None else "")[:160] for col in columns])
        Console().print(t)


@app.command()
def quotes(
    db: str = _db_option(),
    speaker: Optional[str] = typer.Option(None, "--speaker", "-s", metavar="ENTITY", help="Only this speaker."),
    kind: Optional[str] = typer.Option(None, "--kind", help="direct or indirect."),
    limit: int = typer.Option(100, "--limit", "-n", min=1),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f"),
) -> None:
    """Quotes and reported statements with their speakers, by event time."""
    with _store(db) as store:
        where, params = [], []
        if speaker:
            ids = store.resolve_entity(speaker)
            if not ids:
                close = store.entity_suggestions(speaker)
                hint = ("; did you mean " + ", ".join(f"{n} ({i})" for i, n in close) + "?") if close else ""
                print(f"error: no entity matches {speaker!r}{hint}", file=sys.stderr)
                raise typer.Exit(1)
            where.append(f"q.speaker IN ({','.join('?' * len(ids))})")
            params.extend(ids)
        if kind:
            where.append("q.kind = ?")
            params.append(kind)
        rows = store.query(
            "SELECT a.ext_id, q.kind, q.text, q.speaker, e.name, q.cue, q.time_value, q.certainty, q.char_start, "
            "q.char_end FROM quotes q JOIN articles a ON a.id = q.article_id LEFT JOIN entities e ON e.id = q.speaker "
            + ("WHERE " + " AND ".join(where) if where else "") + " ORDER BY q.time_start, a.pub_start, q.char_start "
            "LIMIT ?", (*params, limit))
    cols = ("article", "kind", "text", "speaker", "speaker_name", "cue", "date", "certainty", "start", "end")
    _print_rows([dict(zip(cols, r)) for r in rows], fmt, ("date", "speaker_name", "kind", "text", "cue", "article"))


@app.command()
def claims(
    db: str = _db_option(),
    status: Optional[str] = typer.Option(None, "--status", help="asserted is implicit; reported, unverified, "
                                         "speculated, denied, confirmed or retracted."),
    limit: int = typer.Option(100, "--limit", "-n", min=1),
    fmt: ListFormat = typer.Option(ListFormat.table, "--format", "-f"),
) -> None:
    """Claims whose truth the articles qualify, with their status and the cue that decided it."""
    with _store(db) as store:
        where, params = "", []
        if status:
            where, params = "WHERE c.status = ?", [status]
        rows = store.query(
            "SELECT a.ext_id, a.published, c.status, c.text, c.cue, c.resolution, c.char_start, c.char_end "
            f"FROM claims c JOIN articles a ON a.id = c.article_id {where} ORDER BY a.pub_start, a.id, c.char_start "
            "LIMIT ?", (*params, limit))
    cols = ("article", "published", "status", "text", "cue", "resolution", "start", "end")
    _print_rows([dict(zip(cols, r)) for r in rows], fmt, ("published", "status", "text", "cue", "resolution",
                                                          "article"))


class StatsFormat(str, Enum):
    table = "table"
    json = "json"


@app.command()
def stats(db: str = _db_option(), fmt: StatsFormat = typer.Option(StatsFormat.table, "--format", "-f")) -> None:
    """Counts of articles, entities, timexes, places … in the knowledge base."""
    with _store(db) as store:
        s = store.stats()
    if fmt is StatsFormat.json:
        print(json.dumps(s, ensure_ascii=False, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    t = Table(show_header=False)
    for k, v in s.items():
        if isinstance(v, dict):
            v = ", ".join(f"{a}: {b}" for a, b in v.items()) or "–"
        t.add_row(k, "–" if v is None else str(v))
    Console().print(t)


class ExportFormat(str, Enum):
    jsonl = "jsonl"
    csv = "csv"
    parquet = "parquet"
    geojson = "geojson"


@app.command()
def export(
    db: str = _db_option(),
    fmt: ExportFormat = typer.Option(ExportFormat.jsonl, "--format", "-f",
                                     help="jsonl (re-ingestible, every layer), csv (article rows), parquet (articles "
                                          "with nested timexes/entities), geojson (places)."),
    out: Optional[Path] = typer.Option(None, "--out", "-o", help="Output file (default stdout)."),
) -> None:
    """Export the knowledge base."""
    from tijdlijn.kb.export import ExportError, export as run_export

    with _store(db) as store:
        try:
            if fmt is ExportFormat.parquet:
                if out is None:
                    if sys.stdout.isatty():
                        raise typer.BadParameter("parquet is binary: give --out FILE", param_hint="--out")
                    n = run_export(store, "parquet", sys.stdout.buffer)
                else:
                    with open(out, "wb") as fh:
                        n = run_export(store, "parquet", fh)
            elif out is None:
                n = run_export(store, fmt.value, sys.stdout)
            else:
                with open(out, "w", encoding="utf-8", newline="") as fh:
                    n = run_export(store, fmt.value, fh)
        except ExportError as exc:
            print(f"error: {exc}", file=sys.stderr)
            raise typer.Exit(2)
        except OSError as exc:
            print(f"error: {out}: {exc.strerror or exc}", file=sys.stderr)
            raise typer.Exit(2)
    print(f"tijdlijn export: {n} {'places' if fmt is ExportFormat.geojson else 'articles'}", file=sys.stderr)

