"""The requirements checklist on a request's staff page, in headless Chromium
against the real server: ticked in place with htmx, and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_no_axe_violations
from tests.support.factories import make_submission
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

DESKTOP = (1366, 768)
LETTER = "Surat pengantar dari wali nagari"


@pytest.fixture
def console(make_app, database_url, live_server):
    """A live server on this test's database, with a clerk and one request."""
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    submission = make_submission()
    return live_server(database_url=database_url), submission


def sign_in(page, server):
    page.goto(f"{server.url}/staff?lang=id")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def still_needed(page, server, number):
    page.goto(f"{server.url}/t/{number}")
    items = page.locator(".still-needed li")
    return [text.strip() for text in items.all_inner_texts()]


def test_a_tick_saves_in_place_and_the_status_can_still_change(console, new_page):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="id-ID")
    sign_in(page, server)
    page.goto(f"{server.url}/staff/s/{submission.number}")
    page.get_by_label(LETTER).check()
    expect(page.locator("#requirements .banner--success")).to_be_visible()
    assert page.url == f"{server.url}/staff/s/{submission.number}"  # no reload
    box = page.get_by_label(LETTER)
    expect(box).to_be_checked()
    expect(box).to_be_focused()  # the clerk goes on down the list
    history = page.locator("#history")
    expect(history).to_contain_text(LETTER)
    expect(history).to_contain_text("Rina Clerk")
    assert_no_axe_violations(page)

    # The move form on the same page was drawn before the tick: still valid.
    page.locator("button[name=target][value=verifying]").click()
    expect(page.locator(".request-status")).to_contain_text("Sedang diperiksa")
    assert page.locator("#move-error").count() == 0

    resident = new_page(locale="id-ID")
    listed = still_needed(resident, server, submission.number)
    assert LETTER not in listed and len(listed) == 3


@pytest.mark.parametrize("db_backend", ["sqlite"])
def test_without_javascript_the_save_button_ticks(console, new_page):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="id-ID", java_script_enabled=False)
    sign_in(page, server)
    page.goto(f"{server.url}/staff/s/{submission.number}")
    page.get_by_label(LETTER).check()
    page.locator(".requirements-form button[type=submit]").click()
    page.wait_for_url(f"{server.url}/staff/s/{submission.number}#requirements-heading")
    expect(page.get_by_label(LETTER)).to_be_checked()
    expect(page.locator("#history")).to_contain_text("Rina Clerk")
    # Unticked again, and the resident is asked for it again.
    page.get_by_label(LETTER).uncheck()
    page.locator(".requirements-form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.get_by_label(LETTER)).not_to_be_checked()
    assert LETTER in still_needed(page, server, submission.number)
