"""Queue tickets: check-in, numbering, calls at the counters, the waiting-room
screen and a resident's own page; on SQLite and PostgreSQL."""

import datetime as dt
import re
import threading

import pytest

from kiosk.data.db import db
from kiosk.data.models import (
    CollectionBooking,
    KioskDevice,
    QueueTicket,
    ServiceCounter,
)
from kiosk.services import counters, tickets
from tests.support.factories import APPLICANT, collection_booking, make_submission
from tests.support.staff import fast_passwords, staff_client  # noqa: F401

pytestmark = pytest.mark.usefixtures("fast_passwords")

TODAY = dt.date(2031, 3, 3)
KIOSK = "queue-kiosk-token-0123456789"


def _kiosk(app, lang="en"):
    with app.app_context():
        KioskDevice.create(name="Lobby", token=KIOSK)
    client = app.test_client()
    client.set_cookie("kiosk_token", KIOSK)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    return client


def _in_threads(app, count, work):
    """Run work(i) in `count` threads at once, each with its own connection."""
    results, problems = [None] * count, []
    start = threading.Barrier(count)

    def run(index):
        try:
            with app.app_context(), db.connection_context():
                start.wait()
                results[index] = work(index)
        except Exception as error:  # reported below, in the test's thread
            problems.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems, problems
    return results


def test_tickets_are_numbered_per_service_and_office_day(app):
    with app.app_context():
        ready = [make_submission(status="ready") for _ in range(2)]
        first, _ = tickets.check_in("collection", TODAY, ready[0])
        second, _ = tickets.check_in("collection", TODAY, ready[1])
        counter, _ = tickets.check_in("counter", TODAY)
        recording, _ = tickets.check_in("recording", TODAY)
        next_day, _ = tickets.check_in("counter", TODAY + dt.timedelta(days=1))
    labels = [t.label for t in (first, second, counter, recording, next_day)]
    assert labels == ["A-001", "A-002", "B-001", "C-001", "B-001"]


def test_the_same_request_checked_in_again_gets_its_open_ticket_back(app):
    with app.app_context():
        ready = make_submission(status="ready")
        first, created = tickets.check_in("collection", TODAY, ready)
        again, created_again = tickets.check_in("collection", TODAY, ready)
        assert created and not created_again and again.id == first.id
        other, _ = tickets.check_in("counter", TODAY, ready)  # another service
        assert other.id != first.id


def test_checking_in_for_a_booked_collection_marks_the_resident_arrived(app):
    with app.app_context():
        today = collection_booking(start=dt.datetime(2031, 3, 3, 9, 0))
        other_day = collection_booking(start=dt.datetime(2031, 3, 4, 9, 0))
        for booking in (today, other_day):
            tickets.check_in("collection", TODAY, booking.submission)
        states = [CollectionBooking.get_by_id(b.id).state for b in (today, other_day)]
    # A resident who came on another day than booked is the clerk's call.
    assert states == ["arrived", "expected"]


def test_check_ins_at_the_same_moment_get_distinct_numbers(app):
    work = lambda i: tickets.check_in("counter", TODAY)[0].number  # noqa: E731
    numbers = _in_threads(app, 12, work)
    assert sorted(numbers) == list(range(1, 13))


def test_one_receipt_scanned_twice_at_once_gets_one_ticket(app):
    with app.app_context():
        ready = make_submission(status="ready")
    ids = _in_threads(
        app, 6, lambda i: tickets.check_in("collection", TODAY, ready)[0].id
    )
    assert len(set(ids)) == 1
    with app.app_context():
        assert QueueTicket.select().count() == 1


def test_two_counters_calling_next_at_once_never_get_the_same_ticket(app):
    with app.app_context():
        for _ in range(10):
            tickets.check_in("counter", TODAY)
        desks = [ServiceCounter.create(number=10 + i) for i in range(8)]
    called = _in_threads(app, 8, lambda i: counters.call_next(desks[i], TODAY).id)
    assert len(set(called)) == 8
    with app.app_context():
        numbers = [QueueTicket.get_by_id(i).number for i in called]
        assert sorted(numbers) == list(range(1, 9))  # the oldest eight


def test_a_ticket_not_served_within_the_no_show_time_is_skipped_at_the_next_call(app):
    with app.app_context():
        one, two = (ServiceCounter.get(ServiceCounter.number == n) for n in (1, 2))
        first, _ = tickets.check_in("counter", TODAY)
        tickets.check_in("counter", TODAY)
        start = dt.datetime(2031, 3, 3, 2, 0)
        assert counters.call_next(one, TODAY, now=start).id == first.id
        minutes = counters.settings().no_show_minutes
        later = start + dt.timedelta(minutes=minutes + 1)
        counters.call_next(two, TODAY, now=later)
        assert QueueTicket.get_by_id(first.id).status == tickets.SKIPPED


def test_a_ticket_called_again_within_the_no_show_time_is_not_skipped(app):
    with app.app_context():
        one, two = (ServiceCounter.get(ServiceCounter.number == n) for n in (1, 2))
        first, _ = tickets.check_in("counter", TODAY)
        tickets.check_in("counter", TODAY)
        start = dt.datetime(2031, 3, 3, 2, 0)
        counters.call_next(one, TODAY, now=start)
        counters.recall(first, now=start + dt.timedelta(minutes=4))
        counters.call_next(two, TODAY, now=start + dt.timedelta(minutes=6))
        assert QueueTicket.get_by_id(first.id).status == tickets.CALLED


