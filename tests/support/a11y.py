"""Accessibility test helpers: a seeded server, the page catalogue, the checks.

The catalogue maps every GET rule of the app's url_map to the states a test
shows that page in (empty, with errors, after an htmx swap ...), so that a new
page without a sample fails tests/browser/test_accessibility.py. Kiosk imports
happen inside functions: importing this module builds nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import browser as browser_support
from tests.support.axe import WCAG_AA_TAGS, _axe_source, format_violations
from tests.support.kiosk import NIK
from tests.support.live import LiveServer, server_environment

SIZES = {"phone": (390, 844), "kiosk": (1080, 1920), "desktop": (1366, 768)}
LANGS = ("id", "en")
BROWSER_LOCALES = {"id": "id-ID", "en": "en-GB"}
ADMIN = "a11y-admin"
CLERK = "a11y-clerk"
PASSWORD = "correct horse battery"
KIOSK_MIN_TARGET = 48  # px, issue 7 (the kiosk's own CSS aims at 64)

# GET routes that are not HTML pages: files, images, JSON, CSV.
NOT_PAGES = {
    "/static/<path:filename>",
    "/t/<number>/qr.svg",
    "/t/<number>/qr.png",
    "/healthz",
    "/api/v1/track/<number>",
    "/staff/admin/export.csv",
}

# The shared server keeps rate limiting on, with limits a test run cannot
# reach; the 429 page comes from a second server with a tiny lookup limit.
SHARED_SERVER_CONFIG = {
    "LOOKUP_RATE_LIMIT": "100000 per minute",
    "SUBMIT_RATE_LIMIT": "100000 per minute",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "LOGIN_USERNAME_RATE_LIMIT": "100000 per hour",
}
LIMITED_SERVER_CONFIG = {"LOOKUP_RATE_LIMIT": "1 per minute"}


# -- the servers and their data ------------------------------------------------


@dataclass
class Site:
    """A live server with seeded data, shared by one test module."""

    server: LiveServer
    limited: LiveServer | None  # same app, lookups limited to 1 a minute
    database_url: str
    rules: list  # (rule, methods) of every URL rule of the in-process app
    numbers: dict  # status -> tracking number of a request in that status
    recorded: str  # a request recorded by staff (for /staff/new/<number>)
    movable: list  # requests in "submitted", one for each test that moves one
    typo: str  # a number with a wrong check symbol
    unknown: str  # a well-formed number nobody has
    admin_id: int
    type_id: int
    kiosk_token: str

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        for server in (self.server, self.limited):
            if server is not None:
                server.stop()

    def log_tail(self) -> str:
        return "\n".join(s.log_text()[-4000:] for s in (self.server, self.limited) if s)


def start_server(folder: Path, database_url=None, config_overrides=None):
    """tests/support/live.py's server (what the live_server fixture starts)."""
    folder.mkdir(parents=True, exist_ok=True)
    server = LiveServer(
        server_environment(folder / "instance", database_url, config_overrides, None),
        log_path=folder / "server.log",
    )
    return server.start()


@contextlib.contextmanager
def in_process_app(database_url: str, folder: Path):
    """The app built in this process on the live server's database.

    Used for its url_map (the list of pages) and to seed data through the
    app's own functions. The caller's KIOSK_* variables are hidden while it
    is built, as conftest's make_app does.
    """
    import pytest

    from kiosk import accounts, create_app

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("KIOSK_") and not name.startswith("KIOSK_TEST_"):
                patch.delenv(name)
        patch.setenv("KIOSK_INSTANCE_PATH", str(folder / "instance"))
        # Cheap scrypt for the accounts made here; signing in is still scrypt.
        patch.setattr(accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "a11y",
                "SETTINGS_CACHE_SECONDS": 0,
            }
        )
        try:
            yield app
        finally:
            database = app.extensions["database"]
            if hasattr(database, "close_all"):
                database.close_all()
            elif not database.is_closed():
                database.close()


STATUSES = (
    "submitted",
    "verifying",
    "needs_info",
    "processing",
    "ready",
    "completed",
    "rejected",
)


