"""Read queries over a :class:`~tijdlijn.kb.store.Store` for listings and pages (the HTTP API and the
web app use them): functions taking a store, returning JSON-ready dicts.

Everything the user gives is a bound parameter; the only SQL text assembled here is fixed fragments
(column lists, ``?`` marks) and the store's own :class:`~tijdlijn.kb.store.ArticleFilter`. The
article filters are the CLI's (``tijdlijn search``): words, publication window, "talks about" window,
entities (every one must occur), places, language. Paging is by opaque cursor: keyset (publication
date, id) when there is no query, an offset into the ranking otherwise. Bad parameters raise
:class:`ParamError` (naming the field), unknown ids :class:`NotFound`.
"""
from __future__ import annotations

import base64
import json
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Sequence

from tijdlijn.document import ArticleDate, DateError
from tijdlijn.kb import text as fts
from tijdlijn.kb.store import ArticleFilter, Store, published_filter

__all__ = ["ParamError", "NotFound", "Filters", "date_bound", "resolve_filters", "article_filter", "find_articles",
           "fast_snippet", "facets", "article", "list_entities", "entity_detail", "entity_timeline_geo", "list_quotes",
           "list_claims", "places_geojson", "encode_cursor", "decode_cursor", "MARK"]

MARK = ("\x01", "\x02")  # snippet hit markers inside the server (API: «…», HTML: <mark>)
ENTITY_TYPES = ("PER", "ORG", "LOC", "MISC")
COUNT_CAP = 10000
LANG_RE = re.compile(r"^[a-z]{2,3}$")


