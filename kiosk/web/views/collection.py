"""A resident's collection appointment: choose a time once the document is
ready, move or cancel it until the slot starts, and the slip to bring.

The tracking number is the key: no personal data is asked or shown. A
registered kiosk's browser gets the same pages in the kiosk's layout (with its
idle reset), so the link on the kiosk's status screen works too.
"""

import datetime as dt

from flask import Blueprint, g, redirect, render_template, request, url_for
from flask_babel import format_time

from kiosk.data.models import Submission
from kiosk.domain import workflow
from kiosk.services import collection
from kiosk.web import caches, kiosk_flow
from kiosk.web.dates import ZONE_ABBREVIATIONS, office_today, office_zone
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.collection import BookingForm, slot_value
from kiosk.web.i18n import DEFAULT_LOCALE, current_locale
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.security import limit_lookups
from kiosk.web.views import errors, lookup

bp = Blueprint("collection", __name__)

REFUSALS = {
    collection.NOT_READY: _l(
        "A time to collect can be chosen only when the document is ready. "
        "The tracking page shows its status."
    ),
    collection.NOT_OFFERED: _l(
        "That time is not offered (any more). Choose another time."
    ),
    collection.FULL: _l("That time is full now. Choose another time."),
    collection.STARTED: _l(
        "Your time to collect has already started, so it cannot be changed "
        "here. Please come to the office or ask the staff."
    ),
    collection.CHANGED: _l(
        "Your booking was changed at the same moment from another screen. "
        "Look at it again below."
    ),
}


@bp.app_template_filter("slot_time")
def slot_time(start, end=None):
    """An office-local time (or range) as the reader writes it, with the zone:
    "08.00–08.30 WIB"."""
    text = format_time(start.time(), "short")
    if end is not None:
        text = f"{text}–{format_time(end.time(), 'short')}"
    zone = ZONE_ABBREVIATIONS.get(office_zone().key)
    return f"{text} {zone}" if zone else text


def office_now():
    """The office's clock now, as a naive office-local time (like slot starts)."""
    return dt.datetime.now(office_zone()).replace(tzinfo=None, microsecond=0)


def _render(template, status=200, **context):
    """The page in the kiosk's layout on a registered kiosk, else the site's."""
    kiosk_layout = g.get("kiosk_device") is not None
    if kiosk_layout:
        context.update(
            paper_width=kiosk_flow.paper_width(g.kiosk_device),
            reset_url=kiosk_flow.reset_url(),
            default_locale=DEFAULT_LOCALE,
            numbers_as_links=False,
        )
    layout = "kiosk_base.html" if kiosk_layout else "base.html"
    return render_template(
        template, layout=layout, kiosk_layout=kiosk_layout, **context
    ), status


def _find(number, endpoint):
    return lookup.find(number, Submission.by_number, endpoint)


def _context(submission):
    locale = current_locale()
    return {
        "number": submission.number,
        "document_name": submission.document_type.name(locale),
        "booking": collection.booking_of(submission.id),
        "ready": submission.status == workflow.READY,
    }


def _shown_day(days, form, booking):
    """The one day whose times the page lists (a phone would scroll through
    ten days of times otherwise): the day asked for, else the day of the
    time chosen or booked, else the first day with room."""
    offered = [day for day, _ in days]
    wanted = [_parse_day(request.args.get("day"))]
    chosen = getattr(form.slot, "start", None)  # set once the form validated
    if chosen is not None:
        wanted.append(chosen.date())
    if booking is not None:
        wanted.append(booking.slot.start.date())
    wanted += [day for day, slots in days if any(not s.full for s in slots)]
    return next((day for day in wanted if day in offered), offered[0])


def _parse_day(text):
    try:
        return dt.date.fromisoformat(text or "")
    except ValueError:
        return None


def _choose_page(submission, form, status=200, refusal=None):
    days, shown = [], None
    context = _context(submission)
    if submission.status == workflow.READY:
        days = collection.offered(office_now(), caches.office_calendar(office_today()))
    if days:
        shown = _shown_day(days, form, context["booking"])
    return _render(
        "public/collect.html",
        status,
        form=form,
        days=days,
        shown_day=shown,
        slot_value=slot_value,
        refusal=refusal,
        cancelled=request.args.get("cancelled") == "1",
        **context,
    )


@bp.route("/t/<number>/collect", methods=["GET", "POST"])
@limit_lookups
def choose(number):
    """The times offered to collect a ready document; choosing one books it."""
    submission = _find(number, "collection.choose")
    if submission.status != workflow.READY:
        return _choose_page(
            submission, BookingForm(), 409, REFUSALS[collection.NOT_READY]
        )
    form = BookingForm()
    if request.method == "GET":
        return _choose_page(submission, form)
    if not form.validate():
        return _choose_page(submission, form, INVALID_FORM)
    try:
        collection.book(
            submission,
            form.slot.start,
            office_now(),
            caches.office_calendar(office_today()),
        )
    except collection.BookingRefused as refused:
        status = 409 if refused.code in (collection.FULL, collection.CHANGED) else 422
        form.slot.errors.append(REFUSALS[refused.code])
        return _choose_page(submission, form, status)
    return redirect(url_for("collection.slip", number=submission.number), 303)


@bp.get("/t/<number>/collect/slip")
@limit_lookups
def slip(number):
    """The booked time, where to go and what to bring (printable)."""
    submission = _find(number, "collection.slip")
    context = _context(submission)
    if context["booking"] is None:
        return redirect(url_for("collection.choose", number=submission.number), 303)
    locale = current_locale()
    return _render(
        "public/collect_slip.html",
        requirements=submission.document_type.requirements(locale),
        office=g.office,
        slot_end=collection.slot_end(context["booking"].slot.start),
        can_change=context["ready"]
        and context["booking"].state == collection.EXPECTED
        and context["booking"].slot.start > office_now(),
        **context,
    )


@bp.post("/t/<number>/collect/cancel")
@limit_lookups
def cancel(number):
    """Give the booked time back."""
    submission = _find(number, "collection.cancel")
    try:
        collection.cancel(submission, office_now())
    except collection.BookingRefused as refused:
        return _choose_page(submission, BookingForm(), 409, REFUSALS[refused.code])
    target = "collection.choose"
    if submission.status != workflow.READY:
        target = "public.tracking_page"
    return redirect(url_for(target, number=submission.number, cancelled=1), 303)


@bp.errorhandler(lookup.LookupFailed)
def explain_lookup(failure):
    """A mistyped (400) or unknown (404) number, as the tracking page says it."""
    if g.get("kiosk_device") is not None:
        page = render_template(
            "kiosk/error.html",
            title=errors.TITLES[404],
            message=errors.MESSAGES[404],
            paper_width=kiosk_flow.paper_width(g.kiosk_device),
            reset_url=kiosk_flow.reset_url(),
            default_locale=DEFAULT_LOCALE,
        )
        return page, 404
    page = render_template(
        "public/track_error.html",
        message=failure.message,
        not_found=failure.status == 404,
        lookup_value=failure.text[:40],
    )
    return page, failure.status
