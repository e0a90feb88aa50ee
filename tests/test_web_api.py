"""The HTTP API against a real `tijdlijn serve` process on a free loopback port, over a store built from
examples/ and articles written here: every endpoint, paging, filters (the CLI's), errors (404, 422 naming
the field, 413, 401/403, 429, 503 for a missing or locked database — the server keeps running),
security headers, no CDN, static size, and schemathesis against /openapi.json finding no 500s."""
from __future__ import annotations

import json
import re
import sqlite3
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest

from webutil import (REPO, TOKEN, XSS_IMG, XSS_SCRIPT, Server, build_store, copy_store, get, get_json)

STATIC = REPO / "src" / "tijdlijn" / "web" / "static"


@pytest.fixture(scope="module")
def kb(tmp_path_factory) -> Path:
    return build_store(tmp_path_factory.getbasetemp() / "webkb")


@pytest.fixture(scope="module")
def server(kb):
    with Server(f"sqlite:///{kb}", "--rate-limit", "0", "--write-token", TOKEN, "--max-chars", "5000",
                "--max-body", "65536") as srv:
        yield srv


def api(server, path, params=None):
    q = ("?" + urlencode(params, doseq=True)) if params else ""
    return get_json(server.url + path + q)


# ----------------------------------------------------------------------------- service
def test_health_stats_and_openapi(server):
    status, body = api(server, "/api/health")
    assert status == 200 and body["status"] == "ok" and body["articles"] >= 10 and body["writable"] is True
    status, st = api(server, "/api/stats")
    assert status == 200 and st["articles"] == body["articles"] and st["timexes"] > 0
    status, spec = api(server, "/openapi.json")
    assert status == 200 and spec["openapi"].startswith("3.")
    for p in ("/api/articles", "/api/articles/{article_id}", "/api/search", "/api/entities",
              "/api/entities/{entity_id}", "/api/entities/{entity_id}/timeline", "/api/quotes", "/api/claims",
              "/api/places", "/api/annotate", "/api/health"):
        assert p in spec["paths"], p
    status, headers, html = get(server.url + "/docs")
    assert status == 200 and b"/static/docs.js" in html
    assert not re.search(rb"(src|href)=\"https?://", html), "the docs page must not load anything from outside"


def test_security_headers_and_no_external_assets(server):
    status, headers, html = get(server.url + "/")
    h = {k.lower(): v for k, v in headers.items()}
    assert status == 200
    assert "default-src 'self'" in h["content-security-policy"] and "script-src 'self'" in h["content-security-policy"]
    assert h["x-content-type-options"] == "nosniff"
    for page in ("/", "/map", "/entities", "/docs", "/article/nl-kabinet-2019-03-14"):
        status, _, html = get(server.url + page)
        assert status == 200, page
        assert not re.search(rb"(src|href)=\"(https?:)?//", html), page
    total = sum(p.stat().st_size for p in STATIC.rglob("*") if p.is_file())
    assert total <= 2 * 1024 * 1024, f"static assets are {total} bytes (limit 2 MB)"
    for p in [*STATIC.glob("*.js"), *STATIC.glob("*.css")]:  # our own assets name no outside URL at all
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)|//cdn", p.read_text("utf-8")), p
    # package data ships the static files (wheel/sdist)
    pyproject = (REPO / "pyproject.toml").read_text("utf-8")
    assert "web/static/" in pyproject


