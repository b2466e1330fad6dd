"""Residents' photos and PDFs for clerks: the files themselves, their
thumbnails, and accepting or refusing each.

Files are served to signed-in staff only. Anyone else gets 404, as for an
address that does not exist: the public cannot learn that a file is there.
Each file or thumbnail shown is written to the security log.
"""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk.data.models import Submission
from kiosk.services import papers, request_papers, security_log
from kiosk.web import auth, paper_messages, security_events
from kiosk.web.i18n import current_locale

# The files, under /staff/papers/: 404 for anyone not signed in.
files_bp = Blueprint("staff_papers_files", __name__, url_prefix="/staff/papers")
# Decisions, under the request's address: signing in again as for other forms.
bp = Blueprint("staff_papers", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)

# Nothing in a served file may run or load anything, whatever it holds.
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"


@files_bp.before_request
def hide_from_the_public():
    if auth.load_staff() is None:
        abort(404)


def _paper_or_404(stored_id):
    paper = request_papers.by_stored_id(stored_id)
    if paper is None or paper.submission_id is None:
        abort(404)  # unknown, erased, or still in a resident's draft
    return paper


def _serve(paper, data, mimetype, disposition, view):
    if data is None:
        abort(404)
    submission = Submission.get_by_id(paper.submission_id)
    security_events.log(
        security_log.PAPER_OPENED,
        subject=submission.number,
        details={"paper": paper.id, "view": view},
    )
    # A file name that says which request and requirement, never the resident's.
    word = gettext("paper")
    extension = papers.EXTENSIONS.get(paper.kind, "bin")
    name = f"{word}-{submission.number}-{paper.requirement_position}-{paper.id}"
    if view == "thumbnail":
        name, extension = f"{name}-small", "jpg"
    response = current_app.response_class(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = (
        f'{disposition}; filename="{name}.{extension}"'
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = FILE_POLICY
    return response


@files_bp.get("/<stored_id>")
def file(stored_id):
    """The file as kept: a photo shown in the browser, a PDF downloaded
    (opened with the office's own PDF reader, not inside the staff site)."""
    paper = _paper_or_404(stored_id)
    data = request_papers.read(paper)
    disposition = "attachment" if paper.kind == "pdf" else "inline"
    mimetype = papers.MIMETYPES.get(paper.kind, "application/octet-stream")
    return _serve(paper, data, mimetype, disposition, "file")


@files_bp.get("/<stored_id>/thumbnail")
def thumbnail(stored_id):
    """A small picture of a photo for the request's page."""
    paper = _paper_or_404(stored_id)
    if not paper.has_thumbnail:
        abort(404)
    data = request_papers.read(paper, thumbnail=True)
    return _serve(paper, data, "image/jpeg", "inline", "thumbnail")


@bp.post("/s/<number>/papers/<stored_id>")
def decide(number, stored_id):
    """Accept a file for its requirement, or refuse it with a reason the
    resident reads on the tracking page."""
    paper = _paper_or_404(stored_id)
    submission = Submission.get_by_id(paper.submission_id)
    if submission.number != number:
        abort(404)
    decision = request.form.get("decision")
    reason = request.form.get("reason", "").strip()
    anchor = f"#paper-{paper.id}"
    target = url_for("staff.detail", number=number) + anchor
    if decision not in (request_papers.ACCEPTED, request_papers.REFUSED):
        abort(400)
    if decision == request_papers.REFUSED and not reason:
        flash(str(paper_messages.REASON_MISSING), "warning")
        return redirect(target, 303)
    request_papers.decide(paper, decision, g.staff, reason)
    security_events.log(
        security_log.PAPER_DECIDED,
        subject=number,
        details={"paper": paper.id, "decision": decision},
    )
    flash(str(paper_messages.DECIDED[decision]), "success")
    return redirect(target, 303)


def staff_paper_rows(submission):
    """For the request's page: [(requirement, its files)]."""
    requirements = request_papers.requirements(
        submission.document_type, current_locale()
    )
    return request_papers.grouped(
        requirements, request_papers.listed(submission_id=submission.id)
    )


bp.add_app_template_global(staff_paper_rows, "staff_paper_rows")
