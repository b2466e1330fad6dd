"""The office head's monthly report: every figure (small counts too), the
work per staff member and the requests late today, for admins only."""

import datetime as dt
import re

import pytest

from kiosk.data.models import StaffMember
from tests.support import stats_data
from tests.support.staff import (  # noqa: F401
    fast_passwords,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")
FEBRUARY = "/staff/admin/report?period=month&month=2026-02&lang=en"


def _cards(page):
    return re.findall(r'<p class="stat-value">([^<]*)</p>', page)


def test_report_shows_every_figure_of_the_month(app, admin):
    clerk = StaffMember.get(StaffMember.username == "boss")
    stats_data.store(staff=clerk)
    page = admin.get(FEBRUARY).get_data(as_text=True)
    assert "Monthly report" in page
    # Received 6, ready 4, collected 1, rejected 1, 75% on time, median 1.5.
    assert _cards(page) == ["6", "4", "1", "1", "75%", "1.5"]
    assert "&lt;5" not in page.split("How these figures are counted")[0]


def test_report_lists_work_per_staff_member(app, admin):
    clerk = StaffMember.get(StaffMember.username == "boss")
    stats_data.store(staff=clerk)
    page = admin.get(FEBRUARY).get_data(as_text=True)
    workload = page.split('id="workload-heading"')[1].split("</section>")[0]
    assert clerk.display_name in workload
    # C was moved to ready by the clerk in February: one move in all.
    row = workload.split(clerk.display_name)[1].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == [
        "0",
        "0",
        "0",
        "0",
        "1",
        "0",
        "0",
        "1",
    ]


def test_report_lists_the_requests_late_today(app, admin):
    made = stats_data.store()
    page = admin.get(FEBRUARY).get_data(as_text=True)
    late = page.split('id="late-heading"')[1].split("</section>")[0]
    # F and G still wait, past their expected dates; the others are done.
    assert "2 requests are past their expected date" in late
    assert made["G"].display_number in late and made["F"].display_number in late
    assert made["A"].display_number not in late
    assert made["G"].applicant_name not in late


def test_report_opens_on_the_last_whole_month(app, admin):
    page = admin.get("/staff/admin/report?lang=en").get_data(as_text=True)
    today = dt.date.today()
    last = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    assert f'<option value="{last:%Y-%m}" selected>' in page


def test_report_is_for_admins_only(app):
    clerk = staff_client(app, "clerk")
    assert clerk.get("/staff/admin/report").status_code == 403
    assert app.test_client().get("/staff/admin/report").status_code in (302, 303)


def test_admin_overview_links_to_the_report(app, admin):
    page = admin.get("/staff/admin?lang=en").get_data(as_text=True)
    assert "/staff/admin/report" in page
