"""Which of a request's requirements the office has received: the clerk's
ticks (RequirementMark rows, append-only) read against the document type's
list as it is now (domain/checklist.py)."""

from dataclasses import dataclass, field
from types import SimpleNamespace

import peewee as pw

from kiosk.data.compiled import Statement, python_values
from kiosk.data.db import db
from kiosk.data.models import (
    DocumentType,
    RequirementMark,
    StaffMember,
    Submission,
    utcnow,
)
from kiosk.data.public_record import note_change
from kiosk.domain import checklist


def marks_of(submission):
    """The request's ticks and unticks, oldest first, with who made each."""
    return list(
        RequirementMark.select(RequirementMark, StaffMember)
        .join(StaffMember, pw.JOIN.LEFT_OUTER)
        .where(RequirementMark.submission == submission.id)
        .order_by(RequirementMark.id)
    )


def of_request(submission, marks=None):
    """The request's checklist (checklist.Item), for staff."""
    kind = submission.document_type
    if marks is None:
        marks = marks_of(submission)
    return checklist.items(kind.requirements_id, kind.requirements_en, marks)


# The public checklist's statement, built once per SQL dialect
# (data/compiled.py): building it would cost the tracking page ten times
# what running it does (about 225 µs a lookup against 30-40).
_PUBLIC_COLUMNS = (
    DocumentType.requirements_id,
    DocumentType.requirements_en,
    RequirementMark.position,
    RequirementMark.text_id,
    RequirementMark.text_en,
    RequirementMark.received,
)
_PLACEHOLDER = "number-placeholder"


def _build_public_query():
    return (
        Submission.select(*_PUBLIC_COLUMNS)
        .join(DocumentType)
        .switch(Submission)
        .join(RequirementMark, pw.JOIN.LEFT_OUTER)
        .where(Submission.number == _PLACEHOLDER)
        .order_by(RequirementMark.id)
    )


_PUBLIC = Statement(_build_public_query, _PLACEHOLDER)


def public_checklist(number):
    """The checklist of the request with this canonical number, read in one
    statement; the marks carry no staff (the public never sees who)."""
    rows = _PUBLIC.rows(number)
    if not rows:
        return []
    marks = []
    for row in rows:
        values = python_values(_PUBLIC_COLUMNS, row)
        if values[3] is not None:
            marks.append(
                SimpleNamespace(
                    position=values[2],
                    text_id=values[3],
                    text_en=values[4],
                    received=values[5],
                )
            )
    return checklist.items(rows[0][0], rows[0][1], marks)


@dataclass
class Recorded:
    """What a save of the checklist did."""

    changed: list = field(default_factory=list)  # the new RequirementMark rows
    # Lines the page showed that are not on the list any more (the admin
    # edited it meanwhile), so their box was not saved.
    gone: int = 0


def record(submission, wanted, *, staff, at=None):
    """Tick (True) or untick (False) the requirements named by key in
    `wanted` ({checklist.key: bool}), noting who and when for each one that
    changes; one already as wanted is left alone, so that two clerks ticking
    the same paper record it once (on PostgreSQL, if both save at the same
    instant, the history may show it twice: the state is the same)."""
    at = at or utcnow()
    result = Recorded()
    with db.atomic():
        current = {item.key: item for item in of_request(submission)}
        for item_key, received in wanted.items():
            item = current.get(item_key)
            if item is None:
                result.gone += 1
                continue
            if item.received == received:
                continue
            result.changed.append(
                RequirementMark.create(
                    submission=submission.id,
                    position=item.position,
                    text_id=item.text_id,
                    text_en=item.text_en,
                    received=received,
                    staff=staff,
                    created_at=at,
                )
            )
        if result.changed:
            note_change(submission.id, at)
    return result


def history(events, marks):
    """Status events and checklist marks in one list, oldest first (the
    staff page's history)."""
    both = [(e.created_at, 0, e.id, e) for e in events]
    both += [(m.created_at, 1, m.id, m) for m in marks]
    return [entry for *_, entry in sorted(both, key=lambda row: row[:3])]