def test_a_collection_ticket_for_a_request_not_ready_says_so_and_offers_the_counter(
    app,
):
    with app.app_context():
        waiting = make_submission(status="processing")
    kiosk = _kiosk(app)
    form = {"number": waiting.number, "service": "collection"}
    response = kiosk.post("/kiosk/check-in", data=form)
    assert response.status_code == 422
    assert "not ready to collect yet" in response.text
    assert 'name="service" value="counter"' in response.text
    response = kiosk.post("/kiosk/check-in?lang=id", data=form)
    assert '<html lang="id"' in response.text and "number-error" in response.text
    response = kiosk.post("/kiosk/check-in", data={**form, "service": "counter"})
    assert response.status_code == 303
    with app.app_context():
        ticket = QueueTicket.get()
        assert (ticket.service, ticket.submission_id) == ("counter", waiting.id)


def test_kiosk_check_in_shows_the_ticket_to_print_with_its_qr(app):
    with app.app_context():
        ready = make_submission(status="ready")
    kiosk = _kiosk(app)
    response = kiosk.post(
        "/kiosk/check-in", data={"number": ready.number, "service": "collection"}
    )
    assert response.status_code == 303
    page = kiosk.get(response.headers["Location"]).text
    assert "A-001" in page and "data-kiosk-autoprint" in page and "<svg" in page
    assert ready.number not in page and APPLICANT["applicant_name"] not in page
    walk_in = kiosk.post("/kiosk/check-in", data={"service": "recording"})
    assert "C-001" in kiosk.get(walk_in.headers["Location"]).text


def test_an_unregistered_browser_gets_no_check_in_screen(client):
    assert (
        client.post("/kiosk/check-in", data={"service": "counter"}).status_code == 403
    )


def test_display_shows_ticket_numbers_and_counters_never_names_or_numbers(app, client):
    with app.app_context():
        ready = make_submission(status="ready")
        clerk = staff_client(app, "clerk")
    kiosk = _kiosk(app)
    kiosk.post(
        "/kiosk/check-in", data={"number": ready.number, "service": "collection"}
    )
    kiosk.post("/kiosk/check-in", data={"service": "counter"})
    clerk.post("/staff/calls", data={"counter": "2", "action": "next"})
    for lang in ("en", "id"):
        for headers in ({}, {"HX-Request": "true"}):
            response = client.get(f"/display?lang={lang}", headers=headers)
            text = response.text
            assert response.status_code == 200
            assert "A-001" in text and "B-001" in text
            # Announced in both languages, whichever the page is in.
            lines = dict(
                re.findall(
                    r'<p class="display-announcement-line" lang="(\w+)">([^<]*)<', text
                )
            )
            assert lines["en"] == "Ticket A-001, please go to counter 2"
            assert "A-001" in lines["id"] and "2" in lines["id"]
            for secret in (ready.number, APPLICANT["applicant_name"], APPLICANT["nik"]):
                assert secret not in text
            if headers:
                assert "<html" not in text and response.headers["Vary"] == "HX-Request"
            else:
                assert 'hx-trigger="every 3s"' in text and 'aria-live="polite"' in text
    english = client.get("/display?lang=en").text
    assert re.search(r"A-001</td>\s*<th[^>]*>Counter 2", english)


def test_position_page_says_how_many_wait_before_and_who_is_served(app, client):
    with app.app_context():
        first, _ = tickets.check_in("counter", dt.date.today())
        second, _ = tickets.check_in("counter", dt.date.today())
        third, _ = tickets.check_in("counter", dt.date.today())
        counters.call_next(ServiceCounter.get(ServiceCounter.number == 1), first.day)
    page = client.get(f"/q/{third.token}?lang=en").text
    assert "B-003" in page and "1 person before you" in page
    assert "B-001 at counter 1" in page
    fragment = client.get(f"/q/{third.token}?lang=id", headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and "B-003" in fragment.text
    assert "You are next" in client.get(f"/q/{second.token}?lang=en").text
    called = client.get(f"/q/{first.token}?lang=en").text
    assert "please go to counter 1" in called
    assert client.get("/q/no-such-ticket").status_code == 404


def test_clerk_calls_sees_the_request_and_marks_it_served(app):
    with app.app_context():
        ready = make_submission(status="ready")
    clerk = staff_client(app, "clerk")
    response = clerk.post(
        "/staff/check-in", data={"number": ready.number, "service": "collection"}
    )
    assert response.status_code == 303
    ticket_page = clerk.get(response.headers["Location"] + "&lang=en").text
    assert "A-001" in ticket_page and "Print the ticket" in ticket_page
    clerk.post("/staff/calls", data={"counter": "1", "action": "next"})
    page = clerk.get("/staff/calls?counter=1").text
    assert "A-001" in page and f"/staff/s/{ready.number}" in page
    with app.app_context():
        token = QueueTicket.get().token
    clerk.post(
        "/staff/calls", data={"counter": "1", "action": "served", "ticket": token}
    )
    with app.app_context():
        assert QueueTicket.get().status == tickets.SERVED
    assert (
        "No ticket is called at this counter"
        in clerk.get("/staff/calls?counter=1").text
    )


def test_admin_sets_counters_and_no_show_time_in_the_audit_trail(app, admin):
    response = admin.post(
        "/staff/admin/counters",
        data={
            "new-number": "4",
            "new-name": "Prioritas",
            "new-services": "recording",
            "new-active": "y",
        },
    )
    assert response.status_code == 303
    taken = admin.post("/staff/admin/counters", data={"new-number": "4"})
    assert taken.status_code == 422 and "Another counter has this number" in taken.text
    admin.post("/staff/admin/counters/no-show", data={"wait-no_show_minutes": "9"})
    with app.app_context():
        desk = ServiceCounter.get(ServiceCounter.number == 4)
        assert desk.service_list == ["recording"] and desk.name == "Prioritas"
        assert counters.settings().no_show_minutes == 9
    trail = admin.get("/staff/admin/audit").text
    assert "Counter added" in trail and "No-show time changed" in trail
