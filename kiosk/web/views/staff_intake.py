"""Recording requests that reached the office by counter, WhatsApp, SMS or village."""

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from htmx_flask import request as htmx_request

from kiosk.data import public_record
from kiosk.data.models import STAFF_CHANNELS, Submission
from kiosk.services import submissions
from kiosk.web import auth, caches, staff_answers, whatsapp_links
from kiosk.web.dates import office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.staff import IntakeForm
from kiosk.web.i18n import current_locale
from kiosk.web.views import htmx, lookup, staff

bp = Blueprint("staff_intake", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)

LAST_CHANNEL = "intake_channel"
# What the document choice updates (components/apply_fields.html).
DETAILS_TARGET = "document-type-details"


def _form_page(form, status=200, duplicates=()):
    form.ensure_token()
    page = render_template("staff/intake.html", form=form, duplicates=duplicates)
    return page, status


def _questions_swap(form):
    """For htmx, when the clerk picks a document: its requirements, and its
    own questions in place of the last document's (out of band). None for
    any other request."""
    if not htmx.wants_fragment() or htmx_request.htmx.target != DETAILS_TARGET:
        return None
    form.document_type.data = request.args.get("document_type")
    page = render_template(
        "partials/intake_questions_swap.html",
        form=form,
        document_type=form.chosen_type,
    )
    return page, 200, {"Vary": "HX-Request"}


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Record a request on a resident's behalf, with the same checks as /apply.

    The document comes first: its own questions show once it is chosen (in
    place with htmx; without, by ?document_type= or the "show its questions"
    button, which sends the form back to be shown again, storing nothing)."""
    form = IntakeForm(locale=current_locale())
    if request.method == "GET":
        swap = _questions_swap(form)
        if swap is not None:
            return swap
        # A clerk working through a batch of WhatsApp messages keeps the channel.
        channel = request.args.get("channel")
        form.channel.data = (
            channel if channel in STAFF_CHANNELS else session.get(LAST_CHANNEL)
        )
        if request.args.get("document_type") in form.document_types:
            form.document_type.data = request.args["document_type"]
        form.language.data = "id"
        return _form_page(form)
    checked = htmx.field_check(form)
    if checked is not None:
        return checked
    if request.form.get("step") == "choose":
        return _form_page(form)
    if not form.validate():
        return _form_page(form, INVALID_FORM)
    if (
        request.form.get("step") == "check"
    ):  # shown again (another language), not stored
        return _form_page(form)
    answers, form_token = form.cleaned(), form.form_token.data or None
    if not request.form.get("duplicate_ok"):
        # Asked once: the clerk confirms a second open request for the same
        # document and NIK (say, a lost receipt is usually not a new request).
        duplicates = submissions.open_requests_like(answers, form_token)
        if duplicates:
            return _form_page(form, 409, duplicates)
    submission = submissions.create(
        answers,
        channel=form.channel.data,
        today=office_today(),
        calendar=caches.office_calendar(office_today()),
        staff=g.staff,
        form_token=form_token,
    )
    session[LAST_CHANNEL] = form.channel.data
    return redirect(url_for("staff_intake.recorded", number=submission.number), 303)


def _recorded_by_staff(number):
    submission = Submission.by_number(number)
    return submission if submission and submission.recorded_by_id else None


@bp.get("/new/<number>")
def recorded(number):
    """The receipt of a request staff just recorded, to print or send by WhatsApp."""
    submission = lookup.find(number, _recorded_by_staff, request.endpoint)
    return render_template(
        "staff/intake_done.html",
        whatsapp_url=whatsapp_links.recorded_link(submission),
        just_submitted=False,
        submission=submission,
        request_answers=staff_answers.rows(submission),
        **lookup.receipt_view(public_record.find(submission.number)),
    )


# The staff console's page for a number it does not know.
bp.register_error_handler(lookup.LookupFailed, staff.explain_lookup)
