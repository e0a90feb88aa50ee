"""A throw-away PostgreSQL server for the test suite.

``PgServer`` makes a new cluster in a fresh temporary directory, starts it on
127.0.0.1 on a free TCP port (its unix socket lives in the same temporary
directory), creates the database ``tijdlijn_test`` and hands out the URL
``postgresql://tijdlijn@127.0.0.1:PORT/tijdlijn_test``. ``stop()`` shuts it down
(``pg_ctl stop -m fast``) and removes the directory. It never touches a cluster
that the system package may have created or started.

Server binaries are looked up in ``$TIJDLIJN_PG_BINDIR`` when that is set (and
only there), otherwise in ``/usr/lib/postgresql/*/bin`` (newest version first)
and then on ``PATH``.

``initdb``, ``pg_ctl`` and ``postgres`` refuse to run as root, so as root they
run as the ``postgres`` system user (``nobody`` when there is none) through
``runuser`` (or ``su``), and the temporary directory is owned by that user.

Run it by hand to get a server for poking around::

    .venv/bin/python tests/pgserver.py      # prints the URL, Ctrl-C stops it
"""

from __future__ import annotations

import atexit
import glob
import os
import pwd
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Self

USER = "tijdlijn"
DBNAME = "tijdlijn_test"
BINDIR_ENV = "TIJDLIJN_PG_BINDIR"
REQUIRE_ENV = "TIJDLIJN_REQUIRE_PG"
SERVER_BINARIES = ("initdb", "pg_ctl", "postgres")

# Durability is worthless for a throw-away test cluster; these make it fast.
_CONF = """
# --- tijdlijn test server ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '{sockdir}'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
shared_buffers = 32MB
max_wal_size = 256MB
log_min_messages = warning
"""


class PgUnavailable(RuntimeError):
    """The PostgreSQL server binaries are not installed (or not where we look)."""


class PgStartError(RuntimeError):
    """The binaries exist but the server could not be set up."""


def required() -> bool:
    """True when a missing PostgreSQL must fail the run instead of skipping (CI)."""
    return os.environ.get(REQUIRE_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


def unavailable(reason: str):
    """In a pytest run: skip because PostgreSQL can't be had, or fail when
    TIJDLIJN_REQUIRE_PG=1 (CI), so a missing install never passes silently."""
    import pytest

    if required():
        pytest.fail(f"{reason} (and {REQUIRE_ENV}=1 forbids skipping)", pytrace=False)
    pytest.skip(reason)


def import_psycopg():
    """The psycopg (v3) module, or skip/fail like ``unavailable``."""
    try:
        import psycopg
    except ImportError as e:
        unavailable(f"psycopg is not installed ({e}); pip install -e '.[postgres]'")
    return psycopg


def _version_key(path: str) -> tuple:
    m = re.search(r"/postgresql/([^/]+)/bin$", path)
    ver = m.group(1) if m else ""
    return tuple(int(p) if p.isdigit() else -1 for p in ver.split("."))


def _has_all(d: str | os.PathLike) -> bool:
    return all(os.access(os.path.join(d, b), os.X_OK) for b in SERVER_BINARIES)


def find_bindir() -> Path:
    """Directory holding initdb, pg_ctl and postgres; raises PgUnavailable."""
    env = os.environ.get(BINDIR_ENV)
    if env:
        if _has_all(env):
            return Path(env)
        raise PgUnavailable(
            f"PostgreSQL server binaries ({', '.join(SERVER_BINARIES)}) not found in "
            f"${BINDIR_ENV}={env}"
        )
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True)
    for d in candidates:
        if _has_all(d):
            return Path(d)
    on_path = shutil.which("initdb")
    if on_path and _has_all(os.path.dirname(on_path)):
        return Path(os.path.dirname(on_path))
    raise PgUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found under "
        "/usr/lib/postgresql/*/bin or on PATH; install the Debian package 'postgresql' "
        f"(make test does) or point ${BINDIR_ENV} at them"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _temp_base(for_other_user: bool) -> str | None:
    """Where to make the cluster directory: $TMPDIR unless the server could not use it
    (an unprivileged server user can't reach it, or the unix socket path would be too long)."""
    base = tempfile.gettempdir()
    ok = len(base) <= 60  # socket path = base/tijdlijn-pg-XXXXXXXX/.s.PGSQL.NNNNN.lock, max ~107
    if ok and for_other_user:
        p = Path(base).resolve()
        ok = all(os.stat(d).st_mode & stat.S_IXOTH for d in (p, *p.parents))
    return None if ok else "/tmp"


def _clean_env() -> dict[str, str]:
    # PGDATA, PGPORT, PGHOST, ... from the caller's shell must not steer our tools.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    env.pop("LANG", None)
    return env


