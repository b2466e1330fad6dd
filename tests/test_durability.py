"""Crash safety: every receipt a resident was shown survives a crash of the server."""

import time

import peewee as pw
import pytest

from kiosk.data.db import db
from kiosk.data.models import StatusEvent, Submission
from tests.support.factories import make_submission
from tests.support.http import SiteClient, Submitters

only_sqlite = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


@only_sqlite
def test_sqlite_is_durable_and_waits_for_locks(app):
    with app.app_context():
        db.connect(reuse_if_open=True)
        pragma = {
            name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout", "foreign_keys")
        }
    # synchronous=2 is FULL: a commit is on disk before the receipt is shown.
    assert pragma == {
        "journal_mode": "wal",
        "synchronous": 2,
        "busy_timeout": 10_000,
        "foreign_keys": 1,
    }


@only_sqlite
def test_sqlite_write_transactions_take_the_lock_up_front(app):
    statements = []
    with app.app_context():
        db.connect(reuse_if_open=True)
        db.connection().set_trace_callback(statements.append)
        try:
            make_submission()
        finally:
            db.connection().set_trace_callback(None)
    # A deferred BEGIN that reads and then writes can fail with "database is
    # locked" under concurrency; BEGIN IMMEDIATE waits for the lock instead.
    begins = [s for s in statements if s.upper().startswith("BEGIN")]
    assert begins and all(s.upper() == "BEGIN IMMEDIATE" for s in begins)


def _wait_for(condition, seconds):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not reached within {seconds} s")
        time.sleep(0.02)


@pytest.mark.slow
def test_every_receipt_survives_a_sigkill_mid_run(live_server, database_url, make_app):
    server = live_server(
        database_url=database_url,
        config_overrides={"RATELIMIT_ENABLED": False},
        threads=16,
    )
    submitters = Submitters([server.url], total=100_000, clients=16).start()
    try:
        _wait_for(lambda: len(submitters.numbers) >= 300, seconds=60)
    finally:
        # A crash, with requests in flight: nothing gets to flush or clean up.
        server.kill()
        submitters.stop()
    submitters.join(timeout=60)
    receipts = set(submitters.numbers)
    assert len(receipts) == len(submitters.numbers) >= 300

    server.restart()
    make_app()  # binds the models to the database the server used
    stored = {
        s.number: s
        for s in Submission.select(Submission.id, Submission.number, Submission.status)
    }
    missing = receipts - stored.keys()
    assert not missing, f"{len(missing)} receipts shown but not stored"

    first_events = {
        e.submission_id: e.to_status
        for e in StatusEvent.select().where(StatusEvent.from_status.is_null())
    }
    without_event = [n for n, s in stored.items() if s.id not in first_events]
    assert without_event == [], "submissions stored without their first status event"
    assert set(first_events.values()) == {"submitted"}

    # The restarted server answers for them and takes new requests.
    with SiteClient(server.url) as client:
        for number in sorted(receipts)[:20]:
            assert client.get(f"/t/{number}").status == 200
        assert client.submit() not in receipts


def test_a_submission_never_exists_without_its_first_event(app, monkeypatch):
    """The request and its first event commit together or not at all."""

    def failing_create(*args, **kwargs):
        raise pw.OperationalError("disk full")

    with app.app_context():
        before = Submission.select().count()
        from kiosk.services import audit

        # The status event's insert (services/audit.py) fails.
        monkeypatch.setattr(audit._INSERT_STATUS_EVENT, "create", failing_create)
        with pytest.raises(pw.OperationalError):
            make_submission()
        monkeypatch.undo()
        assert Submission.select().count() == before
