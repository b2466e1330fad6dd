"""The page catalogue: every GET page of the app in each state a test shows it in.

It maps every GET rule of the app's url_map to the states a test shows that
page in (empty, with errors, after an htmx swap ...), so that a new page
without a sample fails tests/browser/test_accessibility.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tests.support.apply_pages import (
    CONTINUE,
    answer_applicant_pages,
    continue_to,
)
from tests.support.factories import form_data
from tests.support.kiosk import NIK

from .checks import with_lang
from .servers import ADMIN, PASSWORD, STATUSES


@dataclass
class State:
    """One way a page can look, reached by ``show(page, site, lang)``.

    audience: "public" (a plain browser), "kiosk" (a registered kiosk's
    browser) or "staff" (a signed-in admin). swapped: the state is reached by an
    htmx swap, after which focus must not be left on <body>.
    """

    name: str
    audience: str
    show: object
    swapped: bool = False


def _goto(path, status=200):
    def show(page, site, lang):
        address = path(site)
        response = page.goto(site.url + with_lang(address, lang))
        assert response.status == status, f"{address}: HTTP {response.status}"

    return show


def _submit_stale(path, form, field, value):
    """An edit form changed and sent after someone else saved (its fingerprint
    no longer matches): the page that says so."""

    def show(page, site, lang):
        page.goto(site.url + with_lang(path, lang))
        page.evaluate("document.querySelector('#loaded').value = 'saved-since'")
        page.fill(field, value)
        page.locator(f"{form} button[type=submit]").last.click()
        page.locator("#edit-conflict-title").wait_for()

    return show


def _submit_empty(path, form, wait="#error-summary"):
    """A form sent without answers: the page with its error summary."""

    def show(page, site, lang):
        page.goto(site.url + with_lang(path, lang))
        page.locator(f"{form} button[type=submit]").last.click()
        page.locator(wait).wait_for()

    return show


def _apply_swapped(page, site, lang):
    """Requirements swapped in by htmx when a document is chosen."""
    page.goto(site.url + with_lang("/apply", lang))
    page.locator("input[name=document_type][value=KK]").check()
    page.locator("#document-type-requirements").wait_for()


def _apply_page(code, path, wait=None, submit=False):
    """A question page of a document, reached by choosing it first; sent
    empty when `submit` (its error summary)."""

    def show(page, site, lang):
        page.goto(site.url + with_lang("/apply", lang))
        page.locator(f"input[name=document_type][value={code}]").check()
        continue_to(page, r"/apply/\w+")
        page.goto(site.url + with_lang(path, lang))
        if submit:
            page.locator(CONTINUE).click()
            page.locator("#error-summary").wait_for()
        if wait:
            wait(page)

    return show


def _nik_error_in_place(page):
    page.locator("#nik").fill("12345")
    page.locator("#applicant_name").focus()  # leaving the field checks it in place
    page.locator("#nik-error").wait_for()


def _apply_check(page, site, lang):
    """Check your answers of a relocation letter: people moving as a list."""
    page.goto(site.url + with_lang("/apply", lang))
    page.locator("input[name=document_type][value=PINDAH]").check()
    continue_to(page, "/apply/move_destination")
    for name, value in (
        ("destination_province", "Riau"),
        ("destination_regency", "Kota Pekanbaru"),
        ("destination_district", "Sail"),
        ("destination_address", "Jl. Sudirman No. 10"),
    ):
        page.locator(f"#{name}").fill(value)
    continue_to(page, "/apply/move_reason")
    page.locator("input[name=move_reason][value=work]").check()
    continue_to(page, "/apply/move_members")
    page.locator("#member_1_name").fill("Siti Rahma")
    page.locator("#member_1_nik").fill(form_data()["nik"])
    continue_to(page, "/apply/applicant")
    answer_applicant_pages(page, notify="whatsapp")


def _messages_wrong(page, site, lang):
    """The message settings sent with a sender name and times that will not do."""
    page.goto(site.url + with_lang("/staff/admin/messages", lang))
    page.fill("#sender_name", "")
    page.fill("#quiet_start", "25:00")
    page.locator("form[action='/staff/admin/messages'] button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _collection_booked(page, site, lang):
    """The ready request books the first free time: its slip."""
    page.goto(site.url + with_lang(f"/t/{site.numbers['ready']}/collect", lang))
    page.locator("input[name=slot]:not([disabled])").first.check()
    page.locator(".collect-form button[type=submit]").click()
    page.locator(".collect-slip").wait_for()


def _collection_handover(page, site, lang):
    """The clerk's handover form for the ready request's booked time."""
    _collection_booked(page, site, lang)
    page.goto(site.url + with_lang(f"/t/{site.numbers['ready']}/collect", lang))
    day = page.locator("input[name=slot]:checked").get_attribute("value")[:10]
    page.goto(site.url + with_lang(f"/staff/collections?day={day}", lang))
    page.locator("a[href*='/collected']").first.click()
    page.locator("#collector_name").wait_for()


def _rate_limited(page, site, lang):
    """The 429 page, from the second server whose lookups are limited to 1 a minute."""
    for _ in range(3):
        response = page.goto(f"{site.limited.url}/t/{site.unknown}?lang={lang}")
        if response.status == 429:
            return
    raise AssertionError(f"no 429 from the limited server: HTTP {response.status}")


def _staff_login_refused(page, site, lang):
    page.goto(site.url + with_lang("/staff/login", lang))
    page.locator("#username").fill("nobody")
    page.locator("#password").fill("not the password")
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.locator("#error-summary").wait_for()


# An account with two-step sign-in on, made through the pages on first use
# (the seeded admin and clerk sign in with a password alone).
TWO_STEP_USER = "a11y-two-step"
_START_SETUP = "form[action='/staff/account/second-factor'] button"
_CONFIRM_SETUP = "form[action='/staff/account/second-factor/confirm'] button"


def _forget_session(page):
    """Drop the browser's cookies for good. A request still under way when
    they are cleared (the browser's own fetch of the favicon, answered by an
    error page that refreshes the session) would set the session cookie again:
    leave the page, let such answers arrive, and clear until none is left."""
    page.goto("about:blank")
    for _ in range(10):
        page.context.clear_cookies()
        page.wait_for_timeout(200)
        if not page.context.cookies():
            return
    raise AssertionError(f"cookies keep coming back: {page.context.cookies()}")


def _password_step(page, site, lang, username):
    page.goto(site.url + with_lang("/staff/login", lang))
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    # Wait for the answer itself ("load" of the page before it passes at once).
    with page.expect_navigation():
        page.locator("form[action='/staff/login'] button[type=submit]").click()


def _staff_code_step(page, site, lang):
    """The sign-in's code step, for an account with two-step sign-in on."""
    import pyotp

    _password_step(page, site, lang, TWO_STEP_USER)
    if "/staff/login/code" in page.url:
        return
    if "/staff/login" in page.url:  # no such account yet: the admin adds it
        _password_step(page, site, lang, ADMIN)
        page.goto(site.url + "/staff/admin/staff")
        page.locator("#username").fill(TWO_STEP_USER)
        page.locator("#display_name").fill("Dua Langkah")
        page.locator("#password").fill(PASSWORD)
        page.locator("#password_again").fill(PASSWORD)
        # The answer to the POST must have arrived before the cookies are
        # cleared: a session cookie it sets later would sign the admin back in.
        with page.expect_navigation():
            page.locator(
                "form[action='/staff/admin/staff'] button[type=submit]"
            ).click()
        _forget_session(page)  # signing out would end the admin's sessions
        _password_step(page, site, lang, TWO_STEP_USER)
    page.goto(site.url + "/staff/account")
    page.locator("#factor-password").fill(PASSWORD)
    page.locator(_START_SETUP).click()
    key = page.locator("code").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(key).now())
    page.locator(_CONFIRM_SETUP).click()
    page.wait_for_url(re.compile(r"/staff/account$"))
    _forget_session(page)
    _password_step(page, site, lang, TWO_STEP_USER)
    page.wait_for_url(re.compile(r"/staff/login/code"))


