"""The office head's monthly report: the statistics with every figure, the
work of each clerk and the requests late today; printable on A4."""

import datetime as dt

from flask import Blueprint, render_template, request

from kiosk.services import monthly_report
from kiosk.web import auth, stats_pages
from kiosk.web.dates import office_today

bp = Blueprint("admin_report", __name__, url_prefix="/staff/admin")
bp.before_request(auth.require_admin)


def _last_month(today):
    start = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    return {"period": "month", "month": start.strftime("%Y-%m")}


@bp.get("/report")
def monthly():
    """The monthly report (the last whole month unless another period is asked)."""
    today = office_today()
    args = request.args if request.args.get("period") else _last_month(today)
    view = stats_pages.context(args, hide=False, endpoint="admin_report.monthly")
    late, late_count = monthly_report.overdue(today)
    return render_template(
        "staff/admin/report.html",
        workload=monthly_report.workload(view["period"]),
        work_columns=monthly_report.WORK,
        late=late,
        late_count=late_count,
        **view,
    )
