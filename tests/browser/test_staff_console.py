"""The counter clerk's console in headless Chromium, against the real server."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_no_axe_violations
from tests.support.factories import LONG_AGO, make_submission, nik
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

DESKTOP = (1366, 768)
NOTE = "Berkas lengkap, sedang diperiksa petugas."
# Pages look the same on either database: checks of the page alone run on SQLite.
SQLITE_ONLY = pytest.mark.parametrize("db_backend", ["sqlite"])


@pytest.fixture
def console(make_app, database_url, live_server):
    """A live server on this test's database, with a clerk and one request."""
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    make_staff("boss", role="admin", display_name="Office Admin")
    # Received LONG_AGO: pages checked with axe show their overdue marks too.
    submission = make_submission(applicant_name="Siti Rahmawati", today=LONG_AGO)
    server = live_server(database_url=database_url)
    return server, submission


def sign_in(page, server, lang="id", username="clerk"):
    page.goto(f"{server.url}/staff?lang={lang}")
    assert "/staff/login" in page.url
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def test_scan_a_receipt_move_it_and_the_resident_sees_it(console, new_page):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="id-ID")
    sign_in(page, server)
    expect(page.locator("#scan")).to_be_focused()  # ready for the scanner at once

    # A handheld scanner types the receipt's QR (a full URL) and presses Enter.
    page.keyboard.type(f"{server.url}/t/{submission.number}")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/staff/s/{submission.number}")
    assert "Siti Rahmawati" in page.content()

    page.fill("#public_note", NOTE)
    page.fill("#internal_note", "Fotokopi KK sudah dicek.")
    page.locator("button[name=target][value=verifying]").click()
    banner = page.locator(".banner--success")
    banner.wait_for()
    assert "sekarang berstatus “Sedang diperiksa”" in banner.inner_text()
    assert page.url == f"{server.url}/staff/s/{submission.number}"  # updated in place
    expect(page.locator("#scan")).to_be_focused()  # ready for the next receipt
    expect(page.locator("#staff-announcer")).to_contain_text("Sedang diperiksa")
    assert (
        page.locator(".request-status .status-tag")
        .inner_text()
        .strip()
        .endswith("Sedang diperiksa")
    )
    history = page.locator(".staff-timeline").inner_text()
    assert NOTE in history and "Fotokopi KK sudah dicek." in history
    assert "Rina Clerk" in history

    # The resident, on another device, sees the change in both languages.
    resident = new_page(locale="id-ID")
    resident.goto(f"{server.url}/t/{submission.number}")
    text = resident.locator("main").inner_text()
    assert "Sedang diperiksa" in text and NOTE in text
    assert "Fotokopi KK" not in text and "Rina Clerk" not in text
    resident.goto(f"{server.url}/t/{submission.number}?lang=en")
    text = resident.locator("main").inner_text()
    assert "Being checked" in text and NOTE in text


@SQLITE_ONLY
def test_a_mistyped_scan_is_explained_in_place_and_the_next_scan_replaces_it(
    console, new_page
):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="en-GB")
    sign_in(page, server, lang="en")
    typo = submission.number[:-1] + ("0" if submission.number[-1] != "0" else "1")
    page.keyboard.type(typo)
    page.keyboard.press("Enter")
    error = page.locator("#scan-error")
    error.wait_for()
    assert "typing mistake" in error.inner_text()
    assert page.url.endswith("/staff?lang=en") or page.url.endswith("/staff")
    expect(page.locator("#scan")).to_be_focused()
    assert page.evaluate(
        "(() => { const s = document.getElementById('scan');"
        " return s.selectionStart === 0 && s.selectionEnd === s.value.length; })()"
    )
    page.keyboard.type(submission.number)  # replaces the selected text
    page.keyboard.press("Enter")
    page.wait_for_url(f"{server.url}/staff/s/{submission.number}")


