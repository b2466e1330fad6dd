"""Helpers for staff console tests: accounts, signing in, and requests to work on."""

import datetime as dt
import itertools
import re

import pytest

PASSWORD = "correct horse battery"
_serial = itertools.count(1)

# NIKs that pass validation: area 130301, birth date 01 01 90, a serial.
NIK_PREFIX = "1303010101 90".replace(" ", "")


def nik(n=None):
    return NIK_PREFIX + f"{(n or next(_serial)) % 10000 or 1:04d}"


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap scrypt settings for accounts made in a test: each sign-in otherwise
    costs ~0.15 s of CPU, which adds minutes to the suite. Still scrypt."""
    from kiosk.services import accounts

    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")


def english(client):
    """Make `client` ask for English pages (messages in tests are English)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def make_staff(username="clerk", role="staff", password=PASSWORD, display_name=None):
    """A staff account created through the real account code."""
    from kiosk.services import accounts

    return accounts.create_staff(
        username, password, role=role, display_name=display_name or username.title()
    )


def sign_in(client, username="clerk", password=PASSWORD):
    """Sign in through the login form; returns the response (303 on success)."""
    return client.post(
        "/staff/login", data={"username": username, "password": password}
    )


def staff_client(app, username="clerk", role="staff"):
    """A test client signed in as a new account with `role`."""
    make_staff(username, role=role)
    client = english(app.test_client())
    response = sign_in(client, username)
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return client


def application_fields(**overrides):
    """Valid /apply or /staff/new form fields."""
    fields = {
        "document_type": "KK",
        "applicant_name": "Siti Rahmawati",
        "nik": nik(),
        "phone": "0812 3456 7890",
        "kecamatan": "Sijunjung",
        "nagari": "Muaro",
        "note": "",
        "language": "id",
        "consent": "y",
    }
    fields.update(overrides)
    return fields


def make_submission(
    name="Siti Rahmawati",
    code="KK",
    channel="web",
    status=None,
    created_at=None,
    staff=None,
    phone="+6281234567890",
    language="id",
    **extra,
):
    """A request stored through submissions.create (and moved to `status`)."""
    from kiosk.data.models import DocumentType, Submission
    from kiosk.domain import workflow
    from kiosk.services import submissions

    submission = submissions.create(
        {
            "document_type": DocumentType.get(DocumentType.code == code),
            "applicant_name": name,
            "nik": extra.pop("nik", nik()),
            "phone": phone,
            "kecamatan": "Sijunjung",
            "nagari": "Muaro",
            "note": "",
            "language": language,
        },
        channel=channel,
        today=dt.date(2026, 11, 2),
        staff=staff,
    )
    if created_at is not None:
        Submission.update(created_at=created_at, **extra).where(
            Submission.id == submission.id
        ).execute()
    elif extra:
        Submission.update(**extra).where(Submission.id == submission.id).execute()
    if status:
        path = {
            workflow.VERIFYING: [workflow.VERIFYING],
            workflow.NEEDS_INFO: [workflow.VERIFYING, workflow.NEEDS_INFO],
            workflow.PROCESSING: [workflow.VERIFYING, workflow.PROCESSING],
            workflow.READY: [workflow.VERIFYING, workflow.PROCESSING, workflow.READY],
            workflow.COMPLETED: [
                workflow.VERIFYING,
                workflow.PROCESSING,
                workflow.READY,
                workflow.COMPLETED,
            ],
            workflow.REJECTED: [workflow.REJECTED],
        }[status]
        for target in path:
            current = Submission.get_by_id(submission.id)
            submissions.move(
                current, target, version=current.version, staff=staff, public_note="ok"
            )
    return Submission.by_number(submission.number)


def csrf_token_from(html):
    """The CSRF token a page carries (the hidden field or the hx-headers JSON)."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html) or re.search(
        r'"X-CSRFToken": "([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


def htmx_headers(target=None, trigger_name=None):
    """Request headers htmx 2 sends for a swap into `target`."""
    headers = {"HX-Request": "true", "HX-Current-URL": "http://localhost/staff"}
    if target:
        headers["HX-Target"] = target
    if trigger_name:
        headers["HX-Trigger-Name"] = trigger_name
    return headers


def many_submissions(count, *, start, step=dt.timedelta(minutes=1), **values):
    """Insert `count` requests at once (created `step` apart from `start`).

    Faster than submissions.create for paging tests; no status events.
    """
    from kiosk.data.models import DocumentType, Submission
    from kiosk.domain import tracking

    kk = DocumentType.get(DocumentType.code == "KK")
    rows = []
    for index in range(count):
        created = start + step * index
        row = {
            "number": tracking.generate(),
            "document_type": kk,
            "applicant_name": f"Warga {index:04d}",
            "name_key": f"warga {index:04d}",
            "nik": nik(index + 1),
            "phone": None,
            "kecamatan": "Sijunjung",
            "nagari": "Muaro",
            "channel": "web",
            "status": "submitted",
            "created_at": created,
            "updated_at": created,
            "due_date": created.date() + dt.timedelta(days=5),
        }
        row.update(values)
        rows.append(row)
    Submission.insert_many(rows).execute()
    return rows


def loaded_fingerprint(response):
    """The fingerprint an admin edit form carries of the values it shows."""
    page = response.get_data(as_text=True)
    return re.search(r'name="loaded" type="hidden" value="([0-9a-f]+)"', page).group(1)
