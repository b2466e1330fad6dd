"""A resident on a phone adds a photo of a paper while applying; the clerk
sees it on the request's page, refuses it with a reason, and the resident
reads the reason on the tracking page."""

import os
import re

import pytest
from playwright.sync_api import expect

from tests.support.apply_pages import answer_applicant_pages, continue_to
from tests.support.axe import assert_no_axe_violations
from tests.support.papers import SVG, jpeg
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

DESKTOP = (1366, 768)
# Where the pages' pictures go when PAPER_SCREENSHOTS names a folder.
SHOTS = os.environ.get("PAPER_SCREENSHOTS")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


@pytest.fixture
def site(make_app, database_url, live_server):
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    return live_server(database_url=database_url)


def _sign_in(page, server):
    page.goto(f"{server.url}/staff?lang=en")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def test_a_photo_sent_while_applying_on_a_phone_reaches_the_clerk(site, new_page):
    phone = new_page(viewport=(390, 844), locale="en-GB")
    phone.goto(f"{site.url}/apply?lang=en")
    phone.get_by_label("Family Card (KK)", exact=True).check()
    continue_to(phone, "/apply/kk_reason")
    phone.locator("input[name=kk_reason][value=change]").check()
    continue_to(phone, "/apply/kk_head")
    phone.locator("input[name=head_is_applicant][value=yes]").check()
    continue_to(phone, "/apply/applicant")
    answer_applicant_pages(phone)

    phone.get_by_role("link", name="Add photos of your papers").click()
    phone.wait_for_url(re.compile(r"/apply/papers$"))
    assert_no_axe_violations(phone)
    first = phone.locator("#requirement-1")
    first.locator("input[name=files]").set_input_files(
        {"name": "IMG_2041.jpg", "mimeType": "image/jpeg", "buffer": jpeg(gps=True)}
    )
    first.locator(".paper-form button[type=submit]").click()
    # htmx sends it and puts the requirement's block back, with the file.
    expect(first.locator(".paper-banner")).to_have_text("Your file was sent.")
    assert phone.url.endswith("/apply/papers")  # no page load
    assert "Not checked yet" in first.inner_text()
    # A file that is not a photo is refused in place, with the reason.
    first.locator("input[name=files]").set_input_files(
        {"name": "notes.svg", "mimeType": "image/svg+xml", "buffer": SVG}
    )
    first.locator(".paper-form button[type=submit]").click()
    expect(first.locator(".field-error")).to_contain_text("cannot be sent")
    assert first.locator(".paper-file").count() == 1
    assert "IMG_2041" not in phone.content()
    _shot(phone, "apply-papers-phone")

    phone.get_by_role("link", name="Continue to check your answers").click()
    phone.wait_for_url(re.compile(r"/apply/check$"))
    assert "1 file will be sent" in phone.locator("main").inner_text()
    phone.get_by_role("button", name="Send request").click()
    phone.wait_for_url(re.compile(r"/t/[0-9A-Z]{9}/receipt\?new=1$"))
    number = re.search(r"/t/([0-9A-Z]{9})/", phone.url)[1]

    clerk = new_page(viewport=DESKTOP, locale="en-GB")
    _sign_in(clerk, site)
    clerk.goto(f"{site.url}/staff/s/{number}")
    papers = clerk.locator("#papers")
    thumbnail = papers.locator("img.staff-paper-thumb")
    thumbnail.wait_for()
    loaded = thumbnail.evaluate("img => img.complete && img.naturalWidth")
    assert loaded > 0  # the picture itself, served to the signed-in clerk
    assert_no_axe_violations(clerk)
    _shot(clerk, "staff-papers-desktop")
    papers.locator("input[name=reason]").fill("Foto buram, kirim ulang")
    papers.get_by_role("button", name="Refuse").click()
    clerk.wait_for_url(re.compile(rf"/staff/s/{number}#paper-\d+$"))
    assert "Foto buram, kirim ulang" in papers.inner_text()

    phone.goto(f"{site.url}/t/{number}?lang=en")
    assert_no_axe_violations(phone)
    summary = phone.locator(".paper-summary").inner_text()
    assert "A file was refused." in summary and "Foto buram, kirim ulang" in summary
    assert phone.locator("main img").count() == 0
    _shot(phone, "tracking-papers-phone")


def test_without_javascript_a_paper_is_sent_from_the_tracking_page(
    make_app, database_url, live_server, new_page
):
    from tests.support.factories import make_submission

    make_app()
    number = make_submission(status="needs_info").number
    server = live_server(database_url=database_url)
    phone = new_page(viewport=(390, 844), locale="en-GB", java_script_enabled=False)
    phone.goto(f"{server.url}/t/{number}?lang=en")
    phone.get_by_role("link", name="Send photos or PDFs of your papers").click()
    phone.wait_for_url(re.compile(rf"/t/{number}/papers$"))
    second = phone.locator("#requirement-2")
    second.locator("input[name=photo]").set_input_files(
        {"name": "kamera.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}
    )
    second.locator(".paper-form button[type=submit]").click()
    phone.wait_for_url(re.compile(rf"/t/{number}/papers#requirement-2$"))
    assert "Your file was sent." in phone.locator("main").inner_text()
    assert "Not checked yet" in second.inner_text()
    _shot(phone, "tracking-upload-phone")
    phone.goto(f"{server.url}/t/{number}?lang=en")
    text = phone.locator("main").inner_text()
    assert "1 file received, not checked yet" in text
