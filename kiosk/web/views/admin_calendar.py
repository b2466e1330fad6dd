"""Admin page: the office's working days (its own closures besides weekends,
national holidays and collective leave)."""

import datetime as dt

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext, ngettext

from kiosk.data.models import OfficeClosure
from kiosk.services import calendar
from kiosk.web import auth
from kiosk.web.dates import format_date, office_today
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.admin import ClosureForm
from kiosk.web.i18n import current_locale

bp = Blueprint("admin_calendar", __name__, url_prefix="/staff/admin")
bp.before_request(auth.require_admin)

# How far ahead a closure may be set, and the national days listed.
AHEAD = dt.timedelta(days=2 * 366)


def _page(form, status=200):
    today = office_today()
    until = dt.date(today.year + 1, 12, 31)
    page = render_template(
        "staff/admin/calendar.html",
        form=form,
        closures=calendar.closures(since=today),
        national_days=calendar.national_days(today, until, current_locale()),
    )
    return page, status


@bp.route("/calendar", methods=["GET", "POST"])
def working_days():
    """The office's own closures, with the national days the site knows."""
    form = ClosureForm()
    if not form.is_submitted():
        return _page(form)
    if not form.validate():
        return _page(form, INVALID_FORM)
    today = office_today()
    day = form.day.data
    if not today <= day <= today + AHEAD:
        form.day.errors.append(
            gettext("Choose a day from today up to two years ahead.")
        )
        return _page(form, INVALID_FORM)
    try:
        closure, moved = calendar.add_closure(g.staff, day, form.reason.data, today)
    except calendar.ClosureRefused:
        form.day.errors.append(
            gettext(
                "The office is closed that day already (a weekend, a national "
                "holiday, collective leave or a closure in the list)."
            )
        )
        return _page(form, INVALID_FORM)
    flash(
        ngettext(
            "The office is closed on %(day)s. %(num)d request due from that day "
            "on is now due one working day later.",
            "The office is closed on %(day)s. %(num)d requests due from that day "
            "on are now due one working day later.",
            moved,
            day=format_date(closure.day, "full"),
        ),
        "success",
    )
    return redirect(url_for("admin_calendar.working_days"), 303)


@bp.post("/calendar/<int:closure_id>/remove")
def remove_closure(closure_id):
    """Open the office again on a closure's day."""
    closure = OfficeClosure.get_or_none(OfficeClosure.id == closure_id)
    if closure is None:
        abort(404)
    moved = calendar.remove_closure(g.staff, closure, office_today())
    flash(
        ngettext(
            "The office is open again on %(day)s. %(num)d request is now due one "
            "working day earlier.",
            "The office is open again on %(day)s. %(num)d requests are now due "
            "one working day earlier.",
            moved,
            day=format_date(closure.day, "full"),
        ),
        "success",
    )
    return redirect(url_for("admin_calendar.working_days"), 303)
