"""The knowledge-base store: one interface, SQLite (embedded default) and PostgreSQL.

``open_store(url)`` takes ``sqlite:///path/kb.sqlite`` (or a bare path) or
``postgresql://user@host:port/db``. All SQL is written once with ``?``
placeholders and translated for psycopg; user values are always bound
parameters, never spliced into SQL text. Full-text search differs per backend
(FTS5 vs. ``tsvector``) but indexes the same Python-stemmed tokens
(:mod:`tijdlijn.kb.text`).

Writes happen in :meth:`Store.transaction` blocks: the ingest writer commits one
batch at a time, so a crash loses at most the batch in flight and never leaves a
half-written article.
"""
from __future__ import annotations

import bisect
import hashlib
import json
import sqlite3
import zlib
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterable, Iterator, Sequence
from urllib.parse import quote, unquote, urlparse

from tijdlijn.document import Document
from tijdlijn.kb import text as fts
from tijdlijn.kb.schema import MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store", "StoreError", "open_store", "content_hash", "DEFAULT_DB", "WriteResult", "SearchHit",
           "ArticleFilter", "published_filter", "redact_url"]

DEFAULT_DB = "sqlite:///tijdlijn.sqlite"


class StoreError(RuntimeError):
    """A database that cannot be opened or used (bad URL, missing driver, server down…)."""


def content_hash(doc: Document) -> str:
    """What makes an article "the same": its text, title and given date (not the language, which
    may be given or detected)."""
    h = hashlib.sha256()
    for part in (doc.text, doc.title or "", doc.date.value if doc.date else ""):
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _chunks(seq: Sequence[Any], n: int) -> Iterator[Sequence[Any]]:
    for i in range(0, len(seq), n):
        yield seq[i:i + n]


@dataclass
class WriteResult:
    status: str  # ingested | updated | skipped
    ext_id: str
    reason: str = ""


@dataclass
class SearchHit:
    id: str
    title: str | None
    date: str | None
    score: float
    snippet: str
    lang: str | None = None
    source: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "date": self.date, "score": round(self.score, 4),
                "snippet": self.snippet, "lang": self.lang, "source": self.source}


@dataclass
class ArticleFilter:
    """Articles ``a`` matching search filters, as SQL (from :meth:`Store.article_filter`): ``SELECT …
    FROM {frm}{cond()}`` with ``params``; ``score`` is the rank expression (higher = better; ``0``
    without words). Callers may add conditions on ``a`` with ``cond(extra)`` (their own parameters
    go after ``params``)."""

    query: fts.Query
    frm: str
    where: list[str]
    params: list[Any]
    score: str

    def cond(self, extra: Sequence[str] = ()) -> str:
        where = [*self.where, *extra]
        if not where:
            return ""
        return (" AND " if not self.query.empty else " WHERE ") + " AND ".join(where)


