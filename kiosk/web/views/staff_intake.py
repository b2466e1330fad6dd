"""Recording requests that reached the office by counter, WhatsApp, SMS or village."""

from flask import Blueprint, g, redirect, render_template, request, session, url_for
from htmx_flask import request as htmx_request

from kiosk.data import public_record
from kiosk.data.models import Submission
from kiosk.services import submissions
from kiosk.web import auth, whatsapp_links
from kiosk.web.forms.staff import IntakeForm
from kiosk.web.i18n import current_locale
from kiosk.web.office_time import office_today
from kiosk.web.templating import requirements_swap
from kiosk.web.views import lookup

bp = Blueprint("staff_intake", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)

LAST_CHANNEL = "intake_channel"
SKIP_FIELDS = ("form_token", "csrf_token")


def _form_page(form, status=200, duplicates=()):
    form.ensure_token()
    page = render_template("staff/intake.html", form=form, duplicates=duplicates)
    return page, status


@bp.route("/new", methods=["GET", "POST"])
def new():
    """Record a request on a resident's behalf, with the same checks as /apply."""
    form = IntakeForm(locale=current_locale())
    if request.method == "GET":
        swap = requirements_swap(form.document_types)
        if swap is not None:
            return swap
        # A clerk working through a batch of WhatsApp messages keeps the channel.
        form.channel.data = session.get(LAST_CHANNEL)
        form.language.data = "id"
        return _form_page(form)
    field_name = htmx_request.htmx.trigger_name if htmx_request.htmx else None
    if field_name in form._fields and field_name not in SKIP_FIELDS:
        form.validate_field(field_name)
        return render_template(
            "partials/apply_field.html", form=form, field=form[field_name]
        )
    if not form.validate():
        return _form_page(form, 400)
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
        staff=g.staff,
        form_token=form_token,
    )
    session[LAST_CHANNEL] = form.channel.data
    return redirect(url_for("staff_intake.recorded", number=submission.number), 303)


@bp.get("/new/<number>")
def recorded(number):
    """The receipt of a request staff just recorded, to print or send by WhatsApp."""
    submission = Submission.by_number(number[:40])
    if submission is None or submission.recorded_by_id is None:
        return render_template("staff/not_found.html", number=number[:40]), 404
    return render_template(
        "staff/intake_done.html",
        whatsapp_url=whatsapp_links.recorded_link(submission),
        just_submitted=False,
        submission=submission,
        **lookup.public_view(public_record.find(submission.number)),
    )