def _seed(app, movable_count):
    """Requests in every status, an admin and a clerk, a kiosk."""
    import secrets

    from kiosk import accounts, tracking
    from kiosk.models import DocumentType, KioskDevice
    from tests.support.staff import make_submission

    with app.app_context():
        admin = accounts.create_staff(
            ADMIN, PASSWORD, role="admin", display_name="Office Admin"
        )
        accounts.create_staff(CLERK, PASSWORD, display_name="Rina Clerk")
        numbers = {}
        for status in STATUSES:
            made = make_submission(
                name=f"Warga {status}",
                status=None if status == "submitted" else status,
                staff=admin,
            )
            numbers[status] = made.number
        recorded = make_submission(name="Budi Santoso", channel="counter", staff=admin)
        movable = [
            make_submission(name=f"Pemohon {i}").number for i in range(movable_count)
        ]
        kiosk_token = secrets.token_urlsafe(24)
        KioskDevice.create(name="Lobby", token=kiosk_token, paper_width=80)
        number = numbers["submitted"]
        wrong = next(s for s in tracking.ALPHABET if s != number[-1])
        return {
            "numbers": numbers,
            "recorded": recorded.number,
            "movable": movable,
            "typo": number[:-1] + wrong,
            "unknown": tracking.generate(),
            "admin_id": admin.id,
            "type_id": DocumentType.get(DocumentType.code == "KK").id,
            "kiosk_token": kiosk_token,
        }


def make_site(folder: Path, movable_count=8, limited=True) -> Site:
    """Build the database in-process, seed it, then serve it with waitress."""
    folder.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{folder}/kiosk.db"
    with in_process_app(database_url, folder) as app:
        rules = [
            (rule.rule, frozenset(rule.methods)) for rule in app.url_map.iter_rules()
        ]
        seeded = _seed(app, movable_count)
    server = start_server(folder / "main", database_url, SHARED_SERVER_CONFIG)
    second = None
    if limited:
        try:
            second = start_server(folder / "limited", None, LIMITED_SERVER_CONFIG)
        except Exception:
            server.stop()
            raise
    return Site(
        server=server,
        limited=second,
        database_url=database_url,
        rules=rules,
        **seeded,
    )


def get_page_rules(site: Site) -> set[str]:
    """Every GET rule that serves an HTML page."""
    return {r for r, methods in site.rules if "GET" in methods} - NOT_PAGES


# -- browser contexts -----------------------------------------------------------


# Where the focus is just after each htmx swap, before htmx settles the new
# content 20 ms later: a script that moves the focus only at settle time
# leaves it on <body> in between, and a screen reader may announce that.
# (An init script runs before the page's own scripts, outside its CSP.)
SWAP_FOCUS_RECORDER = """
document.addEventListener('htmx:afterSwap', function () {
  setTimeout(function () {
    var active = document.activeElement;
    (window.__a11ySwapFocus = window.__a11ySwapFocus || []).push(
      !active || active === document.body ? 'body' : active.tagName.toLowerCase());
  }, 0);
});
"""


def open_context(browser, size, lang, **options):
    width, height = SIZES[size]
    context = browser.new_context(
        viewport={"width": width, "height": height},
        locale=BROWSER_LOCALES[lang],
        **options,
    )
    context.set_default_timeout(browser_support.DEFAULT_TIMEOUT_MS)
    context.add_init_script(script=SWAP_FOCUS_RECORDER)
    return context


def focus_after_swaps(page):
    """Where the focus was after each swap since the last call ('body' if lost)."""
    return page.evaluate(
        "(() => { const seen = window.__a11ySwapFocus || [];"
        " window.__a11ySwapFocus = []; return seen; })()"
    )


def sign_in(page, site, lang, username=ADMIN):
    page.goto(f"{site.url}/staff/login?lang={lang}")
    page.locator("#username").fill(username)
    page.locator("#password").fill(PASSWORD)
    page.locator("form[action='/staff/login'] button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff(\?.*)?$"))


def prepare(context, audience, site, lang):
    """A page in `context` set up for `audience`: kiosk cookie, or signed in."""
    page = context.new_page()
    if audience == "kiosk":
        page.goto(f"{site.url}/kiosk?k={site.kiosk_token}&lang={lang}")
        page.locator(".kiosk-screen--start").wait_for()
    elif audience == "staff":
        sign_in(page, site, lang)
    return page


# -- checks run in a page ---------------------------------------------------------


