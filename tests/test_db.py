"""The data layer: connection settings, seeding, transactions, number clashes."""

import datetime as dt
import threading

import peewee as pw
import pytest

from kiosk import config
from kiosk.data.db import db, open_database
from kiosk.data.models import DocumentType, OfficeSettings, StatusEvent, Submission
from kiosk.data.seed import KECAMATAN_SIJUNJUNG
from kiosk.domain import tracking, working_days
from tests.support.factories import APPLICANT, make_submission


def test_document_types_are_seeded_in_both_languages(app):
    with app.app_context():
        types = {t.code: t for t in DocumentType.listed()}
    assert list(types) == ["KK", "KTP", "KIA", "AKL", "AKM", "PINDAH"]
    for t in types.values():
        assert t.name_id and t.name_en and t.name_id != "" and t.service_days > 0
        assert len(t.requirements("id")) >= 3
        assert len(t.requirements("en")) == len(t.requirements("id"))


def test_office_settings_hold_the_eight_kecamatan(app):
    with app.app_context():
        settings = OfficeSettings.saved()
    assert settings.area_list() == list(KECAMATAN_SIJUNJUNG)
    assert settings.timezone == "Asia/Jakarta"


def test_starting_twice_does_not_seed_twice(make_app):
    make_app()
    app = make_app()
    with app.app_context():
        assert DocumentType.select().count() == 6
        assert OfficeSettings.select().count() == 1


def test_default_database_is_sqlite_with_wal_foreign_keys_and_full_sync(
    tmp_path, monkeypatch
):
    from kiosk import create_app

    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({"TESTING": True, "SECRET_KEY": "test"})
    database = app.extensions["database"]
    try:
        assert database.database == str(tmp_path / "instance" / "kiosk.db")
        with database.connection_context():

            def pragma(name):
                return database.execute_sql(f"PRAGMA {name}").fetchone()[0]

            assert pragma("journal_mode") == "wal"
            assert pragma("foreign_keys") == 1
            assert pragma("synchronous") == 2  # FULL
            assert pragma("busy_timeout") >= 5000
        assert database._lock_type == "IMMEDIATE"
    finally:
        database.close_all()


def test_secret_key_is_generated_once_and_private(tmp_path, monkeypatch):
    from kiosk import create_app

    monkeypatch.delenv("KIOSK_SECRET_KEY", raising=False)
    monkeypatch.delenv("KIOSK_DATABASE_URL", raising=False)
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(tmp_path / "instance"))
    url = f"sqlite:///{tmp_path}/k.db"
    first = create_app({"DATABASE_URL": url})
    second = create_app({"DATABASE_URL": url})
    key_file = tmp_path / "instance" / "secret_key"
    assert (key_file.stat().st_mode & 0o777) == 0o600
    database_file = tmp_path / "instance" / "kiosk.db"
    first_default = create_app({})
    assert (database_file.stat().st_mode & 0o777) == 0o600
    first_default.extensions["database"].close_all()
    assert first.secret_key == second.secret_key == key_file.read_text().strip()
    assert len(first.secret_key) >= 32
    # The folder also holds config.py, which may hold passwords.
    assert ((tmp_path / "instance").stat().st_mode & 0o777) == 0o700
    # A database named by URL is private too (SQLite would use the umask).
    assert ((tmp_path / "k.db").stat().st_mode & 0o777) == 0o600
    for app in (first, second):
        app.extensions["database"].close_all()


def test_servers_starting_together_all_read_one_whole_secret_key(tmp_path):
    folder = tmp_path / "instance"
    keys, start = [], threading.Barrier(8)

    def start_server():
        start.wait()
        keys.append(config._stored_secret_key(folder))

    threads = [threading.Thread(target=start_server) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 8 and len(set(keys)) == 1 and len(keys[0]) == 64
    assert sorted(p.name for p in folder.iterdir()) == ["secret_key"]


def test_an_empty_secret_key_file_stops_the_start_with_a_reason(tmp_path):
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "secret_key").write_text("")
    with pytest.raises(RuntimeError, match="secret_key is empty"):
        config._stored_secret_key(folder)


def test_a_postgres_password_is_read_percent_decoded():
    database = open_database("postgresql://dukcapil:s3cr%2Ft%23pw@db-host/dk", None)
    assert database.connect_params["password"] == "s3cr/t#pw"
    assert database.connect_params["user"] == "dukcapil"


def test_settings_in_instance_config_are_read_like_the_environment(
    tmp_path, monkeypatch
):
    from kiosk import create_app

    for name in (
        "KIOSK_SECRET_KEY",
        "KIOSK_DATABASE_URL",
        "KIOSK_TRUSTED_HOSTS",
        "KIOSK_HTTPS",
    ):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "instance"
    folder.mkdir()
    (folder / "config.py").write_text(
        'TRUSTED_HOSTS = "dukcapil.example.go.id, localhost"\nHTTPS = "0"\n'
        'TRUSTED_PROXIES = "1"\n'
    )
    monkeypatch.setenv("KIOSK_INSTANCE_PATH", str(folder))
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path}/k.db"})
    try:
        assert app.config["TRUSTED_HOSTS"] == ["dukcapil.example.go.id", "localhost"]
        assert app.config["HTTPS"] is False
        assert app.config["TRUSTED_PROXIES"] == 1
    finally:
        app.extensions["database"].close_all()


def test_database_url_selects_the_backend(app, db_backend):
    database = app.extensions["database"]
    expected = pw.SqliteDatabase if db_backend == "sqlite" else pw.PostgresqlDatabase
    assert isinstance(database, expected)


def test_submission_and_first_event_are_written_together(app, monkeypatch):
    with app.app_context(), db.connection_context():

        def failing_create(*args, **kwargs):
            raise RuntimeError("disk full")

        from kiosk.services import audit

        # The first status event's insert (services/audit.py) fails.
        monkeypatch.setattr(audit._INSERT_STATUS_EVENT, "create", failing_create)
        with pytest.raises(RuntimeError):
            make_submission()
        assert Submission.select().count() == 0


def test_number_clash_is_retried_with_a_new_number(app, monkeypatch):
    with app.app_context(), db.connection_context():
        first = make_submission()
        fresh = tracking.generate()
        queue = [first.number, first.number, fresh]
        monkeypatch.setattr(tracking, "generate", lambda: queue.pop(0))
        second = make_submission()
    assert second.number == fresh
    assert queue == []


def test_concurrent_submissions_never_collide_or_lock(app):
    errors, created = [], []

    def submit(worker):
        try:
            with app.app_context(), db.connection_context():
                for _ in range(15):
                    created.append(make_submission(nagari=f"Nagari {worker}").number)
        except Exception as error:  # any error at all fails the test below
            errors.append(repr(error))

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(created) == len(set(created)) == 120
    with app.app_context(), db.connection_context():
        assert Submission.select().count() == 120
        assert StatusEvent.select().count() == 120


def test_due_date_counts_working_days():
    friday = dt.date(2026, 11, 27)
    assert working_days.due_date(friday, 1) == dt.date(2026, 11, 30)  # Monday
    assert working_days.due_date(friday, 3) == dt.date(2026, 12, 2)
    assert working_days.due_date(friday, 0) == friday


def test_personal_fields_are_stored_as_given(app):
    with app.app_context(), db.connection_context():
        stored = Submission.get_by_id(make_submission().id)
    assert stored.applicant_name == APPLICANT["applicant_name"]
    assert stored.name_key == APPLICANT["applicant_name"].lower()
