"""The queue as CSV, safe to open in a spreadsheet program.

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

from kiosk.domain import validation, workflow
from kiosk.services import audit
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


def _header():
    return [
        gettext("Tracking number"),
        gettext("Received"),
        gettext("Document"),
        gettext("Applicant"),
        gettext("NIK"),
        gettext("Phone"),
        gettext("District (kecamatan)"),
        gettext("Village (nagari)"),
        gettext("Channel"),
        gettext("Status"),
        gettext("Expected ready by"),
        gettext("Ready on"),
        gettext("Completed on"),
        gettext("Rejected on"),
        gettext("Recorded by"),
    ]


def _local(moment, zone, fmt):
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.UTC).astimezone(zone).strftime(fmt)


def _row(submission, reached, zone, locale):
    recorder = submission.recorded_by.username if submission.recorded_by_id else ""
    steps = reached.get(submission.id, {})
    return [
        submission.display_number,
        # ISO: every spreadsheet reads it, in every locale.
        _local(submission.created_at, zone, "%Y-%m-%d %H:%M"),
        submission.document_type.name(locale),
        submission.applicant_name,
        validation.nik_display(submission.nik),
        validation.phone_display(submission.phone or ""),
        submission.kecamatan,
        submission.nagari,
        str(CHANNEL_LABELS.get(submission.channel, submission.channel)),
        str(STATUS_LABELS.get(submission.status, submission.status)),
        submission.due_date.isoformat(),
        *(_local(steps.get(status), zone, "%Y-%m-%d") for status in STEPS),
        recorder,
    ]


def lines(submissions):
    """Yield the CSV text piece by piece: BOM and header, then the requests,
    BATCH at a time with the dates of their steps read for each batch."""
    zone = office_zone()
    locale = current_locale()
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush():
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow([safe_cell(cell) for cell in _header()])
    yield BOM + flush()
    rows = iter(submissions)
    while batch := list(islice(rows, BATCH)):
        reached = audit.first_reached([s.id for s in batch], STEPS)
        for submission in batch:
            cells = _row(submission, reached, zone, locale)
            writer.writerow([safe_cell(cell) for cell in cells])
        yield flush()
