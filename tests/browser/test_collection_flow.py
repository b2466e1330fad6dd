"""From ready to handover in headless Chromium against the real server: a
resident books a time to collect on a phone, the clerk's day schedule shows
it, the resident checks in at the kiosk and gets a printed queue ticket, the
clerk calls the next ticket, the waiting-room TV shows it, and the clerk hands
the document over."""

import re

import pytest
from playwright.sync_api import expect

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


def _sign_in(page, server):
    page.goto(f"{server.url}/staff/login?lang=en")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def test_ready_booked_scheduled_checked_in_called_shown_and_handed_over(
    make_app, database_url, live_server, new_page
):
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    number = make_submission(
        status="ready", applicant_name="Nurhayati Sikumbang"
    ).number
    server = live_server(database_url=database_url)
    _, token = register_kiosk(database_url)

    # The resident books a time on the phone, from the tracking page.
    phone = new_page(viewport=(390, 844), locale="en-US")
    phone.goto(f"{server.url}/t/{number}?lang=en")
    phone.get_by_role("link", name="Choose a time to collect").click()
    choice = phone.locator("input[name=slot]:not([disabled])").first
    slot = choice.get_attribute("value")
    phone.locator(f"label[for='{choice.get_attribute('id')}']").click()
    phone.get_by_role("button", name="Book this time").click()
    phone.wait_for_url(re.compile(r"/collect/slip"))
    expect(phone.locator("h1")).to_have_text("Your time to collect")
    expect(phone.locator(".collect-when")).to_contain_text("WIB")
    # Nothing is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    # The clerk's day schedule expects the resident.
    desk = new_page(viewport=(1366, 768), locale="en-US")
    _sign_in(desk, server)
    desk.get_by_role("link", name="Collections").first.click()
    desk.goto(f"{server.url}/staff/collections?day={slot[:10]}&lang=en")
    expect(desk.locator("tr", has_text="Nurhayati Sikumbang")).to_contain_text(
        "Expected"
    )

    # At the kiosk a handheld scanner types the receipt's number and Enter.
    kiosk = new_page(viewport=PORTRAIT, has_touch=True)
    kiosk.context.add_init_script(COUNT_PRINTS)
    kiosk.goto(f"{server.url}/kiosk?k={token}")
    kiosk.locator(".kiosk-action--queue").tap()
    kiosk.locator(".kiosk-screen--check-in").wait_for()
    kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-check-in.png"))
    kiosk.locator("#number").type(number)
    kiosk.keyboard.press("Enter")
    kiosk.locator(".kiosk-screen--ticket").wait_for()
    assert kiosk.locator(".ticket-number").inner_text() == "A-001"
    wait_until(kiosk, "window.__prints === 1")
    kiosk.screenshot(path=str(ARTIFACTS / "tickets-kiosk-ticket.png"))

    # The clerk at counter 1 calls the next ticket: this resident's.
    desk.goto(f"{server.url}/staff/calls?counter=1&lang=en")
    desk.locator("button[name=action][value=next]").click()
    desk.locator(".call-ticket").wait_for()
    assert desk.locator(".call-ticket").inner_text() == "A-001"
    assert desk.locator(f"a[href='/staff/s/{number}']").count() == 1
    desk.screenshot(path=str(ARTIFACTS / "tickets-clerk.png"), full_page=True)

    # The waiting-room TV shows the ticket and the counter, never who it is.
    tv = new_page(viewport=LANDSCAPE, locale="id-ID")
    tv.goto(f"{server.url}/display?lang=en")
    row = tv.locator(".display-latest")
    assert row.locator(".display-ticket").inner_text() == "A-001"
    assert "Counter 1" in row.locator(".display-counter").inner_text()
    text = tv.locator("body").inner_text()
    assert number not in text and "Nurhayati" not in text
    tv.screenshot(path=str(ARTIFACTS / "tickets-display-1920x1080.png"))
    violations = axe_violations(tv)
    assert not violations, format_violations(violations)

    # The clerk hands the document over from the day schedule.
    desk.goto(f"{server.url}/staff/collections?day={slot[:10]}&lang=en")
    row = desk.locator("tr", has_text="Nurhayati Sikumbang")
    row.get_by_role("link", name=re.compile("Collected")).click()
    expect(desk.locator("#collector_name")).to_have_value("Nurhayati Sikumbang")
    desk.get_by_role("button", name="Handed over: complete the request").click()
    expect(desk.locator(".banner--success")).to_contain_text("The request is completed")
    expect(desk.locator("tr", has_text="Nurhayati Sikumbang")).to_contain_text(
        "Collected"
    )
    phone.goto(f"{server.url}/t/{number}?lang=en")
    expect(phone.locator(".status-line")).to_contain_text("Completed")
