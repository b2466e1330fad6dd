"""Collection appointments: hours, the slots offered, booking, moving and
cancelling by tracking number, full slots, the race for the last place, the
staff's day schedule with the handover, and the purge of the collector's name."""

import datetime as dt
import threading

import pytest

from kiosk.data.models import (
    AdminEvent,
    CollectionBooking,
    CollectionSlot,
    Submission,
    utcnow,
)
from kiosk.domain import collection_hours
from kiosk.domain.collection_hours import Hours, offered_days, slot_starts
from kiosk.domain.working_days import OfficeCalendar
from kiosk.services import collection, retention
from kiosk.web.forms.collection import slot_value
from tests.support.factories import make_submission

D = dt.date


def _ready(app, **fields):
    with app.app_context():
        return make_submission(status="ready", **fields).number


def _offered(app):
    """The slots offered now: [(day, [Slot])]."""
    with app.app_context():
        from kiosk.services.calendar import office_calendar

        now = dt.datetime.now(collection_hours_zone()).replace(tzinfo=None)
        return collection.offered(now, office_calendar(now.date()))


def collection_hours_zone():
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Jakarta")


def _first_slot(app, index=0):
    slots = [slot for _day, day_slots in _offered(app) for slot in day_slots]
    return slots[index]


def _set_every_day(admin, capacity=6, slot=30, opens="08:00", closes="15:00"):
    data = {}
    for day in range(7):
        data |= {
            f"open_{day}": "y",
            f"opens_{day}": opens,
            f"closes_{day}": closes,
            f"slot_{day}": str(slot),
            f"capacity_{day}": str(capacity),
        }
    response = admin.post("/staff/admin/collection", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]


# -- hours and slots (pure) ---------------------------------------------------


def test_a_weekday_is_cut_into_slots_of_its_length():
    hours = Hours(True, 8 * 60, 11 * 60, 30, 6)
    starts = slot_starts(D(2026, 6, 5), hours)
    assert len(starts) == 6
    assert starts[0] == dt.datetime(2026, 6, 5, 8, 0)
    assert starts[-1] == dt.datetime(2026, 6, 5, 10, 30)
    assert slot_starts(D(2026, 6, 6), Hours(False, 480, 660, 30, 6)) == []


def test_offered_days_skip_weekends_holidays_and_closures():
    closed = OfficeCalendar(frozenset({D(2026, 8, 17), D(2026, 8, 19)}))
    days = offered_days(D(2026, 8, 14), closed.is_working_day, days=4)
    # Friday 14th; Monday 17th is Independence Day; Wednesday 19th closed.
    assert days == [D(2026, 8, 14), D(2026, 8, 18), D(2026, 8, 20), D(2026, 8, 21)]


def test_default_hours_are_weekdays_only():
    defaults = collection_hours.DEFAULT_HOURS
    assert all(defaults[day].is_open for day in range(5))
    assert not defaults[5].is_open and not defaults[6].is_open
    assert defaults[0].slot_minutes == 30 and defaults[0].capacity == 6


def test_offered_slots_leave_out_closed_days_and_past_times(app):
    with app.app_context():
        now = dt.datetime(2026, 8, 14, 9, 40)  # a Friday, 09:40
        calendar = OfficeCalendar(frozenset({D(2026, 8, 17)}))
        days = collection.offered(now, calendar)
        first_day, first_slots = days[0]
        assert first_day == D(2026, 8, 14)
        assert first_slots[0].start == dt.datetime(2026, 8, 14, 10, 0)
        assert all(day.weekday() < 5 for day, _ in days)
        assert D(2026, 8, 17) not in [day for day, _ in days]
        assert len(days) == collection_hours.DAYS_AHEAD


# -- admin hours --------------------------------------------------------------


def test_admin_sets_the_hours_and_the_change_is_audited(app, admin):
    page = admin.get("/staff/admin/collection")
    assert page.status_code == 200
    assert 'value="08:00"' in page.get_data(as_text=True)
    _set_every_day(admin, capacity=2, slot=60, opens="09:00", closes="12:00")
    with app.app_context():
        hours = collection.hours()
        assert hours[5] == Hours(True, 9 * 60, 12 * 60, 60, 2)
        event = AdminEvent.get(AdminEvent.action == "collection.update")
        assert "09:00-12:00" in event.details
    audit = admin.get("/staff/admin/audit").get_data(as_text=True)
    assert "Collection hours changed" in audit


