import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    return Path(os.environ.get("TIJDLIJN_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture
def shared_data() -> Path:
    d = data_dir()
    if not d.exists():
        pytest.skip(f"shared research data not available at {d}")
    return d


@pytest.fixture
def reference_article() -> Path:
    p = data_dir().parent / "examples" / "is-audio-2018-08.nl.txt"
    if not p.exists():
        pytest.skip("reference article not available")
    return p


# --- real PostgreSQL server (tests/pgserver.py) ------------------------------
# A test asks for a server with the session-scoped ``pg_url`` fixture (one
# throw-away cluster per test session) and is marked ``@pytest.mark.postgres``
# (added automatically to any test that uses ``pg_url``/``pg_fresh_url``).
# Without the server binaries these tests skip, unless TIJDLIJN_REQUIRE_PG=1
# (set by .ci/run), in which case they fail.

import re
import uuid

import pgserver  # tests/ is on sys.path for conftest

_PG_FIXTURES = {"pg_url", "pg_fresh_url", "pg_server"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _PG_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_server():
    try:
        srv = pgserver.PgServer()
    except pgserver.PgUnavailable as e:
        pgserver.unavailable(str(e))
    srv.start()
    try:
        yield srv
    finally:
        srv.stop()


@pytest.fixture(scope="session")
def pg_url(pg_server) -> str:
    """URL of the session's throw-away server: postgresql://tijdlijn@127.0.0.1:PORT/tijdlijn_test."""
    return pg_server.url


@pytest.fixture
def pg_fresh_url(pg_server, request) -> str:
    """URL of a brand-new empty database on the session's server, dropped after the test."""
    psycopg = pgserver.import_psycopg()
    name = "t_" + re.sub(r"\W", "_", request.node.name.lower())[:40] + "_" + uuid.uuid4().hex[:8]
    admin = pg_server.url_for("postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_server.url_for(name)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
