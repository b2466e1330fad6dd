"""`flask restore` takes back only files with the schema this version creates,
and keeps every copy of what it replaced."""

import sqlite3
import time
from contextlib import closing

import pytest

from kiosk.data import backup, migrations, models, name_index, schema_check
from tests.support.factories import make_submission
from tests.support.staff import make_staff

pytestmark = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


def _live_file(database_url):
    return database_url[len("sqlite:///") :]


def _state(live):
    """What a refused restore must leave as it was."""
    with closing(sqlite3.connect(live)) as conn:
        return (
            conn.execute("SELECT COUNT(*) FROM submission").fetchone(),
            conn.execute("SELECT * FROM sqlite_master ORDER BY name").fetchall(),
            conn.execute("SELECT username, role FROM staff_member").fetchall(),
        )


@pytest.fixture
def backup_file(app, runner, tmp_path):
    """A real backup, of one clerk and two requests."""
    with app.app_context():
        make_staff("clerk")
        make_submission()
        make_submission(status="verifying")
    path = tmp_path / "backup.db"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    return path


def _edit(path, *statements):
    with closing(sqlite3.connect(path)) as conn, conn:
        for statement in statements:
            conn.execute(statement)


def test_a_backup_made_by_the_backup_command_restores(
    app, runner, backup_file, make_app
):
    with app.app_context():
        make_submission()
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    assert "Restored 2 requests" in result.output
    with make_app().app_context():
        assert models.Submission.select().count() == 2


CRAFTED = {
    "trigger-promotes-a-clerk": (
        [
            "CREATE TRIGGER promote AFTER UPDATE OF last_login_at ON staff_member"
            " BEGIN UPDATE staff_member SET role = 'admin' WHERE id = NEW.id; END"
        ],
        "has a trigger named promote on staff_member, "
        "which this application never creates",
    ),
    "trigger-publishes-personal-data": (
        [
            "CREATE TRIGGER publish AFTER INSERT ON status_event BEGIN"
            " UPDATE status_event SET public_note = (SELECT applicant_name"
            " || ' ' || nik || ' ' || phone FROM submission"
            " WHERE id = NEW.submission_id) WHERE id = NEW.id; END"
        ],
        "has a trigger named publish on status_event",
    ),
    "trigram-trigger-rewritten": (
        # A trigger of this version's name, doing more than its own.
        [
            "DROP TRIGGER name_trigram_insert",
            "CREATE TRIGGER name_trigram_insert AFTER INSERT ON name_word BEGIN"
            " UPDATE status_event SET public_note = NEW.word"
            " WHERE submission_id = NEW.submission_id; END",
        ],
        "has a trigger named name_trigram_insert on name_word",
    ),
    "trigram-table-tokenized-otherwise": (
        [
            "DROP TABLE name_trigram",
            "CREATE VIRTUAL TABLE name_trigram USING fts5(words)",
        ],
        "has table name_trigram defined differently",
    ),
    "extra-table": (
        ["CREATE TABLE stash (value TEXT)"],
        "has a table named stash, which this application never creates",
    ),
    "view-for-a-table": (
        [
            "CREATE TABLE submission_rows AS SELECT * FROM submission",
            "DROP TABLE submission",
            "CREATE VIEW submission AS SELECT * FROM submission_rows",
        ],
        "has a view named submission where this application has a table",
    ),
    "extra-column": (
        ["ALTER TABLE submission ADD COLUMN nik_copy TEXT"],
        "has a column submission.nik_copy, which this application never creates",
    ),
    "index-defined-differently": (
        [
            "DROP INDEX submission_nik",
            "CREATE INDEX submission_nik ON submission (phone)",
        ],
        "has an index named submission_nik that differs",
    ),
    "unique-index-missing": (
        # Rows that break it: the start could not create the index again.
        [
            "DROP INDEX staff_member_username",
            "INSERT INTO staff_member SELECT id + 100, username, display_name,"
            " password_hash, 'admin', active, failed_logins, locked_until,"
            " last_login_at, session_version, created_at FROM staff_member",
        ],
        "missing unique index staff_member_username",
    ),
    "column-declared-differently": (
        [
            "ALTER TABLE staff_member RENAME COLUMN role TO old_role",
            "ALTER TABLE staff_member ADD COLUMN role VARCHAR(16) DEFAULT 'admin'",
        ],
        "has a column staff_member.old_role",
    ),
}


