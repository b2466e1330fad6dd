"""Browser contexts, waits and the checks run in a page (axe and our own)."""

from __future__ import annotations

import re
import time

from tests.support import browser as browser_support
from tests.support.axe import WCAG_AA_TAGS, _axe_source, format_violations

from .servers import ADMIN, BROWSER_LOCALES, KIOSK_MIN_TARGET, PASSWORD, SIZES

# -- browser contexts -----------------------------------------------------------


# Where the focus is just after each htmx swap, once the browser is free
# again: a script that moves the focus only later (a timer, a settle delay)
# leaves it on <body> in between, and a screen reader may announce that.
# (An init script runs before the page's own scripts, outside its CSP.)
SWAP_FOCUS_RECORDER = """
document.addEventListener('htmx:afterSwap', function () {
  setTimeout(function () {
    var active = document.activeElement;
    (window.__a11ySwapFocus = window.__a11ySwapFocus || []).push(
      !active || active === document.body ? 'body' : active.tagName.toLowerCase());
    // htmx marks new content .htmx-added until it has wired up its controls.
    if (document.querySelector('.htmx-added')) {
      window.__a11ySwapNotLive = (window.__a11ySwapNotLive || 0) + 1;
    }
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


def swaps_not_live(page):
    """How many swaps since the last call left controls dead once the browser was free."""
    return page.evaluate(
        "(() => { const count = window.__a11ySwapNotLive || 0;"
        " window.__a11ySwapNotLive = 0; return count; })()"
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
# tables and charts scroll inside their own region (.table-wrap, .chart-scroll:
# focusable and labelled), which WCAG allows.
TEXT_ZOOM = r"""() => {
  const root = document.documentElement;
  const previous = root.style.fontSize;
  root.style.fontSize = '200%';
  const page = document.scrollingElement;
  const result = { scrollWidth: page.scrollWidth, clientWidth: page.clientWidth, outside: [] };
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap, .chart-scroll, .visually-hidden, .skip-link, dialog:not([open]), [hidden]')) continue;
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