def test_a_change_from_a_stale_page_shows_the_conflict_and_keeps_the_notes(
    console, new_page
):
    server, submission = console
    first = new_page(viewport=DESKTOP, locale="en-GB")
    second = new_page(viewport=DESKTOP, locale="en-GB")
    for page in (first, second):
        sign_in(page, server, lang="en")
        page.goto(f"{server.url}/staff/s/{submission.number}")
    first.locator("button[name=target][value=verifying]").click()
    first.locator(".banner--success").wait_for()

    second.fill("#public_note", "Permohonan ganda.")
    second.locator("button[name=target][value=rejected]").click()
    summary = second.locator("#move-error")
    summary.wait_for()
    assert "Someone else changed this request" in summary.inner_text()
    expect(second.locator("#move-error")).to_be_focused()
    assert second.locator("#public_note").input_value() == "Permohonan ganda."
    status = second.locator(".request-status .status-tag").inner_text()
    assert "Being checked" in status  # the other clerk's change, not ours


@SQLITE_ONLY
def test_filters_update_the_list_in_place_with_a_shareable_address(console, new_page):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="en-GB")
    sign_in(page, server, lang="en")
    page.get_by_text("More filters").click()  # folded until one is in use
    page.locator("#channel").focus()
    page.select_option("#channel", "sms")
    page.wait_for_url(re.compile(r"channel=sms"))
    assert "No requests match these filters." in page.locator("#queue").inner_text()
    expect(page.locator("#channel")).to_be_focused()  # focus stays where the clerk was
    page.select_option("#channel", "")
    page.wait_for_url(lambda url: "channel=" not in url)
    assert submission.display_number in page.locator("#queue").inner_text()
    # Still open: the clerk was working in it, though no filter is in use now.
    expect(page.locator("#channel")).to_be_focused()

    page.locator("#select-all").check()
    page.locator("input[name=target][value=verifying]").check()
    page.locator(".bulk button[type=submit]").click()
    result = page.locator("#bulk-result-heading")
    result.wait_for()
    assert "1 of 1 request changed." in result.inner_text()
    expect(page.locator("#bulk-result-heading")).to_be_focused()


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["id", "en"])
def test_staff_pages_have_no_accessibility_violations(console, new_page, lang):
    server, submission = console
    page = new_page(viewport=DESKTOP, locale="id-ID")
    page.goto(f"{server.url}/staff/login?lang={lang}")
    assert_no_axe_violations(page)
    sign_in(page, server, lang=lang, username="boss")
    paths = (
        "/staff",
        f"/staff/s/{submission.number}",
        "/staff/new",
        "/staff/today",
        "/staff/scan?number=XXX",
        "/staff/admin",
        "/staff/admin/staff",
        "/staff/admin/staff/1",
        "/staff/admin/types/1",
        "/staff/admin/office",
        "/staff/admin/kiosks",
        "/staff/admin/audit",
    )
    for path in paths:
        page.goto(f"{server.url}{path}")
        assert_no_axe_violations(page)
    # And after in-place updates: a refused move, then an error in the scan box.
    page.goto(f"{server.url}/staff/s/{submission.number}")
    page.locator("button[name=target][value=rejected]").click()
    page.locator("#move-error").wait_for()
    assert_no_axe_violations(page)
    page.locator("#scan").fill("12-34")  # no number, NIK, phone or name
    page.keyboard.press("Enter")
    page.locator("#scan-error").wait_for()
    assert_no_axe_violations(page)


@SQLITE_ONLY
@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_queue_shows_its_list_first_on_an_office_screen(
    console, new_page, lang, tmp_path
):
    """At 1366x768 a clerk sees at least eight requests without scrolling: the
    search and counts are compact, the other filters fold away."""
    server, _ = console
    for index in range(20):
        make_submission(applicant_name=f"Warga Nagari {chr(65 + index)}", nik=nik())
    page = new_page(viewport=DESKTOP, locale="id-ID")
    sign_in(page, server, lang=lang)
    page.screenshot(path=str(tmp_path / f"queue-{lang}.png"))
    rows = page.evaluate(
        """() => [...document.querySelectorAll('.queue-table tbody tr')]
            .filter((row) => row.getBoundingClientRect().bottom <= innerHeight)
            .length"""
    )
    assert rows >= 8, rows
    folded = page.locator("details.filters-more")
    assert folded.get_attribute("open") is None
    # The other filters open with one click and stay open while one is in use.
    folded.locator("summary").click()
    page.select_option("#channel", "web")
    page.wait_for_url(re.compile(r"channel=web"))
    expect(page.locator("details.filters-more")).to_have_attribute("open", "")
