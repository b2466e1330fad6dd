"""Finding a request by the number in an address, and what the public may see
of it. Used by the public pages, the JSON API, the kiosk and the staff console;
public_view() never returns the applicant's name, NIK, phone or note."""

from flask import (
    abort,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from kiosk.data import public_record
from kiosk.domain import checklist, tracking, workflow
from kiosk.services import collection, request_details, requirements
from kiosk.web import i18n
from kiosk.web.dates import office_today
from kiosk.web.i18n import current_locale

KEPT_ON_REDIRECT = ("lang", "paper", "new")


class LookupFailed(Exception):
    """A number that is mistyped (400) or unknown (404)."""

    def __init__(self, status, code, message, text=""):
        super().__init__(status)
        self.status = status
        self.code = code
        self.message = message
        self.text = text


def find(text, load=None, endpoint=None):
    """The request `text` names, as `load(number)` reads it (by default what
    the public may see of it).

    With an `endpoint`, a number written another way (lower case, hyphens, a
    look-alike letter) redirects (301) to that endpoint's canonical address,
    keeping the language and a receipt's paper. A mistyped number (400) or one
    that `load` does not find (404) raises LookupFailed, which each blueprint
    shows in its own way: a public page, a staff page, a kiosk screen, JSON.
    """
    number = canonical(text, endpoint)
    found = (load or public_record.find)(number)
    if found is None:
        raise not_found(number)
    return found


def canonical(text, endpoint=None):
    """The canonical number `text` names, as find() checks it, without
    reading the database."""
    text = text[:200]
    parsed = tracking.parse(text)
    if not parsed.ok:
        message = i18n.NUMBER_ERRORS[parsed.error]
        raise LookupFailed(400, parsed.error, message, text)
    if endpoint and parsed.number != text:
        kept = {name: request.args.get(name) for name in KEPT_ON_REDIRECT}
        abort(redirect(url_for(endpoint, number=parsed.number, **kept), 301))
    return parsed.number


def not_found(number):
    """The LookupFailed of a well-formed number no request has."""
    return LookupFailed(404, "not_found", i18n.NOT_FOUND, tracking.display(number))


def well_formed_or_404(number):
    """For QR images: the canonical number, or 404 for a malformed one.

    The database is not asked: a QR answer must not tell, outside the lookup
    rate limit, which numbers exist.
    """
    parsed = tracking.parse(number)
    if not parsed.ok:
        abort(404)
    return parsed.number


def public_view(record):
    """Template context for a request's public pages."""
    status = record.status
    # Only the note given with the current status: an older one (what was
    # missing, before the documents came) would read as today's news.
    last = record.events[-1] if record.events else None
    current_note = last.note if last is not None and last.status == status else ""
    late = workflow.is_late(status, record.due_date, office_today())
    locale = current_locale()
    items = requirements.public_checklist(record.number)
    # What the office has not received, while it still matters: until the
    # document is ready (never who ticked what, nor when).
    still_needed = [
        item.text(locale)
        for item in checklist.still_needed(items)
        if status in workflow.AWAITED
    ]
    next_step = i18n.STATUS_NEXT_STEPS[status]
    if late:
        next_step = i18n.LATE_NEXT_STEP
    elif still_needed and status != workflow.NEEDS_INFO:
        next_step = i18n.STILL_NEEDED_NEXT_STEP
    return {
        "record": record,
        "number": record.number,
        "document_name": record.document_name(locale),
        "status": status,
        "status_label": i18n.STATUS_LABELS[status],
        "explanation": i18n.STATUS_EXPLANATIONS[status],
        "next_step": next_step,
        "still_needed": still_needed,
        # The document type's list as it is now, each with whether received
        # (the receipts print it).
        "requirements": [(i.text(locale), i.received) for i in items if i.listed],
        "late": late,
        "events": record.events,
        "current_note": current_note,
        "due_date": record.due_date,
        # Once the document is ready (or the request has ended) the expected
        # date is news no more.
        "awaits_document": status not in workflow.FINAL and status != workflow.READY,
        "show_office": late or status in (workflow.READY, workflow.NEEDS_INFO),
        "office": g.office,
        "steps": workflow.STATUSES,
        # The time booked to collect the document, shown while it is ready.
        "collection_booking": (
            collection.booking_by_number(record.number)
            if status == workflow.READY
            else None
        ),
    }


def receipt_view(record):
    """Template context for a receipt: the public view, and whether to tell
    the applicant to come for the KTP-el's biometric recording."""
    return {
        **public_view(record),
        "recording_needed": request_details.awaits_recording(record.number),
    }


def explain_on_page(failure):
    """A mistyped (400) or unknown (404) number in a public page's address,
    answered with the lookup form to try again."""
    page = render_template(
        "public/track_error.html",
        message=failure.message,
        not_found=failure.status == 404,
        lookup_value=failure.text[:40],
    )
    return page, failure.status
