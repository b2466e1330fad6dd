"""Test data: valid form answers, and real requests stored by the app's own code.

Kiosk modules are imported inside make_submission only, so that helpers which
just speak HTTP to a server in another process (tests/support/http.py) can use
form_data() without importing the app.
"""

import datetime as dt
import itertools

# Distinctive values, so a test can prove they never appear on public pages.
# They are what make_submission() stores unless a test says otherwise.
APPLICANT = {
    "applicant_name": "Zulkarnaen Wiryaatmadja",
    "nik": "1303051203850417",
    "phone": "+6281298765432",
    "kecamatan": "Kupitan",
    "nagari": "Padang Sibusuk",
    "note": "Catatan pribadi warga 4711",
    "language": "id",
}

# A `today` for make_submission whose expected dates have passed, whatever the
# document type: pages that list the request show its overdue marks too.
LONG_AGO = dt.date.today() - dt.timedelta(days=90)

# NIKs that pass validation: area 130301, birth date 01 01 90, then a serial.
NIK_PREFIX = "130301010190"
_serial = itertools.count(1)

# The shortest way through the workflow to each status.
_WAY_TO = {
    "submitted": (),
    "verifying": ("verifying",),
    "needs_info": ("verifying", "needs_info"),
    "processing": ("verifying", "processing"),
    "ready": ("verifying", "processing", "ready"),
    "completed": ("verifying", "processing", "ready", "completed"),
    "rejected": ("rejected",),
}


def nik(serial=None):
    """A valid NIK: serial `serial`, or a new one on every call."""
    return NIK_PREFIX + f"{(serial or next(_serial)) % 10000 or 1:04d}"


def form_data(**overrides):
    """Valid /apply and /staff/new fields, as a browser posts them."""
    return {
        "document_type": "KK",
        # The family card's own questions (domain/questions.py).
        "kk_reason": "change",
        "head_is_applicant": "yes",
        "applicant_name": "Siti Rahma",
        "nik": "1303054507900001",
        "phone": "0812 3456 7890",
        "kecamatan": "Kupitan",
        "nagari": "Padang Laweh",
        "note": "",
        "language": "id",
        "consent": "y",
        **overrides,
    }


def make_submission(
    code="KK",
    *,
    channel="web",
    status="submitted",
    staff=None,
    kiosk=None,
    today=None,
    **fields,
):
    """A request stored through submissions.create, inside an app context.

    The applicant's answers are APPLICANT's unless `fields` names them; any
    other field is a column set once the request is stored (created_at,
    due_date, ...). `status` is reached through the real workflow, moved by
    `staff`. Returns the request as read back from the database.
    """
    from kiosk.data.models import DocumentType, Submission
    from kiosk.services import submissions

    answers = {name: fields.pop(name, value) for name, value in APPLICANT.items()}
    # How the resident asked to be told ("whatsapp", "sms"; none by default).
    answers["notify"] = fields.pop("notify", "")
    answers["document_type"] = DocumentType.get(DocumentType.code == code)
    # The answers to the document's own questions, as questions.clean gives them.
    answers["details"] = fields.pop("details", None) or {}
    submission = submissions.create(
        answers,
        channel=channel,
        today=today or dt.date.today(),
        staff=staff,
        kiosk=kiosk,
    )
    if fields:
        Submission.update(**fields).where(Submission.id == submission.id).execute()
    for target in _WAY_TO[status or "submitted"]:
        current = Submission.get_by_id(submission.id)
        submissions.move(
            current, target, version=current.version, staff=staff, public_note="ok"
        )
    return Submission.by_number(submission.number)


def collection_booking(start=None, **fields):
    """A ready request with a collection time booked (inside an app context);
    `start` is office-local, by default a weekday morning years ahead."""
    from kiosk.data.models import CollectionBooking, CollectionSlot

    submission = make_submission(status="ready", **fields)
    slot = CollectionSlot.create(start=start or dt.datetime(2031, 6, 3, 8, 0), booked=1)
    return CollectionBooking.create(submission=submission.id, slot=slot)
