"""Data factories: real rows through the same domain functions the app uses."""

import datetime as dt

from kiosk.data.models import DocumentType
from kiosk.services import submissions

# Distinctive values, so a test can prove they never appear on public pages.
APPLICANT = {
    "applicant_name": "Zulkarnaen Wiryaatmadja",
    "nik": "1303051203850417",
    "phone": "+6281298765432",
    "kecamatan": "Kupitan",
    "nagari": "Padang Sibusuk",
    "note": "Catatan pribadi warga 4711",
    "language": "id",
}

FORM = {
    "document_type": "KK",
    "applicant_name": "Siti Rahma",
    "nik": "1303054507900001",
    "phone": "0812 3456 7890",
    "kecamatan": "Kupitan",
    "nagari": "Padang Laweh",
    "note": "",
    "language": "id",
    "consent": "y",
}


def make_submission(code="KK", channel="web", today=None, **fields):
    """Create a request (and its first status event) inside an app context."""
    values = dict(APPLICANT, **fields)
    values["document_type"] = DocumentType.get(DocumentType.code == code)
    return submissions.create(
        values,
        channel=channel,
        today=today or dt.date.today(),
        staff=fields.get("staff"),
        kiosk=fields.get("kiosk"),
    )
