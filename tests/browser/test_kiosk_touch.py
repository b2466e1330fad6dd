"""A resident at the kiosk touchscreen: apply with taps only, get a printed
receipt, check a status; or scan the start screen's QR and apply on a phone."""

import re

from tests.support.kiosk import (
    NIK,
    PORTRAIT,
    decode_qr,
    live_database_url,
    register_kiosk,
    stored_submission,
    submission_count,
    tap,
    tap_key_action,
    tap_keys,
    wait_until,
)

# Replaces window.print in every document the context loads, and counts calls.
COUNT_PRINTS = (
    "window.__prints = 0; window.print = function () { window.__prints += 1; };"
)


def kiosk_page(new_page, viewport=PORTRAIT):
    page = new_page(viewport=viewport, locale="id-ID", has_touch=True)
    page.context.add_init_script(COUNT_PRINTS)
    # Anything the browser refuses (a CSP violation, a failed script) shows here.
    page.console_errors = []
    page.on(
        "console",
        lambda message: (
            message.type == "error" and page.console_errors.append(message.text)
        ),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    return page


def screen(page, name):
    page.locator(f".kiosk-screen--{name}").wait_for()


def test_applying_by_taps_alone_prints_the_receipt_once(live_server, new_page):
    server = live_server()
    database = live_database_url(server)
    kiosk_id, token = register_kiosk(database, paper_width=58)
    page = kiosk_page(new_page)
    page.goto(f"{server.url}/kiosk?k={token}")
    screen(page, "start")
    history_at_start = page.evaluate("history.length")

    tap(page.locator(".kiosk-action--apply"))
    screen(page, "document_type")
    tap(page.locator("button[name=document_type][value=KK]"))
    screen(page, "requirements")
    tap(page.locator("[data-continue]"))
    # The family card's own questions: big buttons, one tap each.
    screen(page, "kk_reason")
    tap(page.locator("button[name=kk_reason][value=change]"))
    screen(page, "head_is_applicant")
    tap(page.locator("button[name=head_is_applicant][value=yes]"))

    screen(page, "applicant_name")
    name = page.locator("#applicant_name")
    assert name.get_attribute("inputmode") == "none"
    assert name.get_attribute("autocomplete") == "off"
    tap_keys(page, "SITI AMINAX")
    tap_key_action(page, "backspace")
    tap_keys(page, "H")
    assert name.input_value() == "SITI AMINAH"
    tap_key_action(page, "done")

    screen(page, "nik")
    tap_keys(page, "99")
    tap_key_action(page, "clear")
    assert page.locator("#nik").input_value() == ""
    tap_keys(page, NIK)
    assert page.locator("[data-digit-count]").inner_text().startswith("16 ")
    tap_key_action(page, "done")

    screen(page, "phone")
    tap_key_action(page, "done")  # optional: left empty
    screen(page, "kecamatan")
    tap(page.locator("button[name=kecamatan][value=Sijunjung]"))
    screen(page, "nagari")
    tap_keys(page, "MUARO")
    tap_key_action(page, "done")
    screen(page, "note")
    tap_key_action(page, "done")

    screen(page, "check")
    assert "SITI AMINAH" in page.content() and NIK in page.content()
    tap(page.locator("label[for=consent]"))

    # The network drops at Send: the screen says so and keeps the answers.
    assert page.console_errors == []
    apply_url = f"{server.url}/kiosk/apply"
    page.route(apply_url, lambda route: route.abort("connectionfailed"))
    tap(page.locator("button[name=send]"))
    failed = page.locator("[data-send-failed]")
    failed.wait_for()
    assert "Komputer kantor tidak merespons" in failed.inner_text()
    wait_until(page, "document.activeElement.hasAttribute('data-send-failed')")
    assert page.locator("#consent").is_checked()
    assert submission_count(database) == 0
    page.unroute(apply_url)
    # Chromium and htmx log the dropped request itself; nothing else may appear.
    assert all(
        "htmx:" in e or "ERR_CONNECTION_FAILED" in e for e in page.console_errors
    )
    page.console_errors.clear()
    tap(page.locator("button[name=send]"))

    screen(page, "receipt")
    assert not page.locator("[data-send-failed]").is_visible()
    wait_until(page, "window.__prints === 1")
    shown = page.locator(".confirmation-number").inner_text().strip()
    number = shown.replace("-", "")
    assert re.fullmatch(r"[0-9A-Z]{9}", number)
    qr = page.locator(".kiosk-receipt img.receipt-qr")
    assert decode_qr(qr.screenshot()) == f"{server.url}/t/{number}"
    page.wait_for_timeout(700)
    assert page.evaluate("window.__prints") == 1
    assert "SITI AMINAH" not in page.content() and NIK not in page.content()
    # Every screen replaced the last one: nothing to go back to.
    assert page.evaluate("history.length") == history_at_start

    stored = stored_submission(database, number)
    assert stored["channel"] == "kiosk" and stored["kiosk_id"] == kiosk_id
    assert (stored["applicant_name"], stored["nik"], stored["nagari"]) == (
        "SITI AMINAH",
        NIK,
        "MUARO",
    )
    assert stored["phone"] is None and stored["kecamatan"] == "Sijunjung"

    # Reloading the receipt must not print a second copy.
    page.reload()
    screen(page, "receipt")
    page.wait_for_timeout(500)
    assert page.evaluate("window.__prints") == 0

    # "Tutup", not "Selesai": that word is the status Completed.
    tap(page.get_by_role("link", name="Tutup"))
    screen(page, "start")
    tap(page.locator(".kiosk-action--status"))
    screen(page, "status")
    tap_keys(page, number.lower().upper())
    tap_key_action(page, "done")
    screen(page, "status-result")
    assert shown in page.locator(".tracking-number").inner_text()
    assert "Diterima" in page.locator(".status-tag").inner_text()
    assert "SITI AMINAH" not in page.content()
    assert page.console_errors == []


def test_phone_qr_opens_the_form_on_a_phone_and_credits_the_kiosk(
    live_server, new_page
):
    server = live_server()
    database = live_database_url(server)
    kiosk_id, token = register_kiosk(database)
    kiosk = kiosk_page(new_page)
    kiosk.goto(f"{server.url}/kiosk?k={token}")
    url = decode_qr(kiosk.locator("[data-phone-qr]").screenshot())
    # The kiosk's number with a signature, so it can't be guessed or listed.
    assert re.fullmatch(
        rf"{re.escape(server.url)}/apply\?via={kiosk_id}\.[\w-]{{12}}", url
    )

    phone = new_page(viewport=(390, 844), locale="id-ID")
    phone.goto(url)

    def page_continue():
        phone.locator("form.apply-form button[type=submit]").first.click()

    # The question pages keep the kiosk's reference in the session.
    phone.check("input[name=document_type][value=KTP]")
    page_continue()
    phone.check("input[name=ktp_reason][value=first]")
    page_continue()
    phone.check("input[name=ktp_recorded][value=yes]")
    page_continue()
    phone.fill("#applicant_name", "Rahmat Hidayat")
    phone.fill("#nik", "1303051203850417")
    page_continue()
    page_continue()  # no phone number
    phone.check("input[name=kecamatan][value=Kupitan]")
    phone.fill("#nagari", "Padang Sibusuk")
    page_continue()
    page_continue()  # no note
    phone.locator("button[data-prevent-double-submit]").click()
    number = phone.locator(".confirmation-number").inner_text().strip().replace("-", "")

    stored = stored_submission(database, number)
    assert stored["kiosk_id"] == kiosk_id
    assert stored["channel"] == "web"
