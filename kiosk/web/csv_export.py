"""The queue as CSV, safe to open in a spreadsheet program.

Each request's dates: received, expected, ready, collected (handed over at
the counter, from its collection booking), completed and rejected, so that
documents issued per month can be worked out. The NIK and phone number are
left out unless the admin asks for them (`personal`), which the export's
audit entry records. The last column names whom a birth or death
certificate or a child's card is for (the child, the deceased): kept last, so
that spreadsheets built on the columns before it still read them.

Numbers stay readable without marks: a spreadsheet reads 16 bare digits as a
number and drops the last one, so the NIK is written in groups of four, as the
console shows it (the staff search takes it that way too); a phone number as
residents write it (0812-3456-7890), which no spreadsheet reads as a number or
a formula. Only free text that starts like a formula gets an apostrophe.
"""

import csv
import datetime as dt
import io
from itertools import islice

from flask_babel import gettext

from kiosk.data.models import CollectionBooking
from kiosk.domain import validation, workflow
from kiosk.services import audit, request_details
from kiosk.web.dates import office_zone
from kiosk.web.i18n import CHANNEL_LABELS, STATUS_LABELS, current_locale

BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# The dates of the steps after "received", one column each.
STEPS = (workflow.READY, workflow.COMPLETED, workflow.REJECTED)
BATCH = 200


def safe_cell(value):
    """The value as text, neutralised with an apostrophe if it could be a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def _header(personal):
    return [
        gettext("Tracking number"),
        gettext("Received"),
        gettext("Document"),
        gettext("Applicant"),
        *((gettext("NIK"), gettext("Phone")) if personal else ()),
        gettext("District (kecamatan)"),
        gettext("Village (nagari)"),
        gettext("Channel"),
        gettext("Status"),
        gettext("Expected ready by"),
        gettext("Ready on"),
        gettext("Collected on"),
        gettext("Completed on"),
        gettext("Rejected on"),
        gettext("Recorded by"),
        gettext("Child or deceased"),
    ]


def _local(moment, zone, fmt):
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime(fmt)


def _row(submission, reached, collected, subjects, zone, locale, personal):
    recorder = submission.recorded_by.username if submission.recorded_by_id else ""
    steps = reached.get(submission.id, {})
    identity = (
        (
            validation.nik_display(submission.nik),
            validation.phone_display(submission.phone or ""),
        )
        if personal
        else ()
    )
    ready, completed, rejected = (steps.get(status) for status in STEPS)
    return [
        submission.display_number,
        # ISO: every spreadsheet reads it, in every locale.
        _local(submission.created_at, zone, "%Y-%m-%d %H:%M"),
        submission.document_type.name(locale),
        submission.applicant_name,
        *identity,
        submission.kecamatan,
        submission.nagari,
        str(CHANNEL_LABELS.get(submission.channel, submission.channel)),
        str(STATUS_LABELS.get(submission.status, submission.status)),
        submission.due_date.isoformat(),
        _local(ready, zone, "%Y-%m-%d"),
        _local(collected.get(submission.id), zone, "%Y-%m-%d"),
        _local(completed, zone, "%Y-%m-%d"),
        _local(rejected, zone, "%Y-%m-%d"),
        recorder,
        subjects.get(submission.id, ""),
    ]


def _handed_over(submission_ids):
    """{submission id: when its document was handed over at the counter}."""
    rows = (
        CollectionBooking.select(
            CollectionBooking.submission, CollectionBooking.handled_at
        )
        .where(
            CollectionBooking.submission.in_(list(submission_ids))
            & CollectionBooking.handled_at.is_null(False)
        )
        .tuples()
    )
    return dict(rows)


def lines(submissions, personal=False):
    """Yield the CSV text piece by piece: BOM and header, then the requests,
    BATCH at a time with the dates of their steps read for each batch
    (NIK and phone only when `personal`)."""
    zone = office_zone()
    locale = current_locale()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([safe_cell(cell) for cell in _header(personal)])
    yield BOM + flush()
    rows = iter(submissions)
    while batch := list(islice(rows, BATCH)):
        ids = [s.id for s in batch]
        reached = audit.first_reached(ids, STEPS)
        collected = _handed_over(ids)
        subjects = request_details.subject_names(ids)
        for submission in batch:
            cells = _row(
                submission, reached, collected, subjects, zone, locale, personal
            )
            writer.writerow([safe_cell(cell) for cell in cells])
        yield flush()
