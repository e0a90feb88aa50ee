"""Web benchmarks (issue 6): API throughput and p50/p99 latency for the article, search and timeline
endpoints on a ≥ 100,000-article store served by `tijdlijn serve --workers 2`, page weight of every page,
and time to first render in headless Chromium.

    .venv/bin/python bench/web_bench.py             # ≥ 100,000 articles, 20 s per endpoint (~5 min with a cached store)
    .venv/bin/python bench/web_bench.py --quick     # 5,000 articles, 5 s per endpoint

Run alone it prints the markdown section and writes it to ``bench/out/web_bench.md`` (raw numbers in
``bench/out/web_bench.json``); ``section_web(data, lines, quick)`` appends it to ``bench/run_bench.py``'s
report (section 16).

* **Store.** The synthetic search store of ``bench/kb_bench.py`` (real dpgmedia2019 articles annotated once
  by the real pipeline, variants written through ``Store.write_document``), cached in ``bench/.cache/``
  under kb_bench's cache key (articles, seed, construction version, schema version, pipeline stages). The
  smallest cached store with one to two times the wanted number of articles is used as it is (kb_bench's
  own 200,000-article store for the default 100,000); only when there is none is one built (kb_bench's
  builder).
  The store is only ever opened read-only: the benchmark checks that its file is unchanged afterwards.
  Without kb_bench's research data a store is built here from ``examples/`` (the annotated examples
  written again under new ids with shifted dates, also through ``Store.write_document``).
* **Load.** A bounded asyncio HTTP/1.1 client on loopback (``--connections`` keep-alive connections, each
  endpoint for ``--seconds``), against 2 uvicorn worker processes. The connections are opened one after
  the other and spread evenly over the workers (opened at once, all of them tend to land on the worker
  that wakes first, which then serves alone); the split is reported. The client runs on the same 2 cores
  as the server, so the numbers are a lower bound for a server with its own cores. Request targets are drawn
  (seeded) before timing: random stored articles; the search query mix of kb_bench (common/rare words,
  two words, phrases, OR, and word + date/about/entity/place filters, filters only); timelines of a mix
  of entities — 80 % an entity of a random article (so an entity comes up as often as it occurs:
  the frequent ones dominate) and 20 % an entity drawn uniformly (the long tail of rare ones) — more
  draws than requests, so a timeline is asked again only because its entity is popular. The server
  keeps finished timelines in a per-process cache while the database is unchanged; a second timeline
  run against a fresh server asks every entity only once, so every response is computed.
* **Pages.** Chromium (Debian's /usr/bin/chromium via Playwright) loads each page with a cold cache:
  bytes of every response (HTML, CSS, JS, map data, API fetches), request count, first contentful paint
  ("time to first render") and the load event (median of 5 loads).
"""
from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT / "src"), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

SECTION = 16
FULL = dict(n=100_000, seconds=20.0, page_loads=5, timeline_draws=30_000, queries_per_class=24)
QUICK = dict(n=5000, seconds=5.0, page_loads=3, timeline_draws=5000, queries_per_class=12)
TARGETS = {"article": dict(rps=500, p99_ms=100), "timeline": dict(rps=500, p99_ms=100),
           "search": dict(rps=None, p99_ms=300)}
