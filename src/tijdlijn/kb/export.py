"""Export a knowledge base: JSON Lines (re-ingestible), CSV, Parquet, GeoJSON.

* ``jsonl``: one line per article, the ``annotate`` JSONL record (id, date,
  refined_date, lang, timexes, entities, related_places) plus ``title``, ``text``,
  ``source`` and ``url`` — so ``tijdlijn ingest export.jsonl`` rebuilds the same
  articles (same ids, same content hashes; into the same store it is a no-op).
* ``csv``: one row per article (no text), with layer counts.
* ``parquet``: one row per article with the text and nested ``timexes`` and
  ``entities`` lists (needs ``pyarrow``: ``pip install 'tijdlijn[parquet]'``).
* ``geojson``: one Point per place with article/mention counts, first/last
  publication date and the entity ids that named it.
Everything streams from the store; memory does not grow with the collection.
"""
from __future__ import annotations

import csv
import json
from typing import IO, Any, Iterator

from tijdlijn.kb.store import Store, published_filter

__all__ = ["export", "FORMATS", "ExportError"]

FORMATS = ("jsonl", "csv", "parquet", "geojson")
CSV_COLUMNS = ("id", "title", "published", "published_granularity", "refined", "refined_granularity", "lang",
               "source", "url", "content_hash", "date_inferred", "timexes", "entities", "ingested_at", "updated_at")


class ExportError(RuntimeError):
    pass


def _jsonl_records(store: Store) -> Iterator[dict[str, Any]]:
    from tijdlijn.writers.jsonl import to_record

    for doc in store.iter_documents():
        rec = to_record(doc)
        if doc.meta.get("date_inferred"):
            rec["date"] = None  # the input had none; ingest infers it again
        rec.update(title=doc.title, text=doc.text, source=doc.source, url=doc.meta.get("url"))
        yield rec


def export(store: Store, fmt: str, out: IO[Any]) -> int:
    """Write the collection to ``out`` (text stream; binary for parquet). Returns the number of items."""
    if fmt == "jsonl":
        n = 0
        for rec in _jsonl_records(store):
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
        return n
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(CSV_COLUMNS)
        n = 0
        for row in store.iter_articles():
            row = {**row, "id": row["ext_id"]}
            w.writerow(["" if row.get(c) is None else row.get(c) for c in CSV_COLUMNS])
            n += 1
        return n
    if fmt == "parquet":
        return _parquet(store, out)
    if fmt == "geojson":
        fc = places_feature_collection(store)
        json.dump(fc, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return len(fc["features"])
    raise ExportError(f"unknown export format {fmt!r} ({', '.join(FORMATS)})")


def places_feature_collection(store: Store, *, date_from: str | None = None,
                              date_to: str | None = None) -> dict[str, Any]:
    """Places of the articles published in [from, to] (all if not given), RFC 7946 FeatureCollection."""
    where, params = published_filter(date_from, date_to)
    cond = ("WHERE " + " AND ".join(where)) if where else ""
    rows = store.query(
        f"SELECT p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population, COUNT(DISTINCT ap.article_id), "
        f"SUM(ap.mention_count), MIN(a.pub_start), MAX(a.pub_end) FROM article_places ap "
        f"JOIN places p ON p.id = ap.place_id JOIN articles a ON a.id = ap.article_id {cond} "
        f"GROUP BY p.id, p.name, p.lat, p.lon, p.country, p.kind, p.population ORDER BY 8 DESC, p.id", params)
    ents: dict[str, list[str]] = {}
    for pid, eid in store.query(f"SELECT DISTINCT ap.place_id, ap.entity_id FROM article_places ap "
                                f"JOIN articles a ON a.id = ap.article_id {cond} ORDER BY 1, 2", params):
        if eid:
            ents.setdefault(pid, []).append(eid)
    features = []
    for pid, name, lat, lon, cc, kind, pop, n_art, n_men, first, last in rows:
        if lat is None or lon is None:
            continue
        features.append({
            "type": "Feature",
            "id": pid,
            "geometry": {"type": "Point", "coordinates": [round(lon, 5), round(lat, 5)]},
            "properties": {"name": name, "country": cc, "kind": kind, "population": pop,
                           "article_count": int(n_art), "mention_count": int(n_men or 0),
                           "first_date": first, "last_date": last, "entity_ids": ents.get(pid, [])},
        })
    return {"type": "FeatureCollection", "features": features}


def _parquet(store: Store, out: IO[bytes]) -> int:
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise ExportError("parquet export needs pyarrow: pip install 'tijdlijn[parquet]'") from None
    timex = pa.struct([("start", pa.int32()), ("end", pa.int32()), ("text", pa.string()), ("type", pa.string()),
                       ("value", pa.string()), ("mod", pa.string())])
    entity = pa.struct([("id", pa.string()), ("type", pa.string()), ("name", pa.string()),
                        ("mentions", pa.int32()), ("country", pa.string())])
    schema = pa.schema([("id", pa.string()), ("title", pa.string()), ("date", pa.string()),
                        ("date_granularity", pa.string()), ("refined_date", pa.string()), ("lang", pa.string()),
                        ("source", pa.string()), ("text", pa.string()), ("timexes", pa.list_(timex)),
                        ("entities", pa.list_(entity))])
    n = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as w:
        rows: list[dict[str, Any]] = []
        for doc in store.iter_documents():
            rows.append({
                "id": doc.id, "title": doc.title, "date": doc.date.value if doc.date else None,
                "date_granularity": doc.date.granularity if doc.date else None,
                "refined_date": doc.refined_date.date.value if doc.refined_date else None, "lang": doc.lang,
                "source": doc.source, "text": doc.text,
                "timexes": [{"start": t.start, "end": t.end, "text": t.text, "type": t.type, "value": t.value,
                             "mod": t.mod} for t in doc.timexes],
                "entities": [{"id": e.id, "type": e.type, "name": e.name, "mentions": len(e.mentions),
                              "country": e.place.country if e.place else None} for e in doc.entities],
            })
            n += 1
            if len(rows) >= 1000:
                w.write_table(pa.Table.from_pylist(rows, schema))
                rows = []
        if rows:
            w.write_table(pa.Table.from_pylist(rows, schema))
    return n