# ----------------------------------------------------------------------------- articles
def test_article_list_cursor_paging_visits_everything_once_newest_first(server, kb):
    seen, dates, cursor, pages = [], [], None, 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        status, page = api(server, "/api/articles", params)
        assert status == 200
        seen += [it["id"] for it in page["items"]]
        dates += [it["date"] for it in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert pages < 50
    with sqlite3.connect(kb) as conn:
        all_ids = {r[0] for r in conn.execute("SELECT ext_id FROM articles")}
    assert len(seen) == len(set(seen)) == len(all_ids) and set(seen) == all_ids
    keyed = [d for d in dates if d]
    assert keyed == sorted(keyed, reverse=True)


def test_article_filters(server):
    status, page = api(server, "/api/articles", {"lang": "en", "limit": 50})
    assert status == 200 and page["items"] and {it["lang"] for it in page["items"]} == {"en"}
    status, page = api(server, "/api/articles", {"from": "2019", "to": "2019", "limit": 50})
    assert status == 200 and page["items"] and all(it["date"].startswith("2019") for it in page["items"])
    status, body = api(server, "/api/articles", {"from": "2019-02-30"})
    assert status == 422 and body["error"]["field"] == "from" and body["error"]["code"] == "invalid_parameter"
    status, body = api(server, "/api/articles", {"limit": "many"})
    assert status == 422 and body["error"]["field"] == "limit"
    status, body = api(server, "/api/articles", {"cursor": "not-a-cursor"})
    assert status == 422 and body["error"]["field"] == "cursor"
    status, body = api(server, "/api/articles", {"from": "2020", "to": "2019"})
    assert status == 422 and body["error"]["field"] == "to"


def test_one_article_has_every_layer(server):
    status, doc = api(server, "/api/articles/nl-kabinet-2019-03-14")
    assert status == 200
    for key in ("text", "date", "refined_date", "sentences", "timexes", "entities", "quotes", "claims", "events",
                "meta", "kb"):
        assert key in doc, key
    assert "tokens" not in doc
    t = next(t for t in doc["timexes"] if t["text"] == "gisteren")
    assert t["value"] == "2019-03-13" and t["rule"] and t["anchor"] == "article_date" and t["explanation"]
    assert doc["entities"] and all("identity" in e for e in doc["entities"])
    assert doc["quotes"] and doc["claims"]
    status, doc = api(server, "/api/articles/is-audio")
    assert status == 200 and doc["refined_date"]["value"] == "2018-W34"
    w = next(t for t in doc["timexes"] if t["text"] == "woensdag")
    assert w["value"] == "2018-08-22" and w["anchor"] == "refined_article_date"
    status, body = api(server, "/api/articles/" + quote("no/such article"))
    assert status == 404 and body["error"]["code"] == "not_found" and "no/such article" in body["error"]["message"]


# ----------------------------------------------------------------------------- search
def test_search_matches_the_store_search_of_the_cli(server, kb):
    from tijdlijn.kb.store import open_store

    cases = [
        {"q": "kabinet"},
        {"q": "kabinet", "lang": "nl"},
        {"q": "", "from": "2017", "to": "2019"},
        {"q": "", "about_from": "2014", "about_to": "2014"},
        {"q": "storm OR election"},
        {"q": '"Den Haag"'},
        {"q": "kabinet -jeugdzorg"},
    ]
    with open_store(f"sqlite:///{kb}") as store:
        for c in cases:
            status, page = api(server, "/api/search", {**c, "limit": 50})
            assert status == 200, (c, page)
            kw = {}
            for k, arg, which in (("from", "date_from", "start"), ("to", "date_to", "end"),
                                  ("about_from", "about_from", "start"), ("about_to", "about_to", "end")):
                if c.get(k):
                    from tijdlijn.document import ArticleDate

                    d = ArticleDate.parse(c[k])
                    kw[arg] = (d.earliest if which == "start" else d.latest).isoformat()
            hits = store.search(c["q"], lang=c.get("lang"), limit=50, **kw)
            got = [it["id"] for it in page["items"]]
            want = [h.id for h in hits]
            if c["q"]:
                assert got == want, c  # same ranking
            else:
                assert set(got) == set(want), c


def test_search_snippets_totals_facets_and_paging(server):
    status, page = api(server, "/api/search", {"q": "kabinet", "total": "true", "facets": "true"})
    assert status == 200 and page["total"] >= 2 and page["total_capped"] is False
    assert any("«" in it["snippet"] and "»" in it["snippet"] for it in page["items"])
    f = page["facets"]
    assert {x["value"] for x in f["languages"]} == {"nl"}
    assert f["dates"] and f["entities"] and f["places"]
    # cursor paging over a ranking gives the same order as one big page
    status, full = api(server, "/api/search", {"q": "de", "limit": 50})
    got, cursor = [], None
    for _ in range(50):
        status, page = api(server, "/api/search", {"q": "de", "limit": 2, **({"cursor": cursor} if cursor else {})})
        got += [it["id"] for it in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert got == [it["id"] for it in full["items"]]
    # a cursor from other filters is refused
    status, page = api(server, "/api/search", {"q": "de", "limit": 1})
    status, body = api(server, "/api/search", {"q": "het", "cursor": page["next_cursor"]})
    assert status == 422 and body["error"]["field"] == "cursor"


def test_search_entity_and_place_filters(server):
    status, ents = api(server, "/api/entities", {"type": "PER", "limit": 500})
    rutte = next(e for e in ents["items"] if e["name"].endswith("Rutte"))
    status, by_id = api(server, "/api/search", {"entity": rutte["id"], "limit": 50})
    assert status == 200 and by_id["items"]
    for it in by_id["items"]:
        status, doc = api(server, "/api/articles/" + quote(it["id"], safe=""))
        assert rutte["id"] in {e["id"] for e in doc["entities"]}
    status, by_name = api(server, "/api/search", {"entity": "Rutte", "limit": 50})  # surname: every Rutte
    assert status == 200 and {it["id"] for it in by_id["items"]} <= {it["id"] for it in by_name["items"]}
    # every entity must occur
    status, page = api(server, "/api/search", {"entity": [rutte["id"], "Florida"]})
    assert status == 200 and page["items"] == []
    status, body = api(server, "/api/search", {"entity": "Ruttte"})
    assert status == 422 and body["error"]["field"] == "entity"
    assert any(s["id"] == rutte["id"] for s in body["error"]["suggestions"])
    status, page = api(server, "/api/search", {"place": "NL", "limit": 50})
    assert status == 200 and page["items"]
    status, body = api(server, "/api/search", {"place": "Atlantis"})
    assert status == 422 and body["error"]["field"] == "place"
    status, body = api(server, "/api/search", {"lang": "n'l"})
    assert status == 422 and body["error"]["field"] == "lang"


# ----------------------------------------------------------------------------- entities
def test_entities_list_detail_and_timeline(server):
    status, page = api(server, "/api/entities", {"limit": 5})
    assert status == 200 and len(page["items"]) == 5 and page["next_cursor"]
    counts = [e["article_count"] for e in page["items"]]
    assert counts == sorted(counts, reverse=True)
    status, page2 = api(server, "/api/entities", {"limit": 5, "cursor": page["next_cursor"]})
    assert status == 200 and not {e["id"] for e in page["items"]} & {e["id"] for e in page2["items"]}
    status, found = api(server, "/api/entities", {"q": "rutte"})
    assert status == 200 and found["items"] and all("rutte" in e["name"].lower() for e in found["items"])
    status, found = api(server, "/api/entities", {"q": "%_"})
    assert status == 200 and found["items"] == []  # wildcards are literal
    rutte = next(e for e in api(server, "/api/entities", {"type": "PER", "limit": 500})[1]["items"]
                 if e["name"].endswith("Rutte"))
    status, ent = api(server, "/api/entities/" + quote(rutte["id"]))
    assert status == 200 and ent["id"] == rutte["id"] and ent["type"] == "PER"
    assert ent["identity"]["reasons"] and all(r["why"] for r in ent["identity"]["reasons"])
    assert isinstance(ent["aliases"], list) and ent["articles"]
    status, tl = api(server, "/api/entities/" + quote(rutte["id"]) + "/timeline")
    assert status == 200 and tl["entity"] == rutte["id"] and tl["items"]
    starts = [it["start"] for it in tl["items"] if it["start"]]
    assert starts == sorted(starts)
    assert tl["last_heard_from"] is not None and tl["last_heard_from"]["date"]
    status, tl2 = api(server, "/api/entities/" + quote(rutte["id"]) + "/timeline", {"from": "2030"})
    assert status == 200 and tl2["items"] == []
    status, body = api(server, "/api/entities/per:nobody-at-all")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, body = api(server, "/api/entities/per:nobody-at-all/timeline")
    assert status == 404
    status, body = api(server, "/api/entities/" + quote(rutte["id"]) + "/timeline", {"limit": 0})
    assert status == 422 and body["error"]["field"] == "limit"


def test_quotes_claims_places(server):
    status, q = api(server, "/api/quotes", {"limit": 100})
    assert status == 200 and q["items"]
    spoken = next(x for x in q["items"] if x["speaker"])
    status, q2 = api(server, "/api/quotes", {"speaker": spoken["speaker"]})
    assert status == 200 and q2["items"] and {x["speaker"] for x in q2["items"]} == {spoken["speaker"]}
    status, body = api(server, "/api/quotes", {"kind": "shouted"})
    assert status == 422 and body["error"]["field"] == "kind"
    status, c = api(server, "/api/claims", {"status": "reported"})
    assert status == 200 and c["items"] and {x["status"] for x in c["items"]} == {"reported"}
    status, c1 = api(server, "/api/claims", {"article": "nl-kabinet-2019-03-14"})
    assert status == 200 and {x["article"] for x in c1["items"]} == {"nl-kabinet-2019-03-14"}
    status, headers, raw = get(server.url + "/api/places")
    fc = json.loads(raw)
    assert status == 200 and headers["content-type"].startswith("application/geo+json")
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert all(f["geometry"]["type"] == "Point" and len(f["geometry"]["coordinates"]) == 2 for f in fc["features"])
    status, fc19 = api(server, "/api/places", {"from": "2019-01-01", "to": "2019-12-31"})
    assert status == 200 and 0 < len(fc19["features"]) < len(fc["features"])
    assert all(f["properties"]["first_date"] <= "2019-12-31" and f["properties"]["last_date"] >= "2019-01-01"
               for f in fc19["features"])
    status, body = api(server, "/api/places", {"from": "2019-13"})
    assert status == 422 and body["error"]["field"] == "from"


def test_unknown_paths_and_methods_are_json_errors(server):
    status, body = api(server, "/api/nothing-here")
    assert status == 404 and body["error"]["code"] == "not_found"
    status, _, raw = get(server.url + "/api/health", method="DELETE")
    assert status == 405 and json.loads(raw)["error"]["code"] == "method_not_allowed"
    status, _, raw = get(server.url + "/article/does-not-exist")
    assert status == 404 and b"<html" in raw


def test_user_text_is_escaped_in_json_and_html(server):
    status, doc = api(server, "/api/articles/xss-article")
    assert status == 200 and XSS_SCRIPT in doc["text"]  # JSON keeps the text as it is
    status, _, html = get(server.url + "/article/xss-article")
    assert status == 200
    for bad in (XSS_SCRIPT, XSS_IMG, "<img", "<script>window", 'href="javascript:'):
        assert bad.encode() not in html, bad
    assert b"&lt;script&gt;window.__xss=1" in html
    status, ents = api(server, "/api/entities", {"q": "script"})
    for e in ents["items"]:
        status, _, page = get(server.url + "/entity/" + quote(e["id"]))
        assert status == 200 and b"<script>window" not in page and b"<img" not in page
    status, _, page = get(server.url + "/?" + urlencode({"q": XSS_SCRIPT + XSS_IMG, "entity": XSS_IMG}))
    assert b"<script>window" not in page and b"<img" not in page


# ----------------------------------------------------------------------------- writes
def test_write_endpoints_need_the_token_and_limit_sizes(server):
    body = json.dumps({"text": "Premier Rutte zei woensdag in Den Haag dat het kabinet vorig jaar faalde.",
                       "date": "2018-08", "lang": "nl"}).encode()
    ct = {"Content-Type": "application/json"}
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=body, headers=ct)
    assert status == 401 and json.loads(raw)["error"]["code"] == "unauthorized"
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=body,
                         headers={**ct, "Authorization": "Bearer wrong"})
    assert status == 401
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=body,
                         headers={**ct, "Authorization": f"Bearer {TOKEN}"})
    doc = json.loads(raw)
    assert status == 200 and doc["timexes"] and doc["entities"] and doc["date"]["value"] == "2018-08"
    big = json.dumps({"text": "woord " * 2000}).encode()  # 12,000 chars > --max-chars 5000
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=big,
                         headers={**ct, "Authorization": f"Bearer {TOKEN}"})
    assert status == 413 and json.loads(raw)["error"]["field"] == "text"
    huge = json.dumps({"text": "x" * 100_000}).encode()  # > --max-body 65536
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=huge,
                         headers={**ct, "Authorization": f"Bearer {TOKEN}"})
    assert status == 413 and json.loads(raw)["error"]["code"] == "too_large"
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=b'{"text": "x", "date": "2018-99"}',
                         headers={**ct, "Authorization": f"Bearer {TOKEN}"})
    assert status == 422 and json.loads(raw)["error"]["field"] == "date"
    status, _, raw = get(server.url + "/api/annotate", method="POST", body=b'{"txt": 1}',
                         headers={**ct, "Authorization": f"Bearer {TOKEN}"})
    assert status == 422 and json.loads(raw)["error"]["field"] == "text"


