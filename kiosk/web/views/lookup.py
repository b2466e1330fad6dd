"""Looking a request up by number, and what the public may see of it.

Shared by the tracking page, the receipt, the JSON API and the kiosk. Nothing
here returns the applicant's name, NIK, phone or note.
"""

from flask import (
    abort,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)

from kiosk.data import public_record
from kiosk.domain import tracking, workflow
from kiosk.web import i18n
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


def _mistyped(parsed, text):
    return LookupFailed(400, parsed.error, i18n.NUMBER_ERRORS[parsed.error], text)


def _not_found(number):
    return LookupFailed(404, "not_found", i18n.NOT_FOUND, tracking.display(number))


def lookup(text):
    """The public record for a typed number, or LookupFailed saying what is wrong."""
    parsed = tracking.parse(text)
    if not parsed.ok:
        raise _mistyped(parsed, text)
    record = public_record.find(parsed.number)
    if record is None:
        raise _not_found(parsed.number)
    return record


def _explain(failure):
    page = render_template(
        "public/track_error.html",
        message=failure.message,
        not_found=failure.status == 404,
        lookup_value=failure.text[:40],
    )
    abort(make_response(page, failure.status))


def canonical_or_explain(text, endpoint):
    """For HTML pages: the canonical number, else a redirect to it or an error page."""
    parsed = tracking.parse(text[:200])
    if not parsed.ok:
        _explain(_mistyped(parsed, text))
    if parsed.number != text:
        # The language and a receipt's paper go along to the right address.
        kept = {name: request.args.get(name) for name in KEPT_ON_REDIRECT}
        abort(redirect(url_for(endpoint, number=parsed.number, **kept), 301))
    return parsed.number


def find_or_explain(text, endpoint):
    """For HTML pages: the public record, a redirect to its canonical URL, or an
    error page."""
    number = canonical_or_explain(text, endpoint)
    record = public_record.find(number)
    if record is None:
        _explain(_not_found(number))
    return record


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
    return {
        "record": record,
        "number": record.number,
        "document_name": record.document_name(current_locale()),
        "status": status,
        "status_label": i18n.STATUS_LABELS[status],
        "explanation": i18n.STATUS_EXPLANATIONS[status],
        "next_step": i18n.STATUS_NEXT_STEPS[status],
        "events": record.events,
        "current_note": current_note,
        "due_date": record.due_date,
        # Once the document is ready (or the request has ended) the expected
        # date is news no more.
        "awaits_document": status not in workflow.FINAL and status != workflow.READY,
        "show_office": status in (workflow.READY, workflow.NEEDS_INFO),
        "office": g.office,
        "steps": workflow.STATUSES,
    }
