"""Collection appointments in headless Chromium: a resident books on a phone,
the clerk's day schedule shows it, and the clerk hands the document over."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.factories import make_submission
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def office(make_app, database_url, live_server):
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    ready = make_submission(status="ready", applicant_name="Nurhayati Sikumbang")
    return live_server(database_url=database_url), ready.number


@pytest.mark.parametrize("db_backend", ["sqlite"])
def test_resident_books_and_clerk_hands_over(office, new_page):
    server, number = office
    phone = new_page(viewport=(390, 844), locale="en-US")
    phone.goto(f"{server.url}/t/{number}?lang=en")
    phone.get_by_role("link", name="Choose a time to collect").click()
    choice = phone.locator("input[name=slot]:not([disabled])").first
    value = choice.get_attribute("value")
    phone.locator(f"label[for='{choice.get_attribute('id')}']").click()
    phone.get_by_role("button", name="Book this time").click()
    phone.wait_for_url(re.compile(r"/collect/slip"))
    expect(phone.locator("h1")).to_have_text("Your time to collect")
    expect(phone.locator(".collect-when")).to_contain_text("WIB")
    # Nothing is wider than the phone's screen.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390

    desk = new_page(viewport=(1366, 768), locale="en-US")
    desk.goto(f"{server.url}/staff/login?lang=en")
    desk.fill("#username", "clerk")
    desk.fill("#password", PASSWORD)
    desk.locator("form[action='/staff/login'] button[type=submit]").click()
    desk.wait_for_url(re.compile(r"/staff(\?.*)?$"))
    desk.get_by_role("link", name="Collections").first.click()
    desk.goto(f"{server.url}/staff/collections?day={value[:10]}&lang=en")
    row = desk.locator("tr", has_text="Nurhayati Sikumbang")
    expect(row).to_contain_text("Expected")
    row.get_by_role("link", name=re.compile("Collected")).click()
    expect(desk.locator("#collector_name")).to_have_value("Nurhayati Sikumbang")
    desk.get_by_role("button", name="Handed over: complete the request").click()
    expect(desk.locator(".banner--success")).to_contain_text("The request is completed")
    expect(desk.locator("tr", has_text="Nurhayati Sikumbang")).to_contain_text(
        "Collected"
    )

    phone.goto(f"{server.url}/t/{number}?lang=en")
    expect(phone.locator(".status-line")).to_contain_text("Completed")