def _second_factor_setup(wrong_code=False):
    """The admin begins setting up two-step sign-in (never confirmed, so the
    admin still signs in with the password alone)."""

    def show(page, site, lang):
        page.goto(site.url + with_lang("/staff/account", lang))
        page.locator("#factor-password").fill(PASSWORD)
        page.locator(_START_SETUP).click()
        page.locator("#code").wait_for()
        if wrong_code:
            page.locator("#code").fill("000000")
            page.locator(_CONFIRM_SETUP).click()
            page.locator("#error-summary").wait_for()

    return show


def _staff_move_refused(page, site, lang):
    page.goto(site.url + with_lang(f"/staff/s/{site.numbers['submitted']}", lang))
    page.locator("button[name=target][value=rejected]").click()  # no reason given
    page.locator("#move-error").wait_for()


def _staff_moved(page, site, lang):
    page.goto(site.url + with_lang(f"/staff/s/{site.movable.pop()}", lang))
    page.locator("#public_note").fill("Berkas sedang diperiksa.")
    page.locator("button[name=target][value=verifying]").click()
    page.locator(".banner--success").wait_for()


def _staff_scan_error(page, site, lang):
    page.goto(site.url + with_lang("/staff", lang))
    page.locator("#scan").fill(site.typo)
    page.keyboard.press("Enter")
    page.locator("#scan-error").wait_for()


