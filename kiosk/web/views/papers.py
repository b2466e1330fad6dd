"""Residents send photos or PDFs of their papers: while applying (held
against the session's draft until the request is sent) and, for a sent
request, while the office waits for them (status "needs_info").

The upload pages are pages of their own, not part of the tracking page: that
page is the same cached HTML for everyone, without a cookie or a form token,
and stays so. Every accepted POST redirects back to its page.
"""

import secrets

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from kiosk.data.models import DocumentType, Submission
from kiosk.domain import tracking, workflow
from kiosk.services import request_papers
from kiosk.web import apply_flow, paper_messages, paper_uploads
from kiosk.web.i18n import current_locale
from kiosk.web.security import (
    keyed_digest,
    limit_lookups,
    limit_uploads,
    limiter,
    rate_limit_key,
    takes_files,
    upload_request_limit,
)
from kiosk.web.views import lookup
from kiosk.web.views.htmx import wants_fragment

bp = Blueprint("papers", __name__)


def draft_key(create=False):
    """The key of the session's draft files (a digest of the draft's token:
    the token itself never reaches the database), or None.

    `create`: the resident is on the papers page, the one place a draft gets
    files; the draft is then marked as one that may hold some.
    """
    draft = apply_flow.draft()
    token = draft["token"]
    if create and not (token and apply_flow.may_hold_papers()):
        token = token or secrets.token_urlsafe(24)
        apply_flow.save(token=token, papers=True)
    if not token:
        return None
    return keyed_digest(f"papers:{token}".encode()).hex()


def _upload_target():
    """Whom the per-request upload limit counts: the request or the draft."""
    number = (request.view_args or {}).get("number")
    if number:
        # Counted by the number itself, however it is written.
        parsed = tracking.parse(number[:40])
        return f"number:{parsed.number if parsed.ok else number[:40]}"
    key = draft_key()
    # A browser without a draft has nothing to upload to: count its address.
    return f"draft:{key}" if key else f"client:{rate_limit_key()}"


limit_per_request = limiter.limit(
    upload_request_limit, key_func=_upload_target, methods=["POST"]
)


def _chosen_document():
    code = apply_flow.draft()["answers"].get("document_type")
    if not code:
        return None
    return DocumentType.get_or_none((DocumentType.code == code) & DocumentType.active)


def _fragment(requirement, papers, outcome, can_remove):
    """For an htmx upload: the requirement's block alone, with the new file
    in its list, or the refusal (with the refusal's status: site.js swaps it
    in all the same)."""
    files = request_papers.grouped([requirement], papers)[0][1]
    page = render_template(
        "partials/paper_requirement.html",
        requirement=requirement,
        files=files,
        errors=outcome.errors,
        just_sent=None if outcome.errors else str(paper_messages.SENT),
        upload_url=request.path,
        can_upload=True,
        can_remove=can_remove,
    )
    return page, outcome.status, {"Vary": "HX-Request"}


@bp.route("/apply/papers", methods=["GET", "POST"])
@takes_files
@limit_uploads
@limit_per_request
def apply_papers():
    """Photos or PDFs of the papers, one field per requirement (optional)."""
    document = _chosen_document()
    if document is None:
        return redirect(url_for("apply.start"), 303)
    requirements = request_papers.requirements(document, current_locale())
    key = draft_key(create=True)
    outcome = paper_uploads.Outcome()
    if request.method == "POST":
        requirement = paper_uploads.chosen_requirement(requirements)
        if requirement is None:
            return redirect(url_for("papers.apply_papers"), 303)
        outcome = paper_uploads.take(
            requirement, via=request_papers.VIA_APPLY, draft_key=key
        )
        if wants_fragment():
            files = request_papers.listed(draft_key=key)
            return _fragment(requirement, files, outcome, can_remove=True)
        if not outcome.errors:
            flash(str(paper_messages.SENT), "success")
            anchor = f"#requirement-{requirement.position}"
            return redirect(url_for("papers.apply_papers") + anchor, 303)
    rows = request_papers.grouped(requirements, request_papers.listed(draft_key=key))
    page = render_template(
        "public/apply_papers.html",
        document=document,
        rows=rows,
        errors=outcome.errors,
        upload_url=url_for("papers.apply_papers"),
        max_file=paper_messages.megabytes(current_app.config["UPLOAD_FILE_MAX_BYTES"]),
    )
    return page, outcome.status


@bp.post("/apply/papers/<stored_id>/remove")
def remove_draft_paper(stored_id):
    """Take a file out before sending the request."""
    key = draft_key()
    if key and request_papers.remove_from_draft(key, stored_id):
        flash(str(paper_messages.REMOVED), "success")
    return redirect(url_for("papers.apply_papers"), 303)


def _draft_with_papers():
    """The draft's key when it may hold files, else None (no query: most
    residents send none, and sending is the busiest write)."""
    return draft_key() if apply_flow.may_hold_papers() else None


def draft_count():
    """How many files the session's draft holds (for the check page)."""
    key = _draft_with_papers()
    return len(request_papers.listed(draft_key=key)) if key else 0


def attach_on_send(submission):
    """The request was sent from this session: its draft's files are its own."""
    key = _draft_with_papers()
    if key:
        locale = current_locale()
        requirements = request_papers.requirements(submission.document_type, locale)
        request_papers.attach_draft(key, submission, requirements)


@bp.route("/t/<number>/papers", methods=["GET", "POST"])
@takes_files
@limit_lookups
@limit_uploads
@limit_per_request
def tracking_papers(number):
    """Send the papers the office asks for, while it waits for them."""
    submission = lookup.find(number, Submission.by_number, request.endpoint)
    waiting = submission.status == workflow.NEEDS_INFO
    requirements = request_papers.requirements(
        submission.document_type, current_locale()
    )
    outcome = paper_uploads.Outcome()
    if request.method == "POST":
        requirement = paper_uploads.chosen_requirement(requirements)
        if not waiting:
            message = str(paper_messages.NOT_WAITING)
            outcome = paper_uploads.Outcome(errors=(("papers", message),), status=409)
        elif requirement is None:
            return redirect(request.path, 303)
        else:
            outcome = paper_uploads.take(
                requirement,
                via=request_papers.VIA_TRACKING,
                submission_id=submission.id,
            )
            if wants_fragment():
                files = request_papers.listed(submission.id)
                return _fragment(requirement, files, outcome, can_remove=False)
            if not outcome.errors:
                flash(str(paper_messages.SENT), "success")
                anchor = f"#requirement-{requirement.position}"
                return redirect(request.path + anchor, 303)
    rows = request_papers.grouped(requirements, request_papers.listed(submission.id))
    events = list(submission.timeline())
    last = events[-1] if events else None
    page = render_template(
        "public/tracking_papers.html",
        # What the office asked for, as the tracking page shows it.
        office_note=last.public_note if waiting and last else "",
        number=submission.number,
        document_name=submission.document_type.name(current_locale()),
        waiting=waiting,
        rows=rows,
        errors=outcome.errors,
        upload_url=request.path,
        max_file=paper_messages.megabytes(current_app.config["UPLOAD_FILE_MAX_BYTES"]),
    )
    return page, outcome.status


bp.register_error_handler(lookup.LookupFailed, lookup.explain_on_page)
