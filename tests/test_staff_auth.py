"""Staff sign-in, growing waits after failures, idle and absolute session
limits, sign-out, roles, return addresses, CSRF and the security log."""

import concurrent.futures
import datetime as dt
import hashlib
import re
import threading
import time
from urllib.parse import parse_qs, urlsplit

import pytest

from kiosk.data.models import SecurityEvent, SignInDelay, StaffMember, utcnow
from kiosk.services import accounts, security_log
from kiosk.services import sign_in_delays as delays
from kiosk.web import sign_in as sign_in_module
from tests.support.factories import make_submission
from tests.support.http import hidden_value
from tests.support.pages import language_forms
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    PASSWORD,
    csrf_token_from,
    english,
    fast_passwords,
    make_staff,
    sign_in,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def client(app):
    return english(app.test_client())


WRONG = "The username or password is not right"
DELAYED = "Too many failed attempts in a row for this account. Wait "
UNLOCK = "An administrator can unlock the account sooner."


def _try(client, username="clerk", password="wrong guess", **kwargs):
    return client.post(
        "/staff/login", data={"username": username, "password": password}, **kwargs
    )


def _error(response):
    """The error summary's text, with what the page says."""
    match = re.search(r'<div class="error-summary".*?<p>(.*?)</p>', response.text, re.S)
    return match.group(1).strip() if match else ""


def _let_waits_pass():
    """Every wait after failures ends now (as if its time had passed)."""
    past = utcnow() - dt.timedelta(seconds=1)
    for model in (StaffMember, SignInDelay):
        model.update(locked_until=past).where(model.locked_until > past).execute()


def _events(kind):
    return list(
        SecurityEvent.select()
        .where(SecurityEvent.kind == kind)
        .order_by(SecurityEvent.id)
    )


def _example_values(app):
    """Values for URL parameters, pointing at rows that exist."""
    submission = make_submission()
    return {
        "number": submission.number,
        "member_id": 1,
        "type_id": 1,
        "kiosk_id": 1,
        "closure_id": 1,
        "counter_id": 1,
        "booking_id": 1,
        "state": "arrived",
        "message_id": 1,
        "stored_id": "no-such-file",
    }


def _staff_routes(app, prefix="/staff"):
    public = {"staff_auth.login", "staff_auth.login_code", "staff_auth.logout"}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and rule.endpoint not in public:
            yield rule


def _url(rule, values):
    path = rule.rule
    for name in rule.arguments:
        path = path.replace(f"<{name}>", str(values[name]))
        path = path.replace(f"<int:{name}>", str(values[name]))
    return path


def test_every_staff_route_refuses_an_anonymous_client(app, client):
    values = _example_values(app)
    rules = list(_staff_routes(app))
    assert len(rules) >= 20  # queue, detail, bulk, intake, admin pages ...
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, values), method=method)
            if rule.endpoint.startswith("staff_papers_files."):
                # Residents' files: not even a sign-in page says one is there.
                assert response.status_code == 404, (rule.rule, method)
                continue
            assert response.status_code == 303, (rule.rule, method)
            assert response.headers["Location"].startswith("/staff/login"), rule.rule


