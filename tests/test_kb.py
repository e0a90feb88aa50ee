"""The knowledge base: store, ingest, search, export — on SQLite and on a real PostgreSQL server."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tijdlijn.document import Document
from tijdlijn.kb.executors import make_executor
from tijdlijn.kb.export import export
from tijdlijn.kb.ingest import ingest, stage_names
from tijdlijn.kb.store import StoreError, open_store
from tijdlijn.kb.text import parse_query, snippet
from tijdlijn.readers.files import read_inputs

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
CLI = [sys.executable, "-m", "tijdlijn"]

# Short articles written for these tests.
ARTICLES = [
    {"id": "a1", "date": "2018-08-23", "lang": "nl", "title": "IS-leider duikt op",
     "text": "De IS-leider Abu Bakr al-Baghdadi heeft woensdag een audio-opname verspreid. "
             "In 2014 riep hij in Mosul het kalifaat uit. Vorig jaar heroverde het Iraakse leger Mosul."},
    {"id": "a2", "date": "2019-03-14", "lang": "nl", "title": "Kabinet in Den Haag",
     "text": "Het kabinet in Den Haag besprak dinsdag de aanvallen op de dijken. Premier Mark Rutte "
             "zei dat de aanval op de waterkering in 2021 wordt onderzocht."},
    {"id": "a3", "date": "2017-09-12", "lang": "en", "title": "Storm hits Florida",
     "text": "The storm hit Florida on Sunday. Governor Rick Scott said the damage in Miami was severe. "
             "Hurricane Andrew in 1992 was worse."},
    {"id": "a4", "date": "2020-11", "lang": "en", "title": "Election count",
     "text": "Election workers in Pennsylvania counted ballots through the night. Joe Biden won the "
             "state, officials said on Saturday."},
]


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'kb.sqlite'}"
    return request.getfixturevalue("pg_fresh_url")


def run_ingest(url: str, inputs, executor: str = "serial", **kw):
    with open_store(url) as store:
        ex = make_executor(executor, stage_names(kw.pop("stages", None)), workers=kw.pop("workers", None),
                           cluster=kw.pop("cluster", None))
        with ex:
            return ingest(read_inputs([str(i) for i in inputs]), store, ex, **kw)


# ----------------------------------------------------------------------------- store + ingest

def test_ingest_stores_every_layer_and_stats_count_them(db_url, tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    s = run_ingest(db_url, [src])
    assert (s.ingested, s.skipped, s.failed) == (4, 0, 0)
    with open_store(db_url) as store:
        st_ = store.stats()
        assert st_["articles"] == 4 and st_["timexes"] >= 8 and st_["entities"] >= 6 and st_["places"] >= 3
        assert st_["languages"] == {"nl": 2, "en": 2}
        doc = store.get_document("a1")
        assert doc.title == "IS-leider duikt op" and doc.date.value == "2018-08-23"
        assert {t.value for t in doc.timexes} >= {"2018-08-22", "2014", "2017"}
        baghdadi = [e for e in doc.entities if "Baghdadi" in e.name]
        assert baghdadi and baghdadi[0].id.endswith(":abu-bakr-al-baghdadi")
        mosul = [e for e in doc.entities if e.name == "Mosul"]
        assert mosul and mosul[0].place.country == "IQ"


def test_reingest_is_a_noop_and_changed_article_is_updated(db_url, tmp_path):
    src = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    run_ingest(db_url, [src])
    again = run_ingest(db_url, [src])
    assert (again.ingested, again.updated, again.skipped) == (0, 0, 4)
    changed = [dict(r) for r in ARTICLES]
    changed[1]["text"] += " Het overleg gaat donderdag verder."
    again = run_ingest(db_url, [write_jsonl(tmp_path / "b.jsonl", changed)])
    assert (again.ingested, again.updated, again.skipped) == (0, 1, 3)
    with open_store(db_url) as store:
        assert store.stats()["articles"] == 4
        doc = store.get_document("a2")
        assert doc.text.endswith("donderdag verder.")
        assert "2019-03-14" in {t.value for t in doc.timexes}  # donderdag = the article's own day, re-annotated
        assert len(store.query("SELECT tid FROM timexes t JOIN articles a ON a.id = t.article_id "
                               "WHERE a.ext_id = 'a2'")) == len(doc.timexes)


def test_same_text_under_another_id_is_a_reported_duplicate(db_url, tmp_path):
    dup = dict(ARTICLES[0], id="copy-of-a1")
    s = run_ingest(db_url, [write_jsonl(tmp_path / "a.jsonl", [ARTICLES[0], dup])])
    assert (s.ingested, s.skipped) == (1, 1)
    records = []
    run_ingest(db_url, [write_jsonl(tmp_path / "b.jsonl", [dup])], on_record=records.append)
    assert records[0]["status"] == "skipped" and "duplicate of article a1" in records[0]["reason"]


def test_one_article_files_with_the_same_name_in_two_folders_are_two_articles(db_url, tmp_path):
    for folder, text in (("x", "Het regende dinsdag in Utrecht."), ("y", "Het sneeuwde woensdag in Zwolle.")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "bericht.txt").write_text(f"date 2020-01-10\n{text}\n", encoding="utf-8")
    s = run_ingest(db_url, [tmp_path / "x", tmp_path / "y"], stages="time")
    assert s.ingested == 2
    with open_store(db_url) as store:
        ids = sorted(r[0] for r in store.query("SELECT ext_id FROM articles"))
    assert ids == ["bericht", "bericht-2"]


def test_bad_records_are_reported_and_the_good_ones_stored(db_url, tmp_path):
    src = tmp_path / "mixed.jsonl"
    src.write_text("\n".join([
        json.dumps(ARTICLES[0]),
        "{not json",
        json.dumps({"id": "x", "text": ""}),
        json.dumps({"id": "y", "text": "Iets op 3 maart.", "date": "2019-13-45"}),
        json.dumps(ARTICLES[2]),
    ]) + "\n", encoding="utf-8")
    records = []
    s = run_ingest(db_url, [src, tmp_path / "missing.txt"], on_record=records.append)
    assert (s.ingested, s.failed) == (2, 4)
    failed = [r for r in records if r["status"] == "failed"]
    assert [r["line"] for r in failed[:3]] == [2, 3, 4]
    assert any("missing.txt" in r["source"] and "no such file" in r["reason"] for r in failed)
    with open_store(db_url) as store:
        assert store.stats()["articles"] == 2
        assert store.stats()["ingest_errors"] == 4


def test_a_batch_is_all_or_nothing(db_url, tmp_path, monkeypatch):
    """A failure while writing a batch rolls the whole batch back: no half-written article."""
    from tijdlijn.kb import store as store_mod

    calls = {"n": 0}
    orig = store_mod.Store.write_document

    def flaky(self, doc, key, chash=None):
        calls["n"] += 1
        result = orig(self, doc, key, chash)  # a3's rows are written …
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")  # … and then the batch fails
        return result

    src = write_jsonl(tmp_path / "a.jsonl", ARTICLES)
    monkeypatch.setattr(store_mod.Store, "write_document", flaky)
    with pytest.raises(RuntimeError, match="disk on fire"):
        run_ingest(db_url, [src], batch_size=2)
    monkeypatch.undo()
    with open_store(db_url) as store:
        # the first batch (a1, a2) committed; the second (a3 written, then failure) left nothing behind
        assert sorted(r[0] for r in store.query("SELECT ext_id FROM articles")) == ["a1", "a2"]
        n_ents = store.query("SELECT COUNT(*) FROM article_entities")[0][0]
        assert n_ents == sum(len(store.get_document(i).entities) for i in ("a1", "a2"))
    s = run_ingest(db_url, [src])  # re-running completes the job
    assert (s.ingested, s.skipped) == (2, 2)


def test_unusable_database_url_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="unsupported database URL"):
        open_store("mysql://x/y")
    with pytest.raises(StoreError, match="cannot connect to PostgreSQL|psycopg"):
        open_store("postgresql://nobody@127.0.0.1:1/none")
    bad = tmp_path / "not-a-db.sqlite"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not-a-db.sqlite"):
        open_store(str(bad))


def test_newer_schema_is_refused(tmp_path):
    url = str(tmp_path / "kb.sqlite")
    with open_store(url) as store:
        with store.transaction():
            store.execute("INSERT INTO schema_migrations VALUES (999, 'future', 'x')")
    with pytest.raises(StoreError, match="newer than this tijdlijn"):
        open_store(url)


# ----------------------------------------------------------------------------- search

@pytest.fixture
def filled(db_url, tmp_path) -> str:
    run_ingest(db_url, [write_jsonl(tmp_path / "a.jsonl", ARTICLES)])
    return db_url


def ids(hits) -> list[str]:
    return [h.id for h in hits]


def test_search_stems_dutch_and_english(filled):
    with open_store(filled) as store:
        assert ids(store.search("aanvallen")) == ["a2"]  # "aanvallen" and "aanval" share the stem
        assert ids(store.search("dijk")) == ["a2"]  # "dijken"
        assert ids(store.search("counting ballot")) == ["a4"]  # "counted ballots"
        assert ids(store.search("Syrië OR Mosul")) == ["a1"]
        assert ids(store.search("kabinet -Rutte")) == []
        assert ids(store.search('"Iraakse leger"')) == ["a1"]
        assert ids(store.search('"leger Iraakse"')) == []


def test_search_results_have_highlighted_snippets(filled):
    with open_store(filled) as store:
        hit = store.search("kalifaat")[0]
    assert hit.id == "a1" and hit.title == "IS-leider duikt op" and hit.date == "2018-08-23" and hit.score > 0
    assert "[kalifaat]" in hit.snippet


def test_search_filters(filled):
    with open_store(filled) as store:
        assert ids(store.search("", date_from="2019-01-01", date_to="2019-12-31")) == ["a2"]
        assert set(ids(store.search("", date_from="2020-11-15"))) == {"a4"}  # month-only date overlaps
        # talks about 2014 (published 2018)
        assert ids(store.search("", about_from="2014-01-01", about_to="2014-12-31")) == ["a1"]
        assert ids(store.search("", about_from="1992-01-01", about_to="1992-12-31")) == ["a3"]
        assert ids(store.search("", about_from="2021-01-01", about_to="2021-12-31")) == ["a2"]
        assert ids(store.search("", lang="en", date_to="2018-01-01")) == ["a3"]
        baghdadi = store.resolve_entity("Al-Baghdadi")
        assert len(baghdadi) == 1 and baghdadi[0].endswith(":abu-bakr-al-baghdadi")
        assert ids(store.search("", entities=baghdadi)) == ["a1"]
        assert ids(store.search("", places=store.resolve_place("IQ"))) == ["a1"]
        assert ids(store.search("", places=store.resolve_place("Florida") or ["none"])) == ["a3"]
        assert store.entity_suggestions("Bagdadi")[0][0] == baghdadi[0]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["OR", "AND", "NOT", "NEAR", "kalifaat", "-storm", '"', "*", "(", ")", "^", ":",
                                  "+", "{", "}", "'", "\\", ";", "%", "_", "?", "--", "DROP TABLE articles;"]) |
                st.text(max_size=8), max_size=12).map(" ".join))
def test_any_query_text_is_safe(tmp_path_factory, q):
    """FTS syntax, quotes, operators, SQL-ish text: never an error, never injected."""
    url = getattr(test_any_query_text_is_safe, "_url", None)
    if url is None:
        d = tmp_path_factory.mktemp("q")
        url = test_any_query_text_is_safe._url = str(d / "kb.sqlite")
        run_ingest(url, [write_jsonl(d / "a.jsonl", ARTICLES)], stages="time")
    with open_store(url) as store:
        store.search(q)
        store.search(q, lang="en")


NASTY = ['AND OR ( " * NEAR', '"unbalanced', "a' OR '1'='1", "kalifaat) OR (1=1", "*", "-", '""', "OR",
         "NOT kalifaat", "x:y", "^storm", "a\\b", "%_%", "'; DROP TABLE articles; --", "é" * 300]


def test_nasty_queries_on_every_backend(filled):
    with open_store(filled) as store:
        for q in NASTY:
            store.search(q)
        assert ids(store.search("kalifaat* (Mosul")) == ["a1"]  # syntax characters are not operators
        assert store.stats()["articles"] == 4


def test_query_parser_adversarial_input_is_fast():
    for q in ['"' * 50_000, "a OR " * 20_000, "-" * 100_000, "(" * 50_000 + "a", "é" * 100_000]:
        t = time.perf_counter()
        parse_query(q)
        assert time.perf_counter() - t < 1.0
    text = "aanval " * 30_000
    t = time.perf_counter()
    snippet(text, parse_query("aanval").sequences(), "nl")
    assert time.perf_counter() - t < 2.0


# ----------------------------------------------------------------------------- executors

def _export_lines(url: str) -> list[dict]:
    import io

    buf = io.StringIO()
    with open_store(url) as store:
        export(store, "jsonl", buf)
    return [json.loads(line) for line in buf.getvalue().splitlines()]


def test_every_executor_gives_identical_results(tmp_path):
    inputs = [EXAMPLES, write_jsonl(tmp_path / "a.jsonl", ARTICLES)]
    serial = f"sqlite:///{tmp_path / 's.sqlite'}"
    pool = f"sqlite:///{tmp_path / 'p.sqlite'}"
    dask = f"sqlite:///{tmp_path / 'd.sqlite'}"
    run_ingest(serial, inputs, "serial", batch_size=3)
    run_ingest(pool, inputs, "pool", workers=2, batch_size=3)
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster:  # a real cluster, reached over TCP like a remote one
        s = run_ingest(dask, inputs, cluster=cluster.scheduler_address, batch_size=3)
    assert s.executor == "dask" and s.workers == 2 and s.ingested == 9
    a, b, c = _export_lines(serial), _export_lines(pool), _export_lines(dask)
    assert len(a) == 9 and a == b == c
    rows = []
    for url in (serial, pool, dask):
        with open_store(url) as store:
            rows.append(store.query("SELECT a.ext_id, e.idx, e.entity_id, e.why FROM article_entities e "
                                    "JOIN articles a ON a.id = e.article_id ORDER BY 1, 2"))
    assert rows[0] and rows[0] == rows[1] == rows[2]


_MALLOC_PROBE = r"""
import ctypes, os, sys
sys.path.insert(0, sys.argv[1])
from tijdlijn.kb.executors import _restore_malloc_thresholds

class MallInfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in
                "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

libc = ctypes.CDLL("libc.so.6")
libc.mallinfo2.restype = MallInfo2

def mmapped_for_one_mib():
    before = libc.mallinfo2().hblks
    block = bytearray(1 << 20)
    return libc.mallinfo2().hblks - before

print(mmapped_for_one_mib(), mmapped_for_one_mib(), _restore_malloc_thresholds(), mmapped_for_one_mib())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc malloc")
def test_workers_started_with_dask_trim_threshold_get_glibc_allocation_back():
    """Dask's nanny sets MALLOC_TRIM_THRESHOLD_, which makes every 1 MiB array a fresh mmap
    (15-20 % slower annotation); workers undo it when they load the models."""
    src = str(Path(__file__).resolve().parents[1] / "src")
    env = {**os.environ, "MALLOC_TRIM_THRESHOLD_": "65536"}
    out = subprocess.run([sys.executable, "-c", _MALLOC_PROBE, src], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["1", "1", "True", "0"]  # every time a fresh mmap, until undone
    env.pop("MALLOC_TRIM_THRESHOLD_")
    out = subprocess.run([sys.executable, "-c", _MALLOC_PROBE, src], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["1", "0", "False", "0"]  # glibc default: the threshold adapts by itself


def test_local_dask_cluster_annotates_like_serial_with_glibc_allocation_restored(tmp_path):
    from tijdlijn.kb.executors import DaskExecutor, Executor

    def mmapped_for_one_mib() -> list[int]:
        import ctypes

        class MallInfo2(ctypes.Structure):
            _fields_ = [(n, ctypes.c_size_t) for n in
                        "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]

        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        out = []
        for _ in range(2):
            before = libc.mallinfo2().hblks
            block = bytearray(1 << 20)
            out.append(libc.mallinfo2().hblks - before)
            del block
        return out

    docs = read_inputs([write_jsonl(tmp_path / "a.jsonl", ARTICLES[:2])])
    batch = [d.to_json(tokens=False) for d in docs]
    expected = next(Executor(["language", "segment", "time", "entities"]).map([batch]))
    with DaskExecutor(["language", "segment", "time", "entities"], "local", workers=2) as ex:
        assert ex.workers == 2
        assert list(ex.map([batch[:1], batch[1:]])) == [expected[:1], expected[1:]]
        if sys.platform.startswith("linux"):
            probes = ex.client.run(mmapped_for_one_mib)
            assert len(probes) == 2 and all(p == [0, 0] for p in probes.values()), probes


# ----------------------------------------------------------------------------- export

def test_jsonl_export_round_trips_through_ingest(db_url, tmp_path):
    run_ingest(db_url, [EXAMPLES, write_jsonl(tmp_path / "a.jsonl", ARTICLES)])
    first = _export_lines(db_url)
    dump = write_jsonl(tmp_path / "dump.jsonl", first)
    again = run_ingest(db_url, [dump])
    assert again.skipped == len(first) and again.ingested == 0  # same store: a no-op
    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    s = run_ingest(other, [dump])
    assert s.ingested == len(first)
    second = _export_lines(other)
    strip = lambda recs: [{k: v for k, v in r.items() if k != "source"} for r in recs]  # noqa: E731
    assert strip(second) == strip(first)


def test_csv_parquet_geojson_export(filled, tmp_path):
    import csv
    import io

    import pyarrow.parquet as pq

    with open_store(filled) as store:
        buf = io.StringIO()
        assert export(store, "csv", buf) == 4
        rows = list(csv.DictReader(io.StringIO(buf.getvalue())))
        assert {r["id"] for r in rows} == {"a1", "a2", "a3", "a4"} and all(int(r["timexes"]) > 0 for r in rows)
        with open(tmp_path / "x.parquet", "wb") as fh:
            assert export(store, "parquet", fh) == 4
        t = pq.read_table(tmp_path / "x.parquet")
        assert t.num_rows == 4 and "timexes" in t.column_names
        gj = io.StringIO()
        export(store, "geojson", gj)
        fc = json.loads(gj.getvalue())
    by_country = {f["properties"]["country"] for f in fc["features"]}
    assert {"IQ", "US"} <= by_country
    mosul = next(f for f in fc["features"] if f["properties"]["name"] == "Mosul")
    lon, lat = mosul["geometry"]["coordinates"]
    assert 42 < lon < 44 and 35 < lat < 37 and mosul["properties"]["article_count"] == 1


# ----------------------------------------------------------------------------- CLI, crash safety

def cli(*args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.run([*CLI, *args], capture_output=True, text=True, env=env, timeout=300, **kw)


def test_cli_ingest_search_stats_export(tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    src = write_jsonl(tmp_path / "a.jsonl", ARTICLES + [{"id": "bad", "text": 3}])
    r = cli("ingest", str(src), str(EXAMPLES), "--db", db, "-x", "serial", "--log", str(tmp_path / "log.jsonl"))
    assert r.returncode == 1, r.stderr  # one record failed: the user must notice
    assert "9 ingested" in r.stderr and "1 failed" in r.stderr and "a.jsonl:5" in r.stderr
    log = [json.loads(x) for x in (tmp_path / "log.jsonl").read_text().splitlines()]
    assert [x["status"] for x in log].count("ingested") == 9 and log[4]["status"] == "failed"
    r = cli("stats", "--db", db, "--format", "json")
    assert json.loads(r.stdout)["articles"] == 9
    r = cli("search", "kalifaat", "--db", db, "--format", "json")
    hits = json.loads(r.stdout)
    assert [h["id"] for h in hits] == ["a1"] and set(hits[0]) == {"id", "title", "date", "score", "snippet"}
    r = cli("search", "", "--entity", "Bagdadi", "--db", db)
    assert r.returncode == 1 and "did you mean Abu Bakr al-Baghdadi" in r.stderr, r.stderr
    r = cli("search", "", "--about-from", "2014", "--about-to", "2014", "--db", db, "--format", "jsonl")
    assert "a1" in [json.loads(x)["id"] for x in r.stdout.splitlines()]
    r = cli("export", "--db", db, "--format", "geojson")
    assert json.loads(r.stdout)["type"] == "FeatureCollection"
    r = cli("stats", "--db", "postgresql://nobody@127.0.0.1:1/x")
    assert r.returncode == 2 and r.stderr.startswith("error: postgresql://nobody@127.0.0.1:1/x: cannot connect")
    assert "Traceback" not in r.stderr


def test_cli_ingests_csv_html_feeds_and_reports_unreachable_urls(tmp_path):
    web = REPO / "tests" / "data" / "web"
    (tmp_path / "a.csv").write_text(
        "guid;kop;inhoud;verschenen\n"
        "c1;Brug dicht;De brug in Zwolle gaat maandag dicht voor onderhoud.;2021-06-04\n"
        "c2;Leeg;;2021-06-05\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    r = cli("ingest", str(tmp_path / "a.csv"), str(web / "feed.rss"), str(web / "feed.atom"),
            str(web / "article.nl.html"), str(web / "nav-only.html"), "http://127.0.0.1:9/feed.xml",
            "--columns", "id=guid,title=kop,text=inhoud,date=verschenen", "--db", db, "-x", "serial",
            "--summary", "json", "--stages", "time")
    assert r.returncode == 1, r.stderr
    s = json.loads(r.stdout)
    reasons = " ".join(f["reason"] for f in s["failures"])
    assert "no text (neither content nor summary)" in reasons
    assert "empty text" in reasons and "no article text" in reasons and "127.0.0.1:9" in \
        " ".join(str(f["source"]) for f in s["failures"])
    assert s["failed"] == 4 and s["ingested"] >= 6  # + the empty entry of the RSS fixture
    with open_store(db) as store:
        c1 = store.get_document("c1")
        assert c1.title == "Brug dicht" and c1.date.value == "2021-06-04"
        assert {t.value for t in c1.timexes} == {"2021-06-07"}
    r = cli("ingest", "x.csv", "--columns", "tekst=body", "--db", db)
    assert r.returncode == 2 and "--columns" in r.stderr


def test_kill_9_loses_nothing_committed_and_rerun_completes(tmp_path):
    """Kill the ingest process hard after some batches were reported committed, then re-run."""
    records = [{"id": f"n{i}", "date": "2020-05-0%d" % (1 + i % 9), "lang": "nl",
                "text": f"Bericht {i}: de gemeenteraad van Utrecht vergaderde dinsdag over plan {i}. "
                        f"Wethouder Jan de Vries zei dat het plan in 2021 klaar is."} for i in range(120)]
    src = write_jsonl(tmp_path / "many.jsonl", records)
    db = tmp_path / "kb.sqlite"
    log = tmp_path / "log.jsonl"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([*CLI, "ingest", str(src), "--db", str(db), "-x", "serial", "--batch-size", "4",
                             "--log", str(log)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:
        n = len(log.read_text().splitlines()) if log.exists() else 0
        if n >= 20:
            break
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    reported = [json.loads(x)["id"] for x in log.read_text().splitlines() if x.strip().endswith("}")]
    assert 20 <= len(reported) < 120, "the process should have been killed part-way"
    con = sqlite3.connect(db)
    stored = {r[0] for r in con.execute("SELECT ext_id FROM articles")}
    con.close()
    assert set(reported) <= stored  # everything reported as committed is there
    r = cli("ingest", str(src), "--db", str(db), "-x", "serial", "--summary", "json")
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    assert summary["ingested"] == 120 - len(stored) and summary["skipped"] == len(stored)
    con = sqlite3.connect(db)
    assert con.execute("SELECT COUNT(*), COUNT(DISTINCT ext_id) FROM articles").fetchone() == (120, 120)
    assert con.execute("SELECT COUNT(*) FROM article_fts").fetchone()[0] == 120
    con.close()


def test_python_stemmer_matches_postgresql_dutch(pg_url):
    """PostgreSQL's `dutch` configuration and our Python stemmer (Snowball dutch_porter) agree."""
    import psycopg

    from tijdlijn.kb.text import stem_tokens

    words = ("aanvallen aanval lopen liep gelopen kalifaat kalifaten opname opnamen leger legers vechten "
             "verspreid bolwerken provincie Syrische Iraakse volgelingen overwinning heroverde gemeenten "
             "mogelijkheden ontwikkelingen huizen fietsen koninklijke").split()
    with psycopg.connect(pg_url) as conn:
        pg = [conn.execute("SELECT ts_lexize('dutch_stem', %s)", (w.lower(),)).fetchone()[0][0] for w in words]
    assert stem_tokens(" ".join(words), "nl") == pg


def test_document_survives_the_store_unchanged(filled):
    with open_store(filled) as store:
        doc = store.get_document("a3")
    again = Document.from_json(json.loads(json.dumps(doc.to_json())))
    assert again.to_json() == doc.to_json() and doc.meta["identity"]


def test_identities_recompute_adds_context_merges_and_keeps_documents_consistent(db_url, tmp_path):
    """Streaming ingest never merges a bare surname; the explicit recompute does when context supports it."""
    arts = [
        {"id": "p1", "date": "2020-02-03", "lang": "nl",
         "text": "Wethouder Annemarie Jorritsma van Almere sprak maandag met Ajax en Feyenoord in Amsterdam."},
        {"id": "p2", "date": "2020-02-05", "lang": "nl",
         "text": "Jorritsma zei woensdag in Amsterdam dat Ajax en Feyenoord het plan steunen."},
    ]
    run_ingest(db_url, [write_jsonl(tmp_path / "p.jsonl", arts)])
    with open_store(db_url) as store:
        before = {e.name: e.id for e in store.get_document("p2").entities}
        r = store.recompute_identities()
        after_doc = store.get_document("p2")
        after = {e.name: e.id for e in after_doc.entities}
        full = {e.name: e.id for e in store.get_document("p1").entities}
        assert r["mentions"] == store.query("SELECT COUNT(*) FROM article_entities")[0][0]
        assert after["Ajax"] == full["Ajax"] and after["Amsterdam"] == full["Amsterdam"]
        if before.get("Jorritsma") != full.get("Annemarie Jorritsma"):
            assert after["Jorritsma"] == full["Annemarie Jorritsma"]  # merged on shared context
            assert r["changed"] >= 1
            assert any("shared context" in w for w in after_doc.meta["identity"])
        assert store.resolve_entity("Jorritsma") == [full["Annemarie Jorritsma"]]
        # recompute is deterministic: a second run changes nothing
        assert store.recompute_identities()["changed"] == 0


# ----------------------------------------------------------------------------- timelines, quotes, claims

TIMELINE_ARTICLES = [
    # published later, but tells the older event
    {"id": "t1", "date": "2021-05-20", "lang": "nl",
     "text": "Femke Halsema werd in 2019 gekozen tot voorzitter van de raad in Amsterdam."},
    {"id": "t2", "date": "2020-02-10", "lang": "nl",
     "text": "Femke Halsema werd in 2018 gekozen tot voorzitter van de raad in Amsterdam. "
             "Halsema zei maandag dat de stad een nieuw plan maakt voor het verkeer."},
]


def test_timeline_orders_by_event_time_and_flags_contradictions(db_url, tmp_path):
    from tijdlijn.kb.timeline import UnknownEntity, entity_timeline, semeval_lines

    run_ingest(db_url, [write_jsonl(tmp_path / "t.jsonl", TIMELINE_ARTICLES)])
    with open_store(db_url) as store:
        tl = entity_timeline(store, "Halsema")
        assert tl["name"] == "Femke Halsema"
        dates = [it["date"] for it in tl["items"]]
        assert dates == sorted(dates, key=lambda d: d[:4])  # event time, not publication time
        assert dates[0] == "2018" and tl["items"][0]["article"] == "t2"
        assert tl["last_heard_from"]["date"] == "2020-02-10"  # "maandag" in the 2020 article
        (c,) = tl["contradictions"]
        assert {d["date"] for d in c["dates"]} == {"2018", "2019"} and {d["article"] for d in c["dates"]} == {"t1", "t2"}
        for it in tl["items"]:
            assert it["evidence"]["sentence"] and it["article"] in ("t1", "t2")
        rows = semeval_lines(store, tl)
        assert rows[0].split("\t")[:2] == ["1", "2018"] and rows[0].split("\t")[2].startswith("t2-0-")
        with pytest.raises(UnknownEntity, match="did you mean Femke Halsema"):
            entity_timeline(store, "Halsma")


def test_reference_article_timeline(reference_article, tmp_path):
    db = f"sqlite:///{tmp_path / 'kb.sqlite'}"
    run_ingest(db, [reference_article])
    r = cli("timeline", "Al-Baghdadi", "--db", db, "--format", "json")
    tl = json.loads(r.stdout)
    assert tl["entity"] == "per:abu-bakr-al-baghdadi" and tl["last_heard_from"]["date"] == "2018-08-22"
    order = [(it["kind"], it["date"]) for it in tl["items"]]
    assert order.index(("declaration", "2014")) < order.index(("recapture", "2017")) < order.index(
        ("release", "2018-08-22"))
    assert ("capture", "2014") in order
    death = next(it for it in tl["items"] if it["kind"] == "death")
    assert death["status"] == "speculated" and death["resolution"] == "ended"
    assert {"date", "kind", "text", "article", "evidence"} <= set(tl["items"][0])
    r = cli("quotes", "--speaker", "Al-Baghdadi", "--kind", "direct", "--db", db, "--format", "json")
    assert [q["cue"] for q in json.loads(r.stdout)] == ["aldus", "vervolgt"]
    r = cli("claims", "--status", "unverified", "--db", db, "--format", "json")
    assert [c["text"] for c in json.loads(r.stdout)] == ["Al-Baghdadi op de opname te horen is"]
    r = cli("timeline", "Bagdadi", "--db", db)
    assert r.returncode == 1 and "did you mean Abu Bakr al-Baghdadi" in r.stderr
    r = cli("timeline", "Al-Baghdadi", "--db", db, "--format", "semeval")
    lines = r.stdout.splitlines()
    assert lines[0] == "per:abu-bakr-al-baghdadi" and lines[1].startswith("1\t2014\tis-audio-2018-08.nl-")


def test_entity_counters_match_a_full_recount(db_url, tmp_path):
    """Counters kept incrementally during ingest equal a recount from the tables."""
    run_ingest(db_url, [write_jsonl(tmp_path / "a.jsonl", ARTICLES + TIMELINE_ARTICLES)], batch_size=2)
    changed = [dict(ARTICLES[1], text=ARTICLES[1]["text"] + " Mark Rutte zei het opnieuw.")]
    run_ingest(db_url, [write_jsonl(tmp_path / "b.jsonl", changed)])
    with open_store(db_url) as store:
        kept = store.query("SELECT id, article_count, mention_count, first_date, last_date FROM entities ORDER BY id")
        store._touched = {r[0] for r in kept}
        with store.transaction():
            store.refresh_entities()
        recount = store.query("SELECT id, article_count, mention_count, first_date, last_date FROM entities "
                              "ORDER BY id")
    assert kept == recount and any(r[1] >= 2 for r in kept)