STATIC_LIMIT = 2 * 1024 * 1024
CHROMIUM = os.environ.get("TIJDLIJN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
Log = Callable[[str], None]


# ============================================================================ the store
def _kb_bench():
    try:
        import kb_bench
    except ImportError:
        return None
    return kb_bench


def _cache_stem(kb_bench: Any, n: int, seed: int) -> str:
    """kb_bench's cache name for a search store (``cached_sqlite_store``)."""
    from tijdlijn.kb.ingest import stage_names
    from tijdlijn.kb.schema import SCHEMA_VERSION

    stages = hashlib.sha1(",".join(stage_names(None)).encode()).hexdigest()[:6]
    return f"search-n{n}-seed{seed}-c{kb_bench.CONSTRUCTION_VERSION}-schema{SCHEMA_VERSION}-stages{stages}"


def get_store(n: int, seed: int, data: Path, log: Log) -> tuple[Path, dict]:
    """The smallest cached kb_bench search store with ``n`` to ``2n`` articles (same seed, construction,
    schema and stages: kb_bench's 200,000 serves the default 100,000), else one built by kb_bench for
    ``n``; without kb_bench's data, the examples store."""
    kb_bench = _kb_bench()
    if kb_bench is None or not (data / kb_bench.DATA_REL).exists():
        return _examples_store(n, seed, log), {"builder": "bench/web_bench.py (variants of examples/)",
                                               "documents": n}
    want = _cache_stem(kb_bench, n, seed)
    prefix, suffix = want.split(f"-n{n}-", 1)
    found = []
    for meta in kb_bench.CACHE.glob(f"{prefix}-n*-{suffix}.json"):
        try:
            size = int(meta.name[len(prefix) + 2:].split("-", 1)[0])
        except ValueError:
            continue
        if (n <= size <= 2 * n and meta.with_suffix(".sqlite").exists()
                and meta.stem == _cache_stem(kb_bench, size, seed)):
            found.append((size, meta))
    if found:
        size, meta = min(found)
        info = json.loads(meta.read_text("utf-8"))
        info["cached"] = True
        path = meta.with_suffix(".sqlite")
        log(f"  store: {path.relative_to(ROOT)} ({size:,} articles, cached)")
    else:
        path, info = kb_bench.cached_sqlite_store(data, n, seed, log=log)
    info["builder"] = "bench/kb_bench.py (synthetic variants of the dpgmedia2019 dev articles)"
    return path, info


def _examples_store(n: int, seed: int, log: Log) -> Path:
    """Fallback: the annotated examples written again and again (new ids, dates shifted by whole weeks)."""
    from datetime import timedelta

    from tijdlijn.document import ArticleDate, Document
    from tijdlijn.kb.executors import make_executor
    from tijdlijn.kb.ingest import ingest, stage_names
    from tijdlijn.kb.schema import SCHEMA_VERSION
    from tijdlijn.kb.store import open_store
    from tijdlijn.readers.files import read_inputs

    cache = ROOT / "bench" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"web-examples-n{n}-seed{seed}-schema{SCHEMA_VERSION}.sqlite"
    if path.exists():
        return path
    tmp = cache / f"web-examples-n{n}-seed{seed}.building.sqlite"
    for p in cache.glob(tmp.name + "*"):
        p.unlink()
    log(f"building a {n:,}-article store from examples/ (cached in {path.relative_to(ROOT)})")
    url = f"sqlite:///{tmp}"
    with open_store(url) as store, make_executor("serial", stage_names(None)) as ex:
        ingest(read_inputs([str(ROOT / "examples")]), store, ex)
        base = [d.to_json(tokens=False) for d in store.iter_documents()]
    rng = random.Random(seed)
    with open_store(url) as store:
        i = len(base)
        while i < n:
            with store.transaction():
                for _ in range(min(500, n - i)):
                    src = base[i % len(base)]
                    shift = 7 * rng.randint(-260, 260)
                    d = Document.from_json(json.loads(json.dumps(src)))
                    d.id = f"{src['id']}-v{i}"
                    d.text = d.text + f"\n\n(v{i})"
                    if d.date:
                        e = d.date.earliest + timedelta(days=shift)
                        d.date = ArticleDate.parse(e.isoformat() if d.date.granularity == "day"
                                                   else e.isoformat()[:7])
                    store.write_document(d, "id:" + d.id)
                    i += 1
                store.refresh_entities()
        store.size_bytes()  # checkpoint: one self-contained file
    tmp.rename(path)
    return path


def _file_state(path: Path) -> tuple:
    st = path.stat()
    return (st.st_size, st.st_mtime_ns)


def store_facts(db: Path) -> dict[str, Any]:
    """What the timeline and search figures depend on (read-only)."""
    from tijdlijn.kb.store import open_store

    with open_store(f"sqlite:///{db}", read_only=True) as s:
        one = lambda sql: s.query(sql)[0][0]  # noqa: E731
        return {"articles": int(one("SELECT COUNT(*) FROM articles")),
                "entities": int(one("SELECT COUNT(*) FROM entities WHERE article_count > 0")),
                "events": int(one("SELECT COUNT(*) FROM events WHERE is_quote = 0")),
                "events_with_sentence": int(one("SELECT COUNT(sentence_index) FROM events WHERE is_quote = 0")),
                "quotes": int(one("SELECT COUNT(*) FROM quotes")),
                "schema_version": s.schema_version(),
                "file_mb": round(db.stat().st_size / 1e6, 1)}


# ============================================================================ targets
def _pctl(xs: Sequence[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")


def make_targets(db: Path, seed: int, data: Path, *, articles: int = 2000, timeline_draws: int = 30_000,
                 queries_per_class: int = 24) -> dict[str, Any]:
    from tijdlijn.kb.store import open_store

    rng = random.Random(f"web:{seed}")
    with open_store(f"sqlite:///{db}", read_only=True) as store:
        lo, hi = store.query("SELECT MIN(id), MAX(id) FROM articles")[0]
        arts = []
        while len(arts) < articles:
            r = store.query("SELECT ext_id FROM articles WHERE id = ?", (rng.randint(lo, hi),))
            if r:
                arts.append("/api/articles/" + quote(r[0][0], safe=""))
        # timelines: 80 % an entity of a random article (by occurrence), 20 % a uniformly drawn entity
        counts = dict(store.query("SELECT id, article_count FROM entities WHERE article_count > 0"))
        everyone = sorted(counts)
        ents: list[str] = []
        while len(ents) < timeline_draws:
            if rng.random() < 0.8:
                r = store.query("SELECT entity_id FROM article_entities WHERE article_id = ? ORDER BY idx",
                                (rng.randint(lo, hi),))
                if not r:
                    continue
                ents.append(rng.choice(r)[0])
            else:
                ents.append(rng.choice(everyone))
        kb_bench = _kb_bench()
        if kb_bench is not None and (data / kb_bench.DATA_REL).exists():
            qs = kb_bench.make_queries(kb_bench.real_articles(data), store, queries_per_class, seed)
        else:
            words = ["kabinet", "storm", "minister", "water", "premier", "election", "dijken", "gemeenten"]
            qs = [{"class": "word", "q": rng.choice(words)} for _ in range(100)]
    searches, classes = [], []
    for q in qs:
        p: list[tuple[str, str]] = [("q", q.get("q", ""))]
        for k, api in (("date_from", "from"), ("date_to", "to"), ("about_from", "about_from"),
                       ("about_to", "about_to")):
            if q.get(k):
                p.append((api, q[k]))
        for e in q.get("entities") or []:
            p.append(("entity", e))
        if q.get("place_ref"):
            p.append(("place", q["place_ref"]))
        searches.append("/api/search?" + urlencode(p))
        classes.append(q["class"])
    tl = ["/api/entities/" + quote(e, safe="") + "/timeline" for e in ents]
    distinct = list(dict.fromkeys(tl))
    sizes = [counts.get(e, 0) for e in ents]
    return {"article": arts, "search": searches, "search_class": classes, "timeline": tl,
            "timeline_distinct": distinct,
            "timeline_mix": {"draws": len(ents), "distinct": len(distinct),
                             "article_count_p50": _pctl(sizes, 50), "article_count_p90": _pctl(sizes, 90),
                             "article_count_max": max(sizes),
                             "share_1000_plus": round(sum(x >= 1000 for x in sizes) / len(sizes), 3),
                             "share_at_most_2": round(sum(x <= 2 for x in sizes) / len(sizes), 3)}}


# ============================================================================ load client
def _balanced(placed: list[int] | None, connections: int, workers: int) -> bool:
    if placed is None:  # cannot tell
        return True
    return sum(placed) == connections and len(placed) == min(connections, workers) and max(placed) - min(placed) <= 1


async def _load(host: str, port: int, paths: Sequence[str], seconds: float, connections: int,
                max_requests: int, on_connected: Callable[[], Any] | None = None, workers: int = 2) -> dict[str, Any]:
    lat: list[float] = []
    which: list[int] = []
    codes: dict[int, int] = {}
    counter = {"i": 0}
    # connections are opened one after the other, as clients arriving (opened at once, they all tend to be
    # accepted by whichever worker process wakes first), and opened again (up to 20 times) until the
    # workers hold equal shares: the kernel hands each to a worker at random
    for _attempt in range(20):
        conns = []
        for _ in range(connections):
            conns.append(await asyncio.open_connection(host, port))
            await asyncio.sleep(0.02)
        placed = on_connected() if on_connected else None
        if _balanced(placed, connections, workers):
            break
        for _r, w in conns:
            w.close()
        await asyncio.sleep(0.3)
    deadline = time.perf_counter() + seconds

    async def worker(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while time.perf_counter() < deadline and counter["i"] < max_requests:
                i = counter["i"]
                counter["i"] += 1
                path = paths[i % len(paths)]
                t0 = time.perf_counter()
                writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: application/json\r\n\r\n"
                             .encode())
                status = int((await reader.readline()).split()[1])
                length, chunked = 0, False
                while True:
                    line = await reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.lower() == "content-length":
                        length = int(value)
                    elif name.lower() == "transfer-encoding" and "chunked" in value:
                        chunked = True
                if chunked:
                    while True:
                        size = int((await reader.readline()).strip(), 16)
                        await reader.readexactly(size + 2)
                        if size == 0:
                            break
                else:
                    await reader.readexactly(length)
                lat.append(time.perf_counter() - t0)
                which.append(i)
                codes[status] = codes.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(r, w) for r, w in conns))
    elapsed = time.perf_counter() - t0
    return {"elapsed": elapsed, "lat": lat, "which": which, "codes": codes, "placed": placed}


def connections_per_worker(server_pid: int) -> list[int] | None:
    """Established client connections held by each worker process of the server (needs psutil)."""
    try:
        import psutil
    except ImportError:
        return None
    out = []
    for c in psutil.Process(server_pid).children(recursive=True):
        try:
            out.append(sum(1 for k in c.net_connections("tcp") if k.status == psutil.CONN_ESTABLISHED))
        except psutil.Error:
            pass
    return sorted((n for n in out if n), reverse=True)


def _summary(lat: Sequence[float], elapsed: float | None = None) -> dict[str, Any]:
    ms = sorted(1000 * x for x in lat)
    out: dict[str, Any] = {"requests": len(ms)}
    if elapsed:
        out.update(seconds=round(elapsed, 2), rps=round(len(ms) / elapsed, 1))
    out.update(p50_ms=round(_pctl(ms, 50), 1), p90_ms=round(_pctl(ms, 90), 1), p99_ms=round(_pctl(ms, 99), 1),
               max_ms=round(ms[-1], 1) if ms else None)
    return out


class CpuMeter:
    """CPU seconds used during a run by the server (master + workers), this process (the load client)
    and everything else on the machine (other work sharing the 2 cores). Needs psutil; else empty."""

    def __init__(self, server_pid: int) -> None:
        try:
            import psutil
        except ImportError:
            self.ps = None
            return
        self.ps = psutil
        self.server = psutil.Process(server_pid)
        self.me = psutil.Process()
        self.start = self._read()

    def _read(self) -> tuple[float, float, float, float]:
        ps = self.ps
        t = ps.cpu_times()
        busy = t.user + t.nice + t.system + getattr(t, "irq", 0) + getattr(t, "softirq", 0) + getattr(t, "steal", 0)
        srv = 0.0
        for p in [self.server, *self.server.children(recursive=True)]:
            try:
                c = p.cpu_times()
                srv += c.user + c.system
            except ps.Error:
                pass
        c = self.me.cpu_times()
        return busy, srv, c.user + c.system, time.monotonic()

    def stop(self) -> dict[str, float]:
        if self.ps is None:
            return {}
        b0, s0, m0, t0 = self.start
        b1, s1, m1, t1 = self._read()
        wall = t1 - t0
        srv, me = s1 - s0, m1 - m0
        other = max(0.0, (b1 - b0) - srv - me)
        return {"server_cpu_s": round(srv, 1), "client_cpu_s": round(me, 1), "other_cpu_s": round(other, 1),
                "other_share_of_2_cores": round(other / (2 * wall), 3) if wall else None}


def load(srv: "Server", paths: Sequence[str], seconds: float, connections: int,
         max_requests: int = 10**9) -> dict[str, Any]:
    meter = CpuMeter(srv.proc.pid)
    la = os.getloadavg()[0]
    raw = asyncio.run(_load("127.0.0.1", srv.port, paths, seconds, connections, max_requests,
                            lambda: connections_per_worker(srv.proc.pid), srv.workers))
    out = _summary(raw["lat"], raw["elapsed"])
    out["codes"] = {str(k): v for k, v in sorted(raw["codes"].items())}
    out["connections"] = connections
    out["connections_per_worker"] = raw["placed"]
    out["loadavg_1m_before"] = round(la, 2)
    out.update(meter.stop())
    out["_lat"], out["_which"] = raw["lat"], raw["which"]
    return out


# ============================================================================ server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`tijdlijn serve` in a child process on a free loopback port (read-only: no write token)."""

    def __init__(self, db: Path, workers: int = 2) -> None:
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("TIJDLIJN_")}
        self.proc = subprocess.Popen([sys.executable, "-m", "tijdlijn", "serve", "--db", f"sqlite:///{db}", "--port",
                                      str(self.port), "--workers", str(workers), "--rate-limit", "0", "--log-level",
                                      "warning"], env=env, cwd=str(ROOT), stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE)
        deadline = time.time() + 90
        while True:
            try:
                with urllib.request.urlopen(self.url + "/api/health", timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError("tijdlijn serve did not start: " + (self.proc.stderr.read() or b"").decode()[-2000:])
            time.sleep(0.2)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


# ============================================================================ pages
def pages_bench(url: str, targets: dict[str, Any], loads: int, log: Log) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        return {"skipped": f"no Chromium at {CHROMIUM}"}
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return {"skipped": "playwright not installed"}
    art = targets["article"][0].split("/api/articles/")[1]
    ent = targets["timeline"][0].split("/api/entities/")[1].rsplit("/timeline", 1)[0]
    q = next((s for s in targets["search"] if "from=" not in s and "entity=" not in s), targets["search"][0])
    pages = {"search": "/" + q[len("/api/search"):], "article": f"/article/{art}", "entity": f"/entity/{ent}",
             "map": "/map", "entities": "/entities", "docs": "/docs"}
    out: dict[str, Any] = {}
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        for name, path in pages.items():
            runs = []
            for _ in range(loads):
                ctx = b.new_context(viewport={"width": 1280, "height": 900})  # cold cache each time
                page = ctx.new_page()
                sizes: dict[str, int] = {}
                outside: list[str] = []

                def on_response(resp, sizes=sizes) -> None:
                    try:
                        sizes[resp.url] = len(resp.body())
                    except Exception:  # noqa: BLE001 - redirects have no body
                        sizes[resp.url] = 0

                page.on("response", on_response)
                page.on("request", lambda r, outside=outside: outside.append(r.url)
                        if not r.url.startswith(url) else None)
                t0 = time.perf_counter()
                page.goto(url + path, wait_until="load")
                try:
                    page.wait_for_load_state("networkidle", timeout=15000)
                except Exception:  # noqa: BLE001
                    pass
                wall = time.perf_counter() - t0
                timing = page.evaluate("""() => {
                    const n = performance.getEntriesByType('navigation')[0];
                    const fcp = performance.getEntriesByType('paint').find(e => e.name === 'first-contentful-paint');
                    return {fcp: fcp ? fcp.startTime : null, dcl: n.domContentLoadedEventEnd, load: n.loadEventEnd,
                            ttfb: n.responseStart};
                }""")
                runs.append({"fcp_ms": timing["fcp"], "load_ms": timing["load"], "ttfb_ms": timing["ttfb"],
                             "networkidle_s": round(wall, 3), "bytes": sum(sizes.values()),
                             "html_bytes": sizes.get(url + path, 0), "requests": len(sizes),
                             "outside_requests": outside})
                ctx.close()

            def med(k: str) -> float | None:
                xs = [r[k] for r in runs if r[k] is not None]
                return round(statistics.median(xs), 1) if xs else None

            out[name] = {"path": path, "fcp_ms": med("fcp_ms"), "load_ms": med("load_ms"), "ttfb_ms": med("ttfb_ms"),
                         "bytes": runs[0]["bytes"], "html_bytes": runs[0]["html_bytes"],
                         "requests": runs[0]["requests"],
                         "outside_requests": sorted({u for r in runs for u in r["outside_requests"]})}
            log(f"  page {name}: {out[name]['bytes'] / 1024:.0f} KB in {out[name]['requests']} requests, "
                f"first contentful paint {out[name]['fcp_ms']} ms")
        b.close()
    return out


def static_size() -> dict[str, int]:
    d = ROOT / "src" / "tijdlijn" / "web" / "static"
    files = [p for p in d.rglob("*") if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


# ============================================================================ run
def run(data: Path, *, quick: bool = False, n: int | None = None, seconds: float | None = None,
        connections: int = 16, workers: int = 2, seed: int = 0, log: Log | None = None) -> dict[str, Any]:
    log = log or (lambda m: print(m, file=sys.stderr, flush=True))
    cfg = dict(QUICK if quick else FULL)
    n = n or cfg["n"]
    seconds = seconds or cfg["seconds"]
    started = time.time()
    db, info = get_store(n, seed, data, log)
    before = _file_state(db)
    facts = store_facts(db)
    log(f"  store facts: {facts}")
    t0 = time.perf_counter()
    targets = make_targets(db, seed, data, timeline_draws=cfg["timeline_draws"],
                           queries_per_class=cfg["queries_per_class"])
    log(f"  targets drawn in {time.perf_counter() - t0:.1f} s; timeline mix {targets['timeline_mix']}")
    raw: dict[str, Any] = {
        "quick": quick, "requested_articles": n, "workers": workers, "connections": connections, "seconds": seconds,
        "store": {"path": str(db.relative_to(ROOT)) if db.is_relative_to(ROOT) else str(db),
                  "builder": info.get("builder"), "built": info.get("built"), "cached": info.get("cached"), **facts},
        "timeline_mix": targets["timeline_mix"], "search_queries": len(targets["search"]),
        "static": static_size(), "machine": {"cores": os.cpu_count(), "loadavg_at_start": os.getloadavg()},
        "api": {}}
    # warm-up requests come from the end of each list (the timed runs start at the beginning)
    warm = targets["article"][-300:] + targets["search"][-50:] + targets["timeline"][-100:]
    with Server(db, workers) as srv:
        load(srv, warm, 5.0, connections, 3000)
        for name in ("article", "search", "timeline"):
            log(f"  load: {name} ({seconds:g} s, {connections} connections, {workers} workers)")
            r = raw["api"][name] = load(srv, targets[name], seconds, connections)
            log(f"    {_public(r)}")
        # search latency without queueing: one request in flight per worker
        log(f"  load: search ({seconds:g} s, {workers} connections)")
        r = raw["api"]["search_per_worker"] = load(srv, targets["search"], seconds, workers)
        log(f"    {_public(r)}")
        # search per query class
        per: dict[str, list[float]] = {}
        r = raw["api"]["search_per_worker"]
        classes = targets["search_class"]
        for lat, i in zip(r["_lat"], r["_which"]):
            per.setdefault(classes[i % len(classes)], []).append(lat)
        raw["search_by_class"] = {c: _summary(v) for c, v in per.items()}
        # timeline: share of requests for an entity asked for before (warm-up included): the most the
        # per-process result cache can answer
        r = raw["api"]["timeline"]
        tl = targets["timeline"]
        seen = set(targets["timeline"][-100:])
        rep = 0
        for i in sorted(r["_which"]):
            rep += tl[i % len(tl)] in seen
            seen.add(tl[i % len(tl)])
        r["repeat_share"] = round(rep / max(1, len(r["_which"])), 3)
        r["distinct_entities"] = len({tl[i % len(tl)] for i in r["_which"]})
        raw["pages"] = pages_bench(srv.url, targets, cfg["page_loads"], log)
    # every timeline computed: a fresh server (empty result cache), each entity once
    with Server(db, workers) as srv:
        # the map's data: every place of every article, aggregated (then kept by the server)
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=120)  # one connection: one worker
        times, size = [], 0
        for _ in range(2):
            t0 = time.perf_counter()
            conn.request("GET", "/api/places")
            size = len(conn.getresponse().read())
            times.append(time.perf_counter() - t0)
        conn.close()
        raw["places_first_ms"] = round(1000 * times[0])
        raw["places_again_ms"] = round(1000 * times[1], 1)
        raw["places_kb"] = round(size / 1024)
        load(srv, targets["article"][-300:] + targets["search"][-50:], 3.0, connections, 2000)
        log(f"  load: timeline, each entity once ({seconds:g} s)")
        distinct = targets["timeline_distinct"]
        r = raw["api"]["timeline_uncached"] = load(srv, distinct, seconds, connections, len(distinct))
        log(f"    {_public(r)}")
    after = _file_state(db)
    raw["store"]["file_unchanged"] = before == after
    raw["wall_s"] = round(time.time() - started)
    raw["machine"]["loadavg_at_end"] = os.getloadavg()
    for r in raw["api"].values():
        r.pop("_lat", None)
        r.pop("_which", None)
    return raw


def _public(r: dict) -> dict:
    return {k: v for k, v in r.items() if not k.startswith("_")}


def _ok(name: str, r: dict) -> bool:
    t = TARGETS[name]
    return (not t["rps"] or r["rps"] >= t["rps"]) and r["p99_ms"] <= t["p99_ms"]


def _goal(name: str) -> str:
    t = TARGETS[name]
    return (f"≥ {t['rps']} req/s, " if t["rps"] else "") + f"p99 ≤ {t['p99_ms']} ms"


def section_lines(raw: dict, command: str) -> list[str]:
    st, mix = raw["store"], raw["timeline_mix"]
    api = raw["api"]
    la0, la1 = raw["machine"]["loadavg_at_start"], raw["machine"]["loadavg_at_end"]
    other = [r.get("other_share_of_2_cores") for r in api.values() if r.get("other_share_of_2_cores") is not None]
    lines = [f"## {SECTION}. Web API and pages", "",
             f"`{command}` — {st['articles']:,} articles (≥ {raw['requested_articles']:,} asked), "
             f"`tijdlijn serve --workers {raw['workers']}` (8 threads each, rate limit off) on a free loopback port; "
             f"load client: bounded asyncio HTTP/1.1, {raw['connections']} keep-alive connections opened one "
             f"after the other and spread evenly over the workers (opened at once, they tend to land on one "
             f"worker), "
             f"{raw['seconds']:g} s per endpoint after a warm-up, **on the same 2 cores as the server** (a lower "
             f"bound for a server with its own cores).", "",
             f"Store: `{st['path']}` ({st['builder']}; {st['file_mb']:,} MB, schema {st['schema_version']}, "
             f"{st['entities']:,} entities, {st['events']:,} events, {st['quotes']:,} quotes; "
             f"{'reused from the cache' if st.get('cached') else 'built for this run'}"
             f"{', built ' + st['built'] if st.get('built') else ''}); opened read-only, file unchanged afterwards: "
             f"{'yes' if st.get('file_unchanged') else '**no**'}.", ""]
    if st["events"] and not st["events_with_sentence"]:
        lines += ["**Warning:** this store has no sentence indices for its events (written before migration 3), "
                  "so timelines find no context events in it: the timeline figures are optimistic.", ""]
    lines += [f"Machine load: 1-minute load average {la0[0]:.2f} at the start, {la1[0]:.2f} at the end"
              + (f"; other processes used {100 * min(other):.0f}–{100 * max(other):.0f} % of the 2 cores during the "
                 f"timed runs" if other else "") + ".", "",
              "| endpoint | connections (per worker) | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | statuses | "
              "target | met |",
              "|---|---|---:|---:|---:|---:|---:|---:|---|---|---|"]
    labels = {"article": "article (`/api/articles/{id}`, 2,000 random stored articles)",
              "search": f"search (`/api/search`, kb_bench's {raw['search_queries']} queries, 11 classes, 20 hits "
                        f"with snippets)",
              "timeline": f"timeline (`/api/entities/{{id}}/timeline`, entity mix below; "
                          f"{api['timeline'].get('repeat_share', 0):.0%} of requests ask for an entity asked "
                          f"before, served from the per-process result cache)",
              "search_per_worker": "search, one request in flight per worker (latency without queueing)",
              "timeline_uncached": "timeline, fresh server, every entity once (each response computed)"}
    for name in ("article", "search", "search_per_worker", "timeline", "timeline_uncached"):
        r = api.get(name)
        if not r:
            continue
        tname = {"timeline_uncached": "timeline", "search_per_worker": "search"}.get(name, name)
        per = r.get("connections_per_worker")
        lines.append(f"| {labels[name]} | {r['connections']}{' (' + '/'.join(map(str, per)) + ')' if per else ''} | "
                     f"{r['requests']:,} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p90_ms']} | "
                     f"{r['p99_ms']} | {r['max_ms']} | {', '.join(f'{k}: {v:,}' for k, v in r['codes'].items())} | "
                     f"{_goal(tname)} | {'✓' if _ok(tname, r) else '✗'} |")
    lines += ["", f"Timeline entity mix ({mix['draws']:,} draws, {mix['distinct']:,} distinct; 80 % an entity of a "
                  f"random article, 20 % a uniformly drawn entity): articles per requested entity p50 "
                  f"{mix['article_count_p50']:,}, p90 {mix['article_count_p90']:,}, max {mix['article_count_max']:,}; "
                  f"{mix['share_1000_plus']:.0%} of requests for entities in ≥ 1,000 articles, "
                  f"{mix['share_at_most_2']:.0%} for entities in ≤ 2. A timeline reads at most 500 articles "
                  f"(the API default).", ""]
    by = raw.get("search_by_class") or {}
    if by:
        lines += [f"Search latency by query class with {raw['workers']} connections (ms): "
                  + "; ".join(f"{c} p50 {v['p50_ms']} / p99 {v['p99_ms']}" for c, v in by.items()) + ".", ""]
    sz = raw["static"]
    lines += [f"Static assets in the package: {sz['files']} files, {sz['bytes'] / 1024:,.0f} KB "
              f"(target ≤ 2 MB: {'✓' if sz['bytes'] <= STATIC_LIMIT else '✗'}).", ""]
    pages = raw.get("pages") or {}
    if "skipped" in pages:
        lines.append(f"Pages: skipped ({pages['skipped']}).")
    else:
        lines += ["Pages in headless Chromium (/usr/bin/chromium via Playwright), cold browser cache, median of "
                  f"{'3' if raw['quick'] else '5'} loads; weight = every response of the page including its API "
                  "fetches; first render = first contentful paint.", "",
                  "| page | HTML KB | page weight KB | requests | first render ms | load event ms | requests off the server |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, r in pages.items():
            lines.append(f"| {name} (`{r['path'][:60]}`) | {r['html_bytes'] / 1024:.1f} | {r['bytes'] / 1024:,.0f} | "
                         f"{r['requests']} | {r['fcp_ms']} | {r['load_ms']} | {len(r['outside_requests'])} |")
    if raw.get("places_first_ms") is not None:
        lines += ["", f"Map data (`/api/places`, every place of every article, {raw['places_kb']:,} KB): "
                      f"{raw['places_first_ms']:,} ms for the first request to a fresh server (an aggregate over all "
                      f"article places), {raw['places_again_ms']} ms for the next one to the same worker (kept "
                      f"while the database is unchanged; each worker computes it once)."]
    lines += ["", f"_Web benchmark wall time {raw['wall_s']} s; raw figures in bench/out/web_bench.json._", ""]
    return lines


def _write_raw(raw: dict) -> None:
    out = ROOT / "bench/out/web_bench.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(raw, indent=1, default=str), "utf-8")


def section_web(data: Path, lines: list[str], quick: bool) -> None:
    """Section 16 of bench/RESULTS.md: the web API under load and the pages (appended to ``lines``)."""
    raw = run(data, quick=quick)
    _write_raw(raw)
    lines += section_lines(raw, ".venv/bin/python bench/web_bench.py" + (" --quick" if quick else ""))


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="5,000-article store, 5 s per endpoint")
    ap.add_argument("--n", type=int, help="at least this many articles (default 100000; quick 5000)")
    ap.add_argument("--seconds", type=float, help="load per endpoint (default 20; quick 5)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=os.environ.get("TIJDLIJN_DATA", str(ROOT.parent / "shared/data")))
    ap.add_argument("--out", default=str(ROOT / "bench/out/web_bench.md"))
    a = ap.parse_args(argv)
    args = list(argv if argv is not None else sys.argv[1:])
    raw = run(Path(a.data), quick=a.quick, n=a.n, seconds=a.seconds, connections=a.connections, workers=a.workers,
              seed=a.seed)
    _write_raw(raw)
    head = [f"_{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M')} UTC_", ""]
    text = "\n".join(head + section_lines(raw, " ".join([".venv/bin/python bench/web_bench.py", *args]))) + "\n"
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    print(text)


if __name__ == "__main__":
    main()
