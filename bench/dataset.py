"""The benchmark database: a million requests with their histories, built once.

The app creates the schema and its seed data (so the tables are exactly the
product's), staff accounts and kiosks are made through the product's own code,
and then the bulk rows go in through plain sqlite3: secondary indexes dropped,
journal and fsync off, one transaction, indexes rebuilt, ANALYZE. The result is
cached under bench/data/, keyed by row count and a fingerprint of the schema and
of this generator, so a changed model or generator builds afresh.
"""

import datetime as dt
import hashlib
import json
import os
import random
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from bench import synth

# Part of the cache key with the schema and synth.py's code: bump it when a change
# here changes what gets stored.
VERSION = 2
BATCH = 20_000
STAFF_PASSWORD = "bench-password-2026"  # a throwaway database, never deployed
ADMIN = "bench-admin"
CLERKS = ("petugas1", "petugas2", "petugas3", "petugas4")
KIOSK_TOKENS = ("bench-kiosk-lobby-0001", "bench-kiosk-lobby-0002")
BENCH_DIR = Path(__file__).resolve().parent


@dataclass
class Dataset:
    path: Path
    meta: dict


def _make_app(path, instance):
    """The product's app on `path`: creates the tables and seeds the defaults."""
    os.environ["KIOSK_INSTANCE_PATH"] = str(instance)
    instance.mkdir(parents=True, exist_ok=True)
    from kiosk import create_app

    return create_app({"DATABASE_URL": f"sqlite:///{path}", "SECRET_KEY": "bench"})


def _close(app):
    database = app.extensions["database"]
    if hasattr(database, "close_all"):
        database.close_all()


def _fingerprint(path):
    """Hash of the product's schema and seed, of VERSION and of synth.py's code."""
    digest = hashlib.sha256(f"v{VERSION}".encode())
    conn = sqlite3.connect(path)
    try:
        for query in (
            "SELECT type, name, sql FROM sqlite_master ORDER BY type, name",
            "SELECT code, service_days FROM document_type ORDER BY id",
        ):
            for row in conn.execute(query):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    digest.update((BENCH_DIR / "synth.py").read_bytes())
    return digest.hexdigest()[:12]


def _remove(path):
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def ensure(rows, data_dir, log=print):
    """The cached database for `rows` requests, building it when missing."""
    data_dir.mkdir(parents=True, exist_ok=True)
    building = data_dir / f"building-{os.getpid()}.db"
    _remove(building)
    # One app per process: it makes the schema that is both fingerprinted and,
    # on a cache miss, filled.
    app = _make_app(building, data_dir / "instance")
    key = _fingerprint(building)
    path = data_dir / f"kiosk-{rows}-{key}.db"
    meta_path = path.with_suffix(".json")
    if path.exists() and meta_path.exists():
        _close(app)
        _remove(building)
        meta = json.loads(meta_path.read_text())
        _trim(path, meta)
        log(f"dataset: cached {path.name} ({meta['submissions']:,} requests)")
        return Dataset(path, meta | {"cached": True})
    for old in data_dir.glob(f"kiosk-{rows}-*"):  # a stale schema or generator
        old.unlink()
    log(f"dataset: building {rows:,} requests into {path.name} ...")
    started = time.perf_counter()
    accounts = _accounts(app)
    _close(app)
    meta = _build(building, rows, *accounts)
    _checked_by_the_app(app)
    _close(app)
    meta |= {"fingerprint": key, "build_seconds": time.perf_counter() - started}
    building.rename(path)
    _remove(building)
    meta_path.write_text(json.dumps(meta, indent=2))
    log(f"dataset: built in {meta['build_seconds']:.0f} s")
    return Dataset(path, meta | {"cached": False})


def _accounts(app):
    """Staff and kiosks through the product's own code; returns their ids."""
    from kiosk.data.db import db
    from kiosk.data.models import DocumentType, KioskDevice
    from kiosk.services.accounts import create_staff

    with app.app_context(), db.connection_context():
        admin = create_staff(ADMIN, STAFF_PASSWORD, role="admin")
        clerks = [create_staff(name, STAFF_PASSWORD).id for name in CLERKS]
        kiosks = [
            KioskDevice.create(name=f"Lobi {i + 1}", token=token).id
            for i, token in enumerate(KIOSK_TOKENS)
        ]
        types = {t.code: (t.id, t.service_days) for t in DocumentType.select()}
    return admin.id, clerks, kiosks, types


def _checked_by_the_app(app):
    """What an upgraded app server does once: check that every request has its
    name words (here they all do) and its row in the trigram index of names,
    keeping a mark of how far each got, and count
    the statistics' daily tallies from the history (the bulk rows went in past
    the app), so that the benchmark's server starts as an office's would."""
    from kiosk.data import migrations, name_index, tallies
    from kiosk.data.db import db

    with app.app_context(), db.connection_context():
        migrations.fill_name_words()
        name_index.fill()
        name_index.refresh_statistics()  # (ANALYZE above saw it empty)
        with db.atomic():
            tallies.rebuild()


