"""The database proxy, per-request connections, and table creation."""

import os
import threading
from contextlib import contextmanager
from pathlib import Path

import peewee
from flask import request
from playhouse.db_url import connect as connect_url
from playhouse.pool import PooledSqliteDatabase

db = peewee.DatabaseProxy()

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 10_000,
    # The office server can lose power: a commit is on disk before a receipt shows.
    "synchronous": "full",
    # Freed pages are zeroed, so an old copy of a row (a name before a purge)
    # does not stay in the file; some SQLite builds have it off by default.
    "secure_delete": 1,
    # 2 MB per pooled connection: one connection per server thread adds up.
    "cache_size": -2_000,
    # The triggers that keep the trigram index of names (data/name_index.py)
    # write to an FTS5 table, which SQLite refuses from a schema it does not
    # trust; some builds trust none by default. The schema is this app's own:
    # a restore refuses a file with any trigger or table it does not create
    # (data/schema_check.py).
    "trusted_schema": 1,
}


# SQLite has one writer at a time. Threads of one process that queue here take
# turns at once instead of sleeping and polling in SQLite's busy handler.
_sqlite_writer = threading.Lock()


@contextmanager
def write_transaction():
    """A write transaction; on SQLite the threads of a process take turns."""
    if isinstance(db.obj, peewee.SqliteDatabase):
        with _sqlite_writer, db.atomic():
            yield
    else:
        with db.atomic():
            yield


def sqlite_database(path):
    """A pooled SQLite database whose write transactions take the lock up front."""
    return PooledSqliteDatabase(
        str(path),
        pragmas=SQLITE_PRAGMAS,
        lock_type="IMMEDIATE",
        max_connections=64,
        stale_timeout=600,
        check_same_thread=False,
    )


def open_database(url, instance_path):
    """Build the database object for a KIOSK_DATABASE_URL (None means SQLite)."""
    if not url:
        folder = Path(instance_path)
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return sqlite_database(_owner_only(folder / "kiosk.db"))
    if url.startswith("sqlite:///"):
        return sqlite_database(_owner_only(Path(url[len("sqlite:///") :])))
    scheme, rest = url.split("://", 1)
    # A password with / # ? @ % must be percent-encoded in the URL.
    unquote = {"unquote_user": True, "unquote_password": True}
    if scheme in ("postgres", "postgresql"):
        # A connection per request costs more than the request itself: pool them.
        return connect_url(
            f"postgresql+pool://{rest}",
            max_connections=32,
            stale_timeout=300,
            **unquote,
        )
    return connect_url(url, **unquote)


def _owner_only(path):
    """Create the SQLite file readable by the site's user only, if it is new:
    it holds residents' NIKs (SQLite gives its -wal and -shm files the same
    permissions). SQLite itself would create it with the umask, often 644."""
    if not path.exists() and path.parent.is_dir():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    return path


def is_empty():
    """True when the database has no tables yet (before the first start)."""
    with db.connection_context():
        return not db.get_tables()


def describe(database):
    """Which database this is, for an operator (never the password)."""
    if isinstance(database, peewee.SqliteDatabase):
        return f"SQLite file {Path(database.database).resolve()}"
    params = database.connect_params
    where = f"{params.get('host', 'localhost')}:{params.get('port', 5432)}"
    return f"PostgreSQL database {database.database} on {where}"


def init_app(app):
    """Bind the proxy to the database the configuration names."""
    database = open_database(app.config["DATABASE_URL"], app.instance_path)
    db.initialize(database)
    app.extensions["database"] = database


def connect():
    """before_request: a connection for the request (static files need none)."""
    if request.endpoint != "static":
        db.connect(reuse_if_open=True)


def close(exc):
    """teardown_appcontext: hand the connection back to the pool."""
    if not db.is_closed():
        db.close()
