"""Durable, idempotent ingest: read → skip what is already stored → annotate → write.

The reader and the store writer run in this process; annotation runs on an
executor (serial, process pool, Dask) over batches. The writer is the single,
transactional consumer: one transaction per batch holds the batch's articles,
its error records and the run's counters, so after a crash (even ``kill -9``)
everything reported as committed is in the database, and re-running the same
command completes the job: stored articles are skipped by their key and content
hash, never duplicated.

Article identity (``key``): a record id for multi-record inputs (JSON Lines, CSV,
feeds: the id is the user's), the absolute path for one-article files. The same
key with a new content hash is an update; a new key with a stored hash is a
duplicate and skipped.
"""
from __future__ import annotations

import json
import sys
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator, Sequence

from tijdlijn.document import Document
from tijdlijn.kb.executors import Executor
from tijdlijn.kb.store import Store, content_hash
from tijdlijn.readers import ReadError

__all__ = ["IngestSummary", "ingest", "article_key", "DEFAULT_BATCH"]

DEFAULT_BATCH = 64
_ONE_DOC_KINDS = {"text", "timeml", "html"}


def article_key(doc: Document) -> str:
    """The identity under which an article is stored (see the module docstring)."""
    src = doc.source
    if src and not src.startswith("<") and "://" not in src:
        from tijdlijn.readers.files import input_kind

        p = Path(src)
        if input_kind(p) in _ONE_DOC_KINDS and doc.meta.get("source_line") is None:
            try:
                return "file:" + str(p.resolve())
            except OSError:
                return "file:" + src
    return "id:" + (doc.id or content_hash(doc))


@dataclass
class IngestSummary:
    ingested: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    seconds: float = 0.0
    failures: list[dict[str, Any]] = field(default_factory=list)
    skips: list[dict[str, Any]] = field(default_factory=list)
    run_id: int | None = None
    executor: str = "serial"
    workers: int = 1
    dates_inferred: int = 0  # articles without a date that got one from the text (and their batch)
    date_contradictions: list[dict[str, Any]] = field(default_factory=list)  # given dates the text contradicts

    @property
    def processed(self) -> int:
        return self.ingested + self.updated + self.skipped + self.failed

    def counts(self) -> dict[str, int]:
        return {"ingested": self.ingested, "updated": self.updated, "skipped": self.skipped, "failed": self.failed}

    def date_lines(self, limit: int = 10) -> list[str]:
        """The text summary's lines about article dates: how many were inferred, which given ones the text
        contradicts."""
        out = []
        if self.dates_inferred:
            out.append(f"  dates inferred from the text for {self.dates_inferred} article(s) without one")
        if self.date_contradictions:
            out.append(f"  {len(self.date_contradictions)} given date(s) contradicted by the text:")
            for c in self.date_contradictions[:limit]:
                where = f"{c.get('source') or '?'}" + (f":{c['line']}" if c.get("line") is not None else "")
                dc = c["date_contradiction"]
                why = next((e for e in dc["evidence"] if e.startswith("contradiction")), "")
                out.append(f"    {where} ({c.get('stored_as') or c.get('id')}): given {dc['given']}, "
                           f"text says {dc['text_says'] or 'another date'}. {why}")
        return out

    def to_json(self) -> dict[str, Any]:
        rate = (self.ingested + self.updated) / self.seconds if self.seconds else 0.0
        return {**self.counts(), "seconds": round(self.seconds, 2), "articles_per_second": round(rate, 2),
                "executor": self.executor, "workers": self.workers, "run_id": self.run_id,
                "failures": self.failures, "dates_inferred": self.dates_inferred,
                "date_contradictions": self.date_contradictions}


@dataclass
class _Pending:
    """One batch between the reader and the writer."""

    items: list[tuple[str, Any, str | None, str | None]]  # (kind, payload, key, hash) in input order
    to_annotate: list[dict[str, Any]]


def _record(status: str, *, source: str | None, line: int | None, id: str | None, reason: str = "",
            stored_as: str | None = None) -> dict[str, Any]:
    out = {"status": status, "source": source, "line": line, "id": id}
    if stored_as is not None:
        out["stored_as"] = stored_as
    if reason:
        out["reason"] = reason
    return out


