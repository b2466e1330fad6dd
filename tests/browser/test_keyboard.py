"""Keyboard only: Tab, Shift+Tab, Space, Enter and the arrow keys, no clicks.

A resident applies on the public site, and a clerk signs in, opens a request
and moves it to "verifying" with a note, with nothing but page.keyboard. Page
addresses are typed as a browser's address bar would be (page.goto); every
other step is a key press. Reading the page (where the focus is, what it says)
is allowed, changing it by any other means is not.
"""

import json
import re

import pytest

from tests.support import a11y

pytestmark = pytest.mark.xdist_group("keyboard")

MAX_TABS = 120


# The Continue button of a question page (not "add another person").
CONTINUE = ".apply-form button[type=submit]:not([name=action])"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    site = a11y.make_site(tmp_path_factory.mktemp("keyboard"), limited=False)
    yield site
    site.stop()


def focused(page, selector):
    return page.evaluate(
        "(s) => !!document.activeElement && document.activeElement.matches(s)",
        selector,
    )


def tab_to(page, selector, backwards=False):
    """Press Tab (or Shift+Tab) until the focused element matches `selector`."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(MAX_TABS):
        if focused(page, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} not reached with {MAX_TABS} presses of {key}")


def assert_focus_not_on_body(page, when):
    a11y.wait_for_htmx(page)
    assert "body" not in a11y.focus_after_swaps(page), f"focus on <body> {when}"
    assert not a11y.focus_on_body(page), f"focus left on <body> {when}"


def test_first_tab_shows_the_skip_link_and_it_moves_to_the_content(site, browser):
    context = a11y.open_context(browser, "phone", "id")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/?lang=id")
        page.keyboard.press("Tab")
        assert focused(page, "a.skip-link")
        box = page.locator("a.skip-link").bounding_box()
        assert box and box["x"] >= 0 and box["y"] >= 0, "skip link is off screen"
        page.keyboard.press("Enter")
        assert focused(page, "#main")
        page.keyboard.press("Tab")  # the first control inside the content
        assert page.evaluate(
            "document.getElementById('main').contains(document.activeElement)"
        )
    finally:
        context.close()


def test_a_resident_applies_with_the_keyboard_only(site, browser):
    context = a11y.open_context(browser, "phone", "id")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/?lang=id")
        tab_to(page, "a[href='/apply']")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/apply$"))

        # Document type: Tab into the group, Space picks, arrows move the choice.
        tab_to(page, "input[name=document_type]")
        page.keyboard.press("Space")
        page.locator("#document-type-requirements").wait_for()
        first = page.evaluate("document.activeElement.value")
        heading = "document.querySelector('#document-type-requirements h2').textContent"
        shown = page.evaluate(heading)
        page.keyboard.press("ArrowDown")
        a11y.wait_until(page, f"{heading} !== {json.dumps(shown)}")
        assert_focus_not_on_body(page, "after the requirements were swapped in")
        assert page.evaluate("document.activeElement.value") != first
        page.keyboard.press("ArrowUp")
        a11y.wait_until(page, f"{heading} === {json.dumps(shown)}")
        assert_focus_not_on_body(page, "after choosing the first document again")
        assert page.evaluate("document.activeElement.value") == first

        # The family card's own questions: a choice each, picked with Space.
        for following in ("kk_reason", "kk_head", "applicant"):
            tab_to(page, CONTINUE)
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(rf"/apply/{following}$"))
            if following != "applicant":
                tab_to(page, "input[type=radio]")
                page.keyboard.press("Space")

        tab_to(page, "#applicant_name")
        page.keyboard.type("Siti Rahma")
        # A mistyped NIK is explained in place when the field is left.
        tab_to(page, "#nik")
        page.keyboard.type("12345")
        page.keyboard.press("Tab")
        page.locator("#nik-error").wait_for()
        assert_focus_not_on_body(page, "after the NIK was checked")
        assert focused(page, CONTINUE)
        a11y.wait_until(
            page,
            "document.getElementById('site-announcer').textContent.includes('NIK')",
        )
        tab_to(page, "#nik", backwards=True)  # Tab selects the field's text,
        page.keyboard.type("1303054507900001")  # so typing replaces it
        tab_to(page, CONTINUE)
        a11y.wait_until(page, "!document.getElementById('nik-error')")
        assert_focus_not_on_body(page, "after the NIK was checked again")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/apply/contact$"))

        tab_to(page, "#phone")
        page.keyboard.type("0812 3456 7890")
        # How to be told: the first choice (WhatsApp), picked with Space.
        tab_to(page, "input[name=notify]")
        page.keyboard.press("Space")
        assert page.evaluate(
            "document.querySelector('input[name=notify]:checked').value"
        )
        tab_to(page, CONTINUE)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/apply/address$"))
        tab_to(page, "input[name=kecamatan]")
        page.keyboard.press("Space")
        tab_to(page, "#nagari")
        page.keyboard.type("Padang Laweh")
        for following in ("extra", "check"):
            tab_to(page, CONTINUE)
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(rf"/apply/{following}$"))

        assert "1303 0545 0790 0001" in page.locator("main").inner_text()
        tab_to(page, "button[data-prevent-double-submit]")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/t/[0-9A-Z]{9}/receipt\?new=1$"))
        heading = page.locator("h1").inner_text()
        assert heading == "Permohonan terkirim"
        number = page.locator(".confirmation-number").inner_text().strip()
        assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}", number)
    finally:
        context.close()


def test_a_clerk_moves_a_request_to_verifying_with_the_keyboard_only(site, browser):
    number = site.movable[0]
    context = a11y.open_context(browser, "desktop", "id")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/staff/login?lang=id")
        tab_to(page, "#username")
        page.keyboard.type(a11y.CLERK)
        page.keyboard.press("Tab")
        assert focused(page, "#password")
        page.keyboard.type(a11y.PASSWORD)
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/staff$"))

        # Open the request from the queue: Tab to its number, Enter.
        tab_to(page, f"a.number-link[href='/staff/s/{number}']")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{site.url}/staff/s/{number}")

        tab_to(page, "#public_note")
        page.keyboard.type("Berkas lengkap, sedang diperiksa petugas.")
        tab_to(page, "#internal_note")
        page.keyboard.type("Dicek di loket 2.")
        tab_to(page, "button[name=target][value=verifying]")
        page.keyboard.press("Enter")

        page.locator(".banner--success").wait_for()
        assert_focus_not_on_body(page, "after the status change")
        assert page.url == f"{site.url}/staff/s/{number}"  # changed in place
        status = page.locator(".request-status .status-tag").inner_text()
        assert status.strip().endswith("Sedang diperiksa")
        a11y.wait_until(
            page,
            "document.getElementById('staff-announcer').textContent"
            ".includes('Sedang diperiksa')",
        )
        history = page.locator(".staff-timeline").inner_text()
        assert "Berkas lengkap, sedang diperiksa petugas." in history
        assert "Dicek di loket 2." in history
    finally:
        context.close()
