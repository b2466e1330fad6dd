"""The security event log: refusals, searches for residents and openings of
their details are recorded (who, when, from where, what), never the NIK or
phone searched for; admins read the log; the purge keeps it to its period."""

import datetime as dt
import re

from kiosk.data.models import SecurityEvent, utcnow
from kiosk.services import security_log
from tests.support.factories import APPLICANT, make_submission
from tests.support.http import hidden_value
from tests.support.staff import PASSWORD, csrf_token_from, english, make_staff


def _events(kind=None):
    query = SecurityEvent.select().order_by(SecurityEvent.id)
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    return list(query)


def _every_value():
    """Every column of every event, as one text to search."""
    return " ".join(
        str(value) for row in SecurityEvent.select().tuples() for value in row
    )


def test_a_search_for_a_resident_is_logged_without_what_was_typed(app, clerk):
    submission = make_submission()
    nik, phone = APPLICANT["nik"], APPLICANT["phone"]
    for text in (nik, nik, phone, "aminah"):
        assert clerk.get("/staff", query_string={"q": text}).status_code == 200
        # Paging through the same results is the same search.
        clerk.get("/staff", query_string={"q": text, "order": "oldest"})
    # A tracking number is no search for a person.
    clerk.get("/staff", query_string={"q": submission.number})
    searches = _events(security_log.RESIDENT_SEARCH)
    assert [security_log_details(e) for e in searches] == [
        {"search": "nik"},
        {"search": "phone"},
        {"search": "name"},
    ]
    assert all(e.staff.username == "clerk" and e.path == "/staff" for e in searches)
    assert all(e.address == "127.0.0.1" for e in searches)
    logged = _every_value()
    assert nik not in logged and phone.lstrip("+") not in logged
    assert "aminah" not in logged


def security_log_details(event):
    from kiosk.services.audit import details_of

    return details_of(event)


def test_opening_a_request_is_logged_with_its_number(app, clerk):
    submission = make_submission()
    assert clerk.get(f"/staff/s/{submission.number}").status_code == 200
    (opened,) = _events(security_log.DETAILS_OPENED)
    assert opened.subject == submission.number
    assert opened.staff.username == "clerk"


def test_refused_pages_and_forms_are_logged(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff("clerk")
    clerk = english(app.test_client())
    token = hidden_value(clerk.get("/staff/login").text, "csrf_token")
    signed_in = clerk.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 303
    assert clerk.get("/staff/admin/security").status_code == 403
    (refused,) = _events(security_log.FORBIDDEN)
    assert refused.staff.username == "clerk"
    assert refused.path == "/staff/admin/security"
    submission = make_submission()
    page = clerk.get(f"/staff/s/{submission.number}")
    assert csrf_token_from(page.text)
    forged = clerk.post(
        f"/staff/s/{submission.number}/move",
        data={"status": "verifying", "version": "0", "csrf_token": "forged"},
    )
    assert forged.status_code == 400
    (csrf,) = _events(security_log.CSRF_REFUSED)
    assert csrf.staff.username == "clerk"
    assert csrf.path == f"/staff/s/{submission.number}/move"


def test_admins_read_the_log_by_kind_and_person(app, admin, clerk):
    submission = make_submission()
    clerk.get(f"/staff/s/{submission.number}")
    admin.get("/staff", query_string={"q": APPLICANT["nik"]})
    page = admin.get("/staff/admin/security")
    assert page.status_code == 200
    assert "personal data: <strong>" + submission.number in page.text
    assert submission.number in page.text
    assert "Searched for a resident" in page.text and "by NIK" in page.text
    only_searches = admin.get(
        "/staff/admin/security", query_string={"kind": security_log.RESIDENT_SEARCH}
    )
    assert "by NIK" in only_searches.text
    assert submission.number not in only_searches.text
    clerk_id = _events(security_log.DETAILS_OPENED)[0].staff_id
    by_clerk = admin.get("/staff/admin/security", query_string={"staff": clerk_id})
    assert submission.number in by_clerk.text and "by NIK" not in by_clerk.text
    # Nonsense in the filters shows everything rather than failing.
    odd = admin.get("/staff/admin/security", query_string={"kind": "x", "staff": "y"})
    assert odd.status_code == 200 and "by NIK" in odd.text


def test_the_purge_deletes_events_older_than_the_log_period(make_app):
    app = make_app(SECURITY_LOG_DAYS=30)
    old = security_log.record(security_log.FORBIDDEN, path="/staff/admin")
    SecurityEvent.update(created_at=utcnow() - dt.timedelta(days=31)).where(
        SecurityEvent.id == old.id
    ).execute()
    recent = security_log.record(security_log.FORBIDDEN, path="/staff/admin/x")
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0, result.output
    assert "1 events older than 30 days deleted" in result.output
    assert [e.id for e in _events()] == [recent.id]


def test_the_log_pages_through_older_events(app, admin):
    for number in range(security_log.PAGE_SIZE + 5):
        security_log.record(security_log.FORBIDDEN, path=f"/staff/admin/p{number}")
    first = admin.get("/staff/admin/security", query_string={"kind": "forbidden"})
    assert "/staff/admin/p54<" in first.text and "/staff/admin/p5<" in first.text
    assert "/staff/admin/p4<" not in first.text
    older = re.search(r'href="([^"]*before=\d+[^"]*)">Older events', first.text)
    rest = admin.get(older.group(1).replace("&amp;", "&")).text
    assert "/staff/admin/p4<" in rest and "/staff/admin/p0<" in rest
    assert "/staff/admin/p5<" not in rest and "Older events" not in rest