def _staff_queue_filtered(page, site, lang):
    page.goto(site.url + with_lang("/staff", lang))
    page.locator("details.filters-more > summary").click()
    page.select_option("#channel", "sms")
    page.wait_for_url(re.compile(r"channel=sms"))


def _staff_bulk(target):
    def show(page, site, lang):
        page.goto(site.url + with_lang(f"/staff?q={site.movable.pop()}", lang))
        page.locator("[data-select-row]").first.check()
        page.locator(f"input[name=target][value={target}]").check()
        page.locator(".bulk button[type=submit]").click()
        page.locator("#bulk-result-heading, #bulk-errors").first.wait_for()

    return show


# The kiosk apply flow as one walk: each state continues from the one before
# when the page is still there, so running them in order walks the flow once.
def _kiosk_type(page, step, value):
    page.locator(f".kiosk-screen--{step}").wait_for()
    page.locator(f"#{step}").fill(value)
    _kiosk_done(page)


def _kiosk_done(page):
    """The on-screen keyboard's done key, or the page's own continue button."""
    done = page.locator("[data-keyboard-for]:visible [data-action=done]")
    if done.count():
        done.click()
    else:
        page.locator("[data-continue]").click()


def _tap(selector):
    return lambda page: page.locator(selector).click()


def _wait(selector):
    return lambda page: page.locator(selector).wait_for()


def _type(step, value):
    return lambda page: _kiosk_type(page, step, value)


def _send_unanswered(page):
    """Send while the network is down: the screen says the office did not answer."""
    apply_url = "**/kiosk/apply"
    page.route(apply_url, lambda route: route.abort("connectionfailed"))
    page.locator("button[name=send]").click()
    page.locator("[data-send-failed]:not([hidden])").wait_for()
    page.unroute(apply_url)