def ingest(
    items: Iterable[Document | ReadError],
    store: Store,
    executor: Executor,
    *,
    batch_size: int = DEFAULT_BATCH,
    command: str = "",
    on_record: Callable[[dict[str, Any]], None] | None = None,
    on_progress: Callable[[IngestSummary], None] | None = None,
    max_records_in_summary: int = 1000,
) -> IngestSummary:
    """Ingest a stream of documents (and reader errors) into ``store``.

    ``on_record`` receives one machine-readable record per input *after* the batch it
    belongs to is committed (``status``: ingested, updated, skipped, failed).
    """
    summary = IngestSummary(executor=executor.name, workers=executor.workers)
    summary.run_id = store.start_run(command)
    t0 = time.perf_counter()
    pending: deque[_Pending] = deque()

    def batches() -> Iterator[list[dict[str, Any]]]:
        buf: list[Document | ReadError] = []

        def flush() -> _Pending:
            docs = [d for d in buf if isinstance(d, Document)]
            keyed = [(article_key(d), content_hash(d)) for d in docs]
            known = store.lookup(keyed) if keyed else {}
            dater.process(docs, [known.get(k, ("new", None))[0] not in ("unchanged", "duplicate") for k in keyed])
            entries: list[tuple[str, Any, str | None, str | None]] = []
            to_annotate: list[dict[str, Any]] = []
            it = iter(keyed)
            for d in buf:
                if isinstance(d, ReadError):
                    entries.append(("error", d, None, None))
                    continue
                key, h = next(it)
                state, other = known.get(key, ("new", None))
                if state == "unchanged":
                    entries.append(("skip", (d, f"unchanged (already stored as {other})", other), key, h))
                elif state == "duplicate":
                    entries.append(("skip", (d, f"duplicate of article {other} (same content hash)", other), key, h))
                else:
                    entries.append(("doc", d, key, h))
                    to_annotate.append(d.to_json(tokens=False))
            buf.clear()
            return _Pending(entries, to_annotate)

        dater = _Dater()
        for item in items:
            buf.append(item)
            if sum(isinstance(x, Document) for x in buf) >= batch_size or len(buf) >= 4 * batch_size:
                p = flush()
                pending.append(p)
                yield p.to_annotate
        if buf:
            p = flush()
            pending.append(p)
            yield p.to_annotate

    try:
        for annotated in executor.map(batches()):
            batch = pending.popleft()
            records: list[dict[str, Any]] = []
            errors: list[tuple[str | None, int | None, str | None, str]] = []
            results = iter(annotated)
            with store.transaction():
                for kind, payload, key, h in batch.items:
                    if kind == "error":
                        err: ReadError = payload
                        records.append(_record("failed", source=err.source, line=err.line, id=None,
                                               reason=err.message))
                        errors.append((err.source, err.line, None, err.message))
                        continue
                    if kind == "skip":
                        d, why, other = payload
                        records.append(_record("skipped", source=d.source, line=d.meta.get("source_line"), id=d.id,
                                               reason=why, stored_as=other))
                        continue
                    d = payload
                    res = next(results)
                    line = d.meta.get("source_line")
                    if "error" in res:
                        records.append(_record("failed", source=d.source, line=line, id=d.id, reason=res["error"]))
                        errors.append((d.source, line, d.id, res["error"]))
                        continue
                    doc = Document.from_json(res)
                    wr = store.write_document(doc, key, h)
                    records.append(_record(wr.status, source=d.source, line=line, id=d.id, reason=wr.reason,
                                           stored_as=wr.ext_id))
                    _date_notes(records[-1], d)
                for r in records:
                    setattr(summary, r["status"], getattr(summary, r["status"]) + 1)
                store.refresh_entities()
                store.log_errors(summary.run_id, errors)
                store.update_run(summary.run_id, summary.counts())
            # committed: now it may be reported
            for r in records:
                if r["status"] == "failed" and len(summary.failures) < max_records_in_summary:
                    summary.failures.append(r)
                if r["status"] in ("ingested", "updated"):
                    summary.dates_inferred += "date_inferred" in r
                    if "date_contradiction" in r and len(summary.date_contradictions) < max_records_in_summary:
                        summary.date_contradictions.append({k: r[k] for k in ("source", "line", "id", "stored_as",
                                                                              "date_contradiction") if k in r})
                if on_record is not None:
                    on_record(r)
            summary.seconds = time.perf_counter() - t0
            if on_progress is not None:
                on_progress(summary)
    finally:
        summary.seconds = time.perf_counter() - t0
        try:
            with store.transaction():
                store.update_run(summary.run_id, summary.counts(), finished=True)
        except Exception:  # noqa: BLE001 - the database may be the thing that failed
            pass
    return summary