def axe(page, tags=WCAG_AA_TAGS, rules=None):
    """axe-core's violations (only violations are collected, which is faster)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Through the DevTools protocol: the page's CSP would block a <script>.
        page.evaluate(_axe_source())
    if rules:
        run_only = {"type": "rule", "values": list(rules)}
    else:
        run_only = {"type": "tag", "values": list(tags)}
    options = {"runOnly": run_only, "resultTypes": ["violations"]}
    result = page.evaluate("(options) => axe.run(document, options)", options)
    return result["violations"]


def axe_problems(page, **kwargs):
    violations = axe(page, **kwargs)
    return [format_violations(violations)] if violations else []


# Rules whose result depends on where things are drawn, not only on the DOM
# and the styles that apply: overlap and size. At a window size where exactly
# the same media queries match as at a size already checked, every other rule
# must give the same answer, so only these are run again (it halves the time).
GEOMETRY_RULES = ["color-contrast", "target-size", "scrollable-region-focusable"]

MEDIA_MATCHES = r"""() => {
  const conditions = new Set();
  const walk = (rules) => {
    for (const rule of rules) {
      if (rule.media) conditions.add(rule.media.mediaText);
      if (rule.cssRules) walk(rule.cssRules);
      if (rule.styleSheet) walk(rule.styleSheet.cssRules);
    }
  };
  for (const sheet of document.styleSheets) {
    if (sheet.media.mediaText) conditions.add(sheet.media.mediaText);
    walk(sheet.cssRules);
  }
  return [...conditions].sort().map((c) => `${c}=${matchMedia(c).matches}`).join(';');
}"""


def media_matches(page) -> str:
    """Which of the page's media queries match at the current window size."""
    return page.evaluate(MEDIA_MATCHES)


# Every control reached by Tab must look different when focused (outline,
# shadow, background, border or underline), and match :focus-visible.
FOCUS_VISIBLE = r"""() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, '
    + '[tabindex]:not([tabindex="-1"])';
  const props = ['outline-style', 'outline-width', 'outline-color', 'box-shadow',
    'background-color', 'border-top-color', 'border-bottom-color', 'border-bottom-width',
    'text-decoration-line', 'text-decoration-thickness', 'color'];
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== 'hidden'
      && !el.disabled && !el.closest('[hidden], [inert], dialog:not([open])');
  };
  const look = (el) => {
    const style = getComputedStyle(el);
    return props.map((p) => style.getPropertyValue(p)).join('|');
  };
  const problems = [];
  const before = document.activeElement;
  for (const el of document.querySelectorAll(selector)) {
    if (!shown(el)) continue;
    // Tab reaches only the checked radio of a group.
    if (el.matches('[type=radio]:not(:checked)')
        && document.querySelector(`[type=radio][name="${el.name}"]:checked`)) continue;
    if (el === document.activeElement) el.blur();
    const plain = look(el);
    el.focus({ preventScroll: true });
    if (document.activeElement !== el) continue;
    if (!el.matches(':focus-visible')) {
      problems.push(`${el.outerHTML.slice(0, 90)}: no :focus-visible on keyboard focus`);
    } else {
      const style = getComputedStyle(el);
      const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
      if (look(el) === plain && !outline) {
        problems.push(`${el.outerHTML.slice(0, 90)}: looks the same when focused`);
      }
    }
    el.blur();
  }
  if (before && before !== document.body && before.focus) before.focus({ preventScroll: true });
  return problems;
}"""


def focus_problems(page):
    """Controls whose keyboard focus cannot be seen."""
    # A key press first: Chromium then treats focus() as keyboard focus.
    page.keyboard.press("Shift")
    return page.evaluate(FOCUS_VISIBLE)


# With reduced motion asked for, nothing may move for longer than ~0.01 s.
MOTION = r"""() => {
  const found = [];
  for (const animation of document.getAnimations()) {
    const timing = animation.effect && animation.effect.getComputedTiming();
    if (animation.playState === 'running' && timing && timing.duration > 10) {
      found.push(`running animation ${animation.animationName || ''} of ${timing.duration} ms`);
    }
  }
  const longest = (text) => Math.max(...text.split(',').map((t) =>
    t.trim().endsWith('ms') ? parseFloat(t) / 1000 : parseFloat(t)));
  for (const el of document.querySelectorAll('*')) {
    for (const pseudo of [null, '::before', '::after']) {
      const style = getComputedStyle(el, pseudo);
      const transition = longest(style.transitionDuration) + longest(style.transitionDelay);
      const animated = style.animationName !== 'none' && longest(style.animationDuration) > 0.01;
      if (transition > 0.01 || animated || style.scrollBehavior === 'smooth') {
        found.push(`${el.tagName.toLowerCase()}.${el.className}${pseudo || ''}: transition `
          + `${style.transitionDuration}, animation ${style.animationName} `
          + `${style.animationDuration}, scroll-behavior ${style.scrollBehavior}`);
      }
    }
  }
  return found.slice(0, 10);
}"""