KIOSK_WALK = [
    # (state, what shows it, the steps from the state before)
    ("start", ".kiosk-screen--start", ()),
    ("document_type", ".kiosk-screen--document_type", (_tap(".kiosk-action--apply"),)),
    ("requirements", ".kiosk-screen--requirements",
     (_tap("button[name=document_type][value=KK]"),)),
    # The family card's own questions, for a family whose head is not the
    # applicant: choices, then a name and a NIK on their keyboards.
    ("kk_reason", ".kiosk-screen--kk_reason", (_tap("[data-continue]"),)),
    ("head_is_applicant", ".kiosk-screen--head_is_applicant",
     (_tap("button[name=kk_reason][value=change]"),)),
    ("head_name", ".kiosk-screen--head_name",
     (_tap("button[name=head_is_applicant][value=no]"),)),
    ("head_nik with an error", ".kiosk-screen--head_nik #head_nik-error",
     (_type("head_name", "Rahmat Hidayat"), _type("head_nik", "123"))),
    ("applicant_name", ".kiosk-screen--applicant_name",
     (_type("head_nik", "1303051203850417"),)),
    ("nik with an error", ".kiosk-screen--nik #nik-error",
     (_type("applicant_name", "Siti Aminah"), _type("nik", "123"))),
    ("phone", ".kiosk-screen--phone", (_type("nik", NIK),)),
    ("notify", ".kiosk-screen--notify", (_type("phone", ""),)),
    ("kecamatan", ".kiosk-screen--kecamatan",
     (_tap("button[name=notify][value=none]"),)),
    ("nagari", ".kiosk-screen--nagari",
     (_tap("button[name=kecamatan][value=Sijunjung]"),)),
    ("note", ".kiosk-screen--note", (_type("nagari", "Muaro"),)),
    ("check", ".kiosk-screen--check", (_kiosk_done,)),
    ("language", ".kiosk-screen--language",
     (_tap("button[name=change][value=language]"),)),
    ("check with an error", ".kiosk-screen--check #consent-error",
     (_tap("button[name=language][value=id]"), _wait(".kiosk-screen--check"),
      _tap("button[name=send]"))),
    ("no answer from the server", "[data-send-failed]:not([hidden])",
     (_tap("label[for=consent]"), _send_unanswered)),
    ("receipt", ".kiosk-screen--receipt", (_tap("button[name=send]"),)),
    ("idle warning", "dialog[data-kiosk-idle][open]",
     (lambda p: p.evaluate("document.querySelector('[data-kiosk-idle]').showModal()"),)),
]  # fmt: skip
KIOSK_STEPS = [name for name, _, _ in KIOSK_WALK]


def _kiosk(until):
    def show(page, site, lang):
        index = KIOSK_STEPS.index(until)
        start = index
        if index == 0 or not page.locator(KIOSK_WALK[index - 1][1]).count():
            page.goto(f"{site.url}/kiosk?lang={lang}")
            start = 1
        for _, shown, steps in KIOSK_WALK[start : index + 1]:
            for step in steps:
                step(page)
            page.locator(shown).first.wait_for()
        page.locator(KIOSK_WALK[index][1]).first.wait_for()

    return show


def _kiosk_status(number_of=None):
    def show(page, site, lang):
        page.goto(f"{site.url}/kiosk/status?lang={lang}")
        page.locator(".kiosk-screen--status").wait_for()
        if number_of is not None:
            page.locator("#number").fill(number_of(site))
            _kiosk_done(page)
            page.locator("#number-error, .kiosk-screen--status-result").first.wait_for()

    return show


def _kiosk_check_in_not_ready(page, site, lang):
    """A collection ticket asked for a request still being checked."""
    page.goto(f"{site.url}/kiosk/check-in?lang={lang}")
    page.locator("#number").fill(site.numbers["verifying"])
    _kiosk_done(page)
    page.locator("#number-error").wait_for()


def _counters_error(page, site, lang):
    """The no-show time sent empty: the counters page with its error."""
    page.goto(site.url + with_lang("/staff/admin/counters", lang))
    page.locator("#wait-no_show_minutes").fill("")
    page.locator("form[action='/staff/admin/counters/no-show'] button").click()
    page.locator("#error-summary").wait_for()


def _collect(status):
    return lambda site: f"/t/{site.numbers[status]}/collect"