class _Dater:
    """Article dates at the reader, before annotation (relative expressions resolve against them).

    A record without a date gets one inferred from its text and a prior from its batch — the
    dated articles of the same source seen so far in this run (the same input file for JSON
    Lines/CSV/feeds), weighted by text similarity — when the evidence supports at least a
    year; ``meta["date_inferred"]`` says how (and the store marks the article). A given date is
    checked against the text and the batch: ``meta["date_check"]``."""

    MAX_BATCH = 1000  # most recent dated articles per source kept as the batch (bounded memory: ~20 MB)

    def __init__(self) -> None:
        self.batches: dict[str, Any] = {}
        self.n = 0

    def process(self, docs: list[Document], todo: list[bool]) -> None:
        """Dates for the articles of one reader buffer; only those with ``todo`` (to be annotated) are
        assessed, but every dated one joins its batch."""
        from tijdlijn.pipeline import identify_language
        from tijdlijn.temporal.dating import Collection, assess

        if not docs:
            return
        keys = []
        for d in docs:  # the buffer's dated articles join their batch first (exclusion keeps them honest)
            self.n += 1
            keys.append(self.n)
            if d.date is not None:
                coll = self.batches.setdefault(d.source or "", Collection(max_docs=self.MAX_BATCH, max_terms=150))
                coll.add(d.text, d.date.earliest, key=self.n)
        for d, k, want in zip(docs, keys, todo):
            if not want:
                continue
            identify_language(d)  # the pipeline's own language stage, run early (it is then skipped)
            lang = d.lang
            if lang not in ("nl", "en"):
                continue
            coll = self.batches.get(d.source or "")
            prior = coll.prior(d.text, exclude=k) if coll is not None and len(coll) > (d.date is not None) else None
            a = assess(d.text, lang, given=d.date, prior=prior)
            if d.date is not None:
                d.meta["date_check"] = a.check_json()
            else:
                got = a.inference.article_date()
                if got is not None:
                    d.date = got
                    d.meta["date_inferred"] = a.inferred_json()
                else:
                    d.meta["date_inference"] = a.inferred_json()  # tried, but the text says too little


def _date_notes(record: dict[str, Any], doc: Document) -> None:
    """What the per-record log says about the article date: inferred, or a contradiction found."""
    inferred = doc.meta.get("date_inferred")
    if inferred:
        record["date_inferred"] = {k: inferred[k] for k in ("value", "granularity", "confidence")}
    check = doc.meta.get("date_check")
    if check and check.get("contradicts_given_date"):
        record["date_contradiction"] = {"given": check["given"], "text_says": check["text_says"],
                                        "evidence": [e["why"] for e in check["evidence"]
                                                     if e["kind"] != "collection"]}


class JsonlLog:
    """The machine-readable per-record log (``--log FILE``; ``-`` = stdout)."""

    def __init__(self, path: str | None) -> None:
        self.fh: IO[str] | None = None
        if path == "-":
            self.fh = sys.stdout
        elif path:
            self.fh = open(path, "a", encoding="utf-8")

    def __call__(self, record: dict[str, Any]) -> None:
        if self.fh is not None:
            self.fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            self.fh.flush()

    def close(self) -> None:
        if self.fh is not None and self.fh is not sys.stdout:
            self.fh.close()


def stage_names(spec: str | Sequence[str] | None) -> list[str]:
    """``time``, ``time,entities`` or ``time,entities,said`` (the default: every layer) → stage names."""
    names = spec.split(",") if isinstance(spec, str) else list(spec or ["time", "entities", "said"])
    names = [n.strip() for n in names if n.strip()]
    out = ["language", "segment"]
    for n in ("time", "entities", "said"):
        if n in names:
            out.append(n)
    unknown = [n for n in names if n not in ("time", "entities", "said")]
    if unknown:
        raise ValueError(f"unknown stage {unknown[0]!r} (time, entities, said)")
    if "said" in out and "entities" not in out:
        raise ValueError("the said stage needs the entities stage (speakers are entities)")
    return out
