"""Smoke tests for the throw-away PostgreSQL server (tests/pgserver.py, fixture pg_url)."""

import pgserver
import pytest

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def psycopg():
    return pgserver.import_psycopg()


def test_url_shape(pg_url):
    assert pg_url.startswith("postgresql://tijdlijn@127.0.0.1:")
    assert pg_url.endswith("/tijdlijn_test")


def test_roundtrip_and_encoding(pg_url, psycopg):
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SHOW server_encoding").fetchone()[0] == "UTF8"
        assert conn.execute("SELECT current_database(), current_user").fetchone() == ("tijdlijn_test", "tijdlijn")
        conn.execute("CREATE TEMP TABLE smoke (id int PRIMARY KEY, tekst text)")
        conn.execute("INSERT INTO smoke VALUES (%s, %s)", (1, "Ĳsselmeer — café in België"))
        assert conn.execute("SELECT tekst FROM smoke WHERE id = 1").fetchone()[0] == "Ĳsselmeer — café in België"


def test_dutch_text_search(pg_url, psycopg):
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT 1 FROM pg_ts_config WHERE cfgname = 'dutch'").fetchone() == (1,)
        vec = conn.execute("SELECT to_tsvector('dutch', 'lopen liep')::text").fetchone()[0]
        assert "'lop'" in vec and "'liep'" in vec
        # Dutch stemming ("loop" and "lopen" share the stem "lop") and stop words ("de", "het").
        hit = conn.execute("SELECT to_tsvector('dutch', 'wij lopen') @@ to_tsquery('dutch', 'loop')").fetchone()[0]
        assert hit is True
        assert conn.execute("SELECT to_tsvector('dutch', 'de het')::text").fetchone()[0] == ""


def test_two_connections_see_committed_data(pg_url, psycopg):
    with psycopg.connect(pg_url) as a, psycopg.connect(pg_url) as b:
        a.execute("DROP TABLE IF EXISTS gedeeld")
        a.execute("CREATE TABLE gedeeld (id int PRIMARY KEY, v text)")
        a.commit()
        a.execute("INSERT INTO gedeeld VALUES (1, 'eerst')")
        b.rollback()
        assert b.execute("SELECT count(*) FROM gedeeld").fetchone()[0] == 0  # not yet committed
        b.rollback()
        a.commit()
        assert b.execute("SELECT v FROM gedeeld WHERE id = 1").fetchone() == ("eerst",)
        b.rollback()
        a.execute("DROP TABLE gedeeld")
        a.commit()


def test_fresh_database_is_empty_and_separate(pg_fresh_url, pg_url, psycopg):
    assert pg_fresh_url != pg_url
    with psycopg.connect(pg_fresh_url) as conn:
        n = conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()[0]
        assert n == 0
