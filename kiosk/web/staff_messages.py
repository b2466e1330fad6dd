"""What the staff pages say about refused moves and searches, and small helpers."""

from kiosk.domain import search, tracking, workflow
from kiosk.services import submissions
from kiosk.services.edit_guard import fingerprint
from kiosk.web import audit_labels
from kiosk.web.i18n import STATUS_LABELS
from kiosk.web.i18n import lazy_gettext as _l

MOVE_REFUSALS = {
    workflow.CONFLICT: _l(
        "Someone else changed this request after you opened it: it is now "
        "“%(current)s”. Nothing was changed. Check the timeline, then choose "
        "again; your notes are still in the form."
    ),
    workflow.NOT_ALLOWED: _l(
        "A request that is “%(current)s” cannot be moved to “%(target)s”."
    ),
    workflow.UNKNOWN_STATUS: _l("Choose one of the status buttons."),
}
NOT_FOUND = _l("There is no request with this number.")
# The same refusals, said about one line of a bulk change.
BULK_REFUSALS = {
    workflow.CONFLICT: _l(
        "someone changed it after this list was loaded; it is now “%(current)s”."
    ),
    workflow.NOT_ALLOWED: _l(
        "a request that is “%(current)s” cannot be moved to “%(target)s”."
    ),
    workflow.REASON_MISSING: _l("a note for the resident is required."),
    workflow.UNKNOWN_STATUS: _l("choose one of the statuses."),
    submissions.NOT_FOUND: _l("there is no request with this number."),
}

SEARCH_ERRORS = {
    tracking.EMPTY: _l("Scan the receipt's QR code or type its tracking number."),
    tracking.MALFORMED: _l(
        "A tracking number has 9 letters and digits, like 7KQ-4M2-XP9."
    ),
    tracking.TYPO: _l(
        "This tracking number has a typing mistake: check it against the receipt."
    ),
    search.SEARCH_DIGITS: _l(
        "Type a whole NIK (16 digits), a phone number or a tracking number."
    ),
    search.SEARCH_TOO_SHORT: _l("Type at least 2 letters of the name."),
}


# What the note for the resident must say, by the status that requires it.
REASONS_NEEDED = {
    workflow.NEEDS_INFO: _l(
        "Write in the note for the resident what they must send or bring."
    ),
    workflow.REJECTED: _l(
        "Write in the note for the resident why the request cannot be processed."
    ),
}


def refusal_message(error):
    """The clerk-facing sentence for a workflow.MoveRefused."""
    if error.code == workflow.REASON_MISSING:
        return str(REASONS_NEEDED[error.target])
    return MOVE_REFUSALS[error.code] % {
        "current": STATUS_LABELS.get(error.current, error.current or ""),
        "target": STATUS_LABELS.get(error.target, error.target or ""),
    }


def outcome_message(outcome):
    """Why one request of a bulk change was left as it was."""
    return BULK_REFUSALS[outcome.code] % {
        "current": STATUS_LABELS.get(outcome.current, outcome.current or ""),
        "target": STATUS_LABELS.get(outcome.target, outcome.target),
    }


def edit_conflict(form, kind, refused, submitted):
    """(label, value) for what someone else saved since an edit form was
    loaded, for the page that says so. The form now carries the fingerprint of
    their values, so saving it again replaces them knowingly."""
    form.loaded.data = fingerprint(refused.saved)
    return audit_labels.saved_meanwhile(kind, refused.saved, submitted)