def test_anonymous_htmx_request_is_sent_to_sign_in_with_hx_redirect(client):
    response = client.get("/staff", headers={"HX-Request": "true"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/staff/login?next=/staff")


def test_every_admin_route_refuses_a_staff_member(app):
    values = _example_values(app)
    client = staff_client(app, "clerk", role="staff")
    rules = list(_staff_routes(app, "/staff/admin"))
    assert {r.endpoint.split(".")[0] for r in rules} == {
        "admin",
        "admin_office",
        "admin_calendar",
        "admin_report",
        "admin_counters",
        "admin_collection",
        "admin_messages",
    }
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_url(rule, values), method=method)
            assert response.status_code == 403, (rule.rule, method)


def test_staff_pages_are_open_to_staff_and_admin_pages_to_admins(app):
    clerk = staff_client(app, "clerk", role="staff")
    admin = staff_client(app, "boss", role="admin")
    assert clerk.get("/staff").status_code == 200
    assert clerk.get("/staff/admin/office").status_code == 403
    assert admin.get("/staff/admin/office").status_code == 200
    assert "Administration" in admin.get("/staff").get_data(as_text=True)
    assert "Administration" not in clerk.get("/staff").get_data(as_text=True)


def test_sign_in_with_right_password_opens_the_queue_and_records_the_time(app, client):
    member = make_staff("clerk")
    response = sign_in(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff"
    assert client.get("/staff").status_code == 200
    member = type(member).get_by_id(member.id)
    assert member.last_login_at is not None
    assert member.failed_logins == 0


def test_sign_in_returns_to_the_page_asked_for_but_never_off_site(app, client):
    make_staff("clerk")
    first = client.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "next": "/staff/today"},
    )
    assert first.headers["Location"] == "/staff/today"
    client.post("/staff/logout")
    for target in ("//evil.example/staff", "https://evil.example/", "/t/ABC"):
        response = client.post(
            "/staff/login",
            data={"username": "clerk", "password": PASSWORD, "next": target},
        )
        assert response.headers["Location"] == "/staff", target
        client.post("/staff/logout")


def test_wrong_password_is_counted_and_says_nothing_about_the_username(app, client):
    member = make_staff("clerk")
    wrong_password = client.post(
        "/staff/login", data={"username": "clerk", "password": "wrong password"}
    )
    unknown_user = client.post(
        "/staff/login", data={"username": "nobody", "password": "wrong password"}
    )
    assert wrong_password.status_code == unknown_user.status_code == 422
    assert WRONG in wrong_password.get_data(as_text=True)
    assert WRONG in unknown_user.get_data(as_text=True)
    assert type(member).get_by_id(member.id).failed_logins == 1


def test_language_switch_after_a_refused_sign_in_sends_no_password(app, client):
    make_staff("clerk")
    response = client.post(
        "/staff/login?lang=en", data={"username": "clerk", "password": "Kata-Sandi-91"}
    )
    page = response.get_data(as_text=True)
    assert "Kata-Sandi-91" not in page
    assert not language_forms(page)
    assert 'href="/staff/login?lang=id"' in page


def test_after_five_failures_the_next_attempt_waits_even_with_the_right_password(
    app, client
):
    member = make_staff("clerk")
    for attempt in range(4):
        response = _try(client, password=f"guess {attempt}")
        assert response.status_code == 422
        assert _error(response) == WRONG + ". Check them and try again."
    fifth = _try(client)
    assert fifth.status_code == 422
    assert WRONG in _error(fifth)
    assert "Wait 30 seconds before the next attempt" in _error(fifth)
    member = StaffMember.get_by_id(member.id)
    assert member.failed_logins == 5
    remaining = member.locked_until - utcnow()
    assert dt.timedelta(seconds=25) < remaining <= dt.timedelta(seconds=30)
    # Too early: refused unchecked, with the real time left and who can help.
    right = sign_in(client)
    assert right.status_code == 429
    assert 25 <= int(right.headers["Retry-After"]) <= 30
    assert re.search(DELAYED + r"(2\d|30) seconds, then try again\.", _error(right))
    assert UNLOCK in _error(right)
    assert client.get("/staff").status_code == 303
    assert StaffMember.get_by_id(member.id).failed_logins == 5  # not counted
    # Once the wait is over, the right password signs in and the count restarts.
    _let_waits_pass()
    assert sign_in(client).status_code == 303
    member = StaffMember.get_by_id(member.id)
    assert (member.failed_logins, member.locked_until) == (0, None)


