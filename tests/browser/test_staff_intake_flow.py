"""A clerk records a death certificate and a relocation letter at the counter
with their own questions, in Chromium with and without JavaScript, then reads
the answers on the request's page."""

import re

import pytest
from playwright.sync_api import expect

from tests.support.axe import assert_no_axe_violations
from tests.support.factories import nik
from tests.support.staff import PASSWORD, fast_passwords, make_staff  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

DESKTOP = (1366, 768)
SQLITE_ONLY = pytest.mark.parametrize("db_backend", ["sqlite"])


@pytest.fixture
def server(make_app, database_url, live_server):
    make_app()
    make_staff("clerk", display_name="Rina Clerk")
    return live_server(database_url=database_url)


def sign_in(page, server):
    page.goto(f"{server.url}/staff?lang=en")
    page.fill("#username", "clerk")
    page.fill("#password", PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def fill_applicant(page, name):
    page.check("input[name=channel][value=counter]")
    page.fill("#applicant_name", name)
    page.fill("#nik", nik())
    page.locator("input[name=kecamatan]").first.check()
    page.fill("#nagari", "Padang Laweh")
    if page.locator("input[name=notify][value=none]").count():
        page.check("input[name=notify][value=none]")
    page.check("#consent")


def record(page, enter_in=None):
    """Record the request: its button, or Enter in the field `enter_in`."""
    if enter_in:
        page.locator(enter_in).press("Enter")
    else:
        page.locator(".intake-form button[data-prevent-double-submit]").click()
    page.wait_for_url(re.compile(r"/staff/new/[0-9A-Z]{9}$"))
    return page.url.rsplit("/", 1)[1]


@SQLITE_ONLY
def test_the_questions_swap_in_when_the_clerk_picks_a_document(
    server, new_page, tmp_path
):
    page = new_page(viewport=DESKTOP, locale="en-US")
    sign_in(page, server)
    page.goto(f"{server.url}/staff/new")
    expect(page.locator("#deceased_name")).to_have_count(0)
    page.check("input[name=document_type][value=AKM]")
    page.locator("#deceased_name").wait_for()
    expect(page.locator("#document-questions h2")).to_have_text(
        "Details for Death Certificate"
    )
    page.fill("#deceased_name", "Syamsul Bahri")
    page.fill("#deceased_nik", "1303051507450003")
    page.fill("#death_date", "2")
    page.fill("#death_date-month", "11")
    page.fill("#death_date-year", "2026")
    page.fill("#death_place", "RSUD Sijunjung")
    page.check("input[name=reporter_relation][value=child]")
    fill_applicant(page, "Nurhayati Koto")
    page.screenshot(path=str(tmp_path / "intake.png"), full_page=True)
    assert_no_axe_violations(page)
    # Enter records it, as with one button (not "show the questions").
    number = record(page, enter_in="#applicant_name")
    expect(page.locator("section[aria-labelledby=answers-heading]")).to_contain_text(
        "Syamsul Bahri"
    )
    page.screenshot(path=str(tmp_path / "done.png"), full_page=True)
    assert_no_axe_violations(page)

    page.goto(f"{server.url}/staff/s/{number}")
    block = page.locator("section[aria-labelledby=answers-heading]")
    expect(block.locator("h2")).to_have_text("About the request")
    text = " ".join(block.inner_text().split())
    assert "Syamsul Bahri" in text and "1303051507450003" in text
    assert "November 2, 2026" in text
    page.screenshot(path=str(tmp_path / "detail.png"), full_page=True)
    assert_no_axe_violations(page)
    # The queue finds it by the deceased's NIK and says whom it is for.
    page.goto(f"{server.url}/staff?q=1303051507450003")
    expect(page.locator(".queue-subject")).to_have_text("for Syamsul Bahri")


@SQLITE_ONLY
def test_without_javascript_a_button_shows_the_questions(server, new_page, tmp_path):
    page = new_page(viewport=DESKTOP, locale="en-US", java_script_enabled=False)
    sign_in(page, server)
    page.goto(f"{server.url}/staff/new")
    fill_applicant(page, "Rahmat Hidayat")
    page.check("input[name=document_type][value=PINDAH]")
    page.locator("button[name=step][value=choose]").first.click()
    page.locator("#destination_province").wait_for()
    # What the clerk typed before stays.
    expect(page.locator("#applicant_name")).to_have_value("Rahmat Hidayat")
    expect(page.locator("#consent")).to_be_checked()
    page.fill("#destination_province", "Riau")
    page.fill("#destination_regency", "Kota Pekanbaru")
    page.fill("#destination_district", "Tampan")
    page.fill("#destination_address", "Jl. Garuda Sakti km 3 no. 12")
    page.check("input[name=move_reason][value=work]")
    for position, name in enumerate(("Rahmat Hidayat", "Yusnidar"), start=1):
        page.fill(f"#member_{position}_name", name)
        page.fill(f"#member_{position}_nik", nik())
    expect(page.locator("#member_3_name")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "intake-no-js.png"), full_page=True)
    number = record(page)
    page.goto(f"{server.url}/staff/s/{number}")
    people = page.locator(".people-list li")
    expect(people).to_have_count(2)
    assert people.first.inner_text().startswith("Rahmat Hidayat")
    page.screenshot(path=str(tmp_path / "detail-move.png"), full_page=True)
