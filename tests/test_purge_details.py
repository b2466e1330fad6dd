"""The purge erases the people a request is about (the child, the deceased,
the family moving) with the applicant: names, NIKs, places and dates, from
the tables, from the staff search, from the clerk's notes and from the
database file itself."""

import datetime as dt
import sqlite3

import pytest

from kiosk.data.models import (
    NameWord,
    RequestAnswer,
    RequestPerson,
    StatusEvent,
    Submission,
    utcnow,
)
from kiosk.services import retention, submissions
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

only_sqlite = pytest.mark.parametrize("db_backend", ["sqlite"], indirect=True)

# Values found nowhere else in the database, so that a trace left is theirs.
BIRTH = {
    "child_name": "Kemalasari Indrawati",
    "child_sex": "female",
    "child_birth_date": dt.date(2019, 8, 23),
    "child_birth_place": "Nagari Silokek Durian Gadang",
    "birth_order": 3,
    "mother_name": "Fitriyanti Zulhendri",
    "father_name": "Rosmaidi Chaniago",
}
DEATH = {
    "deceased_name": "Sutan Marajo Basa",
    "deceased_nik": "1303052308410077",
    "death_date": dt.date(2024, 3, 17),
    "death_place": "Puskesmas Tanjung Ampalu",
    "reporter_relation": "spouse",
}
MOVE = {
    "destination_province": "Kepulauan Riau",
    "destination_regency": "Kota Tanjungpinang",
    "destination_district": "Bukit Bestari",
    "destination_address": "Perumahan Bintan Asri blok C7",
    "move_reason": "family",
    "members": [
        ("Hendrawarman Sikumbang", "1303051102790031"),
        ("Yulisnawati Tanjung", "1303055506820032"),
    ],
}
TRACES = [
    "Kemalasari Indrawati",
    "kemalasari",
    "indrawati",
    "Nagari Silokek Durian Gadang",
    "2019-08-23",
    "Fitriyanti Zulhendri",
    "zulhendri",
    "Rosmaidi Chaniago",
    "Sutan Marajo Basa",
    "marajo",
    "1303052308410077",
    "Puskesmas Tanjung Ampalu",
    "2024-03-17",
    "Perumahan Bintan Asri blok C7",
    "Hendrawarman Sikumbang",
    "hendrawarman",
    "1303051102790031",
    "1303055506820032",
]


def _finished_long_ago(code, details, note=""):
    """A request about someone, rejected 120 days ago with a note naming them."""
    submission = make_submission(code, details=details)
    submission = submissions.move(
        submission,
        "rejected",
        version=submission.version,
        staff=None,
        public_note=note or "Berkas tidak lengkap",
        internal_note=note,
    )
    when = utcnow() - dt.timedelta(days=120)
    StatusEvent.update(created_at=when).where(
        StatusEvent.submission == submission
    ).execute()
    return submission.id


@pytest.fixture
def about_people(app):
    with app.app_context():
        ids = [
            _finished_long_ago(
                "AKL", BIRTH, note="Akta Kemalasari Indrawati: surat bidan belum ada"
            ),
            _finished_long_ago("AKM", DEATH),
            _finished_long_ago("PINDAH", MOVE),
        ]
        kept = make_submission(
            "AKL",
            details={
                "child_name": "Rahmi Yulianti",
                "child_sex": "female",
                "child_birth_date": dt.date(2026, 1, 5),
                "child_birth_place": "Muaro Sijunjung",
                "birth_order": 1,
                "mother_name": "Desi Ratnasari",
            },
        ).id
    return ids, kept


def test_purge_erases_the_people_and_answers_and_redacts_the_note(
    app, runner, about_people
):
    ids, kept = about_people
    with app.app_context():
        assert (
            RequestPerson.select().where(RequestPerson.submission.in_(ids)).count() == 6
        )
    assert runner.invoke(args=["purge"]).exit_code == 0
    with app.app_context():
        for model in (RequestAnswer, RequestPerson, NameWord):
            assert not model.select().where(model.submission.in_(ids)).exists()
        # The request still open keeps its answers and stays searchable.
        assert RequestPerson.select().where(RequestPerson.submission == kept).exists()
        assert NameWord.select().where(NameWord.word == "yulianti").exists()
        birth = StatusEvent.get(
            (StatusEvent.submission == ids[0]) & (StatusEvent.to_status == "rejected")
        )
        assert birth.public_note == "Akta […] […]: surat bidan belum ada"
        assert birth.internal_note == ""
        clerk = staff_client(app)
        number = Submission.get_by_id(ids[0]).number
        page = clerk.get(f"/staff/s/{number}").text
        assert "These details were erased" in page
        assert "Kemalasari" not in page and "Not asked" not in page
        assert clerk.get("/staff?q=kemalasari").text.count('name="selected"') == 0


@only_sqlite
def test_purged_people_are_gone_from_the_database_file(app, about_people, database_url):
    path = database_url[len("sqlite:///") :]

    def file_bytes():
        data = b""
        for suffix in ("", "-wal"):
            try:
                with open(path + suffix, "rb") as handle:
                    data += handle.read()
            except FileNotFoundError:
                pass
        return data

    before = file_bytes()
    assert [t for t in TRACES if t.encode() not in before] == []
    with app.app_context():
        assert retention.purge_personal_data() == 3
    after = file_bytes()
    assert [t for t in TRACES if t.encode() in after] == []
    # Read through SQLite as well: no row anywhere holds them.
    with sqlite3.connect(path) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"
            )
        ]
        for table in tables:
            for row in conn.execute(f'SELECT * FROM "{table}"'):
                text = " ".join(str(value) for value in row)
                assert "Kemalasari" not in text and "1303052308410077" not in text
