"""Kiosk mode: the order of the one-question-per-screen apply flow, and the
kiosk's own settings (paper width, reset address, phone QR).

The answers given so far travel in hidden fields of each screen's form, so the
server keeps nothing about a resident until the request is sent, and a reset
of the screen leaves nothing behind.
"""

from flask import url_for
from markupsafe import Markup

from kiosk.data.models import KioskDevice
from kiosk.domain import questions
from kiosk.services import submissions
from kiosk.web import caches, i18n, kiosk_devices, kiosk_questions
from kiosk.web.forms.apply import FIELD_ORDER
from kiosk.web.templating import public_url

# Reached only through "Change" on the check screen: the language for messages
# defaults to the language the resident chose on the start screen.
EXTRA_STEPS = ("language",)
FIRST_STEP = submissions.ANSWERS[0]
# The applicant's own screens, after the chosen document's questions.
APPLICANT_STEPS = tuple(
    name for name in submissions.ANSWERS[1:] if name not in EXTRA_STEPS
)
# Screens in the order a resident meets them: the document, what to prepare
# for it, its own questions (kiosk_questions; they depend on the document and
# the answers so far), the applicant's questions, and "check" (check your
# answers, and consent) last.
STEPS = (FIRST_STEP, "requirements", *APPLICANT_STEPS, "check")

CHOICE_STEPS = ("document_type", "notify", "kecamatan", "language")
TEXT_STEPS = ("applicant_name", "nik", "phone", "nagari", "note")
# Answers the check screen lets the resident change: the form's, each of the
# document's questions, and the people moving (from the first person on).
CHANGEABLE = (*submissions.ANSWERS, *questions.QUESTIONS, questions.MEMBERS)

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
    if value in STEPS or value in EXTRA_STEPS or value in kiosk_questions.STEPS:
        return value
    return None


def changed_step(value):
    """The screen a check screen's "Change" button opens, or None."""
    if value == questions.MEMBERS:
        return kiosk_questions.MEMBER_STEPS[0]
    return value if value in CHANGEABLE else None


def skipped_steps(form):
    """Questions this office does not ask: how to be told, when it sends no
    messages."""
    return () if form.asks_notify else ("notify",)


def steps(form, current=None):
    """Every screen in order for the chosen document and the answers so far."""
    skipped = skipped_steps(form)
    return [
        FIRST_STEP,
        "requirements",
        *kiosk_questions.steps(form, current),
        *(step for step in APPLICANT_STEPS if step not in skipped or step == current),
        "check",
    ]


# How a screen was reached from the check screen: to change one answer
# (CHANGING: straight back after it), or through a newly chosen document's
# requirements and questions (NEW_DOCUMENT: back after the last of them).
CHANGING = "check"
NEW_DOCUMENT = "document"


def return_mode(value):
    """A posted return_to value, or "" for the flow's own order."""
    return value if value in (CHANGING, NEW_DOCUMENT) else ""


def screen_mode(step, returning):
    """The return mode a screen carries on, given the mode it was reached in."""
    if step == "check" or not returning:
        return ""
    if step == FIRST_STEP:
        return CHANGING
    if step == "requirements" and returning == CHANGING:
        return NEW_DOCUMENT
    return returning


def following(form, step, returning=""):
    """The screen after `step`. Changing an answer, go straight back to the
    check screen, unless the document's questions now lack an answer (not the
    head of the family after all: their name and NIK); after a new document,
    through its requirements and every question of its own first."""
    if step in EXTRA_STEPS:
        return "check"
    if returning == CHANGING and step != FIRST_STEP:
        missing = kiosk_questions.incomplete(form)
        return missing[0] if missing else "check"
    order = steps(form, step)
    if step not in order:
        return FIRST_STEP
    after = order[min(order.index(step) + 1, len(order) - 1)]
    if returning == NEW_DOCUMENT and after in APPLICANT_STEPS:
        return "check"
    return after


def previous(form, step, returning=""):
    """The screen before `step` (the check screen when changing an answer)."""
    if returning == CHANGING or step in EXTRA_STEPS:
        return "check"
    order = steps(form, step)
    if step not in order:
        return FIRST_STEP
    return order[max(order.index(step) - 1, 0)]


def progress(form, step):
    """(position, total) of a screen in the flow, or None for extra screens."""
    order = steps(form, step)
    if step not in order:
        return None
    return order.index(step) + 1, len(order)


def carried_fields(form, step):
    """Answers kept in hidden fields on `step`'s screen: the form's and the
    chosen document's, all but those the screen asks."""
    asked = set(kiosk_questions.fields_of(step)) | {"consent"}
    own = questions.form_fields(kiosk_questions.document_code(form))
    return [name for name in (*FIELD_ORDER, *own) if name not in asked]


def template(form, step):
    """The template that draws a screen, by the kind of answer it asks."""
    if step in CHOICE_STEPS:
        return "kiosk/apply_choice.html"
    if step in TEXT_STEPS:
        return "kiosk/apply_text.html"
    if kiosk_questions.member_position(step):
        return "kiosk/apply_member.html"
    kind = form.detail_kind(step)
    if kind in (questions.CHOICE, questions.DATE):
        return f"kiosk/apply_{kind}.html"
    if kind:
        return "kiosk/apply_text.html"
    return f"kiosk/apply_{step}.html"


def keyboard(step):
    """(keyboard kind, longest answer, input mode) of a typed screen, or None
    (the applicant's screens set their own input mode)."""
    if step in KEYBOARDS:
        return (*KEYBOARDS[step], None)
    return kiosk_questions.keyboard(step)


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
