"""Erasing residents' personal data once the retention period is over."""

import datetime as dt

import peewee as pw

from kiosk.data import name_index, public_record
from kiosk.data.db import db
from kiosk.data.models import (
    CollectionBooking,
    MessageChoice,
    NameWord,
    OfficeSettings,
    OutboxMessage,
    RequestPerson,
    StatusEvent,
    Submission,
    utcnow,
)
from kiosk.domain import redaction, workflow
from kiosk.services import request_details, request_papers

# Requests purged per transaction: a short write lock each time, so the site
# keeps taking submissions while a large first purge runs.
PURGE_BATCH = 500


def retention_days():
    # Read afresh: the admin may have just changed it (current() may be cached).
    return OfficeSettings.saved().retention_days


def purge_personal_data(now=None):
    """Blank name, NIK, phone and note of requests finished before the retention period.

    The words of the name kept for staff search (NameWord, and with them
    the trigram index of names: data/name_index.py) go with the name,
    and so does the name of whoever collected the document (CollectionBooking),
    and the phone number and text of the messages sent (OutboxMessage).
    The status history stays, so statistics and the public tracking page keep
    working, but its notes lose what may identify the resident: internal notes
    go, public notes keep their sense without the name or any long number
    (redaction.redact). The files of their papers are deleted from the store.
    The requirements checklist's ticks stay like the status history: they
    hold the requirement's words, the clerk and the time, nothing of the
    resident. Returns how many requests were purged.
    """
    now = now or utcnow()
    days = retention_days()
    cutoff = now - dt.timedelta(days=days)
    finished_long_ago = StatusEvent.select().where(
        (StatusEvent.submission == Submission.id)
        & StatusEvent.to_status.in_(workflow.FINAL)
        & (StatusEvent.created_at < cutoff)
    )
    condition = (
        Submission.status.in_(workflow.FINAL)
        & Submission.purged_at.is_null()
        & pw.fn.EXISTS(finished_long_ago)
    )
    # Old values' bytes are zeroed, not left in free space: every connection
    # has secure_delete on (db.SQLITE_PRAGMAS).
    is_sqlite = isinstance(db.obj, pw.SqliteDatabase)
    purged = 0
    while True:
        with db.atomic():
            # A fresh query each round: peewee caches a query's results.
            names = dict(
                Submission.select(Submission.id, Submission.applicant_name)
                .where(condition)
                .order_by(Submission.id)
                .limit(PURGE_BATCH)
                .tuples()
            )
            if not names:
                break
            ids = list(names)
            _redact_notes(_with_people(names))
            purged += (
                Submission.update(
                    applicant_name="",
                    name_key="",
                    nik="",
                    phone=None,
                    note="",
                    # A digest of the answers (the NIK among them).
                    form_token=None,
                    purged_at=now,
                )
                .where(Submission.id.in_(ids))
                .execute()
            )
            NameWord.delete().where(NameWord.submission.in_(ids)).execute()
            # The child, the deceased, the family moving: who and when.
            request_details.erase(ids)
            # The photos and PDFs of their papers: the files are deleted.
            request_papers.erase(ids)
            # Names taken out of the notes the tracking page shows.
            public_record.note_changes(ids, now)
            # Who collected the document, named at the counter.
            CollectionBooking.update(
                collector_name="", collector_relation_other=""
            ).where(CollectionBooking.submission.in_(ids)).execute()
            # Messages: whom they went to and what they said (their states
            # stay, for the office's figures).
            MessageChoice.delete().where(MessageChoice.submission.in_(ids)).execute()
            OutboxMessage.update(recipient="", text="", params="[]").where(
                OutboxMessage.submission.in_(ids)
            ).execute()
    if purged:
        name_index.after_purge()  # the trigram index's copy of the words
    if is_sqlite:
        # The write-ahead log still holds the old pages until a checkpoint.
        db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return purged


def _with_people(names):
    """{id: the applicant's name and those of the people the request is about},
    to take out of the notes."""
    people = RequestPerson.select(RequestPerson.submission, RequestPerson.name).where(
        RequestPerson.submission.in_(list(names))
    )
    every = dict(names)
    for submission_id, name in people.tuples():
        every[submission_id] = f"{every[submission_id]} {name}"
    return every


def _redact_notes(names):
    """Clear the internal notes and redact the public notes of the status
    events of these requests ({id: applicant name})."""
    events = (
        StatusEvent.select(
            StatusEvent.id, StatusEvent.submission, StatusEvent.public_note
        )
        .where(
            StatusEvent.submission.in_(list(names))
            & ((StatusEvent.public_note != "") | (StatusEvent.internal_note != ""))
        )
        .tuples()
    )
    for event_id, submission_id, public_note in list(events):
        StatusEvent.update(
            public_note=redaction.redact(public_note, names[submission_id]),
            internal_note="",
        ).where(StatusEvent.id == event_id).execute()


def sweep_draft_papers(hours, now=None):
    """Delete files sent while applying for a request that was never sent,
    `hours` after they came. Returns how many."""
    return request_papers.sweep_drafts(now=now, hours=hours)