def test_each_further_failure_doubles_the_wait_up_to_fifteen_minutes(app, client):
    assert [delays.delay_after(n) for n in range(1, 13)] == [
        0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900,
    ]  # fmt: skip
    member = make_staff("clerk")
    said = {30: "30 seconds", 60: "1 minute", 120: "2 minutes", 240: "4 minutes",
            480: "8 minutes", 900: "15 minutes"}  # fmt: skip
    for failures in range(1, 12):
        response = _try(client)
        assert response.status_code == 422, failures
        wait = delays.delay_after(failures)
        member = StaffMember.get_by_id(member.id)
        assert member.failed_logins == failures
        if wait:
            left = (member.locked_until - utcnow()).total_seconds()
            assert wait - 5 < left <= wait, failures
            assert f"Wait {said[wait]} before the next attempt" in _error(response)
            assert _try(client).status_code == 429  # too early
            assert member.is_locked
        else:
            assert "Wait" not in _error(response)
            assert not member.is_locked
        _let_waits_pass()


def test_failures_are_forgotten_a_day_after_their_wait_ended(app, client):
    member = make_staff("clerk")
    long_ago = utcnow() - dt.timedelta(days=1, minutes=1)
    StaffMember.update(failed_logins=9, locked_until=long_ago).execute()
    response = _try(client)
    assert response.status_code == 422
    assert "Wait" not in _error(response)
    assert StaffMember.get_by_id(member.id).failed_logins == 1


def test_an_attempt_refused_while_waiting_checks_no_password(app, client, monkeypatch):
    make_staff("clerk")
    for _ in range(5):
        _try(client)
    checks = []
    monkeypatch.setattr(
        accounts, "password_matches", lambda member, password: checks.append(1)
    )
    assert sign_in(client).status_code == 429
    assert checks == []


def test_an_unknown_username_waits_exactly_like_a_real_one(app, client, monkeypatch):
    make_staff("clerk")
    sign_in_module._dummy_hash()  # made once per process, before counting
    real_scrypt = hashlib.scrypt
    hashes = []

    def counted(*args, **kwargs):
        hashes.append(1)
        return real_scrypt(*args, **kwargs)

    monkeypatch.setattr(hashlib, "scrypt", counted)
    seen = {}
    for username in ("clerk", "nobody"):
        hashes.clear()
        answers = [_try(client, username) for _ in range(6)]
        _let_waits_pass()
        answers.append(_try(client, username))
        seen[username] = [(r.status_code, _error(r)) for r in answers]
        # One password hash checked per attempt that was not refused.
        assert len(hashes) == 6, username
    assert seen["clerk"] == seen["nobody"]
    assert [status for status, _ in seen["nobody"]] == [422] * 5 + [429, 422]
    assert "Wait 1 minute before the next attempt" in seen["nobody"][-1][1]
    # What was typed as a username is kept only as a keyed digest.
    [row] = SignInDelay.select()
    assert "nobody" not in row.key and row.failed_logins == 6


def test_parallel_wrong_guesses_check_no_more_passwords_than_allowed(app, monkeypatch):
    """Twenty guesses at once: only the five free attempts are checked, on
    SQLite and PostgreSQL alike; the others are refused unchecked."""
    monkeypatch.setattr(accounts, "PASSWORD_METHOD", "scrypt")  # the real, slow hash
    member = make_staff("clerk")
    checked, lock = [], threading.Lock()
    real_check = accounts.password_matches

    def counted_check(member, password):
        with lock:
            checked.append(password)
        return real_check(member, password)

    monkeypatch.setattr(accounts, "password_matches", counted_check)
    statuses = _guess_at_once(app, "clerk", 20)
    assert statuses == [422] * delays.FREE_ATTEMPTS + [429] * 15
    assert len(checked) == delays.FREE_ATTEMPTS
    assert StaffMember.get_by_id(member.id).failed_logins == delays.FREE_ATTEMPTS


def test_parallel_guesses_at_an_unknown_username_get_the_same_answers(app, monkeypatch):
    checked, lock = [], threading.Lock()
    real_check = sign_in_module.check_password_hash

    def counted_check(stored, password):
        with lock:
            checked.append(password)
        return real_check(stored, password)

    monkeypatch.setattr(sign_in_module, "check_password_hash", counted_check)
    statuses = _guess_at_once(app, "nobody", 20)
    assert statuses == [422] * delays.FREE_ATTEMPTS + [429] * 15
    assert len(checked) == delays.FREE_ATTEMPTS


