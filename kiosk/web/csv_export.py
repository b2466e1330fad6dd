"""The queue as CSV, safe to open in a spreadsheet program."""

import csv
import datetime as dt
import io

from flask_babel import gettext

from kiosk.web.dates import office_zone
from kiosk.web.i18n import CHANNEL_LABELS, STATUS_LABELS, current_locale

BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it
# A cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The value as text, neutralised with an apostrophe if it could be a formula."""
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_STARTS):
        return "'" + text
    return text


def as_text(digits):
    """A long number kept as text: spreadsheet programs read a bare 16-digit NIK
    as a number, show it as 1.30301E+15 and lose its last digit (they keep 15).
    The apostrophe is the same mark that neutralises formulas."""
    return "'" + digits if digits else ""


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
        gettext("Recorded by"),
    ]


def _row(submission, zone, locale):
    received = submission.created_at.replace(tzinfo=dt.UTC).astimezone(zone)
    recorder = submission.recorded_by.username if submission.recorded_by_id else ""
    return [
        submission.display_number,
        received.strftime("%Y-%m-%d %H:%M"),  # ISO: every spreadsheet reads it
        submission.document_type.name(locale),
        submission.applicant_name,
        as_text(submission.nik),
        submission.phone or "",
        submission.kecamatan,
        submission.nagari,
        str(CHANNEL_LABELS.get(submission.channel, submission.channel)),
        str(STATUS_LABELS.get(submission.status, submission.status)),
        submission.due_date.isoformat(),
        recorder,
    ]


def lines(submissions):
    """Yield the CSV text piece by piece: BOM and header, then one line per request."""
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
    for count, submission in enumerate(submissions, start=1):
        writer.writerow([safe_cell(cell) for cell in _row(submission, zone, locale)])
        if count % 200 == 0:
            yield flush()
    yield flush()
