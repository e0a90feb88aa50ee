"""Where the per-document pipeline runs: serially, in a local process pool, or on Dask.

Every executor maps :func:`annotate_batch` over *batches* of documents and
yields the results **in input order**, with a bounded number of batches in
flight (so memory does not grow with the input). Annotation is a pure function
of the document (collection-wide entity ids are assigned later, by the single
store writer), so every executor gives identical results.
"""
from __future__ import annotations

import os
from collections import deque
from typing import Any, Iterable, Iterator, Sequence

from tijdlijn.document import Document

__all__ = ["annotate_batch", "make_executor", "Executor", "ExecutorError"]


class ExecutorError(RuntimeError):
    pass


def _stages(names: Sequence[str]):
    from tijdlijn import pipeline as p

    table = {"language": p.LANGUAGE, "segment": p.SEGMENT, "time": p.TIME, "entities": p.ENTITIES, "said": p.SAID}
    return [table[n] for n in names]


def annotate_one(doc: Document, stage_names: Sequence[str]) -> Document:
    """The whole per-document pipeline with document-local entity ids (deterministic)."""
    from tijdlijn.entities.identity import IdentityResolver
    from tijdlijn.entities.stage import annotate_entities
    from tijdlijn.pipeline import annotate

    stages = [s for s in _stages(stage_names) if s.name not in ("entities", "said")]
    doc = annotate(doc, stages)
    if "entities" in stage_names:
        doc = annotate_entities(doc, resolver=IdentityResolver())
        done = doc.meta.setdefault("stages", [])
        if "entities" not in done:
            done.append("entities")
    if "said" in stage_names:
        doc = annotate(doc, _stages(["said"]))
    return doc


def annotate_batch(docs: list[dict[str, Any]], stage_names: Sequence[str]) -> list[dict[str, Any]]:
    """Annotate a batch; a document whose processing fails becomes ``{"error": message}``.

    Documents travel as JSON dicts (compact, version-independent pickling)."""
    from tijdlijn.entities.ner import ModelMissingError

    out: list[dict[str, Any]] = []
    for d in docs:
        try:
            out.append(annotate_one(Document.from_json(d), stage_names).to_json(tokens=False))
        except ModelMissingError:
            raise
        except Exception as exc:  # noqa: BLE001 - one bad document never stops the batch
            out.append({"error": f"processing failed: {type(exc).__name__}: {exc}"})
    return out


# glibc mallopt parameters
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def _restore_malloc_thresholds() -> bool:
    """Undo the effect of ``MALLOC_TRIM_THRESHOLD_`` in this process (glibc only).

    Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``. Setting any
    malloc threshold switches off glibc's *dynamic* mmap threshold, so every
    allocation of 128 KiB or more (the NER's numpy arrays) gets its own
    ``mmap``/``munmap`` and fresh zeroed pages: measured, the same annotation ran
    15-20 % slower per document in a Dask worker than in a pool worker. Fixed
    thresholds in the range glibc's dynamic rule would reach bring it back.
    Runs in every worker (local or remote) when it loads the models.
    Returns whether anything was changed."""
    if not os.environ.get("MALLOC_TRIM_THRESHOLD_"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20) and libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20))
    except (OSError, AttributeError):  # not glibc: nothing to undo
        return False


def _warm(stage_names: Sequence[str]) -> None:
    """Load models once per worker process."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    _restore_malloc_thresholds()
    annotate_batch([Document(text="Warm-up op 1 januari 2020 in Amsterdam.", lang="nl").to_json()], stage_names)


class Executor:
    name = "serial"
    workers = 1

    def __init__(self, stage_names: Sequence[str]) -> None:
        self.stage_names = list(stage_names)

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        for b in batches:
            yield annotate_batch(b, self.stage_names)

    def close(self) -> None:
        pass

    def __enter__(self) -> "Executor":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class PoolExecutor(Executor):
    name = "pool"

    def __init__(self, stage_names: Sequence[str], workers: int | None = None) -> None:
        super().__init__(stage_names)
        import multiprocessing as mp
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers or os.cpu_count() or 1
        # fork is fast and shares the loaded read-only resources; spawn where fork is unavailable
        ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context("spawn")
        self.pool = ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_warm,
                                        initargs=(self.stage_names,))

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        inflight: deque = deque()
        limit = 2 * self.workers
        for b in batches:
            inflight.append(self.pool.submit(annotate_batch, b, self.stage_names))
            if len(inflight) >= limit:
                yield inflight.popleft().result()
        while inflight:
            yield inflight.popleft().result()

    def close(self) -> None:
        self.pool.shutdown(cancel_futures=True)


class DaskExecutor(Executor):
    name = "dask"

    def __init__(self, stage_names: Sequence[str], address: str, workers: int | None = None) -> None:
        super().__init__(stage_names)
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise ExecutorError("Dask support needs dask.distributed: pip install 'tijdlijn[dask]'") from None
        self.cluster = None
        try:
            if address == "local":
                n = workers or os.cpu_count() or 1
                self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                            dashboard_address=None, silence_logs=40)
                self.client = Client(self.cluster)
            else:
                self.client = Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))
        self.client.run(_warm, self.stage_names)

    def map(self, batches: Iterable[list[dict[str, Any]]]) -> Iterator[list[dict[str, Any]]]:
        inflight: deque = deque()
        limit = 2 * self.workers
        for b in batches:
            inflight.append(self.client.submit(annotate_batch, b, self.stage_names, pure=False))
            if len(inflight) >= limit:
                yield inflight.popleft().result()
        while inflight:
            yield inflight.popleft().result()

    def close(self) -> None:
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_executor(kind: str, stage_names: Sequence[str], *, workers: int | None = None,
                  cluster: str | None = None) -> Executor:
    """``serial``, ``pool`` (``workers`` processes, default all cores) or ``dask`` (``cluster``
    is ``tcp://host:port`` or ``local``)."""
    if cluster:
        return DaskExecutor(stage_names, cluster, workers)
    if kind == "serial" or (kind == "pool" and workers == 1):
        return Executor(stage_names)
    if kind == "pool":
        return PoolExecutor(stage_names, workers)
    if kind == "dask":
        return DaskExecutor(stage_names, "local", workers)
    raise ExecutorError(f"unknown executor {kind!r} (serial, pool, dask)")
