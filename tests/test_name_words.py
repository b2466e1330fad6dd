"""The words of applicants' names kept for staff search (the name_word table):
stored with each request, and filled on start for requests stored before the
table existed (an upgraded database, or a server of the previous version)."""

import datetime as dt
import sqlite3
import threading

import pytest

from kiosk.data import migrations
from kiosk.data.models import MigrationMark, NameWord, Submission, utcnow
from kiosk.domain.search import name_words, search_words
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

NAMES = (
    "Siti Aminah",
    "Ma'ruf Amin",
    "Andi Saputra",
    "Siti-Rahma Koto",
    "Zulkarnaen Wiryaatmadja",
)


def _words_of_each():
    """{request id: sorted words} as stored."""
    stored = {}
    for row in NameWord.select():
        stored.setdefault(row.submission_id, []).append(row.word)
    return {key: sorted(words) for key, words in stored.items()}


def _expected():
    return {
        s.id: sorted(name_words(s.applicant_name))
        for s in Submission.select()
        if s.applicant_name
    }


def _as_before_the_table(app):
    """Make the app's database look as the version before name_word left it:
    no name_word or migration_mark table, and the old name_key index."""
    from kiosk.data.db import db

    with app.app_context(), db.connection_context():
        db.drop_tables([NameWord, MigrationMark])
        db.execute_sql(
            'CREATE INDEX "submission_name_key_id" ON "submission" ("name_key", "id")'
        )


def _indexes():
    from kiosk.data.db import db

    return {index.name for index in db.get_indexes("submission")}


# -- words stored with each request -----------------------------------------


def test_name_words_split_fold_and_join():
    assert name_words("Siti Aminah") == ["siti", "aminah"]
    assert name_words("Ma'ruf  Amin") == ["ma", "ruf", "maruf", "amin"]
    assert name_words("Muh. A. Siti-Aminah SITI") == [
        "muh",
        "a",
        "siti",
        "aminah",
        "sitiaminah",
    ]
    assert name_words("İlham José") == ["ilham", "jose"]
    assert name_words("") == []
    assert all(len(w) <= 100 for w in name_words("A" * 100 + "-" + "B" * 100))
    assert search_words("aminah, siti si") == ("aminah", "siti")
    assert search_words("'-'") == ()


def test_each_request_is_stored_with_the_words_of_its_name(app):
    with app.app_context():
        for name in NAMES:
            make_submission(applicant_name=name)
        assert _words_of_each() == _expected()


# -- filled on start ----------------------------------------------------------


def test_an_older_database_gets_its_name_words_when_the_app_starts(
    make_app, monkeypatch
):
    old_app = make_app()
    with old_app.app_context():
        for name in NAMES:
            make_submission(applicant_name=name)
        # Made before the table, purged since: it has no name and needs none.
        purged = make_submission(applicant_name="Rosmaini Kaharuddin")
        Submission.update(applicant_name="", name_key="", nik="").where(
            Submission.id == purged.id
        ).execute()
    _as_before_the_table(old_app)
    monkeypatch.setattr(migrations, "NAME_WORDS_BATCH", 2)  # batches, as at scale

    app = make_app()  # the new version starts
    with app.app_context():
        assert _words_of_each() == _expected()
        assert len(_expected()) == len(NAMES)
        assert "submission_name_key_id" not in _indexes()
        clerk = staff_client(app)
        page = clerk.get("/staff?q=aminah").get_data(as_text=True)
        amin = Submission.get(Submission.applicant_name == "Siti Aminah")
        assert amin.display_number in page
        assert "Ma&#39;ruf Amin" not in page and "Ma'ruf Amin" not in page
        assert "Ma&#39;ruf Amin" in clerk.get("/staff?q=maruf").get_data(as_text=True)
        before = _words_of_each()
    # Starting again changes nothing.
    again = make_app()
    with again.app_context():
        assert _words_of_each() == before
        assert migrations.fill_name_words() == 0


def test_a_request_stored_by_an_older_server_during_an_upgrade_gets_its_words(
    make_app,
):
    app = make_app()
    with app.app_context():
        make_submission(applicant_name="Siti Aminah")
        # Another server, still of the previous version, stores two requests
        # without words: one just now, one (its clock or commit late) long
        # after the mark was set.
        older = Submission.get()
        for name, created in (
            ("Rina Wati", utcnow()),
            ("Budi Santoso", utcnow() - dt.timedelta(days=3)),
        ):
            Submission.insert(
                {
                    **{
                        f.name: getattr(older, f.name)
                        for f in Submission._meta.sorted_fields
                        if f.name not in ("id", "number", "form_token")
                    },
                    "number": name[:4].upper() + "12345",
                    "applicant_name": name,
                    "created_at": created,
                }
            ).execute()
        assert len(_words_of_each()) == 1
    restarted = make_app()
    with restarted.app_context():
        assert _words_of_each() == _expected()
        assert len(_expected()) == 3


def test_the_mark_stays_before_recent_requests(app):
    with app.app_context():
        first = make_submission(applicant_name="Siti Aminah")
        Submission.update(created_at=utcnow() - dt.timedelta(days=2)).where(
            Submission.id == first.id
        ).execute()
        recent = make_submission(applicant_name="Rina Wati")
        assert migrations.fill_name_words() == 0
        mark = MigrationMark.get(MigrationMark.name == migrations.NAME_WORDS_MARK)
        assert first.id <= mark.value < recent.id


def test_servers_starting_together_fill_the_words_once(make_app, monkeypatch):
    old_app = make_app()
    with old_app.app_context():
        for index in range(24):
            make_submission(applicant_name=f"{NAMES[index % 5]} {'Ab' * (index + 1)}")
    _as_before_the_table(old_app)
    monkeypatch.setattr(migrations, "NAME_WORDS_BATCH", 3)
    app = make_app()  # (its own start fills them; empty the table again)
    with app.app_context():
        NameWord.delete().execute()
        MigrationMark.delete().execute()
    errors = []

    def start():
        try:
            with app.app_context():
                migrations.migrate()
        except Exception as error:  # reported below, with the test's failure
            errors.append(error)

    servers = [threading.Thread(target=start) for _ in range(3)]
    for server in servers:
        server.start()
    for server in servers:
        server.join(60)
    assert errors == []
    with app.app_context():
        assert _words_of_each() == _expected()
        assert len(_expected()) == 24


only_sqlite = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)


@only_sqlite
def test_a_backup_made_before_the_table_is_restored_and_refilled(make_app, tmp_path):
    app = make_app()
    with app.app_context():
        wanted = make_submission(applicant_name="Siti Aminah").display_number
    backup = tmp_path / "before-upgrade.db"
    assert app.test_cli_runner().invoke(args=["backup", str(backup)]).exit_code == 0
    with sqlite3.connect(backup) as conn:  # as the previous version made it
        conn.execute("DROP TABLE name_word")
        conn.execute("DROP TABLE migration_mark")
    result = app.test_cli_runner().invoke(args=["restore", str(backup), "--yes"])
    assert result.exit_code == 0, result.output
    restarted = make_app()
    with restarted.app_context():
        assert _words_of_each() == _expected()
        clerk = staff_client(restarted)
        assert wanted in clerk.get("/staff?q=aminah").get_data(as_text=True)