class ParamError(ValueError):
    """A request parameter that cannot be used: HTTP 422 naming the field."""

    def __init__(self, field: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.extra = extra


class NotFound(LookupError):
    def __init__(self, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra


# ------------------------------------------------------------------ parameters
def date_bound(value: str | None, which: str, field: str) -> str | None:
    """``YYYY[-MM[-DD]]`` (or a week ``YYYY-Www``) → first (``start``) or last (``end``) ISO day."""
    if value is None or value == "":
        return None
    try:
        d = ArticleDate.parse(value)
    except DateError as exc:
        raise ParamError(field, f"{field}: {exc}") from None
    if d.granularity == "range":
        raise ParamError(field, f"{field}: expected YYYY, YYYY-MM or YYYY-MM-DD")
    return (d.earliest if which == "start" else d.latest).isoformat()


def encode_cursor(data: dict[str, Any]) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, kind: str) -> dict[str, Any] | None:
    """The cursor's content, checked: a cursor from another listing or a forged one is a 422."""
    if not cursor:
        return None
    try:
        pad = "=" * (-len(cursor) % 4)
        data = json.loads(base64.urlsafe_b64decode(cursor + pad).decode())
    except Exception:  # noqa: BLE001 - anything undecodable
        raise ParamError("cursor", "cursor: not a cursor returned by this listing") from None
    if not isinstance(data, dict) or data.get("k") != kind:
        raise ParamError("cursor", "cursor: not a cursor returned by this listing")
    return data


def _offset(cur: dict[str, Any] | None) -> int:
    if cur is None:
        return 0
    o = cur.get("o")
    if not isinstance(o, int) or isinstance(o, bool) or not 0 <= o <= 1_000_000:
        raise ParamError("cursor", "cursor: not a cursor returned by this listing")
    return o


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere (wildcards in it are literal; ESCAPE '\\')."""
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


# ------------------------------------------------------------------ article filters
@dataclass
class Filters:
    q: str = ""
    date_from: str | None = None
    date_to: str | None = None
    about_from: str | None = None
    about_to: str | None = None
    entity_groups: list[list[str]] = field(default_factory=list)  # every group must occur (ids within: any)
    entity_refs: list[str] = field(default_factory=list)
    place_ids: list[str] = field(default_factory=list)
    place_refs: list[str] = field(default_factory=list)
    lang: str | None = None

    def fingerprint(self) -> str:
        return json.dumps([self.q, self.date_from, self.date_to, self.about_from, self.about_to, self.entity_groups,
                           self.place_ids, self.lang])


def resolve_filters(store: Store, *, q: str = "", date_from: str | None = None, date_to: str | None = None,
                    about_from: str | None = None, about_to: str | None = None, entity: Sequence[str] = (),
                    place: Sequence[str] = (), lang: str | None = None) -> Filters:
    f = Filters(q=q or "", date_from=date_bound(date_from, "start", "from"), date_to=date_bound(date_to, "end", "to"),
                about_from=date_bound(about_from, "start", "about_from"),
                about_to=date_bound(about_to, "end", "about_to"))
    if f.date_from and f.date_to and f.date_from > f.date_to:
        raise ParamError("to", "to: the window ends before it starts")
    if f.about_from and f.about_to and f.about_from > f.about_to:
        raise ParamError("about_to", "about_to: the window ends before it starts")
    if lang:
        if not LANG_RE.match(lang):
            raise ParamError("lang", "lang: a language code such as nl or en")
        f.lang = lang
    for ref in entity:
        ref = ref.strip()
        if not ref:
            continue
        ids = store.resolve_entity(ref)
        if not ids:
            close = store.entity_suggestions(ref)
            hint = ("; did you mean " + ", ".join(f"{n} ({i})" for i, n in close) + "?") if close else ""
            raise ParamError("entity", f"entity: no entity matches {ref!r}{hint}",
                             suggestions=[{"id": i, "name": n} for i, n in close])
        f.entity_groups.append(ids)
        f.entity_refs.append(ref)
    for ref in place:
        ref = ref.strip()
        if not ref:
            continue
        ids = store.resolve_place(ref)
        if not ids:
            raise ParamError("place", f"place: no stored place matches {ref!r}")
        f.place_ids.extend(i for i in ids if i not in f.place_ids)
        f.place_refs.append(ref)
    return f


def article_filter(store: Store, f: Filters) -> ArticleFilter:
    """The store's SQL for the filters, every entity group required."""
    return store.article_filter(f.q, date_from=f.date_from, date_to=f.date_to, about_from=f.about_from,
                                about_to=f.about_to, entity_groups=f.entity_groups, places=f.place_ids, lang=f.lang)


_ROW = "a.id, a.ext_id, a.title, a.published, a.lang, a.source, a.refined"


def find_articles(store: Store, f: Filters, *, limit: int = 20, cursor: str | None = None, snippets: bool = True,
                  with_total: bool = False, mark: tuple[str, str] = ("«", "»")) -> dict[str, Any]:
    """One page of matching articles: ``{"items", "next_cursor", "total"?}``. Ranked (BM25 / ts_rank_cd)
    when there are words, newest first otherwise."""
    s = article_filter(store, f)
    kind = "a" if s.query.empty else "s"
    cur = decode_cursor(cursor, kind)
    if cur is not None and cur.get("f") != _short_hash(f.fingerprint()):
        raise ParamError("cursor", "cursor: belongs to other filters (start again without cursor)")
    rows: list[tuple] = []
    next_cursor = None
    if kind == "s":
        off = _offset(cur)
        # (id, ext_id, title, published, score, lang, source, refined) -> the listing's row shape
        rows = [(r[0], r[1], r[2], r[3], r[5], r[6], r[7], r[4]) for r in store.ranked_articles(s, limit + 1, off)]
        if len(rows) > limit:
            rows = rows[:limit]
            next_cursor = encode_cursor({"k": kind, "f": _short_hash(f.fingerprint()), "o": off + limit})
    else:
        # keyset on (pub_start DESC, id DESC): dated articles first, then undated ones
        null_phase = cur is not None and cur.get("p") is None
        after_id = cur.get("i") if cur else None
        if cur is not None and (not isinstance(after_id, int) or isinstance(after_id, bool)
                                or not isinstance(cur.get("p"), (str, type(None)))):
            raise ParamError("cursor", "cursor: not a cursor returned by this listing")
        if not null_phase:
            extra = ["a.pub_start IS NOT NULL"]
            params = list(s.params)
            if cur is not None:
                extra.append("(a.pub_start < ? OR (a.pub_start = ? AND a.id < ?))")
                params += [cur["p"], cur["p"], after_id]
            rows = store.query(f"SELECT {_ROW}, 0, a.pub_start FROM {s.frm}{s.cond(extra)} "
                               f"ORDER BY a.pub_start DESC, a.id DESC LIMIT ?", (*params, limit + 1))
        if len(rows) <= limit:
            extra = ["a.pub_start IS NULL"]
            params = list(s.params)
            if null_phase:
                extra.append("a.id < ?")
                params.append(after_id)
            rows += store.query(f"SELECT {_ROW}, 0, a.pub_start FROM {s.frm}{s.cond(extra)} "
                                f"ORDER BY a.id DESC LIMIT ?", (*params, limit + 1 - len(rows)))
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            next_cursor = encode_cursor({"k": kind, "f": _short_hash(f.fingerprint()), "p": last[-1], "i": last[0]})
    texts: dict[int, str] = {}
    if snippets and rows:
        ids = [r[0] for r in rows]
        texts = dict(store.query(f"SELECT id, text FROM articles WHERE id IN ({','.join('?' * len(ids))})", ids))
    stems = s.query.sequences() if not s.query.empty else set()
    items = []
    for r in rows:
        aid, ext, title, pub, lang, source, refined, score = r[:8]
        it: dict[str, Any] = {"id": ext, "title": title, "date": pub, "refined_date": refined, "lang": lang,
                              "source": source}
        if kind == "s":
            it["score"] = round(float(score or 0), 4)
        if snippets:
            it["snippet"] = fast_snippet(texts.get(aid, ""), stems, lang, mark=mark)
        items.append(it)
    out: dict[str, Any] = {"items": items, "next_cursor": next_cursor}
    if with_total:
        n = store.query(f"SELECT COUNT(*) FROM (SELECT 1 FROM {s.frm}{s.cond()} LIMIT {COUNT_CAP + 1}) c",
                        s.params)[0][0]
        out["total"] = min(int(n), COUNT_CAP)
        out["total_capped"] = int(n) > COUNT_CAP
    return out


SNIPPET_WINDOW = (700, 900)  # characters before / after the first likely hit


def fast_snippet(text: str, stems: set[tuple[str, ...]], lang: str | None, *,
                 mark: tuple[str, str] = ("«", "»")) -> str:
    """:func:`tijdlijn.kb.text.snippet` on a window of a long text: stemming a whole article costs
    milliseconds per hit, so the window is centred on the first word that starts like a query stem
    (found with one case-folded search). The snippet is the same as on the whole text whenever the
    densest run of hits lies in that window; the text is used whole when nothing is found (e.g. a
    hit that differs from the query only in accents)."""
    if len(text) <= sum(SNIPPET_WINDOW):
        return fts.snippet(text, stems, lang, mark=mark)
    if not stems:
        start, end = 0, sum(SNIPPET_WINDOW)
    else:
        prefixes = sorted({seq[0][:4] for seq in stems if seq and seq[0]})
        m = re.search(r"\b(?:" + "|".join(re.escape(p) for p in prefixes) + ")", text.casefold()) if prefixes else None
        if m is None:
            return fts.snippet(text, stems, lang, mark=mark)
        start = max(0, m.start() - SNIPPET_WINDOW[0])
        end = min(len(text), m.start() + SNIPPET_WINDOW[1])
    if start > 0:  # whole words only
        sp = text.find(" ", start)
        start = sp + 1 if 0 <= sp < start + 40 else start
    if end < len(text):
        sp = text.rfind(" ", end - 40, end)
        end = sp if sp > 0 else end
    out = fts.snippet(text[start:end], stems, lang, mark=mark)
    if start > 0 and not out.startswith("… "):
        out = "… " + out
    if end < len(text) and not out.endswith(" …"):
        out = out + " …"
    return out


def _short_hash(text: str) -> str:
    import hashlib

    return hashlib.sha1(text.encode()).hexdigest()[:10]


def facets(store: Store, f: Filters, *, sample: int = 1000, top: int = 10) -> dict[str, Any]:
    """Counts over the first ``sample`` matches (by rank, or newest first): languages, publication
    months/years, entities (not places) and places."""
    s = article_filter(store, f)
    order = "a.pub_start DESC, a.id DESC" if s.query.empty else f"{s.score} DESC, a.pub_start DESC, a.id"
    base = f"SELECT a.id FROM {s.frm}{s.cond()} ORDER BY {order} LIMIT {int(sample)}"
    p = s.params
    langs = store.query(f"SELECT x.lang, COUNT(*) FROM articles x WHERE x.id IN ({base}) GROUP BY x.lang "
                        f"ORDER BY 2 DESC", p)
    months = store.query(f"SELECT substr(x.pub_start, 1, 7), COUNT(*) FROM articles x WHERE x.id IN ({base}) "
                         f"AND x.pub_start IS NOT NULL GROUP BY substr(x.pub_start, 1, 7) ORDER BY 1", p)
    ents = store.query(f"SELECT ae.entity_id, en.name, en.type, COUNT(DISTINCT ae.article_id) FROM article_entities ae "
                       f"JOIN entities en ON en.id = ae.entity_id WHERE ae.article_id IN ({base}) AND ae.type <> 'LOC' "
                       f"GROUP BY ae.entity_id, en.name, en.type ORDER BY 4 DESC, 1 LIMIT {int(top)}", p)
    places = store.query(f"SELECT ap.place_id, pl.name, pl.country, COUNT(DISTINCT ap.article_id) FROM article_places ap "
                         f"JOIN places pl ON pl.id = ap.place_id WHERE ap.article_id IN ({base}) "
                         f"GROUP BY ap.place_id, pl.name, pl.country ORDER BY 4 DESC, 1 LIMIT {int(top)}", p)
    # dates: months when they span at most two years, else years
    dates: list[dict[str, Any]] = []
    if months:
        years = sorted({m[:4] for m, _ in months})
        if int(years[-1]) - int(years[0]) <= 1:
            dates = [{"value": m, "count": n} for m, n in months]
        else:
            by_year: dict[str, int] = {}
            for m, n in months:
                by_year[m[:4]] = by_year.get(m[:4], 0) + n
            dates = [{"value": y, "count": n} for y, n in sorted(by_year.items())]
    return {
        "sample": sample,
        "languages": [{"value": lg or "unknown", "count": n} for lg, n in langs],
        "dates": dates,
        "entities": [{"id": i, "name": n, "type": t, "count": c} for i, n, t, c in ents],
        "places": [{"id": i, "name": n, "country": c, "count": k} for i, n, c, k in places],
    }


# ------------------------------------------------------------------ one article
def article(store: Store, ext_id: str) -> dict[str, Any]:
    """Every annotation layer of one article (the document JSON, without tokens), each entity with
    the explanation of its collection identity, plus the store's bookkeeping under ``kb``."""
    keys = ("url", "source", "published", "published_granularity", "refined", "refined_granularity",
            "date_inferred", "content_hash", "ingested_at", "updated_at")
    rows = store.query(f"SELECT id, doc, {', '.join(keys)} FROM articles WHERE ext_id = ?", (ext_id,))
    if not rows:
        raise NotFound(f"no article with id {ext_id!r}")
    aid, blob = rows[0][0], rows[0][1]
    ids = {idx: (eid, why) for idx, eid, why in store.query(
        "SELECT idx, entity_id, why FROM article_entities WHERE article_id = ?", (aid,))}
    out = json.loads(zlib.decompress(bytes(blob)).decode("utf-8"))
    if any(i in ids and ids[i][0] != e.get("id") for i, e in enumerate(out.get("entities") or [])):
        # identities were recomputed since the article was written: let the store remap every reference
        doc = store.get_document(ext_id)
        out = doc.to_json(tokens=False)
    out.pop("tokens", None)
    if ids:
        out.setdefault("meta", {})["identity"] = [ids[i][1] for i in sorted(ids)]
    ident = (out.get("meta") or {}).get("identity") or []
    for i, e in enumerate(out.get("entities") or []):
        e["identity"] = ident[i] if i < len(ident) else None
    kb = dict(zip(keys, rows[0][2:]))
    kb["date_inferred"] = bool(kb["date_inferred"])
    out["kb"] = kb
    return out


# ------------------------------------------------------------------ entities
def list_entities(store: Store, *, q: str | None = None, type: str | None = None, limit: int = 50,
                  cursor: str | None = None) -> dict[str, Any]:
    """Entities by number of articles (most first), optionally by name part and type."""
    cur = decode_cursor(cursor, "e")
    where, params = ["article_count > 0"], []
    if type:
        if type.upper() not in ENTITY_TYPES:
            raise ParamError("type", f"type: one of {', '.join(ENTITY_TYPES)}")
        where.append("type = ?")
        params.append(type.upper())
    if q:
        where.append("LOWER(name) LIKE ? ESCAPE '\\'")
        params.append(_like(q))
    if cur is not None:
        c, i = cur.get("c"), cur.get("i")
        if not isinstance(c, int) or isinstance(c, bool) or not isinstance(i, str):
            raise ParamError("cursor", "cursor: not a cursor returned by this listing")
        where.append("(article_count < ? OR (article_count = ? AND id > ?))")
        params += [c, c, i]
    rows = store.query(f"SELECT id, name, type, article_count, mention_count, first_date, last_date FROM entities "
                       f"WHERE {' AND '.join(where)} ORDER BY article_count DESC, id LIMIT ?", (*params, limit + 1))
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = encode_cursor({"k": "e", "c": rows[-1][3], "i": rows[-1][0]})
    cols = ("id", "name", "type", "article_count", "mention_count", "first_date", "last_date")
    return {"items": [dict(zip(cols, r)) for r in rows], "next_cursor": nxt}


def _entity_id(store: Store, ref: str) -> tuple[str, list[str]]:
    if store.query("SELECT 1 FROM entities WHERE id = ?", (ref,)):
        return ref, []
    ids = store.resolve_entity(ref)
    if not ids:
        close = store.entity_suggestions(ref)
        raise NotFound(f"no entity matches {ref!r}", suggestions=[{"id": i, "name": n} for i, n in close])
    return ids[0], ids[1:]


def entity_detail(store: Store, ref: str, *, sample: int = 2000) -> dict[str, Any]:
    """An entity with its aliases (names it goes by across the articles), why its mentions were given
    this identity (``article_entities.why`` = ``meta.identity`` of the article; the evidence keys), its
    place if it is one, the places of the articles that mention it, and its latest articles."""
    eid, also = _entity_id(store, ref)
    row = store.query("SELECT id, name, type, article_count, mention_count, first_date, last_date FROM entities "
                      "WHERE id = ?", (eid,))[0]
    cols = ("id", "name", "type", "article_count", "mention_count", "first_date", "last_date")
    out: dict[str, Any] = dict(zip(cols, row))
    out["also"] = also
    names: dict[str, int] = {}
    whys: dict[str, int] = {}
    recent = store.query("SELECT ae.local_name, ae.cluster, ae.why, a.ext_id, a.published FROM article_entities ae "
                         "JOIN articles a ON a.id = ae.article_id WHERE ae.entity_id = ? "
                         "ORDER BY ae.article_id DESC LIMIT ?", (eid, sample))
    identity = []
    for local, cluster, why, ext, pub in recent:
        names[local] = names.get(local, 0) + 1
        try:
            c = json.loads(cluster or "{}")
        except ValueError:
            c = {}
        for a in c.get("aliases") or []:
            if isinstance(a, str):
                names[a] = names.get(a, 0) + 1
        for a in (c.get("acronyms") or {}):
            if isinstance(a, str):
                names[a] = names.get(a, 0) + 1
        w = why or "new identity"
        whys[w] = whys.get(w, 0) + 1
        if len(identity) < 20:
            identity.append({"article": ext, "date": pub, "name": local, "why": w})
    out["aliases"] = [{"name": n, "count": k} for n, k in sorted(names.items(), key=lambda x: (-x[1], x[0]))
                      if n != out["name"]][:50]
    out["identity"] = {
        "reasons": [{"why": w, "count": k} for w, k in sorted(whys.items(), key=lambda x: (-x[1], x[0]))][:20],
        "examples": identity,
        "evidence_keys": [{"kind": k, "key": v} for k, v in store.query(
            "SELECT kind, key FROM entity_keys WHERE entity_id = ? ORDER BY kind, key LIMIT 50", (eid,))],
        "sampled_articles": len(recent),
    }
    p = store.query("SELECT pl.id, pl.name, pl.lat, pl.lon, pl.country, pl.kind, pl.population FROM article_places ap "
                    "JOIN places pl ON pl.id = ap.place_id WHERE ap.entity_id = ? LIMIT 1", (eid,))
    out["place"] = dict(zip(("id", "name", "lat", "lon", "country", "kind", "population"), p[0])) if p else None
    out["places"] = [
        {"id": i, "name": n, "lat": la, "lon": lo, "country": c, "kind": k, "articles": cnt}
        for i, n, la, lo, c, k, cnt in store.query(
            "SELECT pl.id, pl.name, pl.lat, pl.lon, pl.country, pl.kind, COUNT(*) FROM article_places ap "
            "JOIN places pl ON pl.id = ap.place_id WHERE ap.article_id IN (SELECT article_id FROM article_entities "
            "WHERE entity_id = ? ORDER BY article_id DESC LIMIT ?) "
            "GROUP BY pl.id, pl.name, pl.lat, pl.lon, pl.country, pl.kind ORDER BY 7 DESC, 1 LIMIT 25", (eid, sample))]
    out["articles"] = [{"id": i, "title": t, "date": d} for i, t, d in store.query(
        "SELECT a.ext_id, a.title, a.published FROM article_entities ae JOIN articles a ON a.id = ae.article_id "
        "WHERE ae.entity_id = ? ORDER BY a.pub_start DESC, a.id DESC LIMIT 10", (eid,))]
    return out


def entity_timeline_geo(store: Store, ref: str, *, date_from: str | None = None, date_to: str | None = None,
                        limit: int = 500, context: bool = True) -> dict[str, Any]:
    """:func:`tijdlijn.kb.timeline.entity_timeline` plus coordinates of the places of its events."""
    from tijdlijn.kb.timeline import UnknownEntity, entity_timeline

    try:
        tl = entity_timeline(store, ref, date_from=date_from, date_to=date_to, limit=limit, context=context)
    except UnknownEntity as exc:
        raise NotFound(f"no entity matches {ref!r}",
                       suggestions=[{"id": i, "name": n} for i, n in exc.suggestions]) from None
    geo: dict[str, Any] = {}
    for pl in tl.get("places", []):
        pid = pl.get("place")
        if pid and pid not in geo:
            r = store.query("SELECT pl.lat, pl.lon, pl.name, pl.country FROM article_places ap JOIN places pl "
                            "ON pl.id = ap.place_id WHERE ap.entity_id = ? LIMIT 1", (pid,))
            geo[pid] = {"lat": r[0][0], "lon": r[0][1], "name": r[0][2], "country": r[0][3]} if r else None
    tl["geo"] = geo
    tl["limit"] = limit
    return tl


# ------------------------------------------------------------------ quotes and claims
def list_quotes(store: Store, *, speaker: str | None = None, kind: str | None = None, date_from: str | None = None,
                date_to: str | None = None, article: str | None = None, limit: int = 50,
                cursor: str | None = None) -> dict[str, Any]:
    """Quotes and reported statements by event time (``from``/``to`` filter the time they were said)."""
    off = _offset(decode_cursor(cursor, "q"))
    where, params = [], []
    if speaker:
        eid, also = _entity_id(store, speaker)
        ids = [eid, *also]
        where.append(f"q.speaker IN ({','.join('?' * len(ids))})")
        params.extend(ids)
    if kind:
        if kind not in ("direct", "indirect"):
            raise ParamError("kind", "kind: direct or indirect")
        where.append("q.kind = ?")
        params.append(kind)
    if date_from:
        where.append("q.time_end >= ?")
        params.append(date_from)
    if date_to:
        where.append("q.time_start <= ?")
        params.append(date_to)
    if article is not None:
        where.append("a.ext_id = ?")
        params.append(article)
    rows = store.query(
        "SELECT a.ext_id, a.published, q.kind, q.text, q.speaker, e.name, q.cue, q.time_value, q.time_start, "
        "q.time_end, q.certainty, q.char_start, q.char_end FROM quotes q JOIN articles a ON a.id = q.article_id "
        "LEFT JOIN entities e ON e.id = q.speaker " + ("WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY q.time_start, a.pub_start, a.id, q.char_start LIMIT ? OFFSET ?", (*params, limit + 1, off))
    cols = ("article", "published", "kind", "text", "speaker", "speaker_name", "cue", "date", "start_date",
            "end_date", "certainty", "start", "end")
    nxt = encode_cursor({"k": "q", "o": off + limit}) if len(rows) > limit else None
    return {"items": [dict(zip(cols, r)) for r in rows[:limit]], "next_cursor": nxt}


CLAIM_STATUSES = ("asserted", "reported", "unverified", "speculated", "denied", "confirmed", "retracted")


def list_claims(store: Store, *, status: str | None = None, date_from: str | None = None, date_to: str | None = None,
                article: str | None = None, limit: int = 50, cursor: str | None = None) -> dict[str, Any]:
    """Claims whose truth the articles qualify (status and cue), by publication date."""
    off = _offset(decode_cursor(cursor, "c"))
    where, params = [], []
    if status:
        if status not in CLAIM_STATUSES:
            raise ParamError("status", f"status: one of {', '.join(CLAIM_STATUSES)}")
        where.append("c.status = ?")
        params.append(status)
    pub_where, pub_params = published_filter(date_from, date_to)
    where += pub_where
    params += pub_params
    if article is not None:
        where.append("a.ext_id = ?")
        params.append(article)
    rows = store.query(
        "SELECT a.ext_id, a.published, c.status, c.text, c.cue, c.resolution, c.speaker, c.char_start, c.char_end "
        "FROM claims c JOIN articles a ON a.id = c.article_id " + ("WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.pub_start, a.id, c.char_start LIMIT ? OFFSET ?", (*params, limit + 1, off))
    cols = ("article", "published", "status", "text", "cue", "resolution", "speaker", "start", "end")
    nxt = encode_cursor({"k": "c", "o": off + limit}) if len(rows) > limit else None
    return {"items": [dict(zip(cols, r)) for r in rows[:limit]], "next_cursor": nxt}


def places_geojson(store: Store, *, date_from: str | None = None, date_to: str | None = None) -> dict[str, Any]:
    from tijdlijn.kb.export import places_feature_collection

    fc = places_feature_collection(store, date_from=date_from, date_to=date_to)
    fc["window"] = {"from": date_from, "to": date_to}
    return fc
