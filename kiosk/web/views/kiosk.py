"""Kiosk mode: the resident's apply and status flows on the office touchscreen.

Only browsers of registered kiosks (kiosk/web/kiosk_devices.py) get these screens; the
forms, validation and lookups are the public site's, only the layout differs.
"""

import peewee as pw
from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError

from kiosk.domain import questions
from kiosk.services import submissions, tickets
from kiosk.web import caches, check_in, kiosk_flow, kiosk_questions
from kiosk.web.dates import office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.apply import ApplicationForm
from kiosk.web.forms.tickets import CheckInForm
from kiosk.web.i18n import DEFAULT_LOCALE, current_locale
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.views import errors, lookup

bp = Blueprint("kiosk", __name__, url_prefix="/kiosk")

PHONE_QR_TITLE = _l("QR code that opens the application form on your phone")
# The site's own CSRF message says to go back and reload: a kiosk has neither.
KIOSK_CSRF_MESSAGE = _l(
    "This screen was open too long and has expired. Tap Start again to begin anew."
)


@bp.before_request
def registered_kiosks_only():
    """Other browsers get a page pointing them to the public site instead."""
    if g.get("kiosk_device") is None:
        return render_template("kiosk/not_registered.html"), 403
    return None


@bp.context_processor
def kiosk_context():
    return {
        "paper_width": kiosk_flow.paper_width(g.get("kiosk_device")),
        "reset_url": kiosk_flow.reset_url(),
        "default_locale": DEFAULT_LOCALE,
        # A shared touchscreen cannot call or message: numbers are text here.
        "numbers_as_links": False,
    }


@bp.get("")
def start():
    """Start screen: apply, check status, language, distancing notice, phone QR."""
    if g.get("kiosk_token_from_url"):
        # kiosk_devices.remember() stores the token in the cookie on this response;
        # the address the screen keeps (and its history) should not show it.
        return redirect(url_for("kiosk.start", lang=request.args.get("lang")), 303)
    return render_template(
        "kiosk/start.html",
        phone_qr=kiosk_flow.phone_qr(g.kiosk_device, PHONE_QR_TITLE),
        distancing_notice=g.office.localized("distancing_notice", current_locale()),
    )


@bp.route("/apply", methods=["GET", "POST"])
def apply():
    """One question per screen, then check the answers, consent and send."""
    form = ApplicationForm(locale=current_locale())
    if request.method == "GET":
        form.language.data = current_locale()
        return _screen(form, kiosk_flow.FIRST_STEP)

    step = kiosk_flow.posted_step(request.form.get("step"))
    if step is None:
        return _screen(form, kiosk_flow.FIRST_STEP)
    returning = kiosk_flow.return_mode(request.form.get("return_to"))
    if "back" in request.form:
        return _screen(form, kiosk_flow.previous(form, step, returning), returning)
    change = kiosk_flow.changed_step(request.form.get("change"))
    if change:
        return _screen(form, change, kiosk_flow.CHANGING)
    person = request.form.get("person")
    if person in kiosk_questions.MEMBER_STEPS:  # another person moving, to change
        return _screen(form, person, returning)
    if step == "check":
        return _send(form)
    if kiosk_questions.member_position(step):
        kiosk_questions.close_gaps(form)
        following, fine = kiosk_questions.after_person(
            form, step, adding=request.form.get("action") == "add"
        )
        if not fine:
            return _screen(form, step, returning, status=INVALID_FORM)
        if following:
            return _screen(form, following, returning)
    elif step in form._fields and not form.validate_field(step):
        return _screen(form, step, returning, status=INVALID_FORM)
    return _screen(form, kiosk_flow.following(form, step, returning), returning)


