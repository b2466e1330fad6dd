"""Helpers for kiosk tests: registered kiosks, office settings, on-screen typing.

Kiosk imports happen inside the functions, so importing this module does not
build or bind anything.
"""

from __future__ import annotations

import contextlib
import io
import re
import secrets
import time
from html import unescape

from tests.support.factories import form_data

PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)
KIOSK_SIZES = {"portrait": PORTRAIT, "landscape": LANDSCAPE}

# A valid NIK: area 13 03 01, born 05-06-78 (a woman: day + 40), serial 0002.
NIK = "1303014506780002"


# -- the database of a live server or an in-process app ---------------------


def live_database_url(server) -> str:
    """The database a live_server process uses (its own SQLite by default)."""
    env = server.env
    return env.get("KIOSK_DATABASE_URL") or (
        f"sqlite:///{env['KIOSK_INSTANCE_PATH']}/kiosk.db"
    )


@contextlib.contextmanager
def models_on(database_url: str):
    """The kiosk models bound to another process's database for a moment."""
    from kiosk.data import models
    from kiosk.data.db import open_database

    database = open_database(database_url, None)
    every = models.ALL_MODELS + models.REBUILT_MODELS + models.ADDED_MODELS
    with database.bind_ctx(every):
        try:
            yield models
        finally:
            if hasattr(database, "close_all"):
                database.close_all()
            elif not database.is_closed():
                database.close()


def register_kiosk(database_url: str, name="Lobby kiosk", paper_width=80, active=True):
    """Register a kiosk as the admin would; returns (id, token)."""
    token = secrets.token_urlsafe(24)
    with models_on(database_url) as models:
        device = models.KioskDevice.create(
            name=name, token=token, paper_width=paper_width, active=active
        )
        return device.id, token


def set_office(database_url: str, **fields) -> None:
    """Change office settings (e.g. the kiosk's idle times) in the one row."""
    with models_on(database_url) as models:
        models.OfficeSettings.update(**fields).execute()


def stored_submission(database_url: str, number: str) -> dict:
    """What the database holds for a request (channel, kiosk, personal data)."""
    with models_on(database_url) as models:
        row = models.Submission.get(models.Submission.number == number)
        return {
            "channel": row.channel,
            "kiosk_id": row.kiosk_id,
            "applicant_name": row.applicant_name,
            "nik": row.nik,
            "phone": row.phone,
            "kecamatan": row.kecamatan,
            "nagari": row.nagari,
            "document_type": row.document_type.code,
        }


def stored_answers(database_url: str, number: str) -> dict:
    """A request's answers to its document's own questions, read back from
    the database as staff would see them (request_details.read)."""
    from kiosk.services import request_details

    with models_on(database_url) as models:
        # models_on binds the first tables; the answers' tables came later.
        database = models.Submission._meta.database
        with database.bind_ctx([models.RequestAnswer, models.RequestPerson]):
            row = models.Submission.get(models.Submission.number == number)
            return request_details.read(row.id)


def submission_count(database_url: str) -> int:
    with models_on(database_url) as models:
        return models.Submission.select().count()


# -- the Flask test client ---------------------------------------------------


def hidden_fields(html: str) -> dict:
    """The hidden inputs of a kiosk screen: every answer given so far."""
    fields = {}
    for tag in re.findall(r"<input[^>]*type=\"hidden\"[^>]*>", html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = unescape(value.group(1)) if value else ""
    return fields


def answer(client, html: str, **fields):
    """Post one kiosk screen with the given answers (and its hidden ones)."""
    data = hidden_fields(html)
    data.update(fields)
    return client.post("/kiosk/apply", data=data)


# The kiosk's questions, one screen each, before the check screen. The
# requirements screen only shows what to bring: it takes no answer.
KIOSK_STEPS = (
    "document_type",
    "requirements",
    # The family card's own questions (form_data's document); the head of
    # the family's name and NIK are not asked of the head of the family.
    "kk_reason",
    "head_is_applicant",
    "applicant_name",
    "nik",
    "phone",
    "kecamatan",
    "nagari",
    "note",
)


def kiosk_answers(**overrides):
    """form_data(**overrides) as the kiosk asks for it: (step, fields) in order."""
    answers = form_data(**overrides)
    return [
        (step, {} if step == "requirements" else {step: answers[step]})
        for step in KIOSK_STEPS
    ]


def walk_to_check(client, **overrides):
    """Answer every question of the kiosk flow; returns the check screen."""
    response = client.get("/kiosk/apply")
    for step, fields in kiosk_answers(**overrides):
        response = answer(client, response.get_data(as_text=True), **fields)
        assert response.status_code == 200, (step, response.get_data(as_text=True))
    return response


# -- the browser ---------------------------------------------------------------


def tap(locator) -> None:
    """A finger tap (touch events, then the pointer events they cause)."""
    locator.tap()


def tap_keys(page, text: str) -> None:
    """Type `text` by tapping the on-screen keyboard's keys, one by one."""
    board = page.locator("[data-keyboard-for]:visible")
    for char in text:
        board.locator(f'button[data-key="{char}"]').tap()


def tap_key_action(page, action: str) -> None:
    page.locator(f"[data-keyboard-for]:visible button[data-action='{action}']").tap()


def wait_until(page, expression: str, timeout: float = 5.0) -> None:
    """Poll a JavaScript expression until it is true. Playwright's
    wait_for_function evaluates its predicate with eval(), which the site's
    Content-Security-Policy rightly blocks; page.evaluate() is not affected."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


def decode_qr(png_bytes: bytes) -> str:
    """The text of the one QR code in a screenshot."""
    import zxingcpp
    from PIL import Image

    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))
    assert len(results) == 1, f"expected one QR code, found {len(results)}"
    return results[0].text
