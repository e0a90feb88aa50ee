"""Shared parts of the web tests: a small knowledge base (examples/ + articles written here + an XSS
article written straight through Store.write_document) and a real `tijdlijn serve` process on a free
loopback port."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "examples"
ARTIFACTS = REPO / "test-artifacts" / "web"
TOKEN = "test-write-token-0123456789"

XSS_SCRIPT = '<script>window.__xss=1;alert("xss")</script>'
XSS_IMG = '"><img src=x onerror="window.__xss=2">'

ARTICLES = [
    {"id": "is-audio", "date": "2018-08", "lang": "nl", "title": "IS-leider verspreidt audio-opname",
     "text": "De IS-leider Abu Bakr al-Baghdadi heeft woensdag een audio-opname verspreid, de eerste in bijna een "
             "jaar. Hij roept zijn volgelingen op tot aanslagen tijdens het Offerfeest, dat deze week wordt "
             "gevierd. In 2014 riep hij in Mosul het kalifaat uit. Vorig jaar heroverde het Iraakse leger Mosul."},
    {"id": "kabinet-dijken", "date": "2019-03-14", "lang": "nl", "title": "Kabinet in Den Haag",
     "text": "Het kabinet in Den Haag besprak dinsdag de aanvallen op de dijken. Premier Mark Rutte "
             "zei dat de aanval op de waterkering in 2021 wordt onderzocht. \"We nemen dit zeer serieus,\" "
             "zei Rutte woensdag."},
    {"id": "storm-florida", "date": "2017-09-12", "lang": "en", "title": "Storm hits Florida",
     "text": "The storm hit Florida on Sunday. Governor Rick Scott said the damage in Miami was severe. "
             "Hurricane Andrew in 1992 was worse."},
    {"id": "election-count", "date": "2020-11", "lang": "en", "title": "Election count",
     "text": "Election workers in Pennsylvania counted ballots through the night. Joe Biden won the "
             "state, officials said on Saturday."},
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_xss(url: str) -> None:
    from tijdlijn.document import ArticleDate, Document, Entity, Mention, Timex
    from tijdlijn.kb.store import open_store

    name1 = f"Jan {XSS_SCRIPT} Smit"
    name2 = f"Piet{XSS_IMG}Jansen"
    head = f"Kop {XSS_SCRIPT}\n\n"
    body = f"{name1} zei gisteren dat {name2} loog. {XSS_IMG} Einde."
    text = head + body
    s1 = text.index(name1)
    s2 = text.index(name2)
    g = text.index("gisteren")
    doc = Document(
        text=text, id="xss-article", lang="nl", title=f"Titel {XSS_SCRIPT}{XSS_IMG}", source=f"bron{XSS_IMG}",
        date=ArticleDate.parse("2020-05-05"),
        timexes=[Timex(id="t1", start=g, end=g + 8, text="gisteren", type="DATE", value="2020-05-04",
                       rule=f"nl-lexicon:gisteren{XSS_IMG}", anchor="article_date", granularity="day",
                       explanation=f"fixed phrase {XSS_SCRIPT}")],
        entities=[Entity(id="per:x1", type="PER", name=name1, mentions=[Mention(s1, s1 + len(name1), name1)]),
                  Entity(id="per:x2", type="PER", name=name2, mentions=[Mention(s2, s2 + len(name2), name2)])],
        quotes=[{"kind": "indirect", "start": s2, "end": len(text) - 7, "text": text[s2:len(text) - 7],
                 "speaker": "per:x1", "cue": f"zei{XSS_IMG}", "how": "name",
                 "time": {"value": "2020-05-04", "certainty": "sentence"}}],
        claims=[{"start": s1, "end": len(text) - 7, "text": text[s1:len(text) - 7], "status": "reported",
                 "cue": XSS_SCRIPT}],
        meta={"url": "javascript:alert(1)"},
    )
    with open_store(url) as store:
        with store.transaction():
            store.write_document(doc, "id:xss-article")
            store.refresh_entities()


_BUILT: dict[str, Path] = {}


def build_store(tmp_root: Path) -> Path:
    """The test knowledge base (built once per session, then copied by callers that write)."""
    if "kb" in _BUILT:
        return _BUILT["kb"]
    from tijdlijn.kb.executors import make_executor
    from tijdlijn.kb.ingest import ingest, stage_names
    from tijdlijn.kb.store import open_store
    from tijdlijn.readers.files import read_inputs

    tmp_root.mkdir(parents=True, exist_ok=True)
    src = tmp_root / "web-articles.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in ARTICLES), encoding="utf-8")
    path = tmp_root / "web-kb.sqlite"
    url = f"sqlite:///{path}"
    with open_store(url) as store:
        with make_executor("serial", stage_names(None)) as ex:
            summary = ingest(read_inputs([str(EXAMPLES), str(src)]), store, ex)
    assert summary.failed == 0, summary.failures
    _write_xss(url)
    with open_store(url) as store:
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    _BUILT["kb"] = path
    return path


def copy_store(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


class Server:
    """`python -m tijdlijn serve` in a child process; `.url` once /api/health answers (any status)."""

    def __init__(self, db: str, *args: str, workers: int = 1, env: dict | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        cmd = [sys.executable, "-m", "tijdlijn", "serve", "--db", db, "--port", str(self.port), "--log-level",
               "warning", "--workers", str(workers), *args]
        e = {k: v for k, v in os.environ.items() if not k.startswith("TIJDLIJN_")}
        e.update(env or {})
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.log = open(ARTIFACTS / f"server-{self.port}.log", "w")
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=e, cwd=str(REPO))
        deadline = time.time() + 60
        while True:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited with {self.proc.returncode}")
            try:
                urllib.request.urlopen(self.url + "/api/health", timeout=2).close()
                break
            except urllib.error.HTTPError:
                break  # it answers (e.g. 503 for a missing database)
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError("server did not start within 60 s")
                time.sleep(0.1)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        log = Path(self.log.name)
        if log.exists() and log.stat().st_size == 0:
            log.unlink()

    def __enter__(self) -> "Server":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def get(url: str, headers: dict | None = None, method: str = "GET", body: bytes | None = None,
        timeout: float = 30) -> tuple[int, dict, bytes]:
    req = urllib.request.Request(url, headers=headers or {}, method=method, data=body)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


def get_json(url: str, **kw) -> tuple[int, dict]:
    status, _h, body = get(url, **kw)
    return status, json.loads(body)