def _guess_at_once(app, username, count):
    """`count` wrong passwords for `username`, sent by as many threads at the
    same moment; their statuses, sorted."""
    start = threading.Barrier(count)

    def guess(n):
        client = app.test_client()
        start.wait()
        return _try(client, username, f"wrong guess {n}").status_code

    with concurrent.futures.ThreadPoolExecutor(count) as pool:
        return sorted(pool.map(guess, range(count)))


def test_deactivated_account_cannot_sign_in_and_is_told_nothing_more(app, client):
    member = make_staff("clerk")
    type(member).update(active=False).where(type(member).id == member.id).execute()
    response = sign_in(client)
    assert response.status_code == 422
    assert WRONG in response.get_data(as_text=True)


def test_idle_session_expires_after_thirty_minutes(app, client):
    make_staff("clerk")
    sign_in(client)
    assert client.get("/staff").status_code == 200
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - 29 * 60
    assert client.get("/staff").status_code == 200  # activity renews the session
    with client.session_transaction() as session:
        session["staff_seen"] = int(time.time()) - 31 * 60
    response = client.get("/staff/today")
    assert response.status_code == 303
    assert "reason=idle" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "not used for 30 minutes" in page
    assert client.get("/staff").status_code == 303


def test_after_an_idle_sign_out_a_sent_form_returns_to_its_page(app, client):
    """The browser comes back from sign-in with a GET: a form's POST-only address
    (…/move, /staff/bulk) must not be where it lands."""
    make_staff("clerk")
    number = make_submission().number
    expected = {
        f"/staff/s/{number}/move": f"/staff/s/{number}",
        "/staff/bulk": "/staff",
        "/staff/new": "/staff/new",
    }
    for posted, page in expected.items():
        sign_in(client)
        with client.session_transaction() as session:
            session["staff_seen"] = int(time.time()) - 31 * 60
        response = client.post(posted, data={"target": "verifying", "version": "0"})
        assert response.status_code == 303, posted
        location = response.headers["Location"]
        assert "reason=idle" in location
        next_page = parse_qs(urlsplit(location).query)["next"][0]
        assert next_page == page, posted
        back = client.post(
            "/staff/login",
            data={"username": "clerk", "password": PASSWORD, "next": next_page},
        )
        assert back.headers["Location"] == page, posted
        assert client.get(page).status_code == 200, posted


def test_session_cookie_lasts_thirty_minutes_and_is_http_only(app, client):
    make_staff("clerk")
    response = sign_in(client)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert app.permanent_session_lifetime == dt.timedelta(minutes=30)


def test_sign_out_ends_the_session_on_the_server(app, client):
    make_staff("clerk")
    sign_in(client)
    stolen = client.get_cookie("session").value
    response = client.post("/staff/logout")
    assert response.status_code == 303
    assert "You have signed out" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    replay = english(app.test_client())
    replay.set_cookie("session", stolen)
    assert replay.get("/staff").status_code == 303


