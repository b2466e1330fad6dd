"""Working days: weekends, national holidays, collective leave and the office's
own closures; the clock that stops while the office waits for the resident;
"late" only while the office's clock runs, on the tracking page and for staff."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from kiosk.data.models import OfficeClosure, StatusEvent, Submission
from kiosk.domain import workflow
from kiosk.domain.working_days import OfficeCalendar, national_closures
from kiosk.services import calendar, submissions
from kiosk.services.submissions import Clock
from tests.support.factories import make_submission

D = dt.date
JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def national():
    return OfficeCalendar(frozenset(national_closures(range(2025, 2029))))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Nyepi and Idul Fitri 2026 with their collective leave: 18-24 March
        # are closed but for nothing; three working days end on the 27th.
        (D(2026, 3, 17), 3, D(2026, 3, 27)),
        # Ascension Day and its leave (14-15 May 2026), then a weekend.
        (D(2026, 5, 13), 1, D(2026, 5, 18)),
        # Christmas Eve leave and Christmas 2026.
        (D(2026, 12, 23), 2, D(2026, 12, 29)),
        # Across the year: New Year's Day, then Isra Mikraj on 5 January 2027.
        (D(2026, 12, 30), 3, D(2027, 1, 6)),
        # Idul Fitri 2027 (9-15 March with leave) and Nyepi on the 8th.
        (D(2027, 3, 5), 2, D(2027, 3, 17)),
        # A request made on a Saturday: Monday is the first working day.
        (D(2026, 11, 28), 1, D(2026, 11, 30)),
        (D(2026, 11, 30), 0, D(2026, 11, 30)),
    ],
)
def test_due_dates_skip_holidays_and_collective_leave(national, start, days, due):
    assert national.add(start, days) == due


def test_collective_leave_and_national_holidays_are_both_closed(national):
    leave = national_closures([2026], "id")
    assert "Cuti Bersama" in leave[D(2026, 3, 20)]
    assert national_closures([2026], "en")[D(2026, 8, 17)] == "Independence Day"
    assert not national.is_working_day(D(2026, 3, 20))  # cuti bersama
    assert not national.is_working_day(D(2026, 8, 17))
    assert national.is_working_day(D(2026, 8, 18))
    # Working days after the 17th of March 2026 up to the 27th: 25, 26, 27.
    assert national.working_days_between(D(2026, 3, 17), D(2026, 3, 27)) == 3
    assert national.working_days_between(D(2026, 3, 27), D(2026, 3, 17)) == 0


def test_a_new_request_is_due_in_working_days(app):
    made = make_submission("KK", today=D(2026, 12, 23))  # KK: 3 working days
    # 24 and 25 December closed, a weekend, then 28, 29, 30.
    assert made.due_date == D(2026, 12, 30)


def test_the_office_closes_a_day_and_waiting_requests_move_on(app):
    today = D(2026, 11, 2)  # a Monday
    made = dt.datetime(2026, 11, 2, 2)  # 09.00 WIB
    due_thursday = make_submission("KK", today=today, created_at=made)
    due_before = make_submission(
        "KK", today=D(2026, 10, 26), created_at=dt.datetime(2026, 10, 26, 2)
    )
    ready = make_submission("KK", today=today, status="ready", created_at=made)
    assert due_thursday.due_date == D(2026, 11, 5)
    closure, moved = calendar.add_closure(None, D(2026, 11, 4), "Hari jadi", today)
    assert moved == 1
    assert Submission.get_by_id(due_thursday.id).due_date == D(2026, 11, 6)
    assert Submission.get_by_id(due_before.id).due_date == due_before.due_date
    assert Submission.get_by_id(ready.id).due_date == ready.due_date
    # A request made after the closure is set skips the day too.
    later = make_submission("KK", today=today, created_at=made)
    assert later.due_date == D(2026, 11, 6)
    # No day is closed twice, and weekends and holidays are closed already.
    for day in (D(2026, 11, 4), D(2026, 11, 7), D(2026, 12, 25)):
        with pytest.raises(calendar.ClosureRefused):
            calendar.add_closure(None, day, "x", today)
    assert calendar.remove_closure(None, closure, today) == 2
    assert Submission.get_by_id(due_thursday.id).due_date == D(2026, 11, 5)
    assert Submission.get_by_id(later.id).due_date == D(2026, 11, 5)
    assert not OfficeClosure.select().exists()


def test_the_clock_stops_while_the_office_waits_for_the_resident(app):
    monday = D(2026, 11, 2)
    request = make_submission("KK", today=monday)  # due Thursday the 5th
    request = submissions.move(request, "verifying", version=0, staff=None)
    request = submissions.move(
        request, "needs_info", version=1, staff=None, public_note="Bawa KK lama"
    )
    # Asked on Tuesday morning, office time; the documents came on Friday.
    asked = dt.datetime(2026, 11, 3, 1, 30)  # 08.30 WIB, stored in UTC
    StatusEvent.update(created_at=asked).where(
        (StatusEvent.submission == request.id) & (StatusEvent.to_status == "needs_info")
    ).execute()
    friday = D(2026, 11, 6)
    assert not request.is_overdue(friday)  # waiting for the resident: never late
    clock = Clock(friday, JAKARTA, calendar.office_calendar(friday))
    back = submissions.move(request, "verifying", version=2, staff=None, clock=clock)
    # Waited Wednesday, Thursday and Friday: due three working days later.
    assert back.due_date == D(2026, 11, 10)
    assert not back.is_overdue(friday)


def test_late_only_while_the_office_clock_runs(app):
    past = D(2026, 1, 5)
    today = D(2026, 12, 4)
    for status, late in [
        ("submitted", True),
        ("verifying", True),
        ("processing", True),
        ("needs_info", False),
        ("ready", False),
        ("completed", False),
        ("rejected", False),
    ]:
        request = make_submission("KK", today=past, status=status)
        assert request.is_overdue(today) is late, status
        assert workflow.is_late(status, request.due_date, today) is late


def test_staff_see_late_requests_by_the_same_rule(app, clerk):
    long_ago = D(2026, 1, 5)
    late = make_submission("KK", today=long_ago, status="processing")
    waiting = make_submission("KK", today=long_ago, status="needs_info")
    ready = make_submission("KK", today=long_ago, status="ready")
    only_late = clerk.get("/staff", query_string={"overdue": "1", "status": "open"})
    assert late.number in only_late.text
    assert waiting.number not in only_late.text and ready.number not in only_late.text
    today = clerk.get("/staff/today").text
    assert late.number in today


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_late_request_says_so_apologises_and_gives_the_office(app, client, lang):
    late = make_submission("KK", today=D(2026, 1, 5), status="processing")
    page = client.get(f"/t/{late.number}?lang={lang}").text
    if lang == "en":
        assert "We are sorry: your request is taking longer" in page
        assert "It was expected to be ready by" in page and "Late" in page
        assert "You do not need to do anything yet" not in page
        assert "Where and when" in page
    else:
        assert "Mohon maaf, permohonan Anda memakan waktu lebih lama" in page
        assert "Terlambat" in page and "Seharusnya sudah jadi pada" in page
        assert "Anda belum perlu melakukan apa pun" not in page


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_tracking_page_counts_in_working_days(app, client, lang):
    waiting = make_submission("KK")
    page = client.get(f"/t/{waiting.number}?lang={lang}").text
    words = {"en": "Counted in working days", "id": "Dihitung dalam hari kerja"}
    assert words[lang] in page
    assert "We are sorry" not in page and "Mohon maaf" not in page


def test_admins_close_and_open_a_day(app, admin):
    page = admin.get("/staff/admin/calendar")
    assert page.status_code == 200
    assert "Independence Day" in page.text  # the national days the site skips
    refused = admin.post("/staff/admin/calendar", data={"day": "2026-02-30"})
    assert refused.status_code == 422
    assert "Enter the date as day, month and year" in refused.text
    assert "This field is required" in refused.text  # the reason
    next_year = dt.date.today().year + 1
    weekday = D(next_year, 6, 2)
    while weekday.weekday() >= 5 or not calendar.office_calendar(
        weekday
    ).is_working_day(weekday):
        weekday += dt.timedelta(days=1)
    written = weekday.strftime("%d/%m/%Y")
    added = admin.post(
        "/staff/admin/calendar", data={"day": written, "reason": "Hari jadi"}
    )
    assert added.status_code == 303
    listed = admin.get("/staff/admin/calendar").text
    assert "Hari jadi" in listed and "The office is closed on" in listed
    again = admin.post(
        "/staff/admin/calendar", data={"day": weekday.isoformat(), "reason": "x"}
    )
    assert again.status_code == 422 and "closed that day already" in again.text
    closure = OfficeClosure.get()
    removed = admin.post(f"/staff/admin/calendar/{closure.id}/remove")
    assert removed.status_code == 303
    assert not OfficeClosure.select().exists()
    trail = admin.get("/staff/admin/audit").text
    assert "Office closed on a day" in trail and "Office open again on a day" in trail
