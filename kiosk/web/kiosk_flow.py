"""Kiosk mode: the order of the one-question-per-screen apply flow, and the
kiosk's own settings (paper width, reset address, phone QR).

The answers given so far travel in hidden fields of each screen's form, so the
server keeps nothing about a resident until the request is sent, and a reset
of the screen leaves nothing behind.
"""

from flask import url_for
from markupsafe import Markup

from kiosk.data.models import KioskDevice
from kiosk.services import submissions
from kiosk.web import caches, i18n, kiosk_devices
from kiosk.web.forms.apply import FIELD_ORDER
from kiosk.web.templating import public_url

# Reached only through "Change" on the check screen: the language for messages
# defaults to the language the resident chose on the start screen.
EXTRA_STEPS = ("language",)
# Screens in the order a resident meets them: the form's answers in its order,
# the requirements for the chosen document right after it, and "check" (check
# your answers, and consent) last.
STEPS = (
    submissions.ANSWERS[0],
    "requirements",
    *(name for name in submissions.ANSWERS[1:] if name not in EXTRA_STEPS),
    "check",
)
FIRST_STEP = STEPS[0]

CHOICE_STEPS = ("document_type", "notify", "kecamatan", "language")
TEXT_STEPS = ("applicant_name", "nik", "phone", "nagari", "note")
# Answers the check screen lets the resident change.
CHANGEABLE = submissions.ANSWERS

# Which on-screen keyboard each text question gets, and the longest answer.
KEYBOARDS = {
    "applicant_name": ("letters", 100),
    "nik": ("digits", 16),
    "phone": ("digits", 16),
    "nagari": ("text", 60),
    "note": ("text", 500),
}


def posted_step(value):
    """The screen a posted form came from, or None when it is not one of ours."""
    return value if value in STEPS or value in EXTRA_STEPS else None


def skipped_steps(form):
    """Questions this office does not ask: how to be told, when it sends no
    messages."""
    return () if form.asks_notify else ("notify",)


def following(step, returning=False, skipped=()):
    """The screen after `step`. Coming from the check screen, go straight back
    to it, except after a new document type, whose requirements come first."""
    if returning and step != "document_type":
        return "check"
    if step in EXTRA_STEPS:
        return "check"
    steps = [s for s in STEPS if s not in skipped or s == step]
    return steps[min(steps.index(step) + 1, len(steps) - 1)]


def previous(step, returning=False, skipped=()):
    """The screen before `step` (the check screen when changing an answer)."""
    if returning or step in EXTRA_STEPS:
        return "check"
    steps = [s for s in STEPS if s not in skipped or s == step]
    return steps[max(steps.index(step) - 1, 0)]


def progress(step, skipped=()):
    """(position, total) of a screen in the flow, or None for extra screens."""
    steps = [s for s in STEPS if s not in skipped]
    if step not in steps:
        return None
    return steps.index(step) + 1, len(steps)


def carried_fields(step):
    """Answers kept in hidden fields on `step`'s screen (all but the one asked)."""
    return [name for name in FIELD_ORDER if name not in (step, "consent")]


def reset_url():
    """Where a finished or abandoned session goes: the start screen, in the
    office's default language, so the next resident does not inherit a choice."""
    return url_for("kiosk.start", lang=i18n.DEFAULT_LOCALE)


def paper_width(device):
    """The kiosk's thermal paper width in mm (80 when the setting is unusable)."""
    width = getattr(device, "paper_width", None)
    return (
        width if width in KioskDevice.PAPER_WIDTHS else KioskDevice.DEFAULT_PAPER_WIDTH
    )


def phone_url(device):
    """The public form, attributed to this kiosk, for the resident's own phone."""
    return public_url("apply.start", via=kiosk_devices.via_reference(device))


def phone_qr(device, title):
    """The phone form's QR as inline SVG markup."""
    return Markup(caches.qr_svg(phone_url(device), title=str(title)).decode())
