"""Staff console: the messages sent to a resident about their request, and
sending a failed one again."""

from flask import Blueprint, flash, g, redirect, render_template, url_for
from flask_babel import gettext

from kiosk.data.models import Submission
from kiosk.services import outbox
from kiosk.web import auth
from kiosk.web.views import lookup

bp = Blueprint("staff_outbox", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)


@bp.post("/s/<number>/messages/<int:message_id>/again")
def send_again(number, message_id):
    """Queue a failed message again (a new message; the failed one stays listed)."""
    submission = lookup.find(number, Submission.by_number)
    again = outbox.send_again(message_id, submission.id)
    if again is None:
        flash(gettext("Only a message that was not sent can be sent again."), "warning")
    else:
        g.queued_messages = [again.id]  # the worker is woken after this request
        flash(gettext("The message is queued to be sent again."), "success")
    target = url_for("staff.detail", number=submission.number)
    return redirect(target + "#messages-heading", 303)


@bp.errorhandler(lookup.LookupFailed)
def explain_lookup(failure):
    """A request's address whose number is mistyped or unknown."""
    return render_template("staff/not_found.html", number=failure.text[:40]), 404
