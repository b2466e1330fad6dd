"""Operator commands: online backup and restore, and the personal-data purge."""

import datetime as dt
import errno
import sqlite3
import stat
import time

import pytest

from kiosk.data import backup
from kiosk.data.models import (
    NameWord,
    OfficeSettings,
    StatusEvent,
    Submission,
    utcnow,
)
from kiosk.services import retention, submissions
from tests.support.factories import make_submission
from tests.support.http import SiteClient, Submitters
from tests.support.staff import staff_client

only_sqlite = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)
only_postgres = pytest.mark.parametrize("db_backend", ["postgres"], indirect=True)


def _numbers_in(path):
    with sqlite3.connect(path) as conn:
        rows = conn.execute(
            "SELECT s.number FROM submission s JOIN status_event e"
            " ON e.submission_id = s.id AND e.from_status IS NULL"
        ).fetchall()
    return {number for (number,) in rows}


def _wait_until(condition, seconds=60):
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the site stopped taking requests"
        time.sleep(0.02)


def _live_file(database_url):
    return database_url[len("sqlite:///") :]


# -- backup and restore -----------------------------------------------------


@only_sqlite
@pytest.mark.slow
def test_backup_while_the_site_takes_writes_then_restore(
    live_server, database_url, make_app, tmp_path
):
    server = live_server(
        database_url=database_url, config_overrides={"RATELIMIT_ENABLED": False}
    )
    app = make_app()
    runner = app.test_cli_runner()
    writers = Submitters([server.url], total=100_000, clients=8).start()
    try:
        _wait_until(lambda: len(writers.numbers) >= 100)
        committed_before = set(writers.numbers)  # receipts shown: committed
        backup = tmp_path / "backups" / "kiosk-backup.db"
        result = runner.invoke(args=["backup", str(backup)])
        after_backup = len(writers.numbers)
        # The site went on taking requests, with no error, around the backup.
        _wait_until(lambda: len(writers.numbers) >= after_backup + 50)
    finally:
        writers.stop()
        writers.join()
    assert writers.errors == []
    assert result.exit_code == 0, result.output

    in_backup = _numbers_in(backup)
    assert committed_before <= in_backup
    assert f"({len(in_backup)} requests)" in result.output
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data
    assert not backup.with_name(backup.name + "-wal").exists()
    with sqlite3.connect(backup) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"

    server.stop()
    later = set(writers.numbers) - in_backup
    assert later, "some requests were made after the backup"
    result = runner.invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    assert f"Restored {len(in_backup)} requests" in result.output

    # The restored database opens, holds exactly the backup, and serves pages.
    restored = make_app()
    assert {s.number for s in Submission.select()} == in_backup
    with restored.test_client() as client:
        number = sorted(committed_before)[0]
        assert client.get(f"/t/{number}").status_code == 200
    server.restart()
    with SiteClient(server.url) as client:
        assert client.get(f"/t/{sorted(later)[0]}").status == 404
        client.submit()
    # What was replaced is kept beside the live file, in case of a mistake.
    saved = list((tmp_path).glob("kiosk.db.before-restore-*"))
    assert len(saved) == 1 and later <= _numbers_in(saved[0])


@only_sqlite
def test_backup_never_overwrites_a_file(runner, tmp_path):
    target = tmp_path / "existing.db"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert target.read_text() == "keep me"


@only_sqlite
def test_a_copy_that_fails_its_check_never_gets_the_backups_name(
    runner, tmp_path, monkeypatch
):
    def refuse(path):
        raise backup.BackupRefused(f"{path} is damaged.")

    monkeypatch.setattr(backup, "check_backup", refuse)
    folder = tmp_path / "backups"
    result = runner.invoke(args=["backup", str(folder / "backup.db")])
    assert result.exit_code == 1
    assert "is damaged" in result.output
    assert list(folder.iterdir()) == []  # neither the name nor the partial copy


