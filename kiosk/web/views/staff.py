"""Staff console: work queue, scan box, request detail, status changes, bulk."""

from dataclasses import astuple
from urllib.parse import parse_qsl, urlencode

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext
from werkzeug.datastructures import MultiDict

from kiosk.data.models import DocumentType, Submission
from kiosk.domain import tracking, workflow
from kiosk.domain.search import read_search
from kiosk.services import (
    name_search,
    outbox,
    queue,
    request_details,
    requirements,
    security_log,
    submissions,
)
from kiosk.web import auth, caches, security_events, staff_answers, whatsapp_links
from kiosk.web.dates import office_clock, office_today, office_zone
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.staff import BulkForm, MoveForm
from kiosk.web.i18n import STATUS_LABELS
from kiosk.web.staff_messages import (
    NOT_FOUND,
    SEARCH_ERRORS,
    outcome_message,
    refusal_message,
)
from kiosk.web.views import lookup
from kiosk.web.views.htmx import fragment_or_page, wants_fragment

bp = Blueprint("staff", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)


def _queue_context(args, bulk_form=None, outcomes=None):
    filters = queue.Filters.from_args(args)
    # "More filters" (all but the search) is open while one of them is in use;
    # staff.js keeps it open across an update while the clerk works in it.
    more_filters_open = bool(filters.as_args(q="", status="") or filters.bad_dates)
    page = queue.page(
        filters,
        today=office_today(),
        zone=office_zone(),
        after=args.get("after"),
        before=args.get("before"),
    )
    return {
        "filters": filters,
        "more_filters_open": more_filters_open,
        "page": page,
        "duplicates": queue.possible_duplicates(page.rows),
        # Letters a typed word needs to be found inside a word of a name
        # (None: this database finds words by their first letters only).
        "infix_min": name_search.infix_min(),
        # Whom a birth or death certificate is for: a search by the child's
        # name lists the parent's request, and says why.
        "subjects": request_details.subject_names(s.id for s in page.rows),
        "counts": caches.queue_counts(),
        "finished_window": queue.FINISHED_WINDOW_DAYS,
        "document_types": DocumentType.select().order_by(DocumentType.position),
        "search_error": SEARCH_ERRORS.get(filters.search.error),
        "bulk_form": bulk_form or BulkForm(formdata=None),
        "page_args": urlencode(args, doseq=True),
        "outcomes": outcomes,
        # Requests a bulk change left as they were stay ticked, to try again.
        "still_ticked": {o.number for o in outcomes or () if not o.moved},
        "outcome_message": outcome_message,
        "today": office_today(),
    }


# A bulk change's results, kept for the page it redirects to (without JavaScript).
BULK_OUTCOMES = "bulk_outcomes"


@bp.get("")
def queue_page():
    """The work queue: counts, filters, search, keyset pages and bulk changes."""
    # Results wait for the whole page they were sent to, not another tab's update.
    outcomes = None if wants_fragment() else _kept_bulk_outcomes()
    context = _queue_context(request.args, outcomes=outcomes)
    security_events.log_resident_search(context["filters"].search)
    cursor = {k: request.args[k] for k in ("after", "before") if request.args.get(k)}
    canonical = url_for("staff.queue_page", **context["filters"].as_args(), **cursor)
    return fragment_or_page(
        "staff/queue.html",
        "partials/staff_queue.html",
        headers={"HX-Push-Url": canonical},
        **context,
    )


@bp.post("/bulk")
def bulk_move():
    """Move the ticked requests to one status; report each one's result."""
    form = BulkForm()
    valid = form.validate()
    picked = form.selection(request.form.getlist("selected"))
    outcomes, status = None, INVALID_FORM
    if valid and picked:
        outcomes = submissions.move_many(
            picked,
            form.target.data,
            staff=g.staff,
            public_note=form.public_note.data,
            internal_note=form.internal_note.data,
            clock=office_clock(),
        )
        status = 200
        if any(outcome.moved for outcome in outcomes):
            # Done: an empty form for the next change. (When nothing moved the
            # clerk's choice and notes stay, to correct and send again.)
            form = BulkForm(formdata=None, filters=form.filters.data)
    # The list is shown again as the clerk had filtered it.
    args = MultiDict(parse_qsl(form.filters.data or "")[:40])
    if outcomes is not None and not wants_fragment():
        # A whole page goes to the list's own address, so that reloading it
        # shows the list instead of sending the change again.
        session[BULK_OUTCOMES] = [astuple(outcome) for outcome in outcomes]
        query = urlencode(list(args.items(multi=True)))
        target = url_for("staff.queue_page") + (f"?{query}" if query else "")
        return redirect(target + "#bulk-result-heading", 303)
    context = _queue_context(args, bulk_form=form, outcomes=outcomes)
    return fragment_or_page(
        "staff/queue.html", "partials/staff_queue.html", status, **context
    )


