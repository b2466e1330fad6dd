"""Queue tickets in the staff console: check-in at reception, each counter's
calls (call next, recall, served, skip), and the admin's counters."""

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext

from kiosk.data.models import QueueTicket, ServiceCounter
from kiosk.services import counters, tickets
from kiosk.web import auth, check_in
from kiosk.web.dates import office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.tickets import (
    SERVICE_LABELS,
    CallForm,
    CheckInForm,
    CounterForm,
    NoShowForm,
)

bp = Blueprint("staff_calls", __name__, url_prefix="/staff")
bp.before_request(auth.require_staff)
admin_bp = Blueprint("admin_counters", __name__, url_prefix="/staff/admin")
admin_bp.before_request(auth.require_admin)


@bp.route("/check-in", methods=["GET", "POST"])
def reception():
    """Reception: a queue ticket for a resident at the desk."""
    form = CheckInForm()
    made = tickets.by_token(request.args.get("ticket", "")[:32])
    context = check_in.ticket_context(made) if made else {}
    if not form.is_submitted():
        return render_template(
            "staff/check_in.html", form=form, outcome=None, **context
        )
    outcome = check_in.check_in(form) if form.validate() else None
    if outcome is None or outcome.ticket is None:
        page = render_template("staff/check_in.html", form=form, outcome=outcome)
        return page, INVALID_FORM
    if not outcome.created:
        flash(gettext("This request has a ticket already today."), "info")
    return redirect(url_for("staff_calls.reception", ticket=outcome.ticket.token), 303)


def _counter_from(value):
    number = value if isinstance(value, int) else None
    if number is None and str(value or "").isdigit() and len(str(value)) < 4:
        number = int(value)
    return counters.by_number(number) if number is not None else None


@bp.get("/calls")
def calls():
    """A counter's console: the ticket called there, and the buttons."""
    day = office_today()
    all_counters = counters.counters(active_only=True)
    counter = _counter_from(request.args.get("counter"))
    if counter is None and all_counters and "counter" not in request.args:
        counter = all_counters[0]
    if counter is None and "counter" in request.args:
        abort(404)
    current = counters.current_ticket(counter, day) if counter else None
    return render_template(
        "staff/calls.html",
        counters=all_counters,
        counter=counter,
        current=current,
        waiting=tickets.waiting_counts(day),
        service_labels=SERVICE_LABELS,
        counter_services=", ".join(
            str(SERVICE_LABELS[code])
            for code in (counter.service_list if counter else [])
        ),
        no_show_minutes=counters.settings().no_show_minutes,
    )


@bp.post("/calls")
def call():
    """One of the console's buttons: next, recall, served or skip."""
    form = CallForm()
    counter = _counter_from(form.counter.data) if form.validate() else None
    if counter is None:
        abort(400)
    day = office_today()
    if form.action.data == "next":
        called = counters.call_next(counter, day)
        if called is None:
            flash(gettext("Nobody is waiting for this counter's services."), "info")
    else:
        ticket = QueueTicket.get_or_none(
            (QueueTicket.token == (form.ticket.data or "")[:32])
            & (QueueTicket.counter == counter)
        )
        if ticket is None:
            abort(400)
        done = {
            "recall": counters.recall,
            "served": counters.served,
            "skip": counters.skip,
        }[form.action.data](ticket)
        if not done:
            flash(gettext("That ticket is no longer called at this counter."), "info")
    return redirect(url_for("staff_calls.calls", counter=counter.number), 303)


def _counters_page(new_form, no_show_form, status=200, edit_errors=None):
    edit_errors = edit_errors or {}
    errors = [("new-number", e) for e in new_form.number.errors[:1]]
    errors += [
        ("wait-no_show_minutes", e) for e in no_show_form.no_show_minutes.errors[:1]
    ]
    errors += [
        (f"c{key}-number", found[0]) for key, found in edit_errors.items() if found
    ]
    page = render_template(
        "staff/admin/counters.html",
        errors=errors,
        counters=counters.counters(),
        form=new_form,
        no_show_form=no_show_form,
        edit_errors=edit_errors,
        service_labels=SERVICE_LABELS,
    )
    return page, status


@admin_bp.route("/counters", methods=["GET", "POST"])
def counters_page():
    """Counters (loket), the services each calls, and the no-show time."""
    form = CounterForm(prefix="new")
    no_show = NoShowForm(prefix="wait")
    if not form.is_submitted():
        form.services.data = list(SERVICE_LABELS)
        no_show.no_show_minutes.data = counters.settings().no_show_minutes
        return _counters_page(form, no_show)
    no_show.no_show_minutes.data = counters.settings().no_show_minutes
    if not form.validate():
        return _counters_page(form, no_show, INVALID_FORM)
    return _save(form, None, no_show)


def _save(form, counter, no_show):
    try:
        counters.save_counter(
            g.staff,
            counter,
            number=form.number.data,
            name=form.name.data or "",
            services=form.services.data or [],
            active=bool(form.active.data),
        )
    except counters.CounterTaken:
        form.number.errors.append(gettext("Another counter has this number."))
        return _counters_page(form, no_show, INVALID_FORM)
    flash(gettext("Counter %(number)s saved.", number=form.number.data), "success")
    return redirect(url_for("admin_counters.counters_page"), 303)


@admin_bp.post("/counters/<int:counter_id>")
def edit_counter(counter_id):
    """Change a counter's number, name, services or use."""
    counter = ServiceCounter.get_or_none(ServiceCounter.id == counter_id)
    if counter is None:
        abort(404)
    form = CounterForm(prefix=f"c{counter_id}")
    no_show = NoShowForm(prefix="wait")
    no_show.no_show_minutes.data = counters.settings().no_show_minutes
    if not form.validate():
        problems = [errors[0] for errors in form.errors.values() if errors]
        new = CounterForm(prefix="new", formdata=None)
        new.services.data = list(SERVICE_LABELS)
        return _counters_page(new, no_show, INVALID_FORM, {counter_id: problems})
    return _save(form, counter, no_show)


@admin_bp.post("/counters/no-show")
def no_show_time():
    """How long a called ticket may wait at its counter before it is skipped."""
    form = NoShowForm(prefix="wait")
    if not form.validate():
        new = CounterForm(prefix="new", formdata=None)
        new.services.data = list(SERVICE_LABELS)
        return _counters_page(new, form, INVALID_FORM)
    counters.set_no_show_minutes(g.staff, form.no_show_minutes.data)
    flash(gettext("No-show time saved."), "success")
    return redirect(url_for("admin_counters.counters_page"), 303)
