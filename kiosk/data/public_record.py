"""What the public may see of one request, read in one statement.

The tracking page, the receipt, the JSON API and the kiosk all show the same
facts: status, document type, dates and the public timeline. They are read
with a single indexed statement (the request joined to its document type and
its status events), so a lookup costs one round-trip. The statement is built
with peewee once per SQL dialect and then only run with a new number: building
SQL is most of what a small query costs in Python. Measured
(bench/reimplementations.py, against running the peewee query each time, which
gives the same records: tests/test_reimplementations.py): 18 µs a lookup
instead of 303, 0.3-0.5 ms (17-19 %) of a tracking page.

A PublicRecord has no field for the applicant's name, NIK, phone or note, so
no public page can show them by mistake.
"""

from dataclasses import dataclass

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import DocumentType, StatusEvent, Submission
from kiosk.domain import tracking


@dataclass(frozen=True, slots=True)
class PublicEvent:
    status: str
    note: str
    at: object  # naive UTC datetime


@dataclass(frozen=True, slots=True)
class PublicRecord:
    number: str
    status: str
    version: int
    created_at: object  # naive UTC datetime
    due_date: object
    document_code: str
    document_name_id: str
    document_name_en: str
    events: tuple  # PublicEvent, oldest first

    @property
    def display_number(self):
        return tracking.display(self.number)

    def document_name(self, locale):
        return self.document_name_en if locale == "en" else self.document_name_id


# The columns read, in order: each row is the request's (the same on every row)
# followed by one event's (None when it has none). Each field also turns its
# raw value into Python.
_RECORD_COLUMNS = (
    Submission.status,
    Submission.version,
    Submission.created_at,
    Submission.due_date,
    DocumentType.code,
    DocumentType.name_id,
    DocumentType.name_en,
)
_EVENT_COLUMNS = (
    StatusEvent.to_status,
    StatusEvent.public_note,
    StatusEvent.created_at,
)
_PLACEHOLDER = "number-placeholder"
_compiled = {}  # database class (the SQL dialect) -> SQL text


def _sql():
    dialect = type(db.obj)
    sql = _compiled.get(dialect)
    if sql is None:
        query = (
            Submission.select(*_RECORD_COLUMNS, *_EVENT_COLUMNS)
            .join(DocumentType)
            .switch(Submission)
            .join(StatusEvent, pw.JOIN.LEFT_OUTER)
            .where(Submission.number == _PLACEHOLDER)
            .order_by(StatusEvent.created_at, StatusEvent.id)
        )
        sql, params = query.sql()
        # The number must be the statement's only value, or the SQL is not reusable.
        assert params == [_PLACEHOLDER], params
        _compiled[dialect] = sql  # two threads at once store the same text
    return sql


def _values(fields, raw_values):
    return [
        None if raw is None else field.python_value(raw)
        for field, raw in zip(fields, raw_values)
    ]


def find(number):
    """The public record of a canonical number, or None when there is none."""
    rows = db.execute_sql(_sql(), (number,)).fetchall()
    if not rows:
        return None
    split = len(_RECORD_COLUMNS)
    events = []
    for row in rows:
        status, note, at = _values(_EVENT_COLUMNS, row[split:])
        if status is not None:
            events.append(PublicEvent(status, note or "", at))
    return PublicRecord(
        number, *_values(_RECORD_COLUMNS, rows[0]), events=tuple(events)
    )