def _build(path, rows, admin_id, clerk_ids, kiosk_ids, types):
    conn = sqlite3.connect(path, isolation_level=None)
    # Safe only because a half-built file is thrown away, never used.
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-400000",
                   "temp_store=MEMORY", "locking_mode=EXCLUSIVE"):  # fmt: skip
        conn.execute(f"PRAGMA {pragma}")
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        " AND tbl_name IN ('submission', 'status_event', 'name_word')"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    # The triggers that keep the trigram index of names would rebuild a
    # request's row for each of its words; the app fills it once afterwards
    # (_checked_by_the_app), in batches, as on an upgraded database.
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger'"
        " AND tbl_name = 'name_word'"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    submissions_sql = _insert_sql("submission", synth.SUBMISSION_COLUMNS)
    events_sql = _insert_sql("status_event", synth.EVENT_COLUMNS)
    words_sql = _insert_sql("name_word", synth.NAME_WORD_COLUMNS)
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    conn.execute("BEGIN")
    batch, events, words, total_events = [], [], [], 0
    for submission, history, name_words in synth.generate(
        rows, now=now, types=types, staff_ids=clerk_ids, kiosk_ids=kiosk_ids
    ):
        batch.append(submission)
        events.extend(history)
        words.extend(name_words)
        if len(batch) >= BATCH:
            conn.executemany(submissions_sql, batch)
            conn.executemany(events_sql, events)
            conn.executemany(words_sql, words)
            total_events += len(events)
            batch, events, words = [], [], []
    conn.executemany(submissions_sql, batch)
    conn.executemany(events_sql, events)
    conn.executemany(words_sql, words)
    total_events += len(events)
    conn.execute("COMMIT")
    for _, sql in indexes + triggers:
        conn.execute(sql)
    conn.execute("ANALYZE")
    max_event = conn.execute("SELECT max(id) FROM status_event").fetchone()[0]
    conn.execute("PRAGMA locking_mode=NORMAL")
    conn.execute("PRAGMA journal_mode=WAL")  # what the app uses
    conn.close()
    return {
        "submissions": rows,
        "events": total_events,
        "max_submission_id": rows,
        "max_event_id": max_event,
        "built_at": now.isoformat(timespec="seconds") + "Z",
        "admin": ADMIN,
        "admin_id": admin_id,
        "password": STAFF_PASSWORD,
        "kiosk_token": KIOSK_TOKENS[0],
    }


def _insert_sql(table, columns):
    names = ", ".join(f'"{c}"' for c in columns)
    marks = ", ".join("?" for _ in columns)
    return f'INSERT INTO "{table}" ({names}) VALUES ({marks})'


def _trim(path, meta):
    """Drop the requests an earlier run added, so every run starts the same.
    (The statistics' tallies keep counting them: a few thousand requests
    "received" on the days of earlier runs, which changes no timing.)"""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "DELETE FROM status_event WHERE id > ? OR submission_id > ?",
            (meta["max_event_id"], meta["max_submission_id"]),
        )
        # (Foreign keys are off here: nothing cascades.) Every table that
        # points at a request: the answers, names and messages of a dropped
        # one would otherwise meet the next run's request of the same id
        # (SQLite gives a new row the highest id plus one) and fail it.
        for table in _tables_of_requests(conn):
            conn.execute(
                f'DELETE FROM "{table}" WHERE submission_id > ?',
                (meta["max_submission_id"],),
            )
        conn.execute(
            "DELETE FROM submission WHERE id > ?", (meta["max_submission_id"],)
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()


def _tables_of_requests(conn):
    """Every table (but status_event) with a submission_id column."""
    query = "SELECT name FROM sqlite_master WHERE type = 'table'"
    found = []
    for (name,) in conn.execute(query).fetchall():
        columns = {row[1] for row in conn.execute(f'PRAGMA table_info("{name}")')}
        if "submission_id" in columns and name != "status_event":
            found.append(name)
    return found


def sample_rows(path, count, seed=7):
    """Random existing (number, nik, version) rows, spread over the whole table."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        top = conn.execute("SELECT max(id) FROM submission").fetchone()[0]
        ids = random.Random(seed).sample(range(1, top + 1), min(count, top))
        found = []
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            found += conn.execute(
                f"SELECT number, nik, version FROM submission WHERE id IN ({marks})",
                chunk,
            ).fetchall()
        return found
    finally:
        conn.close()


def keyset_boundary(path, offset, page_size):
    """(created_at, id) of the row `offset` places from the newest: the cursor
    that opens the page after it. A small table gives its last full page."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        (count,) = conn.execute("SELECT count(*) FROM submission").fetchone()
        offset = max(0, min(offset, count - page_size - 1))
        created_at, row_id = conn.execute(
            "SELECT created_at, id FROM submission ORDER BY created_at DESC, id DESC"
            " LIMIT 1 OFFSET ?",
            (offset,),
        ).fetchone()
        return dt.datetime.fromisoformat(created_at), row_id, offset // page_size + 2
    finally:
        conn.close()