def test_read_only_server_refuses_writes_and_ingest_writes(kb, tmp_path):
    db = copy_store(kb, tmp_path / "copy.sqlite")
    with Server(f"sqlite:///{db}", "--rate-limit", "0") as ro:
        status, _, raw = get(ro.url + "/api/annotate", method="POST", body=b'{"text": "x"}',
                             headers={"Content-Type": "application/json", "Authorization": "Bearer x"})
        assert status == 403 and json.loads(raw)["error"]["code"] == "read_only"
    with Server(f"sqlite:///{db}", "--rate-limit", "0", "--write-token", TOKEN) as rw:
        rec = {"id": "api-1", "text": "Het kabinet in Den Haag besprak gisteren de dijken.", "date": "2021-02-03",
               "lang": "nl", "title": "Via de API"}
        hdr = {"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"}
        status, _, raw = get(rw.url + "/api/articles", method="POST", body=json.dumps(rec).encode(), headers=hdr)
        assert status == 201 and json.loads(raw)["status"] == "ingested"
        status, doc = get_json(rw.url + "/api/articles/api-1")
        assert status == 200 and doc["title"] == "Via de API" and doc["timexes"][0]["value"] == "2021-02-02"
        status, _, raw = get(rw.url + "/api/articles", method="POST", body=json.dumps(rec).encode(), headers=hdr)
        assert status == 200 and json.loads(raw)["status"] == "skipped"
        status, page = get_json(rw.url + "/api/search?q=dijken")
        assert "api-1" in [it["id"] for it in page["items"]]


