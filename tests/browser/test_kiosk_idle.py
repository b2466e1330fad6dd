"""A resident walks away: the kiosk warns, then wipes everything and starts over."""

from tests.support.kiosk import (
    PORTRAIT,
    live_database_url,
    register_kiosk,
    set_office,
    tap,
    tap_key_action,
)


def test_idle_kiosk_warns_then_wipes_and_back_shows_nothing(live_server, new_page):
    server = live_server()
    database = live_database_url(server)
    _, token = register_kiosk(database)
    set_office(database, kiosk_idle_warning_seconds=2, kiosk_idle_reset_seconds=4)
    page = new_page(viewport=PORTRAIT, locale="en-GB", has_touch=True)
    page.goto(f"{server.url}/kiosk?k={token}&lang=en")
    history_at_start = page.evaluate("history.length")

    tap(page.locator(".kiosk-action--apply"))
    tap(page.locator("button[name=document_type][value=KK]"))
    tap(page.locator("[data-continue]"))
    tap(page.locator("button[name=kk_reason][value=change]"))
    tap(page.locator("button[name=head_is_applicant][value=yes]"))
    page.locator("#applicant_name").fill("WIRYAATMADJA")
    tap_key_action(page, "done")
    page.locator("#nik").fill("130305")

    # Still there: a touch on the countdown keeps every answer.
    dialog = page.locator("dialog[data-kiosk-idle]")
    dialog.wait_for(state="visible", timeout=4000)
    assert "Are you still there?" in dialog.inner_text()
    assert "seconds left" in dialog.inner_text() or "second left" in dialog.inner_text()
    tap(dialog.get_by_role("button", name="Yes, I am still here"))
    dialog.wait_for(state="hidden")
    assert page.locator("#nik").input_value() == "130305"

    # Gone: the start screen comes back, in Indonesian, with nothing left.
    page.locator(".kiosk-screen--start").wait_for(timeout=8000)
    assert page.url == f"{server.url}/kiosk?lang=id"
    assert page.locator("html").get_attribute("lang") == "id"
    assert "WIRYAATMADJA" not in page.content() and "130305" not in page.content()
    assert page.locator("input:not([type=hidden])").count() == 0
    assert page.evaluate("history.length") == history_at_start

    page.go_back()
    page.wait_for_timeout(300)
    assert "WIRYAATMADJA" not in page.content() and "130305" not in page.content()
    values = page.evaluate(
        "Array.from(document.querySelectorAll('input, textarea')).map(e => e.value)"
    )
    assert not any("WIRYA" in v or "130305" in v for v in values)


def test_start_screen_left_in_english_quietly_returns_to_indonesian(
    live_server, new_page
):
    server = live_server()
    database = live_database_url(server)
    _, token = register_kiosk(database)
    set_office(database, kiosk_idle_warning_seconds=1, kiosk_idle_reset_seconds=2)
    page = new_page(viewport=PORTRAIT, locale="id-ID", has_touch=True)
    page.goto(f"{server.url}/kiosk?k={token}")
    tap(page.get_by_role("link", name="English"))
    page.locator("html[lang=en]").wait_for()
    page.locator("html[lang=id]").wait_for(timeout=5000)
    assert page.locator("dialog[open]").count() == 0
    assert "Selamat datang" in page.content()
