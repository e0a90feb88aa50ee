"""Store connections for the web server.

A SQLite connection must not be shared between threads, and a psycopg connection
must not run two statements at once, so every worker thread of the server keeps its
own connection (``threading.local``). The thread pool is bounded (see
:func:`tijdlijn.web.app.create_app`), so this is a small connection pool per
process. The server never creates or upgrades a database: a missing file, a
database from another tijdlijn version, or one that is locked gives
:class:`DatabaseUnavailable` (HTTP 503); the connection is dropped and the next
request tries again, so the server recovers by itself once the database is back.

Read-only by default: connections come from ``open_store(url, read_only=True)`` (SQLite:
nothing in the file is changed, ``PRAGMA query_only``; PostgreSQL: sessions are
``default_transaction_read_only``). Writes (the ingest endpoint) open a separate,
short-lived read-write store.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import OrderedDict
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import unquote

from tijdlijn.kb.schema import SCHEMA_VERSION
from tijdlijn.kb.store import DEFAULT_DB, Store, StoreError, open_store, redact_url

__all__ = ["DatabaseUnavailable", "StoreProvider", "sqlite_path"]

CACHE_SIZE = 256  # slow results (entity timelines) kept per process while the database is unchanged
CACHE_BYTES = 64 << 20  # at most this much of them in response bodies (bytes) per process
BUSY_TIMEOUT_MS = 2000  # a locked SQLite database: wait this long, then 503 (the CLI waits 30 s)


class DatabaseUnavailable(RuntimeError):
    """The knowledge base cannot be used right now (missing, locked, wrong version, server down)."""


def sqlite_path(url: str) -> str | None:
    """The file of a SQLite URL or bare path; None for PostgreSQL."""
    if url.startswith(("postgresql://", "postgres://")):
        return None
    if url.startswith("sqlite:///"):
        return unquote(url[len("sqlite:///"):])
    if "://" in url:
        return None
    return url


def _db_errors() -> tuple[type[BaseException], ...]:
    errs: list[type[BaseException]] = [sqlite3.OperationalError, sqlite3.DatabaseError, StoreError]
    try:
        import psycopg

        errs += [psycopg.OperationalError, psycopg.InterfaceError]
    except ImportError:  # pragma: no cover - postgres extra not installed
        pass
    return tuple(errs)


class StoreProvider:
    """One read-only store per thread, opened lazily, reopened after a database error."""

    def __init__(self, url: str | None = None) -> None:
        self.url = url or DEFAULT_DB
        self._local = threading.local()
        self._errors = _db_errors()
        self._lock = threading.Lock()
        self._open: list[Store] = []
        self._cache: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self._cache_bytes = 0

    def describe(self) -> str:
        path = sqlite_path(self.url)
        if path is not None:
            return f"sqlite:///{path}"
        return redact_url(self.url)

    def _connect(self) -> Store:
        path = sqlite_path(self.url)
        if path is not None:
            if path == ":memory:" or not Path(path).is_file():
                raise DatabaseUnavailable(f"no knowledge base at {path}: create it with "
                                          f"`tijdlijn ingest INPUT --db sqlite:///{path}`")
        try:
            store = open_store(self.url, read_only=True, busy_timeout_ms=BUSY_TIMEOUT_MS)
        except StoreError as exc:
            raise DatabaseUnavailable(str(exc)) from None
        except sqlite3.Error as exc:
            raise DatabaseUnavailable(f"{self.describe()}: {_first_line(exc)}") from None
        try:
            if path is None:
                store.execute("SET statement_timeout = 10000")
            try:
                version = store.schema_version()
            except self._errors as exc:
                if "no such table" in str(exc) or "does not exist" in str(exc):
                    raise DatabaseUnavailable(f"{self.describe()} is not a tijdlijn knowledge base (no schema); "
                                              f"fill it with `tijdlijn ingest`") from None
                raise
            if version != SCHEMA_VERSION:
                raise DatabaseUnavailable(
                    f"{self.describe()} has schema version {version}, this tijdlijn serves version {SCHEMA_VERSION}"
                    + ("; upgrade it by running any tijdlijn command on it, e.g. `tijdlijn stats --db …`"
                       if version < SCHEMA_VERSION else "; upgrade tijdlijn"))
        except DatabaseUnavailable:
            store.close()
            raise
        except self._errors as exc:
            store.close()
            raise DatabaseUnavailable(f"{self.describe()}: {_first_line(exc)}") from None
        with self._lock:
            self._open.append(store)
        return store

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._connect()
            self._local.store = store
        return store

    def drop(self) -> None:
        """Forget (and close) this thread's connection: the next request reconnects."""
        store = getattr(self._local, "store", None)
        self._local.store = None
        if store is not None:
            with self._lock:
                if store in self._open:
                    self._open.remove(store)
            try:
                store.close()
            except Exception:  # noqa: BLE001 - already broken
                pass

    @contextmanager
    def store(self) -> Iterator[Store]:
        """This thread's store; database errors become :class:`DatabaseUnavailable`."""
        store = self.get()
        try:
            yield store
        except self._errors as exc:
            self.drop()
            raise DatabaseUnavailable(f"{self.describe()}: {_first_line(exc)}") from None

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """A short-lived read-write store (creates/upgrades the schema), for the ingest endpoint."""
        try:
            store = open_store(self.url)
        except StoreError as exc:
            raise DatabaseUnavailable(str(exc)) from None
        try:
            yield store
        except self._errors as exc:
            raise DatabaseUnavailable(f"{self.describe()}: {_first_line(exc)}") from None
        finally:
            store.close()

    def version(self) -> tuple | None:
        """Changes whenever the database may have changed (SQLite: size and mtime of the file and its
        WAL — every commit touches the WAL); None where no cheap token exists (PostgreSQL)."""
        path = sqlite_path(self.url)
        if path is None:
            return None
        out = []
        for p in (path, path + "-wal"):
            try:
                st = os.stat(p)
                out += [st.st_mtime_ns, st.st_size, st.st_ino]
            except OSError:
                out += [None, None, None]
        return tuple(out)

    def cached(self, key: tuple, compute: Callable[[], Any], *, min_seconds: float = 0.02) -> Any:
        """``compute()``, remembered (LRU, per process, at most ``CACHE_SIZE`` results and ``CACHE_BYTES``
        of bytes results) while :meth:`version` stays the same, for results that took at least
        ``min_seconds``. Callers must not mutate the result."""
        version = self.version()
        if version is None:
            return compute()
        full = (key, version)
        with self._lock:
            hit = self._cache.get(full)
            if hit is not None:
                self._cache.move_to_end(full)
                return hit[0]
        t0 = time.perf_counter()
        value = compute()
        size = len(value) if isinstance(value, (bytes, bytearray)) else 0
        if time.perf_counter() - t0 >= min_seconds and size <= CACHE_BYTES // 4:
            with self._lock:
                old = self._cache.pop(full, None)
                self._cache_bytes += size - (old[1] if old else 0)
                self._cache[full] = (value, size)
                while len(self._cache) > CACHE_SIZE or self._cache_bytes > CACHE_BYTES:
                    self._cache_bytes -= self._cache.popitem(last=False)[1][1]
        return value

    def close_all(self) -> None:
        with self._lock:
            stores, self._open = self._open, []
        for s in stores:
            try:
                s.close()
            except Exception:  # noqa: BLE001
                pass


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
