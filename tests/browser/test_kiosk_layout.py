"""Every kiosk screen at both kiosk sizes and in both languages: touch targets
of at least 48×48 px, no sideways scrolling, the way on visible without
scrolling, focus kept, no axe violations."""

import pytest

from tests.support.axe import axe_violations, format_violations
from tests.support.kiosk import (
    KIOSK_SIZES,
    NIK,
    live_database_url,
    register_kiosk,
    tap,
    tap_key_action,
)

MIN_TARGET = 48

MEASURE = """(minimum) => {
  const small = [];
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), textarea, select, [role=button]");
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;  // not rendered
    if (box.width < minimum || box.height < minimum) {
      small.push(`${el.outerHTML.slice(0, 80)} is ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  // The ways on (answers, continue, send, done) must not need scrolling.
  const below = [];
  for (const el of document.querySelectorAll(
      ".kiosk-action, .kiosk-choice, .kiosk-key--done, .kiosk-button--primary")) {
    const box = el.getBoundingClientRect();
    if (box.height > 0 && box.bottom > window.innerHeight) {
      below.push(el.textContent.trim().slice(0, 40));
    }
  }
  const root = document.documentElement;
  return {
    small,
    below,
    sideways: root.scrollWidth > root.clientWidth,
    focusLost: document.activeElement === document.body || document.activeElement === null,
  };
}"""


def kiosk_screens(page, base, token, lang):
    """Walk every kiosk screen, yielding each one's name once it is shown."""

    def shown(name):
        page.locator(f".kiosk-screen--{name}").wait_for()
        return name

    page.goto(f"{base}/kiosk?k={token}&lang={lang}")
    yield shown("start")
    tap(page.locator(".kiosk-action--apply"))
    yield shown("document_type")
    tap(page.locator("button[name=document_type][value=KK]"))
    yield shown("requirements")
    tap(page.locator("[data-continue]"))
    yield shown("kk_reason")
    tap(page.locator("button[name=kk_reason][value=change]"))
    yield shown("head_is_applicant")
    tap(page.locator("button[name=head_is_applicant][value=no]"))
    for step, value in (
        ("head_name", "Rahmat Hidayat"),
        ("head_nik", "1303051203850417"),
        ("applicant_name", "Siti Aminah"),
        ("nik", NIK),
        ("phone", ""),
    ):
        yield shown(step)
        page.locator(f"#{step}").fill(value)
        tap_key_action(page, "done")
    yield shown("kecamatan")
    tap(page.locator("button[name=kecamatan][value=Sijunjung]"))
    yield shown("nagari")
    page.locator("#nagari").fill("Muaro")
    tap_key_action(page, "done")
    yield shown("note")
    tap_key_action(page, "done")
    yield shown("check")
    tap(page.locator("button[name=change][value=language]"))
    yield shown("language")
    tap(page.locator("button[name=language][value=id]"))
    shown("check")
    tap(page.locator("button[name=send]"))
    page.locator("#consent-error").wait_for()
    yield "check with an error"
    tap(page.locator("label[for=consent]"))
    tap(page.locator("button[name=send]"))
    yield shown("receipt")
    number = page.locator(".confirmation-number").inner_text()
    tap(page.locator("a[data-kiosk-reset]"))
    shown("start")
    tap(page.locator(".kiosk-action--status"))
    yield shown("status")
    page.locator("#number").fill("ABC")
    tap_key_action(page, "done")
    page.locator("#number-error").wait_for()
    yield "status with an error"
    page.locator("#number").fill(number)
    tap_key_action(page, "done")
    yield shown("status-result")
    page.evaluate("document.querySelector('[data-kiosk-idle]').showModal()")
    yield "idle warning"


def question_screens(page, base, token, lang):
    """The documents' own screens of other kinds: a date (with an error, the
    number pad on the day box) and a person moving beside those given."""

    def shown(name):
        page.locator(f".kiosk-screen--{name}").wait_for()
        return name

    def start(document):
        page.goto(f"{base}/kiosk?k={token}&lang={lang}")
        tap(page.locator(".kiosk-action--apply"))
        tap(page.locator(f"button[name=document_type][value={document}]"))
        shown("requirements")
        tap(page.locator("[data-continue]"))

    start("AKM")
    for step, value in (("deceased_name", "Ahmad Dahlan"), ("deceased_nik", NIK)):
        shown(step)
        page.locator(f"#{step}").fill(value)
        tap_key_action(page, "done")
    yield shown("death_date")
    page.locator("#death_date-year").fill("2999")
    tap_key_action(page, "done")
    page.locator("#death_date-error").wait_for()
    yield "death_date with an error"
    start("PINDAH")
    for step in ("province", "regency", "district", "address"):
        shown(f"destination_{step}")
        page.locator(f"#destination_{step}").fill("Riau")
        tap_key_action(page, "done")
    yield shown("move_reason")
    tap(page.locator("button[name=move_reason][value=work]"))
    yield shown("member_1")
    page.locator("#member_1_name").fill("Siti Rahma")
    page.locator("#member_1_nik").fill(NIK)
    tap(page.locator("button[name=action][value=add]"))
    yield shown("member_2")
    tap(page.locator("#member_2_nik"))
    yield "member_2 typing the NIK"


def measure(page, screens):
    problems, visited = [], []
    for name in screens:
        visited.append(name)
        facts = page.evaluate(MEASURE, MIN_TARGET)
        if facts["small"]:
            problems.append(f"{name}: targets under {MIN_TARGET} px: {facts['small']}")
        if facts["below"]:
            problems.append(f"{name}: below the fold: {facts['below']}")
        if facts["sideways"]:
            problems.append(f"{name}: scrolls sideways")
        if facts["focusLost"]:
            problems.append(f"{name}: focus dropped to <body>")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}: axe:\n{format_violations(violations)}")
    return visited, problems


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", sorted(KIOSK_SIZES))
def test_document_question_screens_fit_with_big_targets(
    live_server, new_page, size, lang
):
    server = live_server()
    _, token = register_kiosk(live_database_url(server))
    page = new_page(viewport=KIOSK_SIZES[size], locale="id-ID", has_touch=True)
    visited, problems = measure(page, question_screens(page, server.url, token, lang))
    assert len(visited) == 6
    # One keyboard at a time: the one for the box being typed in.
    assert page.locator("[data-keyboard-for]:visible").count() == 1
    assert page.locator("[data-keyboard-for=member_2_nik]").is_visible()
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("size", sorted(KIOSK_SIZES))
def test_every_kiosk_screen_fits_the_screen_with_big_targets(
    live_server, new_page, size, lang
):
    server = live_server()
    _, token = register_kiosk(live_database_url(server))
    page = new_page(viewport=KIOSK_SIZES[size], locale="id-ID", has_touch=True)
    problems = []
    visited = []
    for name in kiosk_screens(page, server.url, token, lang):
        visited.append(name)
        facts = page.evaluate(MEASURE, MIN_TARGET)
        if facts["small"]:
            problems.append(f"{name}: targets under {MIN_TARGET} px: {facts['small']}")
        if facts["below"]:
            problems.append(f"{name}: below the fold: {facts['below']}")
        if facts["sideways"]:
            problems.append(f"{name}: scrolls sideways")
        if facts["focusLost"]:
            problems.append(f"{name}: focus dropped to <body>")
        violations = axe_violations(page)
        if violations:
            problems.append(f"{name}: axe:\n{format_violations(violations)}")
    assert len(visited) == 21
    assert not problems, "\n".join(problems)