def _collection_empty(page, site, lang):
    page.goto(site.url + with_lang(_collect("ready")(site), lang))
    page.evaluate(
        "document.querySelectorAll('input[name=slot]')"
        ".forEach(function (i) { i.checked = false; })"
    )
    page.locator(".collect-form button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _collection_handover_empty(page, site, lang):
    _collection_handover(page, site, lang)
    page.fill("#collector_name", "")
    page.locator("form[action*='/collected'] button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _collection_hours_wrong(page, site, lang):
    page.goto(site.url + with_lang("/staff/admin/collection", lang))
    page.fill("#closes_0", "07:00")
    page.locator("form[action='/staff/admin/collection'] button[type=submit]").click()
    page.locator("#error-summary").wait_for()


def _apply_papers(refused=False):
    """The papers page of an application; with `refused`, an SVG sent with
    htmx and refused in place."""

    def show(page, site, lang):
        _apply_check(page, site, lang)
        page.goto(site.url + with_lang("/apply/papers", lang))
        if refused:
            first = page.locator("#requirement-1")
            first.locator("input[name=files]").set_input_files(
                {"name": "a.svg", "mimeType": "image/svg+xml", "buffer": b"<svg/>"}
            )
            first.locator(".paper-form button[type=submit]").click()
            page.locator("#requirement-1 .field-error").wait_for()

    return show


def _tracking_papers(status):
    return lambda site: f"/t/{site.numbers[status]}/papers"


def _tracking(status):
    return lambda site: f"/t/{site.numbers[status]}"


def catalogue():
    """URL rule -> the states that show its page. Every GET page rule is here."""
    public, kiosk, staff = "public", "kiosk", "staff"
    return {
        "/": [State("home", public, _goto(lambda s: "/"))],
        "/track": [
            State("lookup: typo", public, _goto(lambda s: f"/track?number={s.typo}", 400)),
            State("lookup: not a number", public, _goto(lambda s: "/track?number=halo", 400)),
        ],
        "/apply": [
            State("apply", public, _goto(lambda s: "/apply")),
            State("apply: errors", public, _submit_empty("/apply", ".apply-form")),
            State("apply: requirements swapped in", public, _apply_swapped,
                  swapped=True),
        ],
        "/apply/<page>": [
            State("apply: the child, with errors", public,
                  _apply_page("AKL", "/apply/birth_child", submit=True)),
            State("apply: people moving", public,
                  _apply_page("PINDAH", "/apply/move_members")),
            State("apply: a NIK error in place", public,
                  _apply_page("KK", "/apply/applicant", wait=_nik_error_in_place),
                  swapped=True),
        ],
        "/apply/check": [
            State("apply: check your answers", public, _apply_check),
        ],
        "/apply/papers": [
            State("apply: papers", public, _apply_papers()),
            State("apply: a file refused in place", public,
                  _apply_papers(refused=True), swapped=True),
        ],
        "/t/<number>/papers": [
            State("tracking: send papers", public,
                  _goto(_tracking_papers("needs_info"))),
            State("tracking: papers not awaited", public,
                  _goto(_tracking_papers("processing"))),
        ],
        "/t/<number>": [
            *[
                State(f"tracking: {status}", public, _goto(_tracking(status)))
                for status in STATUSES
            ],
            State("tracking: unknown number", public,
                  _goto(lambda s: f"/t/{s.unknown}", 404)),
            State("tracking: typo", public, _goto(lambda s: f"/t/{s.typo}", 400)),
        ],
        "/t/<number>/collect": [
            State("collection: choose a time", public, _goto(_collect("ready"))),
            State("collection: no time chosen", public, _collection_empty),
            State("collection: not ready", public, _goto(_collect("processing"), 409)),
        ],
        "/t/<number>/collect/slip": [
            State("collection: slip", public, _collection_booked),
        ],
        "/t/<number>/receipt": [
            State("receipt: just sent", public,
                  _goto(lambda s: f"/t/{s.numbers['submitted']}/receipt?new=1")),
            State("receipt: 80 mm paper", public,
                  _goto(lambda s: f"/t/{s.numbers['ready']}/receipt?paper=80")),
        ],
        "/stats": [State("statistics", public, _goto(lambda s: "/stats"))],
        # Not rules: an unknown address, and too many lookups.
        "404": [State("404", public, _goto(lambda s: "/no-such-page", 404))],
        "429": [State("429", public, _rate_limited)],
        "/kiosk": [
            State("kiosk: browser not registered", public, _goto(lambda s: "/kiosk", 403)),
            State("kiosk: start", kiosk, _kiosk("start")),
        ],
        "/kiosk/apply": [
            State(f"kiosk: {step}", kiosk, _kiosk(step), swapped=True)
            for step in KIOSK_STEPS[1 : KIOSK_STEPS.index("receipt")]
        ],
        "/kiosk/receipt/<number>": [
            State("kiosk: receipt", kiosk, _kiosk("receipt"), swapped=True),
            # The idle warning can open on any kiosk screen; here, the receipt.
            State("kiosk: idle warning", kiosk, _kiosk("idle warning"), swapped=True),
            State("kiosk: receipt of an unknown number", kiosk,
                  _goto(lambda s: f"/kiosk/receipt/{s.unknown}", 404)),
        ],
        "/kiosk/status": [
            State("kiosk: status", kiosk, _kiosk_status()),
            State("kiosk: status, typo", kiosk,
                  _kiosk_status(lambda s: s.typo), swapped=True),
            State("kiosk: status, unknown number", kiosk,
                  _kiosk_status(lambda s: s.unknown), swapped=True),
            State("kiosk: status result", kiosk,
                  _kiosk_status(lambda s: s.numbers["needs_info"]), swapped=True),
        ],
        "/display": [State("waiting-room screen", public, _goto(lambda s: "/display"))],
        "/q/<token>": [
            State("queue ticket page", public, _goto(lambda s: f"/q/{s.ticket_token}")),
        ],
        "/kiosk/check-in": [
            State("kiosk: check-in", kiosk, _goto(lambda s: "/kiosk/check-in")),
            State("kiosk: check-in, not ready", kiosk, _kiosk_check_in_not_ready),
        ],
        "/kiosk/ticket/<token>": [
            State("kiosk: queue ticket", kiosk,
                  _goto(lambda s: f"/kiosk/ticket/{s.ticket_token}")),
        ],
        "/staff/check-in": [
            State("staff: check-in", staff, _goto(lambda s: "/staff/check-in")),
        ],
        "/staff/calls": [
            State("staff: calls", staff, _goto(lambda s: "/staff/calls?counter=1")),
        ],
        "/staff/admin/counters": [
            State("admin: counters", staff, _goto(lambda s: "/staff/admin/counters")),
            State("admin: counters, errors", staff, _counters_error),
        ],
        "/staff/login": [
            State("staff: sign-in", public, _goto(lambda s: "/staff/login")),
            State("staff: sign-in refused", public, _staff_login_refused),
        ],
        "/staff/login/code": [
            State("staff: sign-in, code step", public, _staff_code_step),
        ],
        "/staff/account": [
            State("staff: own account", staff, _goto(lambda s: "/staff/account")),
            State("staff: own account, errors", staff,
                  _submit_empty("/staff/account",
                                "form[action='/staff/account/password']")),
        ],
        "/staff/account/second-factor": [
            State("staff: set up two-step sign-in", staff, _second_factor_setup()),
            State("staff: set up two-step sign-in, wrong code", staff,
                  _second_factor_setup(wrong_code=True)),
        ],
        "/staff": [
            State("staff: queue", staff, _goto(lambda s: "/staff")),
            State("staff: queue filtered in place", staff, _staff_queue_filtered,
                  swapped=True),
            State("staff: scan error in place", staff, _staff_scan_error, swapped=True),
            State("staff: bulk change refused", staff, _staff_bulk("rejected"),
                  swapped=True),
            State("staff: bulk change done", staff, _staff_bulk("verifying"),
                  swapped=True),
        ],
        "/staff/scan": [
            State("staff: scan page, typo", staff,
                  _goto(lambda s: f"/staff/scan?number={s.typo}", 400)),
        ],
        "/staff/s/<number>": [
            State("staff: request", staff,
                  _goto(lambda s: f"/staff/s/{s.numbers['needs_info']}")),
            State("staff: finished request", staff,
                  _goto(lambda s: f"/staff/s/{s.numbers['completed']}")),
            State("staff: unknown request", staff,
                  _goto(lambda s: f"/staff/s/{s.unknown}", 404)),
            State("staff: move refused in place", staff, _staff_move_refused,
                  swapped=True),
            State("staff: moved in place", staff, _staff_moved, swapped=True),
        ],
        "/staff/today": [State("staff: today", staff, _goto(lambda s: "/staff/today"))],
        "/staff/collections": [
            State("staff: collections", staff, _goto(lambda s: "/staff/collections")),
        ],
        "/staff/collections/<int:booking_id>/collected": [
            State("staff: hand over", staff, _collection_handover),
            State("staff: hand over, errors", staff, _collection_handover_empty),
        ],
        "/staff/new": [
            State("staff: record a request", staff, _goto(lambda s: "/staff/new")),
            State("staff: record a request, errors", staff,
                  _submit_empty("/staff/new", ".intake-form")),
        ],
        "/staff/new/<number>": [
            State("staff: request recorded", staff,
                  _goto(lambda s: f"/staff/new/{s.recorded}")),
        ],
        "/staff/admin": [State("admin", staff, _goto(lambda s: "/staff/admin"))],
        "/staff/admin/staff": [
            State("admin: staff", staff, _goto(lambda s: "/staff/admin/staff")),
            State("admin: staff, errors", staff,
                  _submit_empty("/staff/admin/staff", "form[action='/staff/admin/staff']")),
        ],
        "/staff/admin/staff/<int:member_id>": [
            State("admin: staff member", staff,
                  _goto(lambda s: f"/staff/admin/staff/{s.admin_id}")),
        ],
        "/staff/admin/types": [
            State("admin: document types", staff, _goto(lambda s: "/staff/admin/types")),
        ],
        "/staff/admin/types/<int:type_id>": [
            State("admin: document type", staff,
                  _goto(lambda s: f"/staff/admin/types/{s.type_id}")),
        ],
        "/staff/admin/types/new": [
            State("admin: new document type", staff,
                  _goto(lambda s: "/staff/admin/types/new")),
            State("admin: new document type, errors", staff,
                  _submit_empty("/staff/admin/types/new",
                                "form[action='/staff/admin/types/new']")),
        ],
        "/staff/admin/office": [
            State("admin: office", staff, _goto(lambda s: "/staff/admin/office")),
            State("admin: office, saved meanwhile", staff,
                  _submit_stale("/staff/admin/office", "form[action='/staff/admin/office']",
                                "#phone", "0754 000 111")),
        ],
        "/staff/admin/kiosks": [
            State("admin: kiosks", staff, _goto(lambda s: "/staff/admin/kiosks")),
            State("admin: kiosks, errors", staff,
                  _submit_empty("/staff/admin/kiosks",
                                "form[action='/staff/admin/kiosks']")),
        ],
        "/staff/admin/collection": [
            State("admin: collection hours", staff,
                  _goto(lambda s: "/staff/admin/collection")),
            State("admin: collection hours, errors", staff, _collection_hours_wrong),
        ],
        "/staff/admin/calendar": [
            State("admin: working days", staff, _goto(lambda s: "/staff/admin/calendar")),
            State("admin: working days, errors", staff,
                  _submit_empty("/staff/admin/calendar",
                                "form[action='/staff/admin/calendar']")),
        ],
        "/staff/admin/messages": [
            State("admin: messages", staff, _goto(lambda s: "/staff/admin/messages")),
            State("admin: messages, errors", staff, _messages_wrong),
        ],
        "/lost-number": [
            State("lost number", public, _goto(lambda s: "/lost-number")),
            State("lost number: errors", public,
                  _submit_empty("/lost-number", "form[action='/lost-number']")),
        ],
        "/lost-number/sent": [
            State("lost number: sent", public, _goto(lambda s: "/lost-number/sent")),
        ],
        "/staff/admin/report": [
            State("admin: monthly report", staff, _goto(lambda s: "/staff/admin/report")),
        ],
        "/staff/admin/audit": [
            State("admin: audit trail", staff, _goto(lambda s: "/staff/admin/audit")),
        ],
        "/staff/admin/security": [
            State("admin: security log", staff,
                  _goto(lambda s: "/staff/admin/security")),
        ],
    }  # fmt: skip


def states_for(audience):
    """Every state of `audience`, in catalogue order (the kiosk walk's order)."""
    return [
        state
        for states in catalogue().values()
        for state in states
        if state.audience == audience
    ]
