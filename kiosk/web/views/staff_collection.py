"""Staff: the day's collection schedule with arrived, missed and the handover;
admin: the collection hours of each weekday."""

import datetime as dt

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk.data.models import CollectionBooking, CollectionSlot, Submission
from kiosk.domain import workflow
from kiosk.services import collection
from kiosk.web import auth, caches
from kiosk.web.dates import office_clock, office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.collection import (
    RELATION_LABELS,
    WEEKDAY_LABELS,
    CollectionHoursForm,
    HandoverForm,
)
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.staff_messages import refusal_message

bp = Blueprint("staff_collection", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)
admin_bp = Blueprint("admin_collection", __name__, url_prefix="/staff/admin")
admin_bp.before_request(auth.require_admin)

STATE_LABELS = {
    collection.EXPECTED: _l("Expected"),
    collection.ARRIVED: _l("Arrived"),
    collection.COLLECTED: _l("Collected"),
    collection.MISSED: _l("Missed"),
}


def _day_from(text):
    try:
        return dt.date.fromisoformat((text or "")[:10])
    except ValueError:
        return office_today()


@bp.get("/collections")
def schedule():
    """One day's collection times and who is expected in each."""
    day = _day_from(request.args.get("day"))
    calendar = caches.office_calendar(day)
    return render_template(
        "staff/collections.html",
        day=day,
        today=office_today(),
        working=calendar.is_working_day(day),
        slots=collection.schedule(day),
        previous_day=day - dt.timedelta(days=1),
        next_day=day + dt.timedelta(days=1),
        state_labels=STATE_LABELS,
        relation_labels=RELATION_LABELS,
    )


def _booking(booking_id):
    booking = (
        CollectionBooking.select(CollectionBooking, CollectionSlot, Submission)
        .join(CollectionSlot)
        .switch(CollectionBooking)
        .join(Submission)
        .where(CollectionBooking.id == booking_id)
        .get_or_none()
    )
    if booking is None:
        abort(404)
    return booking


def _back_to(booking):
    day = booking.slot.start.date().isoformat()
    return redirect(url_for("staff_collection.schedule", day=day), 303)


@bp.post("/collections/<int:booking_id>/<state>")
def mark(booking_id, state):
    """Note that the resident has arrived, or did not come."""
    if state not in (collection.ARRIVED, collection.MISSED):
        abort(404)
    booking = _booking(booking_id)
    if collection.mark(booking.id, state, g.staff):
        flash(
            gettext(
                "%(number)s: “%(state)s”.",
                number=booking.submission.display_number,
                state=STATE_LABELS[state],
            ),
            "success",
        )
    return _back_to(booking)


def _handover_page(booking, form, status=200, error=None):
    page = render_template(
        "staff/collection_handover.html",
        booking=booking,
        submission=booking.submission,
        form=form,
        error=error,
        relation_labels=RELATION_LABELS,
    )
    return page, status


@bp.route("/collections/<int:booking_id>/collected", methods=["GET", "POST"])
def handover(booking_id):
    """Hand the document over: who collected it; the request is completed."""
    booking = _booking(booking_id)
    form = HandoverForm()
    if request.method == "GET":
        form.collector_name.data = booking.submission.applicant_name
        return _handover_page(booking, form)
    if booking.submission.status != workflow.READY:
        return _handover_page(
            booking, form, 409, gettext("This document is not ready to hand over.")
        )
    if not form.validate():
        return _handover_page(booking, form, INVALID_FORM)
    try:
        moved = collection.hand_over(
            booking,
            staff=g.staff,
            name=form.collector_name.data,
            relation=form.relation.data,
            relation_other=form.relation_other.data,
            clock=office_clock(),
        )
    except workflow.MoveRefused as refused:
        return _handover_page(booking, form, 409, refusal_message(refused))
    flash(
        gettext(
            "%(number)s was collected by %(name)s. The request is completed.",
            number=moved.display_number,
            name=form.collector_name.data,
        ),
        "success",
    )
    return _back_to(booking)


@admin_bp.route("/collection", methods=["GET", "POST"])
def hours():
    """Collection hours per weekday: opening, closing, slot length, people."""
    form = CollectionHoursForm()
    status = 200
    if not form.is_submitted():
        form.fill(collection.hours())
    elif form.validate():
        if collection.save_hours(g.staff, form.hours()):
            flash(gettext("The collection hours were saved."), "success")
        return redirect(url_for("admin_collection.hours"), 303)
    else:
        status = INVALID_FORM
    page = render_template(
        "staff/admin/collection.html", form=form, weekdays=WEEKDAY_LABELS
    )
    return page, status