def motion_problems(page):
    """Motion left on the page when the user asks for reduced motion."""
    page.emulate_media(reduced_motion="reduce")
    try:
        return page.evaluate(MOTION)
    finally:
        page.emulate_media(reduced_motion="no-preference")


# Status, errors and progress carry words (and an icon), never colour alone.
NOT_COLOUR_ALONE = r"""() => {
  const problems = [];
  for (const tag of document.querySelectorAll('.status-tag')) {
    const icon = tag.querySelector('.status-icon');
    const glyph = icon ? getComputedStyle(icon, '::before').content : 'none';
    if (!tag.textContent.trim()) problems.push(`status tag without words: ${tag.outerHTML}`);
    if (['none', 'normal', '""'].includes(glyph))
      problems.push(`status tag without an icon: ${tag.outerHTML.slice(0, 90)}`);
  }
  for (const step of document.querySelectorAll('.progress-step')) {
    const words = step.querySelector('.visually-hidden');
    if (!words || !words.textContent.trim())
      problems.push(`progress step told by colour only: ${step.textContent.trim()}`);
  }
  for (const field of document.querySelectorAll('.field--error')) {
    const message = field.querySelector('.field-error');
    if (!message || !message.textContent.trim())
      problems.push(`error marked by colour only: ${field.id || field.className}`);
  }
  for (const invalid of document.querySelectorAll('[aria-invalid=true]')) {
    const ids = (invalid.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    if (!ids.map((id) => document.getElementById(id)).some((el) => el && el.textContent.trim()))
      problems.push(`invalid field without a described error: ${invalid.id}`);
  }
  return problems;
}"""


def colour_alone_problems(page):
    return page.evaluate(NOT_COLOUR_ALONE)


KIOSK_TARGETS = r"""(minimum) => {
  const problems = [];
  const controls = document.querySelectorAll(
    'a[href], button, input:not([type=hidden]), textarea, select, [role=button]');
  for (const el of controls) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.width < minimum || box.height < minimum)
      problems.push(`${el.outerHTML.slice(0, 80)} is ${Math.round(box.width)}x${Math.round(box.height)} px`);
  }
  const keys = document.querySelectorAll('[data-keyboard-for] [data-key], [data-keyboard-for] [data-action]');
  for (const key of keys) {
    if (key.tagName !== 'BUTTON' || key.type !== 'button')
      problems.push(`on-screen key is not a button: ${key.outerHTML.slice(0, 80)}`);
    if (!(key.getAttribute('aria-label') || key.textContent).trim())
      problems.push(`on-screen key without a name: ${key.outerHTML.slice(0, 80)}`);
  }
  return problems;
}"""


def kiosk_target_problems(page, minimum=KIOSK_MIN_TARGET):
    """Kiosk targets under 48×48 px; on-screen keys that are not named buttons."""
    return page.evaluate(KIOSK_TARGETS, minimum)


# WCAG 1.4.4/1.4.10: text at 200 % must not need sideways scrolling. Data
# tables scroll inside their own region (.table-wrap), which WCAG allows.
TEXT_ZOOM = r"""() => {
  const root = document.documentElement;
  const previous = root.style.fontSize;
  root.style.fontSize = '200%';
  const page = document.scrollingElement;
  const result = { scrollWidth: page.scrollWidth, clientWidth: page.clientWidth, outside: [] };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap, .visually-hidden, .skip-link, dialog:not([open]), [hidden]')) continue;
    const box = el.getBoundingClientRect();
    if (box.width > 0 && (box.right > page.clientWidth + 1 || box.left < -1))
      result.outside.push(`${el.tagName.toLowerCase()}.${el.className} ends at ${Math.round(box.right)} px`);
  }
  result.outside = result.outside.slice(0, 5);
  root.style.fontSize = previous;
  return result;
}"""


def text_zoom_problems(page):
    facts = page.evaluate(TEXT_ZOOM)
    problems = []
    if facts["scrollWidth"] > facts["clientWidth"]:
        problems.append(
            f"scrolls sideways at 200 % text: {facts['scrollWidth']} px of content "
            f"in {facts['clientWidth']} px"
        )
    problems.extend(f"off screen at 200 % text: {o}" for o in facts["outside"])
    return problems


