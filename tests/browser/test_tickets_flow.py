"""Queue tickets in headless Chromium against the real server: a resident
checks in at the kiosk, a clerk calls the ticket, and the waiting-room TV
shows it."""

import re

import pytest

from tests.conftest import ARTIFACTS
from tests.support.axe import axe_violations, format_violations
from tests.support.factories import make_submission
from tests.support.kiosk import LANDSCAPE, PORTRAIT, register_kiosk, wait_until
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = [
    pytest.mark.usefixtures("fast_passwords"),
    pytest.mark.parametrize("db_backend", ["sqlite"]),
]

COUNT_PRINTS = (
    "window.__prints = 0; window.print = function () { window.__prints += 1; };"
)


def test_kiosk_check_in_clerk_call_and_the_waiting_room_screen(
    make_app, database_url, live_server, new_page
):
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    ready = make_submission(applicant_name="Siti Rahmawati", status="ready")
    server = live_server(database_url=database_url)
    _, token = register_kiosk(database_url)

    kiosk = new_page(viewport=PORTRAIT, has_touch=True)
    kiosk.context.add_init_script(COUNT_PRINTS)
    kiosk.goto(f"{server.url}/kiosk?k={token}")
    kiosk.locator(".kiosk-action--queue").tap()
    kiosk.locator(".kiosk-screen--check-in").wait_for()
    kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-check-in.png"))
    # A handheld scanner types the receipt's number into the field and presses Enter.
    kiosk.locator("#number").type(ready.number)
    kiosk.keyboard.press("Enter")
    kiosk.locator(".kiosk-screen--ticket").wait_for()
    assert kiosk.locator(".ticket-number").inner_text() == "A-001"
    wait_until(kiosk, "window.__prints === 1")
    kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-ticket.png"))

    clerk = new_page(viewport=(1366, 768))
    clerk.goto(f"{server.url}/staff/login?lang=en")
    clerk.fill("#username", "clerk")
    clerk.fill("#password", PASSWORD)
    clerk.locator("form[action='/staff/login'] button[type=submit]").click()
    clerk.wait_for_url(re.compile(r"/staff(\?.*)?$"))
    clerk.goto(f"{server.url}/staff/calls?counter=1")
    clerk.locator("button[name=action][value=next]").click()
    clerk.locator(".call-ticket").wait_for()
    assert clerk.locator(".call-ticket").inner_text() == "A-001"
    assert clerk.locator(f"a[href='/staff/s/{ready.number}']").count() == 1
    clerk.screenshot(path=str(ARTIFACTS / "tickets-clerk.png"), full_page=True)

    tv = new_page(viewport=LANDSCAPE, locale="id-ID")
    tv.goto(f"{server.url}/display?lang=en")
    row = tv.locator(".display-latest")
    assert row.locator(".display-ticket").inner_text() == "A-001"
    assert "Counter 1" in row.locator(".display-counter").inner_text()
    text = tv.locator("body").inner_text()
    assert ready.number not in text and "Siti" not in text
    tv.screenshot(path=str(ARTIFACTS / "tickets-display-1920x1080.png"))
    violations = axe_violations(tv)
    assert not violations, format_violations(violations)