def test_admin_hours_with_mistakes_are_refused_with_a_summary(admin):
    data = {f"opens_{day}": "08:00" for day in range(7)}
    data |= {f"closes_{day}": "15:00" for day in range(7)}
    data |= {f"slot_{day}": "30" for day in range(7)}
    data |= {f"capacity_{day}": "6" for day in range(7)}
    data |= {"open_0": "y", "closes_0": "07:00", "opens_1": "late", "capacity_2": "x"}
    response = admin.post("/staff/admin/collection", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html
    assert "The closing time must be after the opening time." in html
    assert "Enter a time such as 08:00." in html
    assert "Enter a whole number." in html


def test_a_clerk_cannot_change_the_hours(clerk):
    assert clerk.get("/staff/admin/collection").status_code == 403


# -- residents ----------------------------------------------------------------


def test_tracking_page_of_a_ready_request_links_to_booking(app, client):
    number = _ready(app)
    html = client.get(f"/t/{number}?lang=en").get_data(as_text=True)
    assert f'href="/t/{number}/collect"' in html
    assert "Choose a time to collect" in html


def test_book_move_and_cancel_in_english(app, client):
    number = _ready(app)
    page = client.get(f"/t/{number}/collect?lang=en")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Choose a time to collect" in html and "places left" in html
    first, second = _first_slot(app, 0), _first_slot(app, 1)

    booked = client.post(f"/t/{number}/collect", data={"slot": slot_value(first.start)})
    assert booked.status_code == 303
    assert booked.headers["Location"].endswith(f"/t/{number}/collect/slip")
    slip = client.get(f"/t/{number}/collect/slip?lang=en").get_data(as_text=True)
    assert "Your time to collect" in slip
    assert first.start.strftime("%A") in slip  # the day in words
    assert "WIB" in slip and "letter of authority (surat kuasa)" in slip
    assert "KTP-el" in slip
    tracking = client.get(f"/t/{number}?lang=en").get_data(as_text=True)
    assert "Your time to collect" in tracking

    moved = client.post(f"/t/{number}/collect", data={"slot": slot_value(second.start)})
    assert moved.status_code == 303
    with app.app_context():
        booking = collection.booking_by_number(number)
        assert booking.slot.start == second.start
        counts = dict(
            CollectionSlot.select(CollectionSlot.start, CollectionSlot.booked).tuples()
        )
        assert counts[first.start] == 0 and counts[second.start] == 1

    cancelled = client.post(f"/t/{number}/collect/cancel")
    assert cancelled.status_code == 303
    page = client.get(cancelled.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "was cancelled" in page
    with app.app_context():
        assert collection.booking_by_number(number) is None
        assert CollectionSlot.get(CollectionSlot.start == second.start).booked == 0


def test_book_in_indonesian_shows_the_date_in_indonesian(app, client):
    number = _ready(app)
    slot = _first_slot(app)
    response = client.post(
        f"/t/{number}/collect?lang=id", data={"slot": slot_value(slot.start)}
    )
    assert response.status_code == 303
    slip = client.get(f"/t/{number}/collect/slip?lang=id").get_data(as_text=True)
    assert '<html lang="id"' in slip
    days_id = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat")
    assert days_id[slot.start.weekday()] in slip
    assert slot.start.strftime("%H.%M") in slip  # Indonesian writes 08.30


def test_a_full_slot_is_shown_full_and_refused(app, admin, client):
    _set_every_day(admin, capacity=1)
    first, second = _ready(app), _ready(app)
    slot = _first_slot(app)
    assert (
        client.post(
            f"/t/{first}/collect", data={"slot": slot_value(slot.start)}
        ).status_code
        == 303
    )
    day = slot.start.date().isoformat()
    page = client.get(f"/t/{second}/collect?lang=en&day={day}").get_data(as_text=True)
    value = slot_value(slot.start)
    assert f'value="{value}" disabled' in page
    assert "Full" in page
    refused = client.post(f"/t/{second}/collect?lang=en", data={"slot": value})
    assert refused.status_code == 409
    assert "That time is full now" in refused.get_data(as_text=True)
    with app.app_context():
        assert collection.booking_by_number(second) is None


def test_the_page_lists_one_days_times_and_links_to_the_other_days(app, client):
    number = _ready(app)
    days = _offered(app)
    (_, first_slots), (later_day, later_slots) = days[0], days[-1]

    def listed(query=""):
        html = client.get(f"/t/{number}/collect?lang=en{query}").get_data(as_text=True)
        values = {slot_value(s.start) for _, slots in days for s in slots}
        return {v for v in values if f'value="{v}"' in html}, html

    shown, html = listed()
    assert shown == {slot_value(s.start) for s in first_slots}
    for day, _ in days:  # every day offered is a link
        assert f"/t/{number}/collect?day={day.isoformat()}" in html
    assert html.count('aria-current="date"') == 1
    shown, _ = listed(f"&day={later_day.isoformat()}")
    assert shown == {slot_value(s.start) for s in later_slots}
    for made_up in ("2001-01-01", "tomorrow", "9999-99-99"):
        shown, _ = listed(f"&day={made_up}")
        assert shown == {slot_value(s.start) for s in first_slots}
    # Once booked, the page opens on the booked day.
    booked = later_slots[0]
    client.post(f"/t/{number}/collect", data={"slot": slot_value(booked.start)})
    shown, _ = listed()
    assert slot_value(booked.start) in shown


def test_no_choice_gets_the_error_summary(app, client):
    number = _ready(app)
    response = client.post(f"/t/{number}/collect?lang=en", data={"slot": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="error-summary"' in html and "Choose a time to collect." in html


def test_past_or_made_up_times_are_refused(app, client):
    number = _ready(app)
    for value in (
        "2020-01-06T08:00",
        "2099-01-05T08:00",
        "nonsense",
        "2026-13-01T08:00",
    ):
        response = client.post(f"/t/{number}/collect", data={"slot": value})
        assert response.status_code == 422, value


def test_a_request_not_ready_cannot_book(app, client):
    with app.app_context():
        number = make_submission(status="processing").number
    page = client.get(f"/t/{number}/collect?lang=en")
    assert page.status_code == 409
    assert "only when the document is ready" in page.get_data(as_text=True)
    slot = _first_slot(app)
    posted = client.post(f"/t/{number}/collect", data={"slot": slot_value(slot.start)})
    assert posted.status_code == 409
    tracking = client.get(f"/t/{number}?lang=en").get_data(as_text=True)
    assert "/collect" not in tracking


@pytest.mark.parametrize("path", ["/t/{}/collect", "/t/{}/collect/slip"])
def test_unknown_and_mistyped_numbers_answer_as_the_tracking_page(client, path):
    unknown = client.get(path.format("AAAA-AAAA-AAAA"))
    tracking = client.get("/t/AAAA-AAAA-AAAA")
    assert unknown.status_code == tracking.status_code
    assert client.get(path.format("not-a-number")).status_code == 400


def test_two_residents_racing_for_the_last_places(make_app):
    app = make_app()
    capacity = 3
    with app.app_context():
        collection.save_hours(
            None, {day: Hours(True, 8 * 60, 15 * 60, 30, capacity) for day in range(7)}
        )
    numbers = [_ready(app, nik=f"13030101019{i:05d}") for i in range(8)]
    slot = _first_slot(app)
    barrier = threading.Barrier(len(numbers))
    results = []

    def book(number):
        client = app.test_client()
        barrier.wait()
        response = client.post(
            f"/t/{number}/collect", data={"slot": slot_value(slot.start)}
        )
        results.append(response.status_code)

    threads = [threading.Thread(target=book, args=(n,)) for n in numbers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [303] * capacity + [409] * (len(numbers) - capacity)
    with app.app_context():
        assert CollectionSlot.get(CollectionSlot.start == slot.start).booked == capacity
        assert CollectionBooking.select().count() == capacity


def test_the_kiosk_gets_the_booking_pages_in_its_layout(app, client):
    from kiosk.data.models import KioskDevice

    number = _ready(app)
    with app.app_context():
        KioskDevice.create(name="Lobby kiosk", token="lobby-token")
    client.get("/kiosk?k=lobby-token")
    result = client.get(f"/kiosk/status?number={number}&lang=en").get_data(as_text=True)
    assert f'href="/t/{number}/collect"' in result
    page = client.get(f"/t/{number}/collect?lang=en").get_data(as_text=True)
    assert 'class="kiosk"' in page and "data-idle-reset" in page
    assert "data-kiosk-reset" in page


# -- staff --------------------------------------------------------------------


def _book(app, number, slot):
    with app.app_context():
        from kiosk.services.calendar import office_calendar

        submission = Submission.by_number(number)
        now = dt.datetime.now(collection_hours_zone()).replace(tzinfo=None)
        return collection.book(
            submission, slot.start, now, office_calendar(now.date())
        ).id


def test_staff_schedule_arrived_missed_and_collected(app, clerk):
    number = _ready(app, applicant_name="Yusniar Chaniago")
    other = _ready(app)
    slot = _first_slot(app)
    booking_id = _book(app, number, slot)
    other_id = _book(app, other, slot)
    day = slot.start.date().isoformat()
    html = clerk.get(f"/staff/collections?day={day}").get_data(as_text=True)
    assert "Yusniar Chaniago" in html and "Expected" in html
    assert clerk.get("/staff/collections?day=garbage").status_code == 200

    arrived = clerk.post(f"/staff/collections/{booking_id}/arrived")
    assert arrived.status_code == 303
    missed = clerk.post(f"/staff/collections/{other_id}/missed")
    assert missed.status_code == 303
    with app.app_context():
        assert CollectionBooking.get_by_id(booking_id).state == "arrived"
        assert CollectionBooking.get_by_id(other_id).state == "missed"

    form = clerk.get(f"/staff/collections/{booking_id}/collected")
    assert "Yusniar Chaniago" in form.get_data(as_text=True)
    refused = clerk.post(
        f"/staff/collections/{booking_id}/collected",
        data={"collector_name": "Rahmat", "relation": "other", "relation_other": ""},
    )
    assert refused.status_code == 422
    done = clerk.post(
        f"/staff/collections/{booking_id}/collected",
        data={"collector_name": "Rahmat Hidayat", "relation": "spouse"},
    )
    assert done.status_code == 303
    with app.app_context():
        booking = CollectionBooking.get_by_id(booking_id)
        assert booking.state == "collected"
        assert booking.collector_name == "Rahmat Hidayat"
        assert booking.collector_relation == "spouse"
        assert Submission.by_number(number).status == "completed"
    html = clerk.get(f"/staff/collections?day={day}").get_data(as_text=True)
    assert "Rahmat Hidayat" in html and "Husband or wife" in html
    again = clerk.post(
        f"/staff/collections/{booking_id}/collected",
        data={"collector_name": "X", "relation": "self"},
    )
    assert again.status_code == 409


def test_staff_request_page_links_to_booking(app, clerk):
    number = _ready(app)
    html = clerk.get(f"/staff/s/{number}").get_data(as_text=True)
    assert f"/t/{number}/collect" in html


def test_purge_erases_the_collectors_name(app, clerk):
    number = _ready(app)
    booking_id = _book(app, number, _first_slot(app))
    clerk.post(
        f"/staff/collections/{booking_id}/collected",
        data={
            "collector_name": "Syafrizal Tanjung",
            "relation": "other",
            "relation_other": "tetangga Syafrizal",
        },
    )
    with app.app_context():
        assert CollectionBooking.get_by_id(booking_id).collector_name
        purged = retention.purge_personal_data(now=utcnow() + dt.timedelta(days=400))
        assert purged >= 1
        booking = CollectionBooking.get_by_id(booking_id)
        assert booking.collector_name == "" and booking.collector_relation_other == ""
        assert booking.state == "collected"
