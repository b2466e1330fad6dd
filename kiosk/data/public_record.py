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

from kiosk.data.compiled import Statement, python_values
from kiosk.data.models import (
    DocumentType,
    PublicChange,
    StatusEvent,
    Submission,
    utcnow,
)
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


def _build_record_query():
    return (
        Submission.select(*_RECORD_COLUMNS, *_EVENT_COLUMNS)
        .join(DocumentType)
        .switch(Submission)
        .join(StatusEvent, pw.JOIN.LEFT_OUTER)
        .where(Submission.number == _PLACEHOLDER)
        .order_by(StatusEvent.created_at, StatusEvent.id)
    )


_RECORD = Statement(_build_record_query, _PLACEHOLDER)


def find(number):
    """The public record of a canonical number, or None when there is none."""
    rows = _RECORD.rows(number)
    if not rows:
        return None
    split = len(_RECORD_COLUMNS)
    events = []
    for row in rows:
        status, note, at = python_values(_EVENT_COLUMNS, row[split:])
        if status is not None:
            events.append(PublicEvent(status, note or "", at))
    return PublicRecord(
        number, *python_values(_RECORD_COLUMNS, rows[0]), events=tuple(events)
    )


@dataclass(frozen=True, slots=True)
class PublicVersion:
    """What tells whether a copy of a request's public pages is still right:
    its status version, its due date and its count of other public changes
    (models.PublicChange), with when each last moved."""

    version: int
    due_date: object
    updated_at: object  # naive UTC datetime of the last status change
    changes: int
    changed_at: object  # naive UTC datetime, or None: no other change yet

    @property
    def last_modified(self):
        if self.changed_at is None:
            return self.updated_at
        return max(self.updated_at, self.changed_at)


_VERSION_COLUMNS = (
    Submission.version,
    Submission.due_date,
    Submission.updated_at,
    PublicChange.changes,
    PublicChange.changed_at,
)


def _build_version_query():
    return (
        Submission.select(*_VERSION_COLUMNS)
        .join(PublicChange, pw.JOIN.LEFT_OUTER)
        .where(Submission.number == _PLACEHOLDER)
    )


_VERSION = Statement(_build_version_query, _PLACEHOLDER)


def version_of(number):
    """The PublicVersion of a canonical number, or None when there is none."""
    rows = _VERSION.rows(number)
    if not rows:
        return None
    version, due_date, updated_at, changes, changed_at = python_values(
        _VERSION_COLUMNS, rows[0]
    )
    return PublicVersion(version, due_date, updated_at, changes or 0, changed_at)


def note_change(submission_id, at=None):
    """Count a change to what the public sees of a request besides its
    status and due date; called in the transaction that makes the change."""
    note_changes([submission_id], at)


def note_changes(submission_ids, at=None):
    """note_change for several requests at once (the purge)."""
    at = at or utcnow()
    rows = [{"submission": i, "changes": 1, "changed_at": at} for i in submission_ids]
    if not rows:
        return
    PublicChange.insert_many(rows).on_conflict(
        conflict_target=[PublicChange.submission],
        update={
            PublicChange.changes: PublicChange.changes + 1,
            PublicChange.changed_at: at,
        },
    ).execute()