class PgServer:
    def __init__(self, bindir: Path | None = None, dbname: str = DBNAME):
        self.bindir = Path(bindir) if bindir else find_bindir()
        self.dbname = dbname
        self.tmpdir: Path | None = None
        self.port: int | None = None
        self._started = False
        self.run_as: str | None = None
        if os.geteuid() == 0:
            for name in ("postgres", "nobody"):
                try:
                    pwd.getpwnam(name)
                except KeyError:
                    continue
                self.run_as = name
                break
            else:
                raise PgStartError("running as root and neither a 'postgres' nor a 'nobody' user exists")

    # -- paths -------------------------------------------------------------
    @property
    def datadir(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "data"

    @property
    def logfile(self) -> Path:
        assert self.tmpdir is not None
        return self.tmpdir / "postgres.log"

    @property
    def url(self) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{self.dbname}"

    def url_for(self, dbname: str) -> str:
        return f"postgresql://{USER}@127.0.0.1:{self.port}/{dbname}"

    # -- running commands ----------------------------------------------------
    def _server_cmd(self, argv: list[str]) -> list[str]:
        """Wrap a server-side command so it runs unprivileged when we are root."""
        if self.run_as is None:
            return argv
        if shutil.which("runuser"):
            return ["runuser", "-u", self.run_as, "--", *argv]
        return ["su", "-s", "/bin/sh", self.run_as, "-c", shlex.join(argv)]

    def _run(self, argv: list[str], *, as_server: bool = True, timeout: float = 60) -> str:
        cmd = self._server_cmd(argv) if as_server else argv
        try:
            p = subprocess.run(
                cmd, cwd=self.tmpdir, env=_clean_env(), stdin=subprocess.DEVNULL,
                capture_output=True, text=True, timeout=timeout, check=False,
            )
        except subprocess.TimeoutExpired as e:
            raise PgStartError(f"{shlex.join(cmd)} timed out after {timeout}s{self._log_tail()}") from e
        if p.returncode != 0:
            raise PgStartError(
                f"{shlex.join(cmd)} exited {p.returncode}:\n{p.stdout}{p.stderr}{self._log_tail()}"
            )
        return p.stdout

    def _log_tail(self, n: int = 30) -> str:
        try:
            lines = self.logfile.read_text(errors="replace").splitlines()[-n:]
        except (OSError, AssertionError):
            return ""
        return "\n--- server log (tail) ---\n" + "\n".join(lines) if lines else ""

    # -- lifecycle -----------------------------------------------------------
    def start(self, timeout: float = 30) -> str:
        if self._started:
            return self.url
        self.tmpdir = Path(tempfile.mkdtemp(prefix="tijdlijn-pg-", dir=_temp_base(self.run_as is not None)))
        try:
            if self.run_as is not None:
                pw = pwd.getpwnam(self.run_as)
                os.chown(self.tmpdir, pw.pw_uid, pw.pw_gid)
            self._run([
                str(self.bindir / "initdb"), "-D", str(self.datadir), "-U", USER,
                "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions",
            ], timeout=120)
            with open(self.datadir / "postgresql.conf", "a") as f:
                f.write(_CONF.format(sockdir=self.tmpdir))
            # A free port can be taken between probing and binding: try a few.
            last: Exception | None = None
            for _ in range(3):
                self.port = free_port()
                try:
                    self._run([
                        str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-l", str(self.logfile),
                        "-o", f"-p {self.port}", "-w", "-t", str(int(timeout)), "start",
                    ], timeout=timeout + 10)
                    self._started = True
                    break
                except PgStartError as e:
                    last = e
            if not self._started:
                raise last  # type: ignore[misc]
            atexit.register(self.stop)
            self._wait_ready(timeout)
            self._createdb(self.dbname)
        except BaseException:
            self.stop()
            raise
        return self.url

    def _client(self, name: str) -> str | None:
        p = self.bindir / name
        if os.access(p, os.X_OK):
            return str(p)
        return shutil.which(name)

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        isready = self._client("pg_isready")
        while True:
            if isready:
                ok = subprocess.run(
                    [isready, "-q", "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, "-d", "postgres"],
                    env=_clean_env(), stdin=subprocess.DEVNULL, capture_output=True, check=False,
                ).returncode == 0
            else:
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    ok = True
                except OSError:
                    ok = False
            if ok:
                return
            if time.monotonic() > deadline:
                raise PgStartError(f"server on port {self.port} not accepting connections after {timeout}s{self._log_tail()}")
            time.sleep(0.05)

    def _createdb(self, dbname: str) -> None:
        createdb = self._client("createdb")
        if createdb:
            self._run([createdb, "-h", "127.0.0.1", "-p", str(self.port), "-U", USER, dbname], as_server=False)
            return
        import psycopg  # client tools missing: fall back to the driver

        with psycopg.connect(self.url_for("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{dbname}"')

    def stop(self) -> None:
        if self._started:
            self._started = False
            try:
                self._run([str(self.bindir / "pg_ctl"), "-D", str(self.datadir), "-m", "fast", "-w", "stop"], timeout=60)
            except PgStartError:
                self._kill_postmaster()
        if self.tmpdir is not None:
            shutil.rmtree(self.tmpdir, ignore_errors=True)
            self.tmpdir = None
        atexit.unregister(self.stop)

    def _kill_postmaster(self) -> None:
        import signal

        try:
            pid = int((self.datadir / "postmaster.pid").read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return
        for sig, wait in ((signal.SIGQUIT, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                return
            deadline = time.monotonic() + wait
            while time.monotonic() < deadline:
                try:
                    os.kill(pid, 0)
                except ProcessLookupError:
                    return
                time.sleep(0.05)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main() -> int:
    import signal

    # SIGTERM/SIGHUP (and SIGINT, even in a background job) stop the server cleanly.
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(sig, _interrupt)
    try:
        srv = PgServer()
    except PgUnavailable as e:
        print(e, file=sys.stderr)
        return 2
    t0 = time.monotonic()
    with srv:
        print(f"{srv.url}  (up in {time.monotonic() - t0:.2f}s, data in {srv.tmpdir}; Ctrl-C stops it)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
