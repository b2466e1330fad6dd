"""Online backup and restore of the SQLite database, each copy checked."""

import datetime as dt
import errno
import itertools
import os
import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

import peewee as pw

from kiosk.data import schema_check

# At most this many of a file's differences are named in a refusal.
DIFFERENCES_SHOWN = 5


class BackupRefused(Exception):
    """A backup or restore refused, with the reason for the operator."""


class _NameTaken(BackupRefused):
    """The name a copy was to get is taken already."""


def sqlite_path(database):
    """The file of a SQLite database; PostgreSQL has tools of its own."""
    if not isinstance(database, pw.SqliteDatabase):
        raise BackupRefused(
            "The database is PostgreSQL: use pg_dump and pg_restore (see the README)."
        )
    return Path(database.database).resolve()


def _read_only(path):
    """A read-only connection (never creates a missing file).

    Of what the file's schema names (in a CHECK constraint or an index
    expression, which the integrity check evaluates), only SQLite's harmless
    built-in functions may run.
    """
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("PRAGMA trusted_schema = OFF")
    return conn


def _copy(source, target, checked):
    """Copy database `source` into a new owner-only file `target`, atomically.

    The copy is written beside the target and linked into place only when
    complete and synced, so a crash never leaves a half-written file under the
    final name. With `checked`, a copy that fails check_backup never gets the
    name, and the number of requests it holds is returned (else the target).
    """
    target = Path(target)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    # Backups hold residents' personal data: readable by the owner only.
    os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    try:
        with (
            closing(_read_only(source)) as live,
            closing(sqlite3.connect(partial)) as copy,
        ):
            live.execute("PRAGMA busy_timeout = 30000")
            # One step reads a single snapshot; in WAL mode writers carry on
            # meanwhile (copying in small steps would restart whenever the site
            # writes, and might never finish on a busy day).
            live.backup(copy)
            # A self-contained file: no -wal or -shm companion to forget.
            copy.execute("PRAGMA journal_mode = DELETE")
        _fsync(partial)
        count = check_backup(partial) if checked else None
        _name_without_replacing(partial, target)
        _fsync(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return count if checked else target


def _name_without_replacing(partial, target):
    """Give the finished copy its name; never replace a file of that name."""
    try:
        os.link(partial, target)  # unlike rename, refuses to replace a file
        return
    except FileExistsError:
        raise _NameTaken(f"{target} exists already; choose a new file name.") from None
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
    # No hard links here (a FAT USB disk, many network shares): create the name
    # exclusively and copy the checked file into it.
    try:
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _NameTaken(f"{target} exists already; choose a new file name.") from None
    with os.fdopen(descriptor, "wb") as out, open(partial, "rb") as copy:
        shutil.copyfileobj(copy, out)
        out.flush()
        os.fsync(out.fileno())


def _fsync(path):
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def backup_sqlite(source, target):
    """Copy a live SQLite database with the backup API (consistent, online)."""
    target = Path(target)
    if target.exists():
        raise BackupRefused(f"{target} exists already; choose a new file name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    return _copy(source, target, checked=True)


def check_backup(path):
    """Refuse a file that is not an intact database of this application.

    Returns how many requests it holds.
    """
    path = Path(path)
    if not path.is_file():
        raise BackupRefused(f"{path} does not exist.")
    with _reading(path), closing(_read_only(path)) as conn:
        # The schema first: nothing else in the file is read until it is known.
        _refuse_another_schema(conn, path)
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupRefused(f"{path} is damaged (integrity check failed).")
        return conn.execute("SELECT COUNT(*) FROM submission").fetchone()[0]


@contextmanager
def _reading(path):
    """Report SQLite's errors while reading `path` as a refusal."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_CORRUPT":
            raise BackupRefused(f"{path} is damaged ({error}).") from None
        raise BackupRefused(f"{path} is not a database backup: {error}") from None


def _refuse_another_schema(conn, path):
    """Refuse a file whose tables, indexes, triggers or views are not the ones
    this version creates (see schema_check)."""
    found = schema_check.differences(conn)
    if found:
        if len(found) > DIFFERENCES_SHOWN:
            more = len(found) - DIFFERENCES_SHOWN
            found = [*found[:DIFFERENCES_SHOWN], f"and {more} more differences"]
        raise BackupRefused(
            f"{path} is not a backup of this version of the application "
            f"({'; '.join(found)})."
        )


def restore_sqlite(source, target, count=None):
    """Replace the live database's content with a checked backup.

    `count` is what check_backup said of `source`, if the caller has checked it
    already. The current content is first saved beside the live file (as it is,
    damaged or not), so a restore of the wrong backup can itself be undone.
    Returns (requests restored, that saved copy or None).
    """
    source, target = Path(source).resolve(), Path(target).resolve()
    if source == target:
        raise BackupRefused("That is the live database itself; choose a backup.")
    if count is None:
        count = check_backup(source)
    with closing(_open_checked(source)) as backup:
        saved = _save_before_restore(target)
        with closing(sqlite3.connect(target, timeout=30)) as live:
            # The backup API writes through the live file's own journal and
            # locks, so even a server that was not stopped sees all or none of it.
            backup.backup(live)
    return count, saved


def _open_checked(source):
    """A read-only connection to `source`, its schema checked once more.

    The backup API copies what this connection reads, so what is restored is
    what was checked, even if another file has taken the name since.
    """
    with _reading(source):
        conn = _read_only(source)
        try:
            _refuse_another_schema(conn, source)
        except Exception:
            conn.close()
            raise
    return conn


def _save_before_restore(target):
    """Copy the live content beside it, under a new name that sorts by time;
    None if there is no content."""
    if not (target.exists() and target.stat().st_size > 0):
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    for attempt in itertools.count():
        suffix = f"-{attempt}" if attempt else ""
        before = target.with_name(f"{target.name}.before-restore-{stamp}{suffix}")
        if before.exists():
            continue
        try:
            return _copy(target, before, checked=False)
        except _NameTaken:  # another restore took the name meanwhile
            continue
