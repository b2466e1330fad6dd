"""Helpers for staff console tests: accounts, signing in, pages, many requests.

Single requests and form answers come from tests/support/factories.py.
"""

import datetime as dt
import re

import pytest

from tests.support.factories import APPLICANT, nik

PASSWORD = "correct horse battery"


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

    Faster than submissions.create for paging tests; no status events. Each
    row is a resident of its own (name and NIK); the rest is APPLICANT's.
    """
    from kiosk.data.models import DocumentType, Submission
    from kiosk.domain import tracking

    kk = DocumentType.get(DocumentType.code == "KK")
    rows = []
    for index in range(count):
        created = start + step * index
        row = {
            **APPLICANT,
            "number": tracking.generate(),
            "document_type": kk,
            "applicant_name": f"Warga {index:04d}",
            "name_key": f"warga {index:04d}",
            "nik": nik(index + 1),
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
