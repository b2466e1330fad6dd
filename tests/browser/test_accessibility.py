"""WCAG 2.2 AA on every page, in every state, at phone, kiosk and desktop sizes.

Headless Chromium against the real server (waitress), axe-core from the npm
registry. The pages come from the app's url_map: a GET route without a sample
state in tests/support/a11y/catalogue.py fails the first test. Each page
state is shown once per language and checked at the three sizes by resizing
the window, which keeps the run short; the server and its data are shared by
the whole module.
"""

import time

import pytest

from tests.support import a11y
from tests.support.a11y import LANGS, SIZES
from tests.support.apply_pages import continue_to

# Slow (minutes): `-m "not slow"` leaves it out. Its own xdist group keeps every
# test of the module on one worker, so the module's servers start only once.
pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("accessibility")]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One seeded server (and a second one whose lookups are limited) for the module."""
    site = a11y.make_site(tmp_path_factory.mktemp("a11y"))
    yield site
    site.stop()


def test_every_page_route_has_sample_states(site):
    catalogue = a11y.catalogue()
    pages = a11y.get_page_rules(site)
    missing = sorted(pages - catalogue.keys())
    assert not missing, (
        "GET routes with no sample state: add them to catalogue() in "
        "tests/support/a11y/catalogue.py (or to NOT_PAGES in servers.py if they "
        f"are not HTML): {missing}"
    )
    stale = sorted(catalogue.keys() - pages - {"404", "429"})
    assert not stale, f"catalogue() lists routes the app no longer has: {stale}"
    audiences = {state.audience for states in catalogue.values() for state in states}
    assert audiences == {"public", "kiosk", "staff"}


ERROR_PREFIX = {"id": "Kesalahan:", "en": "Error:"}


def _check_state(page, state, lang):
    """Every check for the page as it is now; returns a list of problems."""
    problems = []
    # A state reached by sending a form is checked once its new page has
    # loaded: before that, its stylesheets may not apply yet.
    page.wait_for_load_state("load")
    html_lang = page.evaluate("document.documentElement.lang")
    if html_lang != lang:
        problems.append(f"<html lang> is {html_lang!r}")
    if (
        not state.swapped
        and page.locator(".error-summary, [aria-invalid=true]").count()
    ):
        # GOV.UK: a page shown again with errors says so first in its title.
        title = page.title()
        if not title.startswith(ERROR_PREFIX[lang]):
            problems.append(f"errors on the page, but the title is {title!r}")
    if state.swapped:
        a11y.wait_for_htmx(page)
        if "body" in a11y.focus_after_swaps(page):
            problems.append("focus on <body> just after an htmx swap")
        if a11y.swaps_not_live(page):
            problems.append("new content ignores input for a while after an htmx swap")
        if a11y.focus_on_body(page):
            problems.append("focus left on <body> after the update")
    else:
        a11y.focus_after_swaps(page)  # forget swaps made on the way here
        a11y.swaps_not_live(page)
    checked_media = set()
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        media = a11y.media_matches(page)
        rules = a11y.GEOMETRY_RULES if media in checked_media else None
        checked_media.add(media)
        problems += [f"{size}: axe: {p}" for p in a11y.axe_problems(page, rules=rules)]
        if state.audience == "kiosk" and size == "kiosk":
            # The kiosk's text is held to AAA contrast, 7:1 (4.5:1 for large text).
            enhanced = a11y.axe_problems(page, rules=["color-contrast-enhanced"])
            problems += [f"{size}: AAA contrast: {p}" for p in enhanced]
            targets = a11y.kiosk_target_problems(page)
            problems += [f"{size}: target: {p}" for p in targets]
        if state.audience == "public" and size == "phone":
            problems += [f"{size}: {p}" for p in a11y.text_zoom_problems(page)]
    # Last, since moving the focus around may close the kiosk's idle warning.
    problems += [f"focus: {p}" for p in a11y.focus_problems(page)]
    problems += [f"reduced motion: {p}" for p in a11y.motion_problems(page)]
    problems += [f"colour alone: {p}" for p in a11y.colour_alone_problems(page)]
    return problems


def _visible_text(page, limit=600):
    """The start of what the page shows, to explain a state that failed."""
    try:
        return page.locator("body").inner_text(timeout=2000)[:limit]
    except Exception as error:  # the page itself may be what broke
        return f"(unreadable: {error})"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("audience", ["public", "kiosk", "staff"])
def test_every_page_state_meets_wcag_2_2_aa(site, browser, audience, lang):
    """axe (A and AA of WCAG 2.0, 2.1, 2.2) at three sizes; AAA contrast and
    48 px targets on the kiosk; 200 % text without sideways scrolling on a
    phone; visible focus; no motion when reduced motion is asked for; status
    and errors in words, not colour alone; focus kept after htmx updates."""
    context = a11y.open_context(browser, "desktop", lang)
    try:
        page = a11y.prepare(context, audience, site, lang)
        report, checked, started = [], 0, time.monotonic()
        for state in a11y.states_for(audience):
            try:
                state.show(page, site, lang)
            except Exception as error:
                raise AssertionError(
                    f"could not show {state.name!r}: {error}\n"
                    f"the browser was at {page.url}, showing:\n"
                    f"{_visible_text(page)}\n"
                    f"server log:\n{site.log_tail()}"
                ) from error
            found = _check_state(page, state, lang)
            page.set_viewport_size(dict(zip(("width", "height"), SIZES["desktop"])))
            report += [f"[{state.name}] {p}" for p in found]
            checked += 1
        print(f"{checked} {audience} states in {time.monotonic() - started:.1f} s")
        assert checked >= 10
        assert not report, "\n".join(report)
    finally:
        context.close()


# -- forms (the GOV.UK pattern) and in-place updates, on /apply -------------------

FORM_FACTS = r"""() => {
  const form = document.querySelector('form.apply-form');
  const problems = [];
  const controls = form.querySelectorAll('input:not([type=hidden]), select, textarea');
  for (const control of controls) {
    const label = [...control.labels].map((l) => l.textContent.trim()).join(' ');
    if (!label) problems.push(`${control.id || control.name}: no label`);
    if (control.type === 'radio' && !control.closest('fieldset')?.querySelector('legend')?.textContent.trim())
      problems.push(`${control.id}: radio outside a fieldset with a legend`);
  }
  for (const hint of form.querySelectorAll('.hint')) {
    const field = hint.closest('.field');
    const described = field.querySelector(`[aria-describedby~="${hint.id}"]`);
    if (!hint.id || !described) problems.push(`hint not tied to its field: ${hint.textContent.trim()}`);
  }
  return { problems, controls: controls.length };
}"""

ERROR_FACTS = r"""() => {
  const summary = document.getElementById('error-summary');
  const main = document.getElementById('main');
  const links = [...summary.querySelectorAll('a')].map((a) => ({
    href: a.getAttribute('href'), text: a.textContent.trim() }));
  const fields = [...document.querySelectorAll('.field--error')].map((field) => {
    const error = field.querySelector('.field-error');
    const control = field.querySelector('input:not([type=hidden]), select, textarea');
    // A group of choices or a date's three boxes is described as a whole.
    const grouped = control.type === 'radio' || control.closest('.date-input');
    const holder = grouped ? control.closest('fieldset') : control;
    return {
      id: control.id,
      error: error.id,
      text: error.textContent.replace('Error:', '').trim(),
      describedBy: holder.getAttribute('aria-describedby') || '',
      invalid: control.getAttribute('aria-invalid'),
    };
  });
  return {
    first: main.firstElementChild === summary,
    role: summary.getAttribute('role'),
    focused: document.activeElement === summary,
    title: document.title,
    links, fields,
  };
}"""


@pytest.mark.parametrize("lang", LANGS)
def test_apply_form_follows_the_govuk_pattern(site, browser, lang):
    context = a11y.open_context(browser, "phone", lang)
    try:
        page = context.new_page()
        page.goto(f"{site.url}/apply?lang={lang}")
        facts = page.evaluate(FORM_FACTS)
        assert facts["controls"] >= 6  # a radio for each document
        assert not facts["problems"], facts["problems"]
        page.locator("input[name=document_type][value=AKL]").check()
        continue_to(page, "/apply/birth_child")
        facts = page.evaluate(FORM_FACTS)
        assert facts["controls"] >= 8  # name, sex, the date's boxes, place, order
        assert not facts["problems"], facts["problems"]

        page.locator(".apply-form button[type=submit]").click()
        page.locator("#error-summary").wait_for()
        # site.js (deferred) moves the focus once the page has loaded.
        page.wait_for_load_state("load")
        try:
            a11y.wait_until(page, "document.activeElement.id === 'error-summary'")
        except AssertionError:
            pass  # reported by the assertion below, with the other facts
        errors = page.evaluate(ERROR_FACTS)
        assert errors["first"], "the error summary is not at the top of <main>"
        assert errors["role"] == "alert"
        assert errors["focused"], "focus was not moved to the error summary"
        assert errors["title"].startswith(ERROR_PREFIX[lang])
        # One link per field with an error, in page order, with the same words.
        assert [link["href"] for link in errors["links"]] == [
            f"#{field['id']}" for field in errors["fields"]
        ]
        assert len(errors["links"]) >= 4
        for link, field in zip(errors["links"], errors["fields"]):
            assert field["error"] in field["describedBy"].split(), field
            assert link["text"].endswith(field["text"].split(":")[-1].strip()), (
                link,
                field,
            )
            if not field["id"].startswith(("child_sex", "child_birth_date")):
                assert field["invalid"] == "true", field
        # Each link takes the keyboard to its field.
        for link in errors["links"]:
            page.locator(f"#error-summary a[href='{link['href']}']").focus()
            page.keyboard.press("Enter")
            active = page.evaluate("document.activeElement.id")
            assert f"#{active}" == link["href"]
    finally:
        context.close()


def test_htmx_updates_are_announced_and_keep_the_focus(site, browser):
    context = a11y.open_context(browser, "phone", "en")
    try:
        page = context.new_page()
        page.goto(f"{site.url}/apply?lang=en")
        region = page.locator("#document-type-details")
        assert region.get_attribute("aria-live") == "polite"

        # Choosing a document type swaps its requirements into the live region.
        page.locator("input[name=document_type][value=KIA]").focus()
        page.keyboard.press("Space")
        page.locator("#document-type-requirements").wait_for()
        assert "birth certificate" in region.inner_text()
        assert page.evaluate("document.activeElement.value") == "KIA"

        # A field checked when it is left: its error is read out from the
        # status region, and focus stays on the field the resident moved to.
        continue_to(page, "/apply/kia_child")
        page.goto(f"{site.url}/apply/applicant?lang=en")
        page.locator("#nik").focus()
        page.keyboard.type("12345")
        page.keyboard.press("Shift+Tab")
        page.locator("#nik-error").wait_for()
        a11y.wait_until(
            page,
            "document.getElementById('site-announcer').textContent"
            ".includes('16 digits')",
        )
        assert page.evaluate("document.activeElement.id") == "applicant_name"

        # A field swapped while it still has the focus keeps it.
        page.locator("#nik").focus()
        page.keyboard.press("End")
        page.keyboard.type("678")
        page.evaluate(
            "(() => { const nik = document.getElementById('nik'); nik.dataset.old = '1';"
            " nik.dispatchEvent(new Event('change', {bubbles: true})); })()"
        )
        a11y.wait_until(page, "!document.getElementById('nik').dataset.old")
        page.locator("#nik-error").wait_for()
        assert page.evaluate("document.activeElement.id") == "nik"
        assert not a11y.focus_on_body(page)
    finally:
        context.close()