@pytest.mark.parametrize("name", CRAFTED)
def test_restore_refuses_a_crafted_file_and_changes_nothing(
    name, runner, backup_file, database_url, make_app, tmp_path
):
    statements, message = CRAFTED[name]
    _edit(backup_file, *statements)
    live = _live_file(database_url)
    before = _state(live)
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 1, result.output
    assert "is not a backup of this version of the application" in result.output
    assert message in result.output
    assert "Traceback" not in result.output
    assert _state(live) == before
    assert list(tmp_path.glob("kiosk.db.before-restore-*")) == []
    # The site still starts, so another restore (or none) is still possible.
    restarted = make_app()
    assert restarted.test_client().get("/healthz").status_code == 200


def test_a_changed_column_is_named_with_both_declarations(backup_file):
    _edit(
        backup_file,
        "ALTER TABLE staff_member DROP COLUMN role",
        "ALTER TABLE staff_member ADD COLUMN role TEXT DEFAULT 'admin'",
    )
    with pytest.raises(backup.BackupRefused) as refused:
        backup.check_backup(backup_file)
    assert (
        "has staff_member.role declared as TEXT DEFAULT 'admin', where this "
        "application declares VARCHAR(16) NOT NULL"
    ) in str(refused.value)


def test_restore_checks_the_file_it_copies_even_when_told_its_count(
    backup_file, database_url
):
    """The count comes from an earlier check; the file may have changed since."""
    _edit(backup_file, "CREATE VIEW everyone AS SELECT nik FROM submission")
    live = _live_file(database_url)
    before = _state(live)
    with pytest.raises(backup.BackupRefused, match="has a view named everyone"):
        backup.restore_sqlite(backup_file, live, count=2)
    assert _state(live) == before


def test_a_backup_from_before_the_later_tables_and_indexes_restores(
    runner, backup_file, database_url, make_app
):
    later = models.REBUILT_MODELS + models.ADDED_MODELS
    _edit(
        backup_file,
        *(f"DROP TABLE {model._meta.table_name}" for model in later),
        f"DROP TABLE {name_index.TABLE}",  # (its triggers went with name_word)
        "DROP INDEX submission_status_updated_at",
        *(
            f"CREATE INDEX {name} ON submission (name_key, id)"
            for name in migrations.DROPPED_INDEXES
        ),
    )
    result = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert result.exit_code == 0, result.output
    make_app()  # the start completes the schema
    with closing(sqlite3.connect(_live_file(database_url))) as conn:
        names = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
        assert not schema_check.differences(conn)
    assert {model._meta.table_name for model in later} <= names
    assert {name_index.TABLE, *name_index.SQLITE_TRIGGERS} <= names
    assert "submission_status_updated_at" in names
    assert names.isdisjoint(migrations.DROPPED_INDEXES)


def test_two_restores_in_the_same_second_keep_two_saved_copies(
    runner, backup_file, tmp_path
):
    time.sleep(1 - time.time() % 1)  # both at the start of one second
    first = runner.invoke(args=["restore", str(backup_file), "--yes"])
    second = runner.invoke(args=["restore", str(backup_file), "--yes"])
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    saved = sorted(tmp_path.glob("kiosk.db.before-restore-*"))
    assert len(saved) == 2
    assert f"saved to {saved[0]}" in first.output
    assert f"saved to {saved[1]}" in second.output
