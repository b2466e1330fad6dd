"""Applying on the web: question pages, check your answers, sending.

The pages and their order are in web/apply_flow.py; this module only answers
requests: a GET shows a page from the session's answers, a POST checks the
page's answers and redirects to the next page (or shows the page again with
the problems, as 422).
"""

import secrets

from flask import Blueprint, redirect, render_template, request, url_for

from kiosk.domain import questions
from kiosk.services import submissions
from kiosk.web import apply_flow, caches, kiosk_devices
from kiosk.web.dates import office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.apply import ApplicationForm
from kiosk.web.i18n import current_locale
from kiosk.web.security import limit_submissions
from kiosk.web.views import htmx, papers

bp = Blueprint("apply", __name__, url_prefix="/apply")

DOCUMENT_PAGE = apply_flow.DOCUMENT_PAGE
CHECK_PAGE = apply_flow.CHECK_PAGE


def _form(posted=None, only=None):
    """The form filled with the session's answers and what was just posted
    (with `only` these fields: a page shown, not checked). Only the chosen
    document's fields are bound, and all when none is chosen."""
    draft = apply_flow.draft()
    data = apply_flow.formdata(draft["answers"], posted)
    if only is not None:
        kind = ApplicationForm.with_only(only)
    elif data.get("document_type") in {t.code for t in caches.document_types()}:
        kind = ApplicationForm.for_document(data["document_type"])
    else:
        kind = ApplicationForm
    form = kind(formdata=data, locale=current_locale())
    if not form.language.data:
        form.language.data = current_locale()
    if not form.form_token.data:
        form.form_token.data = draft["token"]
    return form


def _document_code(form):
    chosen = form.chosen_type
    return chosen.code if chosen else ""


def _page_url(page, change=False):
    change = 1 if change else None
    if page == CHECK_PAGE:
        return url_for("apply.check")
    if page == DOCUMENT_PAGE:
        return url_for("apply.start", change=change)
    return url_for("apply.question", page=page, change=change)


def _start_draft():
    """A new session's answers: a one-time token for the form, and the kiosk
    whose QR code opened it (when the address names one)."""
    draft = apply_flow.draft()
    via = request.args.get("via")
    values = {}
    if not draft["token"]:
        # No files yet: sending it looks for none until its papers page is opened.
        values.update(token=secrets.token_urlsafe(24), papers=False)
    if via and kiosk_devices.kiosk_from_reference(via):
        values["via"] = via
    answers = dict(draft["answers"])
    chosen = request.args.get("document_type")
    if chosen and chosen in {t.code for t in caches.document_types()}:
        answers["document_type"] = chosen
    if values or answers != draft["answers"]:
        apply_flow.save(answers, **values)


@bp.route("", methods=["GET", "POST"])
def start():
    """The first page: which document."""
    return question(DOCUMENT_PAGE)


@bp.route("/<page>", methods=["GET", "POST"])
def question(page):
    """One page of questions."""
    if request.method == "GET":
        swap = htmx.requirements_swap({t.code: t for t in caches.document_types()})
        if swap is not None:
            return swap
        _start_draft()
        shown = _shown_page(page)
        if shown is not None:
            return shown
    form = _form(request.form if request.method == "POST" else None)
    code = _document_code(form)
    fields = apply_flow.page_fields(code, page)
    if fields is None or (page != DOCUMENT_PAGE and not code):
        return redirect(url_for("apply.start"), 303)
    if request.method == "GET":
        return _page(form, page)

    checked = htmx.field_check(form)
    if checked is not None:
        return checked
    if not apply_flow.page_is_complete(form, apply_flow.asked_fields(form, fields)):
        return _page(form, page, status=INVALID_FORM)
    code = _document_code(form)  # a new choice of document counts from now
    apply_flow.save(apply_flow.kept_answers(form, code))
    change = bool(request.args.get("change"))
    if request.form.get("action") == "add":  # one more person moving
        return redirect(_page_url(page, change) + "#members", 303)
    if change:
        following = apply_flow.first_incomplete(form, code) or CHECK_PAGE
    else:
        following = apply_flow.following(code, page)
    return redirect(_page_url(following, change), 303)


def _shown_page(page):
    """A page shown from the session's answers, binding only its own fields;
    None when the full form must decide (no such page for the document)."""
    code = apply_flow.draft()["answers"].get("document_type", "")
    fields = apply_flow.page_fields(code, page)
    if fields is None:
        return None
    form = _form(only=fields)
    if _document_code(form) != code or (page != DOCUMENT_PAGE and not code):
        return None  # a document no longer offered, or none chosen yet
    return _page(form, page)


def _page(form, page, status=200):
    code = _document_code(form)
    fields = apply_flow.asked_fields(form, apply_flow.page_fields(code, page))
    change = bool(request.args.get("change"))
    back = apply_flow.preceding(code, page)
    context = {
        "form": form,
        "errors": [(n, m) for n, m in form.errors_in_order() if n in fields],
        "page": page,
        "fields": fields,
        "title": apply_flow.TITLES[page],
        "single_question": page in apply_flow.SINGLE_QUESTION,
        "progress": apply_flow.progress(code, page),
        "change": change,
        "back_url": url_for("apply.check") if change else back and _page_url(back),
        "members_shown": apply_flow.members_shown(apply_flow.draft()["answers"]),
        "max_members": questions.MEMBERS_MAX,
    }
    if status != 200:
        # What was posted, not the stored answers, decides how many rows show.
        context["members_shown"] = apply_flow.members_shown(request.form)
    return render_template("public/apply_page.html", **context), status


@bp.get("/check")
def check():
    """Check your answers: each answer with a link to change it."""
    draft = apply_flow.draft()
    if not draft["answers"]:
        sent = apply_flow.sent_number()
        if sent:  # Back after sending: the receipt again, not an empty form
            return redirect(url_for("public.receipt", number=sent), 303)
        return redirect(url_for("apply.start"), 303)
    form = _form()
    code = _document_code(form)
    missing = apply_flow.first_incomplete(form, code)
    if missing:
        return redirect(_page_url(missing), 303)
    return _check_page(form)


def _check_page(form, status=200):
    form.validate_details()
    links = apply_flow.change_links(_document_code(form))
    page = render_template(
        "public/apply_check.html",
        form=form,
        change_links=links,
        papers_sent=papers.draft_count(),
    )
    return page, status


@bp.post("/check")
@limit_submissions
def send():
    """Store the request (the session's answers, or all of them posted at
    once) and go to its receipt."""
    form = _form(request.form)
    sending = request.form.get("step") == "confirm"
    if not form.validate():
        code = _document_code(form)
        page = apply_flow.first_incomplete(form, code)
        if page:
            return _page(form, page, status=INVALID_FORM)
        return _check_page(form, status=INVALID_FORM)
    if not sending:  # the same answers shown again (a language switch)
        apply_flow.save(apply_flow.kept_answers(form, _document_code(form)))
        return redirect(url_for("apply.check"), 303)
    via = apply_flow.draft()["via"] or request.form.get("via")
    submission = submissions.create(
        form.cleaned(),
        channel="web",
        today=office_today(),
        calendar=caches.office_calendar(office_today()),
        kiosk=kiosk_devices.kiosk_from_reference(via),
        form_token=form.form_token.data or None,
    )
    papers.attach_on_send(submission)
    apply_flow.forget(submission.number)
    return redirect(url_for("public.receipt", number=submission.number, new=1), 303)