def wait_for_htmx(page, timeout=5.0):
    """Until htmx has finished every request, swap and settle on the page."""
    wait_until(
        page,
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling,"
        " .htmx-added')",
        timeout,
    )


def focus_on_body(page):
    return page.evaluate(
        "document.activeElement === null || document.activeElement === document.body"
    )


def wait_until(page, expression, timeout=5.0):
    """Poll a JavaScript expression (wait_for_function uses eval, which CSP forbids)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {expression}")
        page.wait_for_timeout(50)


# -- the page catalogue ---------------------------------------------------------------


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


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


def _submit_empty(path, form, wait="#error-summary"):
    """A form sent without answers: the page with its error summary."""

    def show(page, site, lang):
        page.goto(site.url + with_lang(path, lang))
        page.locator(f"{form} button[type=submit]").last.click()
        page.locator(wait).wait_for()

    return show


APPLY_ANSWERS = {
    "#applicant_name": "Siti Rahma",
    "#nik": "1303054507900001",
    "#phone": "0812 3456 7890",
    "#nagari": "Padang Laweh",
}


def _apply_swapped(page, site, lang):
    """Requirements swapped in by htmx, and a field re-drawn with its error."""
    page.goto(site.url + with_lang("/apply", lang))
    page.locator("input[name=document_type][value=KK]").check()
    page.locator("#document-type-requirements").wait_for()
    page.locator("#nik").fill("12345")
    page.locator("#phone").focus()  # leaving the field checks it in place
    page.locator("#nik-error").wait_for()


def _apply_check(page, site, lang):
    page.goto(site.url + with_lang("/apply", lang))
    page.locator("input[name=document_type][value=KK]").check()
    page.locator("#document-type-requirements").wait_for()
    for selector, value in APPLY_ANSWERS.items():
        page.locator(selector).fill(value)
    page.locator("input[name=kecamatan][value=Kupitan]").check()
    page.locator("#consent").check()
    page.locator(".apply-form button[type=submit]").click()
    page.locator("button[name=step][value=confirm]").wait_for()


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


KIOSK_WALK = [
    # (state, what shows it, the steps from the state before)
    ("start", ".kiosk-screen--start", ()),
    ("document_type", ".kiosk-screen--document_type", (_tap(".kiosk-action--apply"),)),
    ("requirements", ".kiosk-screen--requirements",
     (_tap("button[name=document_type][value=KK]"),)),
    ("applicant_name", ".kiosk-screen--applicant_name", (_tap("[data-continue]"),)),
    ("nik with an error", ".kiosk-screen--nik #nik-error",
     (_type("applicant_name", "Siti Aminah"), _type("nik", "123"))),
    ("phone", ".kiosk-screen--phone", (_type("nik", NIK),)),
    ("kecamatan", ".kiosk-screen--kecamatan", (_type("phone", ""),)),
    ("nagari", ".kiosk-screen--nagari",
     (_tap("button[name=kecamatan][value=Sijunjung]"),)),
    ("note", ".kiosk-screen--note", (_type("nagari", "Muaro"),)),
    ("check", ".kiosk-screen--check", (_kiosk_done,)),
    ("language", ".kiosk-screen--language",
     (_tap("button[name=change][value=language]"),)),
    ("check with an error", ".kiosk-screen--check #consent-error",
     (_tap("button[name=language][value=id]"), _wait(".kiosk-screen--check"),
      _tap("button[name=send]"))),
    ("receipt", ".kiosk-screen--receipt",
     (_tap("label[for=consent]"), _tap("button[name=send]"))),
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
            State("apply: requirements and a field error in place", public,
                  _apply_swapped, swapped=True),
            State("apply: check your answers", public, _apply_check),
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
        "/staff/login": [
            State("staff: sign-in", public, _goto(lambda s: "/staff/login")),
            State("staff: sign-in refused", public, _staff_login_refused),
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
        ],
        "/staff/admin/kiosks": [
            State("admin: kiosks", staff, _goto(lambda s: "/staff/admin/kiosks")),
            State("admin: kiosks, errors", staff,
                  _submit_empty("/staff/admin/kiosks",
                                "form[action='/staff/admin/kiosks']")),
        ],
        "/staff/admin/audit": [
            State("admin: audit trail", staff, _goto(lambda s: "/staff/admin/audit")),
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