# ----------------------------------------------------------------------------- limits and failures
def test_rate_limit(kb):
    with Server(f"sqlite:///{kb}", "--rate-limit", "1", "--burst", "3") as srv:
        time.sleep(3.2)  # the start-up health probe took a token
        codes = [get(srv.url + "/api/health")[0] for _ in range(5)]
        assert codes[:3] == [200, 200, 200] and 429 in codes[3:]
        status, headers, raw = get(srv.url + "/api/health")
        assert status == 429 and int(headers["retry-after"]) >= 1
        assert json.loads(raw)["error"]["code"] == "rate_limited"
        assert get(srv.url + "/static/app.css")[0] == 200  # assets are not counted


def test_serving_reads_the_database_without_changing_it(kb, tmp_path):
    """The server's connections come from ``open_store(read_only=True)``: it never creates, migrates or
    writes the file (benchmarks serve a cached store this way), and such a store refuses writes."""
    from tijdlijn.kb.store import StoreError, open_store

    db = copy_store(kb, tmp_path / "ro.sqlite")
    conn = sqlite3.connect(db)  # a checkpointed file with no -wal/-shm next to it
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = (db.stat().st_size, db.stat().st_mtime_ns)
    with Server(f"sqlite:///{db}", "--rate-limit", "0", workers=2) as srv:
        for path in ("/api/health", "/api/search?q=kabinet", "/api/articles?limit=5", "/api/entities",
                     "/api/places", "/"):
            assert get(srv.url + path)[0] == 200, path
    assert (db.stat().st_size, db.stat().st_mtime_ns) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.sqlite"], "the readers leave no -wal/-shm behind"
    with open_store(f"sqlite:///{db}", read_only=True) as st:
        assert st.article_count() > 0
        with pytest.raises(sqlite3.OperationalError, match="readonly|read-only|query_only"):
            st.execute("UPDATE articles SET title = 'x'")
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{tmp_path / 'absent.sqlite'}", read_only=True)
    assert not (tmp_path / "absent.sqlite").exists()


