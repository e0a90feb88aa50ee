"""Web benchmarks (issue 6): API throughput and p50/p99 latency for the article, search and timeline
endpoints on a large store served by `tijdlijn serve --workers 2`, page weight of every page, and time to
first render in headless Chromium.

    .venv/bin/python bench/web_bench.py --quick     # 5,000-article store, 5 s per endpoint (a few minutes)
    .venv/bin/python bench/web_bench.py             # 100,000-article store, 20 s per endpoint

Run alone it writes ``bench/out/web_bench.md`` (+ ``.json`` with every raw number) and prints the markdown;
``run()`` returns ``(markdown lines, raw)`` for ``bench/run_bench.py``.

* **Store.** The synthetic search store of ``bench/kb_bench.py`` (real dpgmedia2019 articles annotated once
  by the real pipeline, variants written through ``Store.write_document``, cached in ``bench/.cache/``).
  Without kb_bench or the research data, a store is built here from ``examples/``: the annotated examples are
  written again under new ids with shifted dates, also through ``Store.write_document``.
* **Load.** A bounded asyncio HTTP/1.1 client on loopback (keep-alive connections, ``--connections``
  concurrent, each endpoint for ``--seconds`` or at most ``--max-requests``), against 2 uvicorn worker
  processes. It runs on the same 2 cores as the server, so the numbers are a lower bound for a server
  with its own cores. Request targets are drawn (seeded) before timing: random stored articles; the
  search query mix of kb_bench (words common/rare, phrases, OR, and word + date/about/entity/place
  filters); entities for timelines drawn by mention (so popular entities come up as often as readers
  would ask for them), capped at the API default of 500 articles read per timeline.
* **Pages.** Chromium (Debian's /usr/bin/chromium via Playwright) loads each page with a cold cache:
  bytes of every response (HTML, CSS, JS, map data, API fetches), request count, first contentful paint
  and the load event (median of 5 loads).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any, Callable, Sequence
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parents[1]
for _p in (str(ROOT / "src"), str(ROOT / "bench")):
    if _p not in sys.path:
        sys.path.insert(0, _p)

FULL = dict(n=100_000, seconds=20.0, max_requests=200_000, page_loads=5)
QUICK = dict(n=5000, seconds=5.0, max_requests=50_000, page_loads=3)
TARGETS = {"article": dict(rps=500, p99_ms=100), "timeline": dict(rps=500, p99_ms=100),
           "search": dict(rps=None, p99_ms=300)}
CHROMIUM = os.environ.get("TIJDLIJN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# ============================================================================ the store
def get_store(n: int, seed: int, data: Path, log: Callable[[str], None]) -> tuple[Path, dict]:
    try:
        import kb_bench
    except ImportError:
        kb_bench = None
    if kb_bench is not None and (data / kb_bench.DATA_REL).exists():
        path, info = kb_bench.cached_sqlite_store(data, n, seed, log=log)
        info["builder"] = "bench/kb_bench.py (synthetic variants of the dpgmedia2019 dev articles)"
        return path, info
    return _examples_store(n, seed, log), {"builder": "bench/web_bench.py (variants of examples/)", "documents": n}


def _examples_store(n: int, seed: int, log: Callable[[str], None]) -> Path:
    """Fallback: the annotated examples written again and again (new ids, dates shifted by whole weeks)."""
    from datetime import date, timedelta

    from tijdlijn.document import ArticleDate, Document
    from tijdlijn.kb.executors import make_executor
    from tijdlijn.kb.ingest import ingest, stage_names
    from tijdlijn.kb.store import open_store
    from tijdlijn.readers.files import read_inputs

    cache = ROOT / "bench" / ".cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"web-examples-n{n}-seed{seed}.sqlite"
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
    tmp.rename(path)
    return path


# ============================================================================ targets
def make_targets(db: Path, seed: int, per: int = 2000, data: Path | None = None) -> dict[str, list[str]]:
    from tijdlijn.kb.store import open_store

    rng = random.Random(f"web:{seed}")
    with open_store(f"sqlite:///{db}", migrate=False) as store:
        lo, hi = store.query("SELECT MIN(id), MAX(id) FROM articles")[0]
        arts = []
        while len(arts) < per:
            r = store.query("SELECT ext_id FROM articles WHERE id = ?", (rng.randint(lo, hi),))
            if r:
                arts.append("/api/articles/" + quote(r[0][0], safe=""))
        # entities by mention: a random entity mention of a random article
        ents = []
        while len(ents) < per // 4:
            r = store.query("SELECT entity_id FROM article_entities WHERE article_id = ?", (rng.randint(lo, hi),))
            if r:
                ents.append("/api/entities/" + quote(rng.choice(r)[0], safe="") + "/timeline")
        searches = []
        try:
            import kb_bench

            if data is not None and (data / kb_bench.DATA_REL).exists():
                qs = kb_bench.make_queries(kb_bench.real_articles(data), store, 12, seed)
            else:
                raise ImportError
        except ImportError:
            words = ["kabinet", "storm", "minister", "water", "premier", "election", "dijken", "gemeenten"]
            qs = [{"class": "word", "q": rng.choice(words)} for _ in range(100)]
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
    return {"article": arts, "search": searches, "timeline": ents}


# ============================================================================ load client
async def _load(host: str, port: int, paths: Sequence[str], seconds: float, connections: int,
                max_requests: int) -> dict[str, Any]:
    lat: list[float] = []
    codes: dict[int, int] = {}
    counter = {"i": 0}
    deadline = time.perf_counter() + seconds

    async def worker(k: int) -> None:
        reader, writer = await asyncio.open_connection(host, port)
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
                codes[status] = codes.get(status, 0) + 1
        finally:
            writer.close()

    t0 = time.perf_counter()
    await asyncio.gather(*(worker(k) for k in range(connections)))
    elapsed = time.perf_counter() - t0
    lat.sort()

    def pct(p: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(round(p / 100 * (len(lat) - 1))))] if lat else float("nan")

    return {"requests": len(lat), "seconds": round(elapsed, 2), "rps": round(len(lat) / elapsed, 1),
            "p50_ms": round(pct(50), 2), "p90_ms": round(pct(90), 2), "p99_ms": round(pct(99), 2),
            "max_ms": round(1000 * lat[-1], 1) if lat else None, "codes": {str(k): v for k, v in sorted(codes.items())},
            "connections": connections}


def load(url: str, paths: Sequence[str], seconds: float, connections: int, max_requests: int) -> dict[str, Any]:
    host, port = url.split("//")[1].split(":")
    return asyncio.run(_load(host, int(port), paths, seconds, connections, max_requests))


# ============================================================================ server
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, db: Path, workers: int = 2) -> None:
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


# ============================================================================ pages
def pages_bench(url: str, targets: dict[str, list[str]], loads: int, log: Callable[[str], None]) -> dict[str, Any]:
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
                html = sizes.get(url + path, 0)
                runs.append({"fcp_ms": timing["fcp"], "load_ms": timing["load"], "ttfb_ms": timing["ttfb"],
                             "networkidle_s": round(wall, 3), "bytes": sum(sizes.values()), "html_bytes": html,
                             "requests": len(sizes), "outside_requests": outside})
                ctx.close()
            med = lambda k: round(statistics.median(r[k] for r in runs if r[k] is not None), 1)  # noqa: E731
            out[name] = {"path": path, "fcp_ms": med("fcp_ms"), "load_ms": med("load_ms"), "ttfb_ms": med("ttfb_ms"),
                         "bytes": runs[0]["bytes"], "html_bytes": runs[0]["html_bytes"],
                         "requests": runs[0]["requests"], "outside_requests": sorted({u for r in runs
                                                                                      for u in r["outside_requests"]})}
            log(f"  page {name}: {out[name]['bytes'] / 1024:.0f} KB in {out[name]['requests']} requests, "
                f"FCP {out[name]['fcp_ms']} ms")
        b.close()
    return out


def static_size() -> dict[str, int]:
    d = ROOT / "src" / "tijdlijn" / "web" / "static"
    files = [p for p in d.rglob("*") if p.is_file()]
    return {"files": len(files), "bytes": sum(p.stat().st_size for p in files)}


# ============================================================================ run
def run(data: Path, *, quick: bool = False, n: int | None = None, seconds: float | None = None,
        connections: int = 16, workers: int = 2, seed: int = 0, first_section: int = 1,
        log: Callable[[str], None] | None = None) -> tuple[list[str], dict]:
    log = log or (lambda m: print(m, file=sys.stderr, flush=True))
    cfg = dict(QUICK if quick else FULL)
    n = n or cfg["n"]
    seconds = seconds or cfg["seconds"]
    db, info = get_store(n, seed, data, log)
    targets = make_targets(db, seed, data=data)
    raw: dict[str, Any] = {"quick": quick, "store": {"path": str(db.relative_to(ROOT)) if db.is_relative_to(ROOT)
                                                      else str(db), **{k: v for k, v in info.items()
                                                                        if k in ("documents", "builder", "stats")}},
                           "workers": workers, "connections": connections, "seconds": seconds,
                           "static": static_size()}
    srv = Server(db, workers)
    try:
        # warm-up: every worker opens its connections, page caches fill
        load(srv.url, targets["article"][:200] + targets["search"][:50] + targets["timeline"][:50], 3.0,
             connections, 2000)
        raw["api"] = {}
        for name in ("article", "search", "timeline"):
            log(f"  load: {name} ({seconds:g} s, {connections} connections, {workers} workers)")
            raw["api"][name] = load(srv.url, targets[name], seconds, connections, cfg["max_requests"])
            raw["api"][name]["distinct_targets"] = len(set(targets[name]))
            log(f"    {raw['api'][name]}")
        raw["pages"] = pages_bench(srv.url, targets, cfg["page_loads"], log)
    finally:
        srv.stop()
    return sections(raw, first_section), raw


def sections(raw: dict, number: int) -> list[str]:
    st = raw["store"]
    lines = [f"## {number}. Web API under load ({st.get('documents', '?'):,} articles, {raw['workers']} uvicorn "
             f"workers, {raw['connections']} keep-alive connections)", "",
             f"Store: {st.get('builder')}. Load client: bounded asyncio HTTP/1.1 on loopback, on the same 2 cores "
             f"as the server; {raw['seconds']:g} s per endpoint after a warm-up.", "",
             "| endpoint | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | statuses | target |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for name, r in raw["api"].items():
        t = TARGETS[name]
        goal = []
        if t["rps"]:
            goal.append(f"≥ {t['rps']} req/s")
        goal.append(f"p99 ≤ {t['p99_ms']} ms")
        ok = (not t["rps"] or r["rps"] >= t["rps"]) and r["p99_ms"] <= t["p99_ms"]
        lines.append(f"| {name} | {r['requests']:,} | {r['rps']:,.0f} | {r['p50_ms']} | {r['p90_ms']} | {r['p99_ms']} | "
                     f"{r['max_ms']} | {', '.join(f'{k}: {v}' for k, v in r['codes'].items())} | "
                     f"{' and '.join(goal)} {'✅' if ok else '❌'} |")
    lines += ["", f"## {number + 1}. Web pages in headless Chromium (cold cache)", "",
              f"Static assets in the package: {raw['static']['files']} files, "
              f"{raw['static']['bytes'] / 1024:.0f} KB (limit 2 MB "
              f"{'✅' if raw['static']['bytes'] <= 2 * 1024 * 1024 else '❌'}).", ""]
    pages = raw.get("pages") or {}
    if "skipped" in pages:
        lines.append(f"_Skipped: {pages['skipped']}._")
    else:
        lines += ["| page | HTML KB | total KB | requests | first contentful paint ms | load event ms | outside requests |",
                  "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for name, r in pages.items():
            lines.append(f"| {name} (`{r['path'][:60]}`) | {r['html_bytes'] / 1024:.1f} | {r['bytes'] / 1024:.0f} | "
                         f"{r['requests']} | {r['fcp_ms']} | {r['load_ms']} | {len(r['outside_requests'])} |")
    lines.append("")
    return lines


def main(argv: Sequence[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="5,000-article store, 5 s per endpoint")
    ap.add_argument("--n", type=int, help="articles in the store (default 100000; quick 5000)")
    ap.add_argument("--seconds", type=float, help="load per endpoint (default 20; quick 5)")
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--data", default=os.environ.get("TIJDLIJN_DATA", str(ROOT.parent / "shared/data")))
    ap.add_argument("--out", default=str(ROOT / "bench/out/web_bench.md"))
    a = ap.parse_args(argv)
    started = time.time()
    lines, raw = run(Path(a.data), quick=a.quick, n=a.n, seconds=a.seconds, connections=a.connections,
                     workers=a.workers, seed=a.seed)
    head = ["# tijdlijn web benchmark", "",
            f"`.venv/bin/python bench/web_bench.py {' '.join(argv if argv is not None else sys.argv[1:])}` — "
            f"{platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
            f"{time.strftime('%Y-%m-%d %H:%M')}", ""]
    text = "\n".join(head + lines + [f"_Wall time: {time.time() - started:.0f} s._"]) + "\n"
    out = Path(a.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, "utf-8")
    out.with_suffix(".json").write_text(json.dumps(raw, indent=1, default=str), "utf-8")
    print(text)


if __name__ == "__main__":
    main()
