"""What residents and clerks read about files: why one was not kept, what
kind it is, the state a clerk gave it."""

from kiosk.services import papers, request_papers
from kiosk.web.i18n import lazy_gettext as _l

REFUSALS = {
    papers.EMPTY: _l("The file is empty. Choose the photo or PDF again."),
    papers.TOO_LARGE: _l("The file is larger than %(size)s. Send a smaller photo."),
    papers.NOT_ALLOWED: _l(
        "This kind of file cannot be sent. Send a photo (JPG, PNG or HEIC) or a PDF."
    ),
    papers.UNREADABLE: _l(
        "The photo cannot be read: the file is damaged or is not really a photo."
    ),
    papers.TOO_MANY_PIXELS: _l(
        "The photo is too large to open. Take the photo again with the phone's"
        " normal camera."
    ),
    papers.BAD_PDF: _l("The PDF cannot be read: the file is damaged or is not a PDF."),
    papers.ACTIVE_PDF: _l(
        "This PDF contains programs or attached files, which we cannot accept."
        " Print it to a new PDF or send a photo of the paper."
    ),
    request_papers.REQUEST_FULL: _l(
        "This request already has as many files as it can hold (%(count)d)."
    ),
    request_papers.REQUEST_TOO_LARGE: _l(
        "The files of one request may be %(size)s together at most."
    ),
    request_papers.ALREADY_SENT: _l("You have already sent this file."),
}
# Refusals answered 413 (too large); the others are 422.
TOO_LARGE_CODES = frozenset({papers.TOO_LARGE, request_papers.REQUEST_TOO_LARGE})

KIND_LABELS = {"jpeg": _l("Photo"), "png": _l("Picture"), "pdf": _l("PDF")}
STATE_LABELS = {
    request_papers.NEW: _l("Not checked yet"),
    request_papers.ACCEPTED: _l("Accepted"),
    request_papers.REFUSED: _l("Refused"),
}

# One of several files sent at once was refused.
FILE_NUMBER = _l("File %(number)d: %(sentence)s")
NO_FILE = _l("Choose a photo or a PDF to send.")
SENT = _l("Your file was sent.")
REMOVED = _l("The file was removed.")
NOT_WAITING = _l("Files can be sent here only while the office waits for them.")
DECIDED = {
    request_papers.ACCEPTED: _l("The file was accepted."),
    request_papers.REFUSED: _l("The file was refused; the resident sees the reason."),
}
REASON_MISSING = _l("Say why the file is refused: the resident reads it.")


def megabytes(size):
    return f"{size / (1024 * 1024):.0f} MB"


def refusal(code, config):
    """The sentence for a refusal code, with the settings it mentions."""
    message = REFUSALS[code]
    if code == papers.TOO_LARGE:
        return str(message) % {"size": megabytes(config["UPLOAD_FILE_MAX_BYTES"])}
    if code == request_papers.REQUEST_TOO_LARGE:
        return str(message) % {"size": megabytes(config["UPLOAD_REQUEST_MAX_BYTES"])}
    if code == request_papers.REQUEST_FULL:
        return str(message) % {"count": config["UPLOAD_REQUEST_MAX_FILES"]}
    return str(message)