def _kept_bulk_outcomes():
    """The results a bulk change redirected here with, shown once."""
    if BULK_OUTCOMES not in session:  # (a pop would rewrite the cookie every time)
        return None
    return [submissions.Outcome(*row) for row in session.pop(BULK_OUTCOMES)] or None


@bp.get("/scan")
def scan():
    """The scan box: a tracking number or URL (e.g. from a scanner) opens it;
    a NIK, phone number or name typed into it searches the queue instead."""
    text = request.args.get("number", "")[:300]
    parsed = tracking.parse(text)
    target = None
    if parsed.ok:
        if Submission.select().where(Submission.number == parsed.number).exists():
            target = url_for("staff.detail", number=parsed.number)
    elif read_search(text).kind:
        target = url_for("staff.queue_page", q=text.strip())
    if target:
        if wants_fragment():
            return "", 200, {"HX-Redirect": target}
        return redirect(target, 303)
    error = SEARCH_ERRORS[parsed.error] if not parsed.ok else NOT_FOUND
    return fragment_or_page(
        "staff/scan.html",
        "partials/staff_scan.html",
        404 if parsed.ok else 400,
        scan_value=text,
        scan_error=error,
    )


def _detail(submission, form, status=200, message=None, error=None, just_moved=False):
    events = list(submission.timeline())
    marks = requirements.marks_of(submission)
    # The note given with the current status, as the tracking page shows it.
    last = events[-1] if events else None
    note = last.public_note if last and last.to_status == submission.status else ""
    return fragment_or_page(
        "staff/detail.html",
        "partials/staff_request.html",
        status,
        submission=submission,
        form=form,
        next_statuses=workflow.next_statuses(submission.status),
        reason_required=workflow.REASON_REQUIRED,
        history=requirements.history(events, marks),
        checklist=requirements.of_request(submission, marks),
        duplicates=submissions.other_open_requests(submission),
        whatsapp_status_url=whatsapp_links.status_link(submission, note),
        sms_status_url=whatsapp_links.sms_status_link(submission, note),
        messages=outbox.of_request(submission.id),
        request_answers=staff_answers.rows(submission),
        message=message,
        just_moved=just_moved,
        error=error,
        today=office_today(),
    )


@bp.get("/s/<number>")
def detail(number):
    """One request: applicant, timeline, notes and its allowed next statuses."""
    submission = lookup.find(number, Submission.by_number, request.endpoint)
    security_events.log(security_log.DETAILS_OPENED, subject=submission.number)
    form = MoveForm(formdata=None, version=str(submission.version))
    # Arriving from a status change (without JavaScript): offer to tell the resident.
    return _detail(submission, form, just_moved=request.args.get("moved") == "1")


@bp.post("/s/<number>/move")
def move(number):
    """Change a request's status; stale pages and disallowed moves are refused."""
    submission = lookup.find(number, Submission.by_number, request.endpoint)
    form = MoveForm()
    if not form.validate():
        return _detail(submission, form, INVALID_FORM)
    try:
        moved = submissions.move(
            submission,
            form.target.data,
            version=form.posted_version(),
            staff=g.staff,
            public_note=form.public_note.data,
            internal_note=form.internal_note.data,
            clock=office_clock(),
        )
    except workflow.MoveRefused as refused:
        current = Submission.by_number(submission.number)
        message = refusal_message(refused)
        if refused.code == workflow.CONFLICT:
            # Show the other change and let the clerk decide again from here.
            form.version.data = str(current.version)
            return _detail(current, form, 409, error=message)
        if refused.code == workflow.REASON_MISSING:
            form.public_note.errors.append(message)
        return _detail(current, form, INVALID_FORM, error=message)
    done = gettext(
        "%(number)s is now “%(status)s”.",
        number=moved.display_number,
        status=STATUS_LABELS[moved.status],
    )
    if not wants_fragment():
        flash(done, "success")
        return redirect(url_for("staff.detail", number=moved.number, moved=1), 303)
    return _detail(
        moved, MoveForm(formdata=None, version=str(moved.version)), message=done
    )


@bp.get("/today")
def today():
    """Lists for the day: ready for collection, and overdue requests."""
    day = office_today()
    return render_template(
        "staff/today.html",
        ready=queue.ready_for_collection(),
        overdue=queue.overdue(day),
        today=day,
        limit=queue.DAY_LIST_LIMIT,
    )


@bp.errorhandler(lookup.LookupFailed)
def explain_lookup(failure):
    """A request's address whose number is mistyped or unknown."""
    return render_template("staff/not_found.html", number=failure.text[:40]), 404
