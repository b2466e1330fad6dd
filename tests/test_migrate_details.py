"""A database of the version before documents asked their own questions (no
request_answer or request_person table, requests already stored) upgrades in
place when the app starts, and its requests keep working."""

import datetime as dt
import sqlite3
from contextlib import closing

import pytest

from kiosk.data import schema_check
from kiosk.data.models import RequestAnswer, RequestPerson, Submission
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

NEW_TABLES = {"request_answer", "request_person"}


def _as_the_previous_version_left_it(app):
    """Drop the tables this version added, with their index."""
    from kiosk.data.db import db

    with app.app_context(), db.connection_context():
        db.drop_tables([RequestAnswer, RequestPerson])
        assert not NEW_TABLES & set(db.get_tables())


def test_an_older_database_upgrades_in_place_and_says_not_asked(
    make_app, db_backend, database_url
):
    old = make_app()
    with old.app_context():
        numbers = {
            code: make_submission(code, nik=f"130305010190{i:04d}").number
            for i, code in enumerate(("AKL", "AKM", "PINDAH", "KK"), start=1)
        }
    _as_the_previous_version_left_it(old)

    app = make_app()  # the start completes the schema
    from kiosk.data.db import db

    with app.app_context():
        with db.connection_context():
            assert NEW_TABLES <= set(db.get_tables())
            indexes = {index.name for index in db.get_indexes("request_person")}
            assert "request_person_nik" in indexes
        assert Submission.select().count() == 4
        clerk = staff_client(app)
        for code, number in numbers.items():
            page = clerk.get(f"/staff/s/{number}")
            assert page.status_code == 200, code
            assert "Not asked" in page.text, code
        # The old requests are still found; new ones store their answers.
        found = clerk.get("/staff?q=1303050101900002").text
        assert numbers["AKM"] in found
        death = make_submission(
            "AKM",
            details={
                "deceased_name": "Syamsul Bahri",
                "deceased_nik": "1303051507450003",
                "death_date": dt.date(2026, 11, 2),
                "death_place": "RSUD Sijunjung",
                "reporter_relation": "child",
            },
        )
        assert death.number in clerk.get("/staff?q=1303051507450003").text
        assert "Syamsul Bahri" in clerk.get(f"/staff/s/{death.number}").text
    # Starting again changes nothing.
    again = make_app()
    with again.app_context():
        assert RequestPerson.select().count() == 1
    if db_backend == "sqlite":
        path = database_url[len("sqlite:///") :]
        with closing(sqlite3.connect(path)) as conn:
            assert schema_check.differences(conn) == []
