"""A death certificate (Akta Kematian) applied for at the kiosk by touch
alone, portrait 1080×1920: the document's own questions one per screen (the
deceased's name and NIK on the keyboards, the date of death on the touch date
screen, the place, the relation), then the applicant's; the answers are read
back from the database."""

import datetime as dt
import re

from tests.support.kiosk import (
    NIK,
    PORTRAIT,
    live_database_url,
    register_kiosk,
    stored_answers,
    stored_submission,
    tap,
    tap_key_action,
    tap_keys,
)

DECEASED_NIK = "1303010101500003"


def screen(page, name):
    page.locator(f".kiosk-screen--{name}").wait_for()


def progress(page):
    return page.locator(".kiosk-progress").inner_text()


def test_a_death_certificate_by_touch_stores_the_deceased_and_the_death(
    live_server, new_page
):
    server = live_server()
    database = live_database_url(server)
    kiosk_id, token = register_kiosk(database)
    page = new_page(viewport=PORTRAIT, locale="en-GB", has_touch=True)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.url}/kiosk?k={token}&lang=en")
    screen(page, "start")

    tap(page.locator(".kiosk-action--apply"))
    screen(page, "document_type")
    tap(page.locator("button[name=document_type][value=AKM]"))
    screen(page, "requirements")
    tap(page.locator("[data-continue]"))

    screen(page, "deceased_name")
    # The death certificate's five questions come before the applicant's
    # seven and the check screen: 2 + 5 + 6 (no messages: notify not asked) + 1.
    assert progress(page) == "Step 3 of 14"
    assert page.locator("#deceased_name").get_attribute("inputmode") == "none"
    tap_keys(page, "AHMAD DAHLAN")
    tap_key_action(page, "done")

    screen(page, "deceased_nik")
    tap_keys(page, DECEASED_NIK)
    assert page.locator("[data-digit-count]").inner_text().startswith("16 ")
    tap_key_action(page, "done")

    # The date by touch: tap a box, type on the number pad; a full box moves on.
    screen(page, "death_date")
    assert page.locator("[data-keyboard-for]:visible").count() == 1
    tap(page.locator("#death_date"))
    tap_keys(page, "0")
    tap_keys(page, "9")
    assert page.evaluate("document.activeElement.id") == "death_date-month"
    tap_keys(page, "3")
    tap(page.locator("#death_date-year"))
    tap_keys(page, "2035")  # in the future: refused
    tap_key_action(page, "done")
    page.locator("#death_date-error").wait_for()
    assert "cannot be in the future" in page.locator("#death_date-error").inner_text()
    # The boxes keep what was typed, to be corrected.
    assert page.locator("#death_date-month").input_value() == "3"
    tap(page.locator("#death_date-year"))
    tap_key_action(page, "clear")
    tap_keys(page, "2024")
    tap_key_action(page, "done")

    screen(page, "death_place")
    tap_keys(page, "RSUD SIJUNJUNG")
    tap_key_action(page, "done")

    screen(page, "reporter_relation")
    tap(page.locator("button[name=reporter_relation][value=child]"))

    screen(page, "applicant_name")
    assert progress(page) == "Step 8 of 14"
    tap_keys(page, "SITI AMINAH")
    tap_key_action(page, "done")
    screen(page, "nik")
    tap_keys(page, NIK)
    tap_key_action(page, "done")
    screen(page, "phone")
    tap_key_action(page, "done")
    screen(page, "kecamatan")
    tap(page.locator("button[name=kecamatan][value=Sijunjung]"))
    screen(page, "nagari")
    tap_keys(page, "MUARO")
    tap_key_action(page, "done")
    screen(page, "note")
    tap_key_action(page, "done")

    screen(page, "check")
    summary = page.locator(".kiosk-summary").inner_text()
    for shown in ("AHMAD DAHLAN", "March 9, 2024", "RSUD SIJUNJUNG", "Child"):
        assert shown in summary
    # Change the place: the place screen, then straight back to check.
    tap(page.locator("button[name=change][value=death_place]"))
    screen(page, "death_place")
    tap_key_action(page, "clear")
    tap_keys(page, "MUARO SIJUNJUNG")
    tap_key_action(page, "done")
    screen(page, "check")
    tap(page.locator("label[for=consent]"))
    tap(page.locator("button[name=send]"))

    screen(page, "receipt")
    number = page.locator(".confirmation-number").inner_text().strip()
    number = number.replace("-", "")
    assert re.fullmatch(r"[0-9A-Z]{9}", number)
    stored = stored_submission(database, number)
    assert (stored["document_type"], stored["channel"]) == ("AKM", "kiosk")
    assert stored["kiosk_id"] == kiosk_id and stored["applicant_name"] == "SITI AMINAH"
    assert stored_answers(database, number) == {
        "deceased_name": "AHMAD DAHLAN",
        "deceased_nik": DECEASED_NIK,
        "death_date": dt.date(2024, 3, 9),
        "death_place": "MUARO SIJUNJUNG",
        "reporter_relation": "child",
    }
    assert errors == []


def test_people_moving_are_typed_one_person_a_screen_on_their_own_keyboards(
    live_server, new_page
):
    server = live_server()
    _, token = register_kiosk(live_database_url(server))
    page = new_page(viewport=PORTRAIT, locale="en-GB", has_touch=True)
    page.goto(f"{server.url}/kiosk?k={token}&lang=en")
    tap(page.locator(".kiosk-action--apply"))
    tap(page.locator("button[name=document_type][value=PINDAH]"))
    tap(page.locator("[data-continue]"))
    for step, typed in (
        ("province", "RIAU"),
        ("regency", "PEKANBARU"),
        ("district", "TAMPAN"),
        ("address", "JL. GARUDA SAKTI 12"),
    ):
        screen(page, f"destination_{step}")
        tap_keys(page, typed)
        tap_key_action(page, "done")
    screen(page, "move_reason")
    tap(page.locator("button[name=move_reason][value=work]"))

    screen(page, "member_1")
    letters = page.locator("[data-keyboard-for=member_1_name]")
    digits = page.locator("[data-keyboard-for=member_1_nik]")
    assert letters.is_visible() and not digits.is_visible()
    tap_keys(page, "SITI RAHMA")
    # Tapping the NIK box brings its number pad instead of the letters.
    tap(page.locator("#member_1_nik"))
    assert digits.is_visible() and not letters.is_visible()
    tap_keys(page, NIK)
    tap(page.locator("button[name=action][value=add]"))

    screen(page, "member_2")
    assert "SITI RAHMA" in page.locator(".kiosk-members-list").inner_text()
    tap_keys(page, "RAHMAT")
    tap(page.locator("#member_2_nik"))
    tap_keys(page, DECEASED_NIK)
    # Enter on a physical keyboard means "no more people", not the listed
    # person's Change button that comes first in the form.
    page.locator("#member_2_nik").press("Enter")
    screen(page, "applicant_name")
    assert "Step 10 of 16" in progress(page)  # one screen per person counted