def test_sign_in_is_rate_limited_per_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = english(app.test_client())
    for n in range(3):
        response = client.post(
            "/staff/login", data={"username": f"u{n}", "password": "x"}
        )
        assert response.status_code == 422
    blocked = client.post("/staff/login", data={"username": "u9", "password": "x"})
    assert blocked.status_code == 429
    other = english(app.test_client())
    response = other.post(
        "/staff/login",
        data={"username": "u9", "password": "x"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert response.status_code == 422


def test_one_ipv6_network_is_one_client_for_the_sign_in_limit(make_app):
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="3 per minute")
    client = english(app.test_client())
    statuses = [
        _try(
            client, f"u{n}", environ_base={"REMOTE_ADDR": f"2001:db8:1:2::{n}"}
        ).status_code
        for n in range(1, 5)
    ]
    assert statuses == [422, 422, 422, 429]
    other_network = {"REMOTE_ADDR": "2001:db8:1:3::1"}
    assert _try(client, "u9", environ_base=other_network).status_code == 422


def test_failures_from_many_addresses_keep_the_holder_out_for_minutes_only(make_app):
    """No limit per username refuses the right password for an hour: however
    many addresses fail, the wait is at most fifteen minutes, and then the
    right password signs in at the first try."""
    app = make_app(RATELIMIT_ENABLED=True, LOGIN_RATE_LIMIT="100 per minute")
    member = make_staff("clerk")
    client = english(app.test_client())
    for n in range(40):
        _try(client, environ_base={"REMOTE_ADDR": f"10.0.{n}.1"})
        _let_waits_pass()
    _try(client, environ_base={"REMOTE_ADDR": "10.0.99.1"})
    member = StaffMember.get_by_id(member.id)
    assert member.locked_until - utcnow() <= dt.timedelta(minutes=15)
    _let_waits_pass()
    holder = {"REMOTE_ADDR": "10.9.9.9"}
    assert _try(client, password=PASSWORD, environ_base=holder).status_code == 303


def test_form_posts_without_a_csrf_token_are_refused(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff("clerk")
    client = english(app.test_client())
    refused = client.post(
        "/staff/login", data={"username": "clerk", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert "The form had expired" in refused.get_data(as_text=True)
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    accepted = client.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
    )
    assert accepted.status_code == 303
    forged = client.post("/staff/logout", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert client.get("/staff").status_code == 200  # still signed in


def test_htmx_posts_carry_the_csrf_token_in_a_header(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff("clerk")
    submission = make_submission()
    client = english(app.test_client())
    token = csrf_token_from(client.get("/staff/login").get_data(as_text=True))
    client.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
    )
    page = client.get(f"/staff/s/{submission.number}").get_data(as_text=True)
    assert 'hx-headers=\'{"X-CSRFToken": "' in page
    header_token = csrf_token_from(page.split("hx-headers=", 1)[1])
    move = {
        "target": "verifying",
        "version": "0",
        "public_note": "",
        "internal_note": "",
    }
    url = f"/staff/s/{submission.number}/move"
    without = client.post(url, data=move, headers={"HX-Request": "true"})
    assert without.status_code == 400
    wrong = client.post(
        url, data=move, headers={"HX-Request": "true", "X-CSRFToken": "nope"}
    )
    assert wrong.status_code == 400
    ok = client.post(
        url, data=move, headers={"HX-Request": "true", "X-CSRFToken": header_token}
    )
    assert ok.status_code == 200
    assert "is now “Being checked”" in ok.get_data(as_text=True)


@pytest.mark.parametrize("lang", ["id", "en"])
def test_sign_in_page_is_in_the_chosen_language(client, lang):
    page = client.get(f"/staff/login?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    assert 'autocomplete="current-password"' in page


def test_sign_in_works_while_the_shared_rate_limit_store_is_down(make_app):
    """The waits are counted in the database, the per-client limit in memory
    meanwhile; nothing answers 500."""
    dead_redis = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URL=dead_redis)
    make_staff("clerk")
    client = english(app.test_client())
    statuses = [_try(client, "nobody", "x").status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]
    assert sign_in(client).status_code == 303


# -- session limits --------------------------------------------------------------


def test_a_session_ends_twelve_hours_after_signing_in_however_busy(app, client):
    make_staff("clerk")
    sign_in(client)
    assert app.config["SESSION_ABSOLUTE_SECONDS"] == 12 * 3600
    with client.session_transaction() as session:
        session["staff_since"] = int(time.time()) - 12 * 3600 + 60
    assert client.get("/staff").status_code == 200
    with client.session_transaction() as session:
        session["staff_since"] = int(time.time()) - 12 * 3600 - 1
    response = client.get("/staff/today")  # used a moment ago: not idle
    assert response.status_code == 303
    assert "reason=expired" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "a session lasts at most 12 hours after signing in" in page
    assert client.get("/staff").status_code == 303


def test_the_absolute_limit_is_a_setting(make_app):
    app = make_app(SESSION_ABSOLUTE_SECONDS=3600)
    make_staff("clerk")
    client = english(app.test_client())
    sign_in(client)
    with client.session_transaction() as session:
        session["staff_since"] = int(time.time()) - 3601
    response = client.get("/staff")
    assert "reason=expired" in response.headers["Location"]
    assert "at most 1 hour after" in client.get(response.headers["Location"]).text


def test_a_session_from_before_the_sign_in_time_was_kept_ends(app, client):
    make_staff("clerk")
    sign_in(client)
    with client.session_transaction() as session:
        del session["staff_since"]
    assert client.get("/staff").status_code == 303


# -- where to go after signing in --------------------------------------------------

HOSTILE_TARGETS = [
    "/staff\r\nSet-Cookie: injected=1",
    "/staff%0d%0aSet-Cookie:injected=1",
    "/staff/today%0aX-Injected:1",
    "/staff\tx",
    "/staff/\x7f",
    "/\x7f",
    "/staff%7F",
    "/staff\\evil.example",
    "/staff/%5c%5cevil.example",
    "//evil.example/staff",
    "https://evil.example/staff",
    "/staff/../t/ABC",
    "/staffroom",
    "/staff/login?next=/staff",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_a_hostile_return_address_leads_to_the_queue_never_an_error(
    app, client, target
):
    make_staff("clerk")
    form = client.get("/staff/login", query_string={"next": target})
    assert form.status_code == 200
    assert hidden_value(form.text, "next") == ""  # not carried on to the POST
    response = client.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 303
    assert response.headers["Location"] == "/staff"
    assert "injected" not in str(response.headers).lower()
    # Signed in, the sign-in page sends on at once: to the queue as well.
    again = client.get("/staff/login", query_string={"next": target})
    assert (again.status_code, again.headers["Location"]) == (303, "/staff")


def test_a_line_break_in_the_raw_query_string_is_no_server_error(app, client):
    make_staff("clerk")
    url = "/staff/login?next=/staff%0d%0aSet-Cookie:x"
    assert client.get(url).status_code == 200
    assert sign_in(client).status_code == 303
    response = client.get(url)
    assert (response.status_code, response.headers["Location"]) == (303, "/staff")
    assert "Set-Cookie: x" not in str(response.headers)


# -- the security log ----------------------------------------------------------------


def test_sign_ins_failures_waits_and_sign_outs_are_logged(app, client):
    member = make_staff("clerk")
    assert sign_in(client).status_code == 303
    client.post("/staff/logout")
    for _ in range(5):
        _try(client)
    _try(client)  # too early
    [signed_in] = _events(security_log.SIGNED_IN)
    assert (signed_in.staff_id, signed_in.subject) == (member.id, "clerk")
    [signed_out] = _events(security_log.SIGNED_OUT)
    assert signed_out.staff_id == member.id
    failed = _events(security_log.SIGN_IN_FAILED)
    assert len(failed) == 5
    assert all(e.staff_id == member.id and e.subject == "clerk" for e in failed)
    assert all(e.details == '{"reason": "password"}' for e in failed)
    [refused] = _events(security_log.LOCKED_OUT)
    assert (refused.staff_id, refused.subject) == (member.id, "clerk")
    logged = " ".join(str(v) for row in SecurityEvent.select().tuples() for v in row)
    assert "wrong guess" not in logged and PASSWORD not in logged


def test_an_unknown_username_is_logged_without_its_name(app, client):
    """It may be a password typed in the wrong box."""
    _try(client, "Secret-Passw0rd-9")
    make_staff("gone")
    StaffMember.update(active=False).execute()
    _try(client, "gone")
    unknown, switched_off = _events(security_log.SIGN_IN_FAILED)
    assert (unknown.staff_id, unknown.subject) == (None, "")
    # A switched-off account exists: its name is no secret, but it is not
    # signed in as anyone.
    assert (switched_off.staff_id, switched_off.subject) == (None, "gone")
    logged = " ".join(str(v) for row in SecurityEvent.select().tuples() for v in row)
    assert "secret-passw0rd" not in logged.lower()
