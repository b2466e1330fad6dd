"""A throwaway PostgreSQL server for one test session.

Each pytest process (the plain runner, or each pytest-xdist worker) starts its own
server on a free loopback port, so workers never share state or race on a lock file;
start-up costs about a second. Databases are cheap clones of ``template1`` made per
test. The server runs with durability switched off: it holds nothing worth keeping.
``PostgresServer(durable=True)`` is the benchmark's: fsync, synchronous commits and
full-page writes on, its files in the usual temporary folder rather than in RAM, so
that a commit costs what it costs on an office's server.

Works as root (initdb refuses to run as root, so commands go through
``runuser -u postgres``) and as an ordinary user (commands run directly).
"""

from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

from .tmpfs import fast_temp_root

__all__ = ["PostgresServer", "PostgresUnavailable", "find_bin_dir", "free_port"]


class PostgresUnavailable(RuntimeError):
    """The PostgreSQL binaries are missing or the server would not start."""


def find_bin_dir() -> Path:
    """The bin directory of the newest PostgreSQL under /usr/lib/postgresql."""
    override = os.environ.get("KIOSK_TEST_PG_BIN")
    candidates = [override] if override else glob.glob("/usr/lib/postgresql/*/bin")
    found = [Path(c) for c in candidates if (Path(c) / "initdb").exists()]
    if not found:
        raise PostgresUnavailable(
            "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin; "
            "run `make system-deps` (apt-get install postgresql), or set "
            "KIOSK_TEST_BACKENDS=sqlite to run the SQLite half of the suite only."
        )

    def major(path: Path) -> int:
        try:
            return int(path.parent.name)
        except ValueError:
            return 0

    return max(found, key=major)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now.

    Another process can take it before we bind it; callers retry on that.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# Settings passed on the postgres command line. Durability is off because the data
# is thrown away; max_connections is raised because tests run many app threads.
SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "200",
    "shared_buffers": "64MB",
    "log_min_messages": "warning",
    "logging_collector": "off",
}


# What durable=True changes: a commit is on disk before it is acknowledged.
DURABLE_SETTINGS = {
    "fsync": "on",
    "synchronous_commit": "on",
    "full_page_writes": "on",
}


class PostgresServer:
    """One initdb'd cluster and its postmaster. Use ``start()``/``stop()``."""

    def __init__(self, durable: bool = False) -> None:
        self.durable = durable
        self.bin_dir = find_bin_dir()
        self.root: Path | None = None
        self.port: int | None = None
        self._admin = None  # psycopg2 connection to the "postgres" database
        self._counter = itertools.count(1)
        self._as_root = os.geteuid() == 0

    # -- process management -------------------------------------------------

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "socket"

    @property
    def log_file(self) -> Path:
        return self.root / "server.log"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        command = [str(self.bin_dir / args[0]), *args[1:]]
        if self._as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        # cwd: the postgres user may not be allowed into the caller's directory.
        return subprocess.run(
            command,
            cwd=self.root,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            env={**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"},
        )

    def start(self) -> PostgresServer:
        # A short path (a unix socket path must fit in ~107 bytes), in RAM when
        # possible: nothing here is worth a disk write (unless durable).
        where = tempfile.gettempdir() if self.durable else fast_temp_root()
        self.root = Path(tempfile.mkdtemp(prefix="kiosk-pg-", dir=where))
        atexit.register(self.stop)  # also clean up if pytest exits abnormally
        self.socket_dir.mkdir()
        if self._as_root:
            shutil.chown(self.root, "postgres", "postgres")
            shutil.chown(self.socket_dir, "postgres", "postgres")
        result = self._run(
            "initdb",
            "-D", str(self.data_dir),
            "-U", "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            "--no-sync",
            "--no-instructions",
        )  # fmt: skip
        if result.returncode != 0:
            self._fail("initdb failed", result)

        # A free port can be taken between choosing and binding it (xdist workers
        # start at the same moment), so retry with a new port a few times.
        settings = SERVER_SETTINGS | (DURABLE_SETTINGS if self.durable else {})
        for _attempt in range(5):
            self.port = free_port()
            options = " ".join(
                [f"-p {self.port}", f"-k {self.socket_dir}"]
                + [f"-c {name}={value}" for name, value in settings.items()]
            )
            result = self._run(
                "pg_ctl", "start", "-w", "-t", "30",
                "-D", str(self.data_dir),
                "-l", str(self.log_file),
                "-o", options,
            )  # fmt: skip
            if result.returncode == 0:
                break
            if "already in use" not in self._log_text():
                self._fail("pg_ctl start failed", result)
        else:
            self._fail("pg_ctl start failed: no free port", result)
        self._connect_admin()
        return self

    def stop(self) -> None:
        """Stop the server (immediately: nothing to keep) and remove its files."""
        if self._admin is not None:
            try:
                self._admin.close()
            except Exception:
                pass
            self._admin = None
        if self.root is None:
            return
        if (self.data_dir / "postmaster.pid").exists():
            self._run("pg_ctl", "stop", "-D", str(self.data_dir), "-m", "immediate")
        shutil.rmtree(self.root, ignore_errors=True)
        self.root = None

    def _log_text(self) -> str:
        try:
            return self.log_file.read_text(errors="replace")
        except OSError:
            return ""

    def _fail(self, what: str, result: subprocess.CompletedProcess) -> None:
        detail = (result.stdout + result.stderr).strip()
        log = self._log_text()[-3000:]
        self.stop()
        raise PostgresUnavailable(f"{what}:\n{detail}\n--- server log ---\n{log}")

    # -- databases ---------------------------------------------------------

    def _connect_admin(self) -> None:
        import psycopg2  # imported late: SQLite-only runs never need it

        self._admin = psycopg2.connect(self.url("postgres"))
        self._admin.autocommit = True  # CREATE/DROP DATABASE refuse transactions

    def url(self, dbname: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, prefix: str = "test") -> str:
        """Create an empty database and return its URL.

        FILE_COPY clones template1's files directly (with fsync off the
        checkpoint it needs is cheap); PostgreSQL 15's default WAL_LOG strategy
        writes every page through the WAL and is slower for a template this small.
        """
        name = f"{prefix}_{next(self._counter)}_{uuid.uuid4().hex[:8]}"
        with self._admin.cursor() as cursor:
            cursor.execute(
                f'CREATE DATABASE "{name}" TEMPLATE template1 STRATEGY FILE_COPY'
            )
        return self.url(name)

    def drop_database(self, url: str) -> None:
        """Drop a database, disconnecting anything still attached (app pools)."""
        name = url.rsplit("/", 1)[1]
        with self._admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