@only_sqlite
def test_backup_to_a_disk_without_hard_links(app, runner, tmp_path, monkeypatch):
    """A FAT USB disk or a network share refuses os.link: the checked copy is
    then written under its name exclusively."""
    with app.app_context():
        number = make_submission().number

    def no_hard_links(source, target):
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(backup.os, "link", no_hard_links)
    target = tmp_path / "usb" / "backup.db"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert number in _numbers_in(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["backup.db"]
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code == 1 and "exists already" in again.output


def _damaged_copy(app_runner, tmp_path):
    good = tmp_path / "good.db"
    assert app_runner.invoke(args=["backup", str(good)]).exit_code == 0
    data = bytearray(good.read_bytes())
    for offset in range(4096, len(data), 4096):  # wreck every page after the first
        data[offset : offset + 16] = b"\xff" * 16  # the b-tree page header
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(bytes(data))
    return damaged


def _other_application(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE submission (id INTEGER PRIMARY KEY)")
    return path


def _older_version(app_runner, tmp_path):
    path = tmp_path / "older.db"
    assert app_runner.invoke(args=["backup", str(path)]).exit_code == 0
    with sqlite3.connect(path) as conn:
        conn.execute("ALTER TABLE submission DROP COLUMN purged_at")
    return path


@only_sqlite
@pytest.mark.parametrize(
    "make_bad, message",
    [
        (lambda runner, tmp: tmp / "missing.db", "does not exist"),
        (lambda runner, tmp: _text_file(tmp), "is not a database backup"),
        (_damaged_copy, "damaged"),
        (lambda runner, tmp: _other_application(tmp), "missing table document_type"),
        (_older_version, "missing submission.purged_at"),
    ],
    ids=["missing", "not-a-database", "damaged", "other-application", "old-schema"],
)
def test_restore_refuses_a_bad_file_and_changes_nothing(
    app, runner, tmp_path, make_bad, message
):
    with app.app_context():
        kept = make_submission().number
    bad = make_bad(runner, tmp_path)
    result = runner.invoke(args=["restore", str(bad), "--yes"])
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert Submission.get(Submission.number == kept)


def _text_file(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("this is not a database\n" * 200)
    return path


@only_sqlite
def test_restore_asks_before_replacing(app, runner, tmp_path):
    backup = tmp_path / "empty-backup.db"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    with app.app_context():
        kept = make_submission().number
    result = runner.invoke(args=["restore", str(backup)], input="n\n")
    assert result.exit_code == 1
    assert "(0 requests)? Stop the app servers first." in result.output
    assert Submission.get(Submission.number == kept)


@only_postgres
@pytest.mark.parametrize("command", ["backup", "restore"])
def test_postgres_points_to_pg_dump(runner, tmp_path, command):
    result = runner.invoke(args=[command, str(tmp_path / "x.db")])
    assert result.exit_code == 1
    assert "use pg_dump and pg_restore" in result.output


# -- purge ------------------------------------------------------------------


def _finish(submission, final, days_ago):
    """Walk a request to `final`, then date its events `days_ago` days back.

    The clerk's notes name the resident, as notes often do."""
    name, nik = submission.applicant_name.split()[0], submission.nik
    path = {
        "completed": ["verifying", "processing", "ready", "completed"],
        "rejected": ["rejected"],
        "processing": ["verifying", "processing"],
    }[final]
    for target in path:
        note = {
            "rejected": "Berkas tidak lengkap",
            "verifying": f"Bu {name}, NIK {nik}: berkas diperiksa",
        }.get(target, "")
        submission = submissions.move(
            submission, target, version=submission.version, staff=None,
            public_note=note, internal_note=f"Sudah ditelepon: {submission.applicant_name}",
        )  # fmt: skip
    when = utcnow() - dt.timedelta(days=days_ago)
    StatusEvent.update(created_at=when).where(
        StatusEvent.submission == submission
    ).execute()
    Submission.update(created_at=when, updated_at=when).where(
        Submission.id == submission.id
    ).execute()
    return submission.number


# The applicant whose data the purge must erase. Not make_submission's default
# (APPLICANT): that stays, in the requests the purge keeps.
PERSONAL = {
    "applicant_name": "Rosmaini Kaharuddin",
    "nik": "1303056612880042",
    "phone": "+6281377712345",
    "note": "Alamat rumah: Jorong Koto Tuo no. 7",
}


@pytest.fixture
def requests_by_age(app):
    """Requests in different states, finished at different times."""
    with app.app_context():
        return {
            "old_completed": _finish(make_submission(**PERSONAL), "completed", 120),
            "old_rejected": _finish(make_submission(), "rejected", 91),
            "recent_completed": _finish(make_submission(), "completed", 30),
            "old_but_open": _finish(make_submission(), "processing", 400),
            "new": make_submission().number,
        }


def _get(number):
    return Submission.get(Submission.number == number)


def test_purge_erases_personal_data_of_requests_finished_long_ago(
    runner, requests_by_age
):
    events_before = {
        name: [
            (e.to_status, e.public_note, e.internal_note) for e in _get(n).timeline()
        ]
        for name, n in requests_by_age.items()
    }
    # As a form sent from the site leaves it: a digest of its token and answers.
    Submission.update(form_token="digest-of-the-answers").where(
        Submission.number == requests_by_age["old_completed"]
    ).execute()
    result = runner.invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "Personal data removed from 2 requests finished over 90 days ago." in (
        result.output
    )
    for name in ("old_completed", "old_rejected"):
        purged = _get(requests_by_age[name])
        assert (purged.applicant_name, purged.name_key, purged.nik) == ("", "", "")
        # The words of the name kept for staff search go with it.
        assert not NameWord.select().where(NameWord.submission == purged.id).exists()
        assert purged.phone is None and purged.note == ""
        assert purged.form_token is None
        assert purged.purged_at is not None
        # The anonymous history stays, for statistics and the resident's page.
        assert purged.kecamatan and purged.document_type.code
    for name in ("recent_completed", "old_but_open", "new"):
        kept = _get(requests_by_age[name])
        assert kept.applicant_name and kept.nik and kept.purged_at is None
        assert NameWord.select().where(NameWord.submission == kept.id).exists()
    events_after = {
        name: [
            (e.to_status, e.public_note, e.internal_note) for e in _get(n).timeline()
        ]
        for name, n in requests_by_age.items()
    }
    # The history stays; what a clerk wrote in it loses what identifies the
    # resident: internal notes go, public notes keep their sense.
    for name in ("old_completed", "old_rejected"):
        statuses = [status for status, _, _ in events_before[name]]
        assert [status for status, _, _ in events_after[name]] == statuses
        assert {internal for _, _, internal in events_before[name]} > {""}
        assert {internal for _, _, internal in events_after[name]} == {""}
    assert events_before["old_completed"][1][1].startswith("Bu Rosmaini, NIK 1303")
    assert events_after["old_completed"][1][1] == "Bu […], NIK […]: berkas diperiksa"
    assert events_after["old_rejected"][1][1] == "Berkas tidak lengkap"
    for name in ("recent_completed", "old_but_open", "new"):
        assert events_after[name] == events_before[name]


def test_a_purged_request_still_has_its_public_pages(client, runner, requests_by_age):
    assert runner.invoke(args=["purge"]).exit_code == 0
    number = requests_by_age["old_rejected"]
    page = client.get(f"/t/{number}?lang=en")
    assert page.status_code == 200
    assert "Rejected" in page.text and "Berkas tidak lengkap" in page.text
    assert client.get(f"/t/{number}/receipt").status_code == 200
    assert client.get(f"/t/{number}/qr.svg").status_code == 200
    api = client.get(f"/api/v1/track/{number}").get_json()
    assert api["status"]["code"] == "rejected"
    assert [e["status"] for e in api["timeline"]] == ["submitted", "rejected"]


def test_purge_follows_the_office_retention_setting(app, runner, requests_by_age):
    with app.app_context():
        settings = OfficeSettings.saved()
        settings.retention_days = 14
        settings.save()
    result = runner.invoke(args=["purge"])
    assert "from 3 requests finished over 14 days ago" in result.output
    assert _get(requests_by_age["recent_completed"]).nik == ""
    assert _get(requests_by_age["old_but_open"]).nik != ""


def test_purge_twice_changes_nothing_more(runner, requests_by_age):
    runner.invoke(args=["purge"])
    first = _get(requests_by_age["old_completed"]).purged_at
    result = runner.invoke(args=["purge"])
    assert "from 0 requests" in result.output
    assert _get(requests_by_age["old_completed"]).purged_at == first


def test_purge_works_through_many_requests_in_batches(app, monkeypatch):
    monkeypatch.setattr(retention, "PURGE_BATCH", 3)
    with app.app_context():
        numbers = [_finish(make_submission(), "rejected", 100) for _ in range(8)]
        assert retention.purge_personal_data() == 8
    assert all(_get(n).purged_at for n in numbers)


@only_sqlite
def test_purged_values_are_gone_from_the_database_files(
    app, runner, requests_by_age, database_url
):
    live = _live_file(database_url)
    secret = PERSONAL["nik"].encode()
    # The name is kept whole, lower-cased, and word by word for staff search.
    name = PERSONAL["applicant_name"]
    traces = [name, name.lower(), *name.lower().split()]
    # ... and in what the clerks wrote in the request's history.
    traces.append(f"Sudah ditelepon: {name}")
    assert all(trace.encode() in _files(live) for trace in traces)
    assert runner.invoke(args=["purge"]).exit_code == 0
    for suffix in ("", "-wal"):
        data = _files(live, (suffix,))
        assert secret not in data, f"NIK still readable in {live + suffix}"
        for trace in traces:
            assert trace.encode() not in data, f"{trace} readable in {live + suffix}"


def _files(live, suffixes=("", "-wal")):
    """The bytes of the database file and its write-ahead log, as they are."""
    data = b""
    for suffix in suffixes:
        try:
            with open(live + suffix, "rb") as handle:
                data += handle.read()
        except FileNotFoundError:
            continue
    return data


def test_staff_pages_cope_with_purged_requests(app, runner, requests_by_age):
    assert runner.invoke(args=["purge"]).exit_code == 0
    with app.app_context():
        clerk = staff_client(app, "archivist", role="admin")
    number = requests_by_age["old_completed"]
    detail = clerk.get(f"/staff/s/{number}")
    assert detail.status_code == 200
    assert "erased after the retention period" in detail.text
    assert PERSONAL["applicant_name"] not in detail.text
    for url in (
        f"/staff?q={number}",
        "/staff?status=completed",
        "/staff/admin/export.csv",
    ):
        response = clerk.get(url)
        assert response.status_code == 200, url
        assert PERSONAL["nik"] not in response.get_data(as_text=True), url
