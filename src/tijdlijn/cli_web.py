"""``tijdlijn serve``: the HTTP API and the web app (FastAPI + uvicorn)."""
from __future__ import annotations

import os
import sys
from typing import Optional

import typer

from tijdlijn.cli import app
from tijdlijn.cli_kb import _db_option


@app.command()
def serve(
    db: str = _db_option(),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind (default loopback only; 0.0.0.0 exposes "
                                                         "the server to the network)."),
    port: int = typer.Option(8000, "--port", "-p", min=0, max=65535),
    workers: int = typer.Option(1, "--workers", "-w", min=1, max=64, help="Worker processes."),
    write_token: Optional[str] = typer.Option(None, "--write-token", envvar="TIJDLIJN_WRITE_TOKEN",
                                              help="Enables the write endpoints (POST /api/annotate, POST "
                                                   "/api/articles) for requests carrying 'Authorization: Bearer "
                                                   "TOKEN'. Without it the server is read-only."),
    rate_limit: float = typer.Option(50.0, "--rate-limit", min=0, help="Requests per second per client address "
                                                                         "(0 = unlimited)."),
    burst: int = typer.Option(200, "--burst", min=1, help="Requests a client may make at once before the rate "
                                                          "limit applies."),
    max_body: int = typer.Option(1 << 20, "--max-body", min=1024, help="Largest request body in bytes (413 beyond)."),
    max_chars: int = typer.Option(100_000, "--max-chars", min=1, help="Longest text the annotate/ingest endpoints "
                                                                      "accept (413 beyond)."),
    threads: int = typer.Option(8, "--threads", min=1, max=256, help="Worker threads (= database connections) per "
                                                                     "process."),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level (warning to silence access logs)."),
) -> None:
    """Serve the HTTP API (/api, OpenAPI at /openapi.json, docs at /docs) and the web app (search, articles,
    entities with timelines, map) — everything from this package, nothing from the network."""
    import uvicorn

    from tijdlijn.web.db import sqlite_path

    env = {"TIJDLIJN_DB": db, "TIJDLIJN_RATE_LIMIT": str(rate_limit), "TIJDLIJN_RATE_BURST": str(burst),
           "TIJDLIJN_MAX_BODY": str(max_body), "TIJDLIJN_MAX_CHARS": str(max_chars), "TIJDLIJN_THREADS": str(threads)}
    os.environ.update(env)
    if write_token:
        os.environ["TIJDLIJN_WRITE_TOKEN"] = write_token
    else:
        os.environ.pop("TIJDLIJN_WRITE_TOKEN", None)
    path = sqlite_path(db)
    if path is not None and not os.path.isfile(path):
        print(f"warning: no knowledge base at {path} yet; requests get 503 until it exists "
              f"(create it with `tijdlijn ingest … --db {db}`)", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: binding {host}: the server is reachable from other machines", file=sys.stderr)
    print(f"tijdlijn serve: http://{'[' + host + ']' if ':' in host else host}:{port}/ "
          f"({'read-write' if write_token else 'read-only'}, {workers} worker(s))", file=sys.stderr, flush=True)
    uvicorn.run("tijdlijn.web.app:create_app_from_env", factory=True, host=host, port=port, workers=workers,
                log_level=log_level, server_header=False, proxy_headers=False, access_log=log_level in ("debug", "info"))