def _send(form):
    if not form.validate():
        problems = [name for name, _message in form.errors_in_order()]
        first = problems[0] if problems else "consent"
        if first == "consent":
            return _screen(form, "check", status=INVALID_FORM)
        # Only a tampered form or a document type withdrawn meanwhile gets here.
        first = kiosk_questions.step_of(first)
        return _screen(form, first, kiosk_flow.CHANGING, status=INVALID_FORM)
    try:
        submission = submissions.create(
            form.cleaned(),
            channel="kiosk",
            today=office_today(),
            calendar=caches.office_calendar(office_today()),
            kiosk=g.kiosk_device,
            form_token=form.form_token.data or None,
        )
    except (pw.DatabaseError, submissions.NumberSpaceExhausted):
        # A kiosk has no Back button: keep the answers on screen so that the
        # resident can send again (a second send of the same answers stores
        # one request), instead of an error page that can only start over.
        current_app.logger.exception("A kiosk request could not be stored")
        return _screen(form, "check", status=503, not_sent=True)
    return redirect(url_for("kiosk.receipt", number=submission.number, new=1), 303)


def _screen(form, step, returning="", status=200, not_sent=False):
    form.ensure_token()
    if step == "check":
        # The check screen reads the document's answers in words.
        form.validate_details()
    page = render_template(
        kiosk_flow.template(form, step),
        form=form,
        step=step,
        returning=kiosk_flow.screen_mode(step, returning),
        progress=kiosk_flow.progress(form, step),
        carried=kiosk_flow.carried_fields(form, step),
        keyboard=kiosk_flow.keyboard(step),
        member=kiosk_questions.member_position(step),
        people=kiosk_questions.people_listed(form, step),
        max_members=questions.MEMBERS_MAX,
        not_sent=not_sent,
    )
    return page, status


@bp.get("/receipt/<number>")
def receipt(number):
    """The new request's receipt: stays on screen and prints itself once."""
    record = lookup.find(number, endpoint="kiosk.receipt")
    just_sent = request.args.get("new") == "1"
    return render_template(
        "kiosk/receipt.html",
        just_submitted=just_sent,
        autoprint=just_sent,
        **lookup.receipt_view(record),
    )


@bp.get("/status")
def status():
    """Check a request by the tracking number typed on the on-screen keypad."""
    text = request.args.get("number")
    if text is None:
        return render_template("kiosk/status.html", value="", error=None)
    try:
        record = lookup.find(text)
    except lookup.LookupFailed as failure:
        page = render_template(
            "kiosk/status.html", value=text[:40], error=failure.message
        )
        return page, failure.status
    return render_template("kiosk/status_result.html", **lookup.public_view(record))


@bp.route("/check-in", methods=["GET", "POST"])
def check_in_screen():
    """A queue ticket: scan or type the receipt's number, or pick a service."""
    form = CheckInForm()
    if not form.is_submitted():
        return render_template("kiosk/check_in.html", form=form, outcome=None)
    outcome = check_in.check_in(form) if form.validate() else None
    if outcome is None or outcome.ticket is None:
        page = render_template("kiosk/check_in.html", form=form, outcome=outcome)
        return page, INVALID_FORM
    return redirect(url_for("kiosk.ticket", token=outcome.ticket.token, new=1), 303)


@bp.get("/ticket/<token>")
def ticket(token):
    """The ticket, large on screen; a new one prints itself once."""
    found = tickets.by_token(token)
    if found is None:
        return _error(404)
    just_made = request.args.get("new") == "1"
    context = check_in.ticket_context(found)
    return render_template("kiosk/ticket.html", autoprint=just_made, **context)


def _error(status, message=None):
    page = render_template(
        "kiosk/error.html",
        title=errors.TITLES[status],
        message=message or errors.MESSAGES[status],
    )
    return page, status


def handle_error(error):
    """Errors on kiosk screens keep the kiosk layout and its way back to start."""
    if g.get("kiosk_device") is None:
        return render_template("kiosk/not_registered.html"), 403
    if isinstance(error, CSRFError):
        return _error(400, KIOSK_CSRF_MESSAGE)
    status = getattr(error, "code", None)
    if status not in errors.TITLES:
        return error
    return _error(status)


@bp.errorhandler(lookup.LookupFailed)
def explain_lookup(failure):
    """A receipt's address whose number is mistyped or unknown."""
    return _error(404)


# Registered per code so that they win over the site-wide handlers, which
# Flask would otherwise find first for a CSRFError (code 400).
for _code in errors.TITLES:
    bp.register_error_handler(_code, handle_error)