class _DbKeyIndex:
    """:func:`tijdlijn.entities.identity.assign_records`'s index, kept in ``entity_keys``."""

    def __init__(self, store: "Store") -> None:
        self.store = store

    def lookup(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
        out: dict[tuple[str, str], tuple[str, str]] = {}
        wanted = set(keys)
        values = sorted({k for _, k in keys})
        for part in _chunks(values, 500):
            marks = ",".join("?" * len(part))
            for kind, key, eid, typ in self.store.query(
                    f"SELECT kind, key, entity_id, type FROM entity_keys WHERE key IN ({marks})", part):
                if (kind, key) in wanted:
                    out[(kind, key)] = (eid, typ)
        return out

    def is_taken(self, eid: str) -> bool:
        return bool(self.store.query("SELECT 1 FROM entities WHERE id = ?", (eid,)))

    def add(self, eid: str, name: str, typ: str, keys: Sequence[tuple[str, str]], new: bool) -> None:
        s = self.store
        if new:
            s.execute("INSERT INTO entities (id, type, name) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING",
                      (eid, typ, name))
        s.executemany("INSERT INTO entity_keys (kind, key, entity_id, type) VALUES (?, ?, ?, ?) "
                      "ON CONFLICT (kind, key) DO NOTHING", [(k, v, eid, typ) for k, v in keys])


class Store:
    """A connection to one knowledge base. Use :func:`open_store`."""

    dialect: str = ""

    def __init__(self, url: str) -> None:
        self.url = url
        self._in_tx = False
        self._delta: dict[str, list] = {}

    # ---- low level --------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        raise NotImplementedError

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        raise NotImplementedError

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        raise NotImplementedError

    def _begin(self) -> None:
        raise NotImplementedError

    def _commit(self) -> None:
        raise NotImplementedError

    def _rollback(self) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All or nothing: commits at the end of the block, rolls back on any exception."""
        if self._in_tx:
            yield self
            return
        self._begin()
        self._in_tx = True
        try:
            yield self
        except BaseException:
            self._in_tx = False
            self._delta, self._touched = {}, set()
            self._rollback()
            raise
        self._in_tx = False
        self._commit()

    # ---- schema ----------------------------------------------------------------
    def migrate(self) -> int:
        """Apply missing migrations; returns the schema version."""
        with self.transaction():
            self.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, "
                         "name TEXT NOT NULL, applied_at TEXT NOT NULL)")
        done = {v for (v,) in self.query("SELECT version FROM schema_migrations")}
        if done and max(done) > SCHEMA_VERSION:
            raise StoreError(f"{self.url}: database schema version {max(done)} is newer than this tijdlijn "
                             f"({SCHEMA_VERSION}); upgrade tijdlijn")
        for version, name, statements in MIGRATIONS:
            if version in done:
                continue
            with self.transaction():
                for stmt in statements[self.dialect]:
                    self.execute(stmt)
                self.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                             (version, name, _now()))
        return SCHEMA_VERSION

    def schema_version(self) -> int:
        rows = self.query("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    # ---- full-text index (backend specific) --------------------------------------
    def _index_article(self, article_id: int, stems: str) -> None:
        raise NotImplementedError

    def _unindex_article(self, article_id: int) -> None:
        raise NotImplementedError

    def _fts_select(self, q: fts.Query) -> tuple[str, list[Any], str]:
        """(FROM/WHERE fragment joining articles ``a``, params, score expression (higher = better))."""
        raise NotImplementedError

    # ---- articles ---------------------------------------------------------------
    def lookup(self, pairs: Sequence[tuple[str, str]]) -> dict[str, tuple[str, str | None]]:
        """For (key, hash) pairs of a batch: key -> ("unchanged"|"changed"|"duplicate"|"new", other ext id)."""
        out: dict[str, tuple[str, str | None]] = {}
        keys = [k for k, _ in pairs]
        hashes = [h for _, h in pairs]
        by_key: dict[str, tuple[str, str]] = {}
        by_hash: dict[str, tuple[str, str]] = {}
        for part in _chunks(keys, 500):
            for key, h, ext in self.query(
                    f"SELECT key, content_hash, ext_id FROM articles WHERE key IN ({','.join('?' * len(part))})", part):
                by_key[key] = (h, ext)
        for part in _chunks(hashes, 500):
            for key, h, ext in self.query(
                    f"SELECT key, content_hash, ext_id FROM articles WHERE content_hash IN "
                    f"({','.join('?' * len(part))})", part):
                by_hash.setdefault(h, (key, ext))
        for key, h in pairs:
            if key in by_key:
                out[key] = ("unchanged", by_key[key][1]) if by_key[key][0] == h else ("changed", by_key[key][1])
            elif h in by_hash:
                out[key] = ("duplicate", by_hash[h][1])
            else:
                out[key] = ("new", None)
        return out

    def _free_ext_id(self, wanted: str, key: str) -> str:
        ext, n = wanted, 1
        while True:
            rows = self.query("SELECT key FROM articles WHERE ext_id = ?", (ext,))
            if not rows or rows[0][0] == key:
                return ext
            n += 1
            ext = f"{wanted}-{n}"

    def write_document(self, doc: Document, key: str, chash: str | None = None) -> WriteResult:
        """Insert or update one annotated article (call inside :meth:`transaction`)."""
        from tijdlijn.entities.identity import assign_records, cluster_records
        from tijdlijn.temporal.values import value_interval

        chash = chash or content_hash(doc)
        existing = self.query("SELECT id, content_hash, ext_id FROM articles WHERE key = ?", (key,))
        if existing and existing[0][1] == chash:
            return WriteResult("skipped", existing[0][2], "unchanged (same content hash)")
        if not existing:
            dup = self.query("SELECT ext_id FROM articles WHERE content_hash = ? LIMIT 1", (chash,))
            if dup:
                return WriteResult("skipped", dup[0][0], f"duplicate of article {dup[0][0]} (same content hash)")

        # collection-wide entity ids (streaming, evidence kept in entity_keys)
        records = cluster_records(key, [{"name": e.name, "type": e.type, "aliases": e.aliases,
                                         "acronyms": e.acronyms} for e in doc.entities], doc.lang)
        assigned = assign_records(records, _DbKeyIndex(self))
        remap = {}
        for e, (eid, why, _name) in zip(doc.entities, assigned):
            remap[e.id] = eid
            e.id = eid
        _remap_refs(doc, remap)
        ext = existing[0][2] if existing else self._free_ext_id(doc.id or key, key)
        doc.id = ext
        doc_json = doc.to_json(tokens=False)
        doc_json["meta"] = {**doc_json.get("meta", {}), "identity": [w for _, w, _ in assigned]}
        blob = zlib.compress(json.dumps(doc_json, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)

        d, rd = doc.date, (doc.refined_date.date if doc.refined_date else None)
        cols = dict(
            source=doc.source, url=(doc.meta or {}).get("url"), title=doc.title, lang=doc.lang,
            content_hash=chash, published=d.value if d else None, published_granularity=d.granularity if d else None,
            pub_start=d.earliest.isoformat() if d else None, pub_end=d.latest.isoformat() if d else None,
            refined=rd.value if rd else None, refined_granularity=rd.granularity if rd else None,
            date_inferred=1 if (doc.meta or {}).get("date_inferred") else 0, text=doc.text, doc=blob,
            updated_at=_now(),
        )
        old_entities: list[str] = []
        if existing:
            aid, status = existing[0][0], "updated"
            old_entities = [r[0] for r in self.query("SELECT entity_id FROM article_entities WHERE article_id = ?",
                                                     (aid,))]
            sets = ", ".join(f"{k} = ?" for k in cols)
            self.execute(f"UPDATE articles SET {sets} WHERE id = ?", (*cols.values(), aid))
            for table in ("timexes", "article_entities", "article_places", "quotes", "claims", "events",
                          "event_participants"):
                self.execute(f"DELETE FROM {table} WHERE article_id = ?", (aid,))
            self._unindex_article(aid)
        else:
            status = "ingested"
            cols.update(key=key, ext_id=ext, ingested_at=cols["updated_at"])
            names = ", ".join(cols)
            aid = self.query(f"INSERT INTO articles ({names}) VALUES ({', '.join('?' * len(cols))}) RETURNING id",
                             tuple(cols.values()))[0][0]

        rows = []
        for t in doc.timexes:
            iv = value_interval(t.value.split("T")[0]) if t.type in ("DATE", "TIME") else None
            rows.append((aid, t.id, t.start, t.end, t.text, t.type, t.value, t.mod, t.anchor, t.rule, t.granularity,
                         iv[0].isoformat() if iv else None, iv[1].isoformat() if iv else None))
        self.executemany("INSERT INTO timexes (article_id, tid, char_start, char_end, text, type, value, mod, anchor, "
                         "rule, granularity, about_start, about_end) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
        ent_rows, place_rows, places = [], {}, {}
        sent_starts = [x.start for x in doc.sentences]

        def sent_index(pos: int) -> int:
            return max(0, bisect.bisect_right(sent_starts, pos) - 1)

        for i, (e, (_eid, why, _n)) in enumerate(zip(doc.entities, assigned)):
            ent_rows.append((aid, i, e.id, e.name, e.type, len(e.mentions), why,
                             json.dumps({"aliases": e.aliases, "acronyms": e.acronyms}, ensure_ascii=False),
                             json.dumps(sorted({sent_index(m.start) for m in e.mentions}))))
            if e.place is not None:
                p = e.place
                pid = p.gazetteer_id or f"{p.kind}:{p.country or ''}:{p.name}"
                places[pid] = (pid, p.name, p.lat, p.lon, p.country, p.kind, p.population)
                prev = place_rows.get(pid)
                place_rows[pid] = (aid, pid, prev[2] if prev else e.id, (prev[3] if prev else 0) + len(e.mentions))
        self.executemany("INSERT INTO article_entities (article_id, idx, entity_id, local_name, type, mention_count, "
                         "why, cluster, sentences) VALUES (?,?,?,?,?,?,?,?,?)", ent_rows)
        self.executemany("INSERT INTO places (id, name, lat, lon, country, kind, population) VALUES (?,?,?,?,?,?,?) "
                         "ON CONFLICT (id) DO NOTHING", list(places.values()))
        self.executemany("INSERT INTO article_places (article_id, place_id, entity_id, mention_count) "
                         "VALUES (?,?,?,?)", list(place_rows.values()))
        self._write_said(aid, doc, sent_index)
        self._index_article(aid, fts.index_text(doc.title, doc.text, doc.lang))
        if existing:  # an update can remove mentions: recount those entities in full
            self._touched.update(e.id for e in doc.entities)
            self._touched.update(old_entities)
        else:  # a new article only adds: keep the counters incrementally (cost independent of the collection)
            first, last = cols["pub_start"], cols["pub_end"]
            per: dict[str, int] = {}
            for e in doc.entities:
                per[e.id] = per.get(e.id, 0) + len(e.mentions)
            for eid, n in per.items():
                d = self._delta.setdefault(eid, [0, 0, None, None])
                d[0] += 1
                d[1] += n
                if first is not None and (d[2] is None or first < d[2]):
                    d[2] = first
                if last is not None and (d[3] is None or last > d[3]):
                    d[3] = last
        return WriteResult(status, ext)

    _touched: set[str]

    def _write_said(self, aid: int, doc: Document, sent_index: Any = None) -> None:
        self.executemany(
            "INSERT INTO quotes (article_id, idx, kind, char_start, char_end, text, speaker, cue, how, time_value, "
            "time_start, time_end, certainty) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(aid, i, q.get("kind", "direct"), q["start"], q["end"], q["text"], q.get("speaker"), q.get("cue"),
              q.get("how"), (q.get("time") or {}).get("value"), *_time_bounds(q.get("time") or {}),
              (q.get("time") or {}).get("certainty")) for i, q in enumerate(doc.quotes)])
        self.executemany(
            "INSERT INTO claims (article_id, idx, char_start, char_end, text, status, cue, resolution, speaker) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            [(aid, i, c["start"], c["end"], c["text"], c["status"], c.get("cue"), c.get("resolution"),
              c.get("speaker")) for i, c in enumerate(doc.claims)])
        ev_rows, part_rows = [], []
        for i, e in enumerate(doc.events):
            t = e.get("time") or {}
            sent = e.get("sentence") or [None, None]
            ev_rows.append((aid, i, e["start"], e["end"], e["predicate"], e.get("lemma"), e["type"], e.get("modality"),
                            e.get("place"), t.get("value"), *_time_bounds(t), t.get("certainty"), t.get("timex"),
                            sent[0], sent[1], 1 if e.get("quote") else 0, e.get("status"), e.get("resolution"),
                            sent_index(e["start"]) if sent_index else None))
            for p in e.get("participants", []):
                part_rows.append((aid, i, p.get("entity"), p["role"], p.get("text")))
        self.executemany(
            "INSERT INTO events (article_id, idx, char_start, char_end, predicate, lemma, type, modality, place, "
            "time_value, time_start, time_end, certainty, timex, sentence_start, sentence_end, is_quote, status, "
            "resolution, sentence_index) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ev_rows)
        self.executemany("INSERT INTO event_participants (article_id, event_idx, entity_id, role, text) "
                         "VALUES (?,?,?,?,?)", part_rows)

    def refresh_entities(self) -> None:
        """Bring entity counters (articles, mentions, first/last date) up to date: new articles are
        added incrementally; entities of updated articles are recounted in full."""
        touched = sorted(self._touched)
        self._touched = set()
        delta, self._delta = self._delta, {}
        touched_set = set(touched)
        rows = [(a, m, f, f, l, l, eid) for eid, (a, m, f, l) in sorted(delta.items()) if eid not in touched_set]
        self.executemany(
            "UPDATE entities SET article_count = article_count + ?, mention_count = mention_count + ?, "
            "first_date = CASE WHEN first_date IS NULL OR ? < first_date THEN COALESCE(?, first_date) "
            "ELSE first_date END, "
            "last_date = CASE WHEN last_date IS NULL OR ? > last_date THEN COALESCE(?, last_date) ELSE last_date END "
            "WHERE id = ?", rows)
        for part in _chunks(touched, 400):
            marks = ",".join("?" * len(part))
            self.execute(
                f"""UPDATE entities SET
                    article_count = (SELECT COUNT(*) FROM article_entities ae WHERE ae.entity_id = entities.id),
                    mention_count = (SELECT COALESCE(SUM(ae.mention_count), 0) FROM article_entities ae
                                     WHERE ae.entity_id = entities.id),
                    first_date = (SELECT MIN(a.pub_start) FROM article_entities ae JOIN articles a
                                  ON a.id = ae.article_id WHERE ae.entity_id = entities.id),
                    last_date = (SELECT MAX(a.pub_end) FROM article_entities ae JOIN articles a
                                 ON a.id = ae.article_id WHERE ae.entity_id = entities.id)
                    WHERE id IN ({marks})""", part)

    # ---- reading ----------------------------------------------------------------
    def article_count(self) -> int:
        return int(self.query("SELECT COUNT(*) FROM articles")[0][0])

    def get_document(self, ext_id: str) -> Document | None:
        rows = self.query("SELECT id, doc FROM articles WHERE ext_id = ?", (ext_id,))
        if not rows:
            return None
        return self._with_ids(self._doc(rows[0][1]), self._entity_ids([rows[0][0]]).get(rows[0][0], {}))

    @staticmethod
    def _doc(blob: bytes | memoryview) -> Document:
        return Document.from_json(json.loads(zlib.decompress(bytes(blob)).decode("utf-8")))

    def _entity_ids(self, article_ids: Sequence[int]) -> dict[int, dict[int, tuple[str, str]]]:
        out: dict[int, dict[int, tuple[str, str]]] = {}
        for part in _chunks(list(article_ids), 500):
            for aid, idx, eid, why in self.query(
                    f"SELECT article_id, idx, entity_id, why FROM article_entities WHERE article_id IN "
                    f"({','.join('?' * len(part))})", part):
                out.setdefault(aid, {})[idx] = (eid, why)
        return out

    @staticmethod
    def _with_ids(doc: Document, ids: dict[int, tuple[str, str]]) -> Document:
        """Entity ids as the tables hold them now (they change when identities are recomputed)."""
        remap = {}
        for i, e in enumerate(doc.entities):
            if i in ids and ids[i][0] != e.id:
                remap[e.id] = ids[i][0]
                e.id = ids[i][0]
        if remap:
            _remap_refs(doc, remap)
        if ids:
            doc.meta["identity"] = [ids[i][1] for i in sorted(ids)]
        return doc

    def iter_documents(self, batch: int = 500) -> Iterator[Document]:
        """Every article, annotated, in ingest order (streaming, constant memory)."""
        last = 0
        while True:
            rows = self.query("SELECT id, doc FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                return
            ids = self._entity_ids([r[0] for r in rows])
            for aid, blob in rows:
                yield self._with_ids(self._doc(blob), ids.get(aid, {}))
            last = rows[-1][0]

    def recompute_identities(self) -> dict[str, int]:
        """Re-partition every entity mention of the collection with :meth:`IdentityResolver.recompute`
        (adds the context-supported merges that streaming ingest leaves out, e.g. a bare surname
        joining the one person it co-occurs with). Memory and time grow with the collection: run it
        when a batch of articles has arrived, not per article. Deterministic for a given collection."""
        from tijdlijn.entities.identity import IdentityResolver, _Record

        resolver = IdentityResolver()
        rows = self.query("SELECT ae.article_id, ae.idx, ae.local_name, ae.type, ae.cluster, a.lang, ae.entity_id, "
                          "a.ext_id "
                          "FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
                          "ORDER BY ae.article_id, ae.idx")
        by_doc: dict[int, list[dict[str, Any]]] = {}
        old: dict[tuple[int, int], str] = {}
        langs: dict[int, str | None] = {}
        ext_of: dict[int, str] = {}
        for aid, idx, name, typ, cluster, lang, eid, ext in rows:
            ext_of[aid] = ext
            c = json.loads(cluster)
            by_doc.setdefault(aid, []).append({"name": name, "type": typ, "aliases": c.get("aliases", []),
                                               "acronyms": c.get("acronyms", {})})
            old[(aid, idx)] = eid
            langs[aid] = lang
        for aid, clusters in by_doc.items():
            resolver.add_document(ext_of[aid], clusters, langs[aid])
        resolver.recompute()
        table = None
        if resolver.use_alias_table:
            from tijdlijn.entities.coref import load_alias_table

            table = load_alias_table()
        changed = 0
        new_entities: dict[str, tuple[str, str]] = {}
        keys: dict[tuple[str, str], tuple[str, str]] = {}
        updates = []
        for aid, clusters in by_doc.items():
            for idx, (eid, c) in enumerate(zip(resolver.ids_for(ext_of[aid]), clusters)):
                reasons = resolver.reasons(eid)
                why = "; ".join(r for r in reasons if f"({ext_of[aid]})" in r)[:2000] or "new identity"
                updates.append((eid, why, aid, idx))
                changed += old[(aid, idx)] != eid
                new_entities.setdefault(eid, (c["type"], resolver.name(eid)))
                rec = _Record(str(aid), idx, c["name"], c["type"], tuple(c["aliases"]),
                              tuple(sorted(c["acronyms"].items())), langs[aid])
                for k in IdentityResolver._strong_keys(rec, table):
                    keys.setdefault(k, (eid, c["type"]))
        with self.transaction():
            self.executemany("UPDATE article_entities SET entity_id = ?, why = ? WHERE article_id = ? AND idx = ?",
                             updates)
            self.execute("DELETE FROM entity_keys")
            self.execute("DELETE FROM entities")
            self.executemany("INSERT INTO entities (id, type, name) VALUES (?, ?, ?)",
                             [(e, t, n) for e, (t, n) in sorted(new_entities.items())])
            self.executemany("INSERT INTO entity_keys (kind, key, entity_id, type) VALUES (?, ?, ?, ?)",
                             [(k[0], k[1], e, t) for k, (e, t) in sorted(keys.items())])
            moved = [(eid, aid, old[(aid, idx)]) for eid, _w, aid, idx in updates if old[(aid, idx)] != eid]
            for sql in ("UPDATE article_places SET entity_id = ? WHERE article_id = ? AND entity_id = ?",
                        "UPDATE quotes SET speaker = ? WHERE article_id = ? AND speaker = ?",
                        "UPDATE claims SET speaker = ? WHERE article_id = ? AND speaker = ?",
                        "UPDATE event_participants SET entity_id = ? WHERE article_id = ? AND entity_id = ?",
                        "UPDATE events SET place = ? WHERE article_id = ? AND place = ?"):
                self.executemany(sql, moved)
            self._touched = set(new_entities)
            self.refresh_entities()
        return {"mentions": len(updates), "entities": len(new_entities), "changed": changed,
                "merged_away": len(set(old.values())) - len(new_entities)}

    def iter_articles(self, batch: int = 2000) -> Iterator[dict[str, Any]]:
        """Article rows (no annotation layers) in ingest order."""
        cols = ("id", "ext_id", "title", "published", "published_granularity", "refined", "refined_granularity",
                "lang", "source", "url", "content_hash", "date_inferred", "ingested_at", "updated_at")
        last = 0
        while True:
            rows = self.query(f"SELECT {', '.join(cols)}, "
                              "(SELECT COUNT(*) FROM timexes t WHERE t.article_id = articles.id), "
                              "(SELECT COUNT(*) FROM article_entities e WHERE e.article_id = articles.id) "
                              "FROM articles WHERE id > ? ORDER BY id LIMIT ?", (last, batch))
            if not rows:
                return
            for r in rows:
                d = dict(zip(cols, r))
                d["timexes"], d["entities"] = r[-2], r[-1]
                yield d
            last = rows[-1][0]

    def stats(self) -> dict[str, Any]:
        one = lambda sql: self.query(sql)[0][0]  # noqa: E731
        langs = {lang or "unknown": n for lang, n in self.query("SELECT lang, COUNT(*) FROM articles GROUP BY lang "
                                                                 "ORDER BY 2 DESC")}
        etypes = {t: n for t, n in self.query("SELECT type, COUNT(*) FROM entities WHERE article_count > 0 "
                                              "GROUP BY type ORDER BY type")}
        lo, hi = self.query("SELECT MIN(pub_start), MAX(pub_end) FROM articles")[0]
        last = self.query("SELECT started_at, finished_at, ingested, updated, skipped, failed FROM ingest_runs "
                          "ORDER BY id DESC LIMIT 1")
        return {
            "articles": int(one("SELECT COUNT(*) FROM articles")),
            "entities": int(one("SELECT COUNT(*) FROM entities WHERE article_count > 0")),
            "entity_mentions": int(one("SELECT COALESCE(SUM(mention_count), 0) FROM article_entities")),
            "timexes": int(one("SELECT COUNT(*) FROM timexes")),
            "places": int(one("SELECT COUNT(DISTINCT place_id) FROM article_places")),
            "quotes": int(one("SELECT COUNT(*) FROM quotes")),
            "claims": int(one("SELECT COUNT(*) FROM claims")),
            "events": int(one("SELECT COUNT(*) FROM events WHERE is_quote = 0")),
            "languages": langs,
            "entity_types": etypes,
            "published_from": lo,
            "published_to": hi,
            "dates_inferred": int(one("SELECT COUNT(*) FROM articles WHERE date_inferred = 1")),
            "ingest_errors": int(one("SELECT COUNT(*) FROM ingest_errors")),
            "last_ingest": dict(zip(("started", "finished", "ingested", "updated", "skipped", "failed"), last[0]))
            if last else None,
            "schema_version": self.schema_version(),
            "backend": self.dialect,
        }

    # ---- ingest log ---------------------------------------------------------------
    def start_run(self, command: str) -> int:
        with self.transaction():
            return int(self.query("INSERT INTO ingest_runs (started_at, command) VALUES (?, ?) RETURNING id",
                                  (_now(), command))[0][0])

    def log_errors(self, run_id: int, errors: Sequence[tuple[str | None, int | None, str | None, str]]) -> None:
        self.executemany("INSERT INTO ingest_errors (run_id, source, line, record_id, message) VALUES (?,?,?,?,?)",
                         [(run_id, *e) for e in errors])

    def update_run(self, run_id: int, counts: dict[str, int], finished: bool = False) -> None:
        self.execute("UPDATE ingest_runs SET ingested = ?, updated = ?, skipped = ?, failed = ?, finished_at = ? "
                     "WHERE id = ?", (counts.get("ingested", 0), counts.get("updated", 0), counts.get("skipped", 0),
                                      counts.get("failed", 0), _now() if finished else None, run_id))

    # ---- entity / place lookup ------------------------------------------------------
    def resolve_entity(self, ref: str) -> list[str]:
        """Entity ids for a user reference: an id, a name or alias (case and accents ignored), or
        a surname/partial name that ends a stored name ("Al-Baghdadi" → Abu Bakr al-Baghdadi)."""
        from tijdlijn.entities.coref import load_alias_table, normalise_name
        from tijdlijn.entities.identity import IdentityResolver, _Record

        ref = ref.strip()
        if not ref:
            return []
        if self.query("SELECT 1 FROM entities WHERE id = ?", (ref,)):
            return [ref]
        table = load_alias_table()
        keys: set[tuple[str, str]] = set()
        for typ in ("PER", "ORG", "LOC", "MISC"):
            for lang in ("nl", "en"):
                keys |= IdentityResolver._strong_keys(_Record("q", 0, ref, typ, (), (), lang), table)
        found = sorted({eid for eid, _t in _DbKeyIndex(self).lookup(sorted(keys)).values()})
        if found:
            return found
        key = normalise_name(ref)
        if not key:
            return []
        last = key.split()[-1]
        rows = self.query("SELECT id, name FROM entities WHERE article_count > 0 AND LOWER(name) LIKE ? "
                          "ORDER BY article_count DESC, id", (f"%{last}%",))
        return [eid for eid, name in rows if normalise_name(name) == key or normalise_name(name).endswith(" " + key)]

    def entity_suggestions(self, ref: str, n: int = 5) -> list[tuple[str, str]]:
        """Close matches (id, name) for an unknown entity reference."""
        import difflib

        from tijdlijn.entities.coref import normalise_name

        key = normalise_name(ref)
        rows = self.query("SELECT id, name FROM entities WHERE article_count > 0 ORDER BY article_count DESC LIMIT 20000")
        names: dict[str, tuple[str, str]] = {}
        for eid, name in reversed(rows):
            full = normalise_name(name)
            names[full] = (eid, name)
            if " " in full:
                names.setdefault(full.rsplit(" ", 1)[1], (eid, name))  # surnames
        out: list[tuple[str, str]] = []
        for m in difflib.get_close_matches(key, list(names), n=3 * n, cutoff=0.6):
            if names[m] not in out:
                out.append(names[m])
        return out[:n]

    def resolve_place(self, ref: str) -> list[str]:
        """Place ids for an id, an ISO country code (all places in that country) or a name (any language)."""
        if self.query("SELECT 1 FROM places WHERE id = ?", (ref,)):
            return [ref]
        if len(ref) == 2 and ref.isalpha():
            rows = self.query("SELECT id FROM places WHERE country = ?", (ref.upper(),))
            if rows:
                return [r[0] for r in rows]
        rows = self.query("SELECT id FROM places WHERE LOWER(name) = ?", (ref.lower(),))
        if not rows:
            from tijdlijn.places.geocode import geocode

            for lang in ("nl", "en"):
                p = geocode(ref, lang)
                if p is not None:
                    pid = p.gazetteer_id or f"{p.kind}:{p.country or ''}:{p.name}"
                    rows = self.query("SELECT id FROM places WHERE id = ?", (pid,))
                    if rows:
                        break
        return [r[0] for r in rows]

    # ---- search -------------------------------------------------------------------
    def article_filter(self, query: str = "", *, date_from: str | None = None, date_to: str | None = None,
                       about_from: str | None = None, about_to: str | None = None,
                       entity_groups: Sequence[Sequence[str]] = (), places: Sequence[str] = (),
                       lang: str | None = None) -> "ArticleFilter":
        """The SQL that selects the articles ``a`` matching the search filters (see :meth:`search`), for
        callers that page, count or aggregate them themselves. ``entity_groups``: every group must occur
        in the article (any id of a group); ``places``: place ids, any of them. Every value is a bound
        parameter; the fragments are this backend's own (full-text index, interval length)."""
        q = fts.parse_query(query, (lang,) if lang in fts.STEMMERS else ("nl", "en"))
        where: list[str] = []
        params: list[Any] = []
        if q.empty:
            frm, score = "articles a", "0"
        else:
            frm, fparams, score = self._fts_select(q)
            params.extend(fparams)
        pub_where, pub_params = published_filter(date_from, date_to)
        where += pub_where
        params += pub_params
        if about_from or about_to:
            lo, hi = about_from or "0001-01-01", about_to or "9999-12-31"
            from datetime import date as _d

            days = (_d.fromisoformat(hi) - _d.fromisoformat(lo)).days
            where.append(self._about_clause())
            params.extend([lo, hi, days])
        for ids in entity_groups:
            if not ids:
                continue
            where.append(f"EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = a.id AND e.entity_id IN "
                         f"({','.join('?' * len(ids))}))")
            params.extend(ids)
        if places:
            where.append(self._place_clause(len(places)))
            params.extend(places)
        if lang:
            where.append("a.lang = ?")
            params.append(lang)
        return ArticleFilter(q, frm, where, params, score)

    def ranked_articles(self, f: "ArticleFilter", limit: int = 20, offset: int = 0) -> list[tuple]:
        """One page of the articles of a filter, best first: rows ``(id, ext_id, title, published, score,
        lang, source, refined)`` ordered by score (BM25 / ts_rank_cd), then newest, then id; without
        words newest first (score 0). Text-only queries are ranked inside the full-text index first
        (exact, ties at the cut included)."""
        if self.dialect == "sqlite":
            self._for_search()  # type: ignore[attr-defined]
        rows = None
        if not f.query.empty and not f.where:
            rows = self._top_by_rank(f.query, int(limit), int(offset))  # rank inside the index first, then join
        if rows is None:
            order = "score DESC, a.pub_start DESC, a.id" if not f.query.empty else "a.pub_start DESC, a.id"
            rows = self.query(f"SELECT a.id, a.ext_id, a.title, a.published, {f.score} AS score, a.lang, a.source, "
                              f"a.refined FROM {f.frm}{f.cond()} ORDER BY {order} LIMIT ? OFFSET ?",
                              (*f.params, int(limit), int(offset)))
        return rows

    def search(self, query: str = "", *, date_from: str | None = None, date_to: str | None = None,
               about_from: str | None = None, about_to: str | None = None, entities: Sequence[str] = (),
               places: Sequence[str] = (), lang: str | None = None, limit: int = 20, offset: int = 0,
               highlight: tuple[str, str] = ("[", "]")) -> list[SearchHit]:
        """Ranked articles. Date filters are ISO dates (inclusive); an article's publication
        interval must overlap [from, to]; ``about_*`` keeps articles with a time expression
        whose interval overlaps the window and is no longer than it ("in 2014" counts for
        2014, "de jaren 2010" does not); ``entities``: any of these ids occurs."""
        f = self.article_filter(query, date_from=date_from, date_to=date_to, about_from=about_from,
                                about_to=about_to, entity_groups=[list(entities)] if entities else (),
                                places=places, lang=lang)
        hits = []
        stems = f.query.sequences()
        for aid, ext, title, pub, sc, lg, src, _refined in self.ranked_articles(f, limit, offset):
            text = self.query("SELECT text FROM articles WHERE id = ?", (aid,))[0][0]
            hits.append(SearchHit(ext, title, pub, float(sc or 0), fts.snippet(text, stems, lg, mark=highlight),
                                  lg, src))
        return hits

    def _about_clause(self) -> str:
        raise NotImplementedError

    def _top_by_rank(self, q: fts.Query, limit: int, offset: int) -> list[tuple] | None:
        """Text-only queries: the best ``offset + limit`` by the index's own ranking, joined afterwards
        (rows as :meth:`ranked_articles`). Exact: when the last wanted score ties with the next one beyond
        what was fetched, returns None (the full plan runs)."""
        return None

    def _place_clause(self, n: int) -> str:
        return f"EXISTS (SELECT 1 FROM article_places p WHERE p.article_id = a.id AND p.place_id IN ({','.join('?' * n)}))"


# ============================================================================ SQLite

class SQLiteStore(Store):
    dialect = "sqlite"

    def __init__(self, url: str, path: str, *, read_only: bool = False, busy_timeout_ms: int = 30000) -> None:
        super().__init__(url)
        self.path = path
        self.read_only = read_only
        self._touched = set()
        conn = None
        try:
            if read_only:
                # changes nothing in the file: no create (mode=rw), no journal-mode switch, writes refused;
                # unlike mode=ro it can still clean up the -wal/-shm files when the last reader closes
                if path == ":memory:" or not Path(path).is_file():
                    raise StoreError(f"{url}: no SQLite database at {path}")
                conn = sqlite3.connect(f"file:{quote(str(Path(path).absolute()))}?mode=rw", uri=True,
                                       isolation_level=None, timeout=busy_timeout_ms / 1000,
                                       check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
                conn.execute("PRAGMA query_only = ON")
            else:
                if path != ":memory:":
                    Path(path).parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(path, isolation_level=None, timeout=busy_timeout_ms / 1000,
                                       check_same_thread=False)
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across process crashes
                conn.execute("PRAGMA foreign_keys = ON")
                conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        except sqlite3.Error as exc:
            if conn is not None:
                conn.close()
            raise StoreError(f"{url}: cannot open the SQLite database: {exc}") from None
        self.conn = conn

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def _begin(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        self.conn.execute("ROLLBACK")

    def close(self) -> None:
        self.conn.close()

    def _index_article(self, article_id: int, stems: str) -> None:
        self.execute("INSERT INTO article_fts (rowid, stems) VALUES (?, ?)", (article_id, stems))

    def _unindex_article(self, article_id: int) -> None:
        self.execute("DELETE FROM article_fts WHERE rowid = ?", (article_id,))

    def _fts_select(self, q: fts.Query) -> tuple[str, list[Any], str]:
        return ("article_fts JOIN articles a ON a.id = article_fts.rowid WHERE article_fts MATCH ?",
                [q.fts5()], "-bm25(article_fts)")

    def _about_clause(self) -> str:
        return ("EXISTS (SELECT 1 FROM timexes t WHERE t.article_id = a.id AND t.about_end >= ? AND "
                "t.about_start <= ? AND julianday(t.about_end) - julianday(t.about_start) <= ?)")

    def _for_search(self) -> None:
        """Searching reads much of the index: map the file (not while ingesting, where mapped pages of
        a growing file would only inflate the writer's memory)."""
        if not getattr(self, "_mmap_on", False):
            self.conn.execute("PRAGMA mmap_size = 268435456")
            self._mmap_on = True

    def _place_clause(self, n: int) -> str:
        # "+p.place_id": scan the article's few places by primary key instead of probing the place
        # index once per id (a country code can stand for ~100 place ids)
        return (f"EXISTS (SELECT 1 FROM article_places p WHERE p.article_id = a.id AND +p.place_id IN "
                f"({','.join('?' * n)}))")

    def _top_by_rank(self, q: fts.Query, limit: int, offset: int) -> list[tuple] | None:
        self._for_search()
        k = offset + limit
        if k <= 0:
            return []
        # one ranking pass (its cost is scoring every match, whatever the LIMIT), with room for ties at the cut
        n = max(k + 1, 4 * k, 2000)
        top = self.query("SELECT rowid, -rank FROM article_fts WHERE article_fts MATCH ? ORDER BY rank LIMIT ?",
                         (q.fts5(), n))
        if len(top) == n and top[-1][1] == top[k - 1][1]:
            return None  # the tie at the cut runs past what was fetched: the full plan orders it
        if len(top) > k:
            top = [r for r in top if r[1] >= top[k - 1][1]]  # the k best and everything tied with the k-th
        score = dict(top)
        rows = self.query(f"SELECT a.id, a.ext_id, a.title, a.published, a.lang, a.source, a.pub_start, a.refined "
                          f"FROM articles a WHERE a.id IN ({','.join('?' * len(top))})", [r[0] for r in top])
        rows.sort(key=lambda r: (-score[r[0]], _neg(r[6]), r[0]))
        return [(r[0], r[1], r[2], r[3], score[r[0]], r[4], r[5], r[7]) for r in rows[offset:offset + limit]]

    def size_bytes(self) -> int:
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return sum(p.stat().st_size for p in Path(self.path).parent.glob(Path(self.path).name + "*"))


# ============================================================================ PostgreSQL

class PostgresStore(Store):
    dialect = "postgresql"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        super().__init__(url)
        self.read_only = read_only
        self._touched = set()
        try:
            import psycopg
        except ImportError:
            raise StoreError("PostgreSQL support needs the psycopg driver: pip install 'tijdlijn[postgres]'") from None
        self._psycopg = psycopg
        try:
            self.conn = psycopg.connect(url, autocommit=True, connect_timeout=10)
        except psycopg.Error as exc:
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{_redact(url)}: cannot connect to PostgreSQL: {msg}") from None
        try:
            if read_only:
                self.conn.execute("SET default_transaction_read_only = on")
        except psycopg.Error as exc:
            self.conn.close()
            msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise StoreError(f"{_redact(url)}: cannot connect to PostgreSQL: {msg}") from None

    def _sql(self, sql: str) -> str:
        return sql.replace("%", "%%").replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.conn.execute(self._sql(sql), tuple(params))

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        rows = list(rows)
        if rows:
            with self.conn.cursor() as cur:
                cur.executemany(self._sql(sql), rows)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[tuple]:
        return self.conn.execute(self._sql(sql), tuple(params)).fetchall()

    def _begin(self) -> None:
        self.conn.execute("BEGIN")

    def _commit(self) -> None:
        self.conn.execute("COMMIT")

    def _rollback(self) -> None:
        try:
            self.conn.execute("ROLLBACK")
        except self._psycopg.Error:
            pass

    def close(self) -> None:
        self.conn.close()

    def _index_article(self, article_id: int, stems: str) -> None:
        self.execute("INSERT INTO article_search (article_id, tsv) VALUES (?, to_tsvector('simple', ?))",
                     (article_id, stems))

    def _unindex_article(self, article_id: int) -> None:
        self.execute("DELETE FROM article_search WHERE article_id = ?", (article_id,))

    def _fts_select(self, q: fts.Query) -> tuple[str, list[Any], str]:
        return ("article_search s JOIN articles a ON a.id = s.article_id, to_tsquery('simple', ?) fq "
                "WHERE s.tsv @@ fq", [q.tsquery()], "ts_rank_cd(s.tsv, fq, 1)")

    def _about_clause(self) -> str:
        return ("EXISTS (SELECT 1 FROM timexes t WHERE t.article_id = a.id AND t.about_end >= ? AND "
                "t.about_start <= ? AND (t.about_end::date - t.about_start::date) <= ?)")

    def size_bytes(self) -> int:
        return int(self.query("SELECT pg_database_size(current_database())")[0][0])


class _neg:
    """Descending order for strings (None last) inside an ascending sort key."""

    __slots__ = ("v",)

    def __init__(self, v: str | None) -> None:
        self.v = v

    def __lt__(self, other: "_neg") -> bool:
        if self.v is None or other.v is None:
            return self.v is not None and other.v is None
        return self.v > other.v

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _neg) and self.v == other.v


def published_filter(date_from: str | None, date_to: str | None) -> tuple[list[str], list[str]]:
    """SQL conditions (on ``articles a``) and parameters: the publication interval overlaps [from, to]."""
    where, params = [], []
    if date_from:
        where.append("a.pub_end >= ?")
        params.append(date_from)
    if date_to:
        where.append("a.pub_start <= ?")
        params.append(date_to)
    return where, params


def _remap_refs(doc: Document, remap: dict[str, str]) -> None:
    """Replace entity ids everywhere a document refers to them."""
    if not remap:
        return
    for r in doc.related_places:
        if r.get("entity") in remap:
            r["entity"] = remap[r["entity"]]
    for q in (*doc.quotes, *doc.claims):
        if q.get("speaker") in remap:
            q["speaker"] = remap[q["speaker"]]
        if q.get("candidates"):
            q["candidates"] = [remap.get(c, c) for c in q["candidates"]]
    for e in doc.events:
        if e.get("place") in remap:
            e["place"] = remap[e["place"]]
        for p in e.get("participants", []):
            if p.get("entity") in remap:
                p["entity"] = remap[p["entity"]]


def _time_bounds(t: dict[str, Any]) -> tuple[str | None, str | None]:
    """First and last day a time record denotes (explicit bounds, else from its value)."""
    if t.get("start") or t.get("end"):
        return t.get("start"), t.get("end")
    from tijdlijn.temporal.values import value_interval

    iv = value_interval(str(t.get("value") or "").split("T")[0])
    return (iv[0].isoformat(), iv[1].isoformat()) if iv else (None, None)


def redact_url(url: str) -> str:
    """The database URL with its password (if any) replaced by ``***``, for messages."""
    p = urlparse(url)
    if p.password:
        return url.replace(f":{p.password}@", ":***@")
    return url


_redact = redact_url


def open_store(url: str | None = None, *, migrate: bool = True, read_only: bool = False,
               busy_timeout_ms: int = 30000) -> Store:
    """Open (and create/upgrade) a knowledge base from a URL or a path.

    ``read_only=True`` opens an existing knowledge base for reading only and changes nothing in it (no
    file is created, no migration runs, the journal mode is left alone; SQLite refuses writes with
    ``query_only``, PostgreSQL sessions are ``default_transaction_read_only``). ``busy_timeout_ms``: how
    long a SQLite connection waits for a lock."""
    url = url or DEFAULT_DB
    if url.startswith(("postgresql://", "postgres://")):
        store: Store = PostgresStore(url, read_only=read_only)
    elif url.startswith("sqlite://"):
        path = unquote(url[len("sqlite:///"):]) if url.startswith("sqlite:///") else ""
        if not path:
            raise StoreError(f"{url}: expected sqlite:///path/to/kb.sqlite")
        store = SQLiteStore(url, path, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    elif "://" in url:
        raise StoreError(f"{url}: unsupported database URL (use sqlite:///path or postgresql://user@host:port/db)")
    else:
        store = SQLiteStore(f"sqlite:///{url}", url, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    if migrate and not read_only:
        try:
            store.migrate()
        except StoreError:
            store.close()
            raise
        except Exception as exc:  # noqa: BLE001 - a locked, corrupt or read-only database
            store.close()
            raise StoreError(f"{_redact(url)}: cannot prepare the database: {exc}") from None
    return store
