"""Staff: tick the requirements of a request as its papers arrive."""

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext

from kiosk.data.models import Submission
from kiosk.domain import checklist
from kiosk.services import requirements
from kiosk.web import auth
from kiosk.web.views import lookup, staff
from kiosk.web.views.htmx import wants_fragment

bp = Blueprint("staff_requirements", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)

# A page shows a few dozen lines at most; more is not a real form.
MOST_LINES = 100


def wanted_changes(form):
    """{checklist.key: received} for each box the clerk changed on the page.

    The page sends every line it showed ("shown"), those ticked when it was
    drawn ("was") and those ticked now ("received"). Only a box the clerk
    changed counts, so that a page left open does not undo another clerk's
    tick made meanwhile.
    """
    shown = [checklist.key(text) for text in form.getlist("shown")[:MOST_LINES]]
    was = {checklist.key(text) for text in form.getlist("was")[:MOST_LINES]}
    now = {checklist.key(text) for text in form.getlist("received")[:MOST_LINES]}
    return {key: key in now for key in shown if key and (key in now) != (key in was)}


def _outcome(result):
    """The clerk's confirmation, and a warning when lines had gone."""
    count = len(result.changed)
    if count:
        done = ngettext(
            "%(num)d change to the checklist saved.",
            "%(num)d changes to the checklist saved.",
            count,
        )
    else:
        done = gettext("The checklist was already as shown: nothing to save.")
    gone = None
    if result.gone:
        gone = ngettext(
            "%(num)d line is no longer in this document's list of requirements, "
            "so it was not saved. Look at the list again.",
            "%(num)d lines are no longer in this document's list of requirements, "
            "so they were not saved. Look at the list again.",
            result.gone,
        )
    return done, gone


@bp.post("/s/<number>/requirements")
def save(number):
    """Record the requirements the clerk ticked or unticked; back to the page."""
    submission = lookup.find(number, Submission.by_number, request.endpoint)
    result = requirements.record(
        submission, wanted_changes(request.form), staff=g.staff
    )
    done, gone = _outcome(result)
    if not wants_fragment():
        flash(done, "success")
        if gone:
            flash(gone, "warning")
        target = url_for("staff.detail", number=submission.number)
        return redirect(target + "#requirements-heading", 303)
    # In place: the checklist, and the history (out of band) with the new lines.
    marks = requirements.marks_of(submission)
    return render_template(
        "partials/staff_requirements_update.html",
        submission=submission,
        checklist=requirements.of_request(submission, marks),
        history=requirements.history(list(submission.timeline()), marks),
        checklist_message=done,
        checklist_warning=gone,
    )


bp.register_error_handler(lookup.LookupFailed, staff.explain_lookup)