def test_missing_then_present_database_503_then_200(kb, tmp_path):
    target = tmp_path / "later.sqlite"
    with Server(f"sqlite:///{target}", "--rate-limit", "0") as srv:
        status, body = get_json(srv.url + "/api/health")
        assert status == 503 and body["error"]["code"] == "database_unavailable" and "later.sqlite" in \
            body["error"]["message"]
        status, body = get_json(srv.url + "/api/search?q=kabinet")
        assert status == 503
        status, _, html = get(srv.url + "/")
        assert status == 503 and b"<html" in html
        assert not target.exists(), "serving must not create the database"
        copy_store(kb, target)
        status, body = get_json(srv.url + "/api/health")
        assert status == 200 and body["articles"] > 0


def test_locked_database_gives_503_and_the_server_recovers(kb, tmp_path):
    # In WAL mode (what tijdlijn creates) a writer never blocks readers; a database in rollback-journal
    # mode (or on a file system without shared memory) is locked for readers while a writer commits.
    db = copy_store(kb, tmp_path / "locked.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] == "delete"
    with Server(f"sqlite:///{db}", "--rate-limit", "0", "--threads", "2") as srv:
        assert get_json(srv.url + "/api/search?q=kabinet")[0] == 200
        locker = sqlite3.connect(db, isolation_level=None, timeout=5)
        locker.execute("BEGIN EXCLUSIVE")
        locker.execute("UPDATE articles SET title = title")
        try:
            t0 = time.time()
            status, body = get_json(srv.url + "/api/search?q=kabinet", timeout=60)
            assert status == 503 and body["error"]["code"] == "database_unavailable", body
            assert "locked" in body["error"]["message"]
            assert time.time() - t0 < 15
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        for _ in range(3):  # every worker thread reconnects
            assert get_json(srv.url + "/api/search?q=kabinet")[0] == 200


def test_corrupt_database_gives_503(tmp_path):
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with Server(f"sqlite:///{bad}", "--rate-limit", "0") as srv:
        status, body = get_json(srv.url + "/api/health")
        assert status == 503 and body["error"]["code"] == "database_unavailable"
        status, body = get_json(srv.url + "/api/health")  # still running
        assert status == 503


# ----------------------------------------------------------------------------- property-based: no 500s
def test_openapi_fuzz_finds_no_server_errors(server):
    """schemathesis generates requests for every operation of /openapi.json (valid and invalid
    parameters, odd strings in paths and queries); the server answers each with a non-5xx status (a
    503 would only mean the database is unavailable) and every error in the one JSON error shape."""
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    schema = schemathesis.openapi.from_url(server.url + "/openapi.json")
    headers = {"Authorization": f"Bearer {TOKEN}"}
    seen: dict[str, int] = {}
    for result in schema.get_all_operations():
        op = result.ok()
        if op.method.upper() == "POST" and op.path == "/api/articles":
            continue  # ingesting writes to the shared test store; covered above on a copy
        n = 10 if op.method.upper() == "POST" else 30

        @given(case=op.as_strategy())
        @settings(max_examples=n, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                  database=None)
        def run(case):
            response = case.call(base_url=server.url, headers=headers, timeout=30)
            case.validate_response(response, checks=[not_a_server_error])
            assert response.status_code < 500, (case.path, case.query, response.text[:300])
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == {"error"} and body["error"]["status"] == response.status_code
            seen[op.label] = seen.get(op.label, 0) + 1

        run()
    assert len(seen) >= 12, seen


# ----------------------------------------------------------------------------- PostgreSQL
def test_the_api_over_postgresql(pg_fresh_url, tmp_path):
    """The same server over a real PostgreSQL server (tests/pgserver.py): read-only sessions, one
    connection per worker thread, the same answers."""
    from webutil import ARTICLES
    from tijdlijn.kb.executors import make_executor
    from tijdlijn.kb.ingest import ingest, stage_names
    from tijdlijn.kb.store import open_store
    from tijdlijn.readers.files import read_inputs

    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ARTICLES), encoding="utf-8")
    with open_store(pg_fresh_url) as store, make_executor("serial", stage_names(None)) as ex:
        assert ingest(read_inputs([str(REPO / "examples"), str(src)]), store, ex).failed == 0
    with Server(pg_fresh_url, "--rate-limit", "0", "--write-token", TOKEN) as srv:
        status, h = get_json(srv.url + "/api/health")
        assert status == 200 and h["backend"] == "postgresql" and h["articles"] == 9
        status, page = get_json(srv.url + "/api/search?q=kabinet&facets=true&total=true")
        assert status == 200 and "nl-kabinet-2019-03-14" in [it["id"] for it in page["items"]]
        assert page["facets"]["entities"] and page["total"] >= 2
        ids, cursor = [], None
        while True:
            status, p = get_json(srv.url + "/api/articles?limit=4" + (f"&cursor={cursor}" if cursor else ""))
            ids += [it["id"] for it in p["items"]]
            cursor = p["next_cursor"]
            if not cursor:
                break
        assert len(ids) == len(set(ids)) == 9
        status, doc = get_json(srv.url + "/api/articles/is-audio")
        assert status == 200 and doc["refined_date"]["value"] == "2018-W34"
        status, ents = get_json(srv.url + "/api/entities?q=rutte")
        assert status == 200 and ents["items"]
        eid = ents["items"][0]["id"]
        assert get_json(srv.url + "/api/entities/" + quote(eid))[0] == 200
        assert get_json(srv.url + "/api/entities/" + quote(eid) + "/timeline")[0] == 200
        status, fc = get_json(srv.url + "/api/places?from=2019&to=2019")
        assert status == 200 and fc["features"]
        assert get(srv.url + "/article/nl-kabinet-2019-03-14")[0] == 200
        assert get(srv.url + "/entity/" + quote(eid))[0] == 200
        rec = {"id": "pg-api-1", "text": "Het kabinet besprak gisteren de dijken.", "date": "2021-02-03", "lang": "nl"}
        status, _, raw = get(srv.url + "/api/articles", method="POST", body=json.dumps(rec).encode(),
                             headers={"Content-Type": "application/json", "Authorization": f"Bearer {TOKEN}"})
        assert status == 201, raw
        assert get_json(srv.url + "/api/articles/pg-api-1")[0] == 200
