"""Taking the files of one upload form: every file is checked first, and
they are kept only when all of them pass.

Shared by the apply flow (files held against the session's draft) and the
tracking page's upload while the office waits for papers (files of a sent
request). Returns what the page says: the refusals, or nothing.
"""

from dataclasses import dataclass

from flask import current_app, request

from kiosk.services import papers, request_papers
from kiosk.web import paper_messages

FIELDS = ("files", "photo")  # the file chooser, and the camera where there is one


@dataclass
class Outcome:
    kept: int = 0
    errors: tuple = ()  # (field id, sentence)
    status: int = 200


def chosen_requirement(requirements):
    """The requirement the form names by its position, or None."""
    try:
        position = int(request.form.get("requirement", ""))
    except ValueError:
        return None
    return next((r for r in requirements if r.position == position), None)


def take(requirement, *, via, submission_id=None, draft_key=None):
    """Check and keep the posted files for `requirement`."""
    config = current_app.config
    uploads = [
        upload
        for name in FIELDS
        for upload in request.files.getlist(name)
        if upload.filename or upload.content_length
    ]
    field = f"requirement-{requirement.position}"
    if not uploads:
        return Outcome(errors=((field, str(paper_messages.NO_FILE)),), status=422)
    checked, errors, codes = [], [], set()
    for number, upload in enumerate(uploads, 1):
        # Read one byte past the limit: enough to know it is too large.
        data = upload.stream.read(config["UPLOAD_FILE_MAX_BYTES"] + 1)
        try:
            checked.append(papers.check(data, config["UPLOAD_FILE_MAX_BYTES"]))
        except papers.PaperRefused as refused:
            codes.add(refused.code)
            errors.append((field, _numbered(number, len(uploads), refused.code)))
    if not errors:
        for number, fine in enumerate(checked, 1):
            try:
                request_papers.keep(
                    fine,
                    requirement,
                    via=via,
                    limits=(
                        config["UPLOAD_REQUEST_MAX_FILES"],
                        config["UPLOAD_REQUEST_MAX_BYTES"],
                    ),
                    submission_id=submission_id,
                    draft_key=draft_key,
                )
            except request_papers.PaperNotKept as refused:
                codes.add(refused.code)
                errors.append((field, _numbered(number, len(checked), refused.code)))
                # Those kept before stay: each was fine and within the limits.
                return Outcome(number - 1, tuple(errors), _status(codes))
        return Outcome(kept=len(checked))
    return Outcome(errors=tuple(errors), status=_status(codes))


def _numbered(number, count, code):
    sentence = paper_messages.refusal(code, current_app.config)
    if count == 1:
        return sentence
    return str(paper_messages.FILE_NUMBER) % {"number": number, "sentence": sentence}


def _status(codes):
    return 413 if codes & paper_messages.TOO_LARGE_CODES else 422
