"""Two-step sign-in: setting up an authenticator app (QR code, key, a code to
confirm), the code step at sign-in, codes used once, turning it off."""

import json
import re
import time

import pyotp
import pytest

from kiosk.data.models import (
    OfficeSettings,
    SecurityEvent,
    StaffMember,
    StaffSecondFactor,
)
from kiosk.domain import qr
from kiosk.services import second_factor, security_log
from kiosk.services import sign_in_delays as delays
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    PASSWORD,
    english,
    fast_passwords,
    make_staff,
    sign_in,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

ACCOUNT = "/staff/account"
SETUP = "/staff/account/second-factor"
CODE_STEP = "/staff/login/code"


@pytest.fixture
def client(app):
    return english(app.test_client())


def _member(username="clerk"):
    return StaffMember.get(StaffMember.username == username)


def _set_up(client, username="clerk"):
    """Turn two-step sign-in on through the pages; returns the secret."""
    response = client.post(SETUP, data={"factor-password": PASSWORD})
    assert response.headers["Location"] == SETUP
    page = client.get(SETUP).text
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", page).group(1).replace(" ", "")
    confirmed = client.post(
        f"{SETUP}/confirm", data={"code": second_factor.code_for(key)}
    )
    assert confirmed.status_code == 303, confirmed.text
    return key


def _code(secret, steps_ahead=0):
    return second_factor.code_for(secret, time.time() + 30 * steps_ahead)


def _events(kind):
    return list(
        SecurityEvent.select()
        .where(SecurityEvent.kind == kind)
        .order_by(SecurityEvent.id)
    )


def test_setting_up_shows_a_qr_code_and_key_and_turns_on_only_after_a_code(app, client):
    make_staff("clerk")
    sign_in(client)
    page = client.get(ACCOUNT).text
    assert "Set up two-step sign-in" in page
    # The current password first: an open session alone cannot do it.
    refused = client.post(SETUP, data={"factor-password": "not my password"})
    assert refused.status_code == 422
    assert "The current password is not right." in refused.text
    assert client.get(SETUP).headers["Location"] == ACCOUNT  # nothing begun
    assert client.post(SETUP, data={"factor-password": PASSWORD}).status_code == 303
    setup = client.get(SETUP)
    assert setup.status_code == 200
    key = re.search(r"<code>([A-Z2-7 ]+)</code>", setup.text).group(1)
    secret = key.replace(" ", "")
    [factor] = StaffSecondFactor.select()
    assert factor.secret == secret and factor.confirmed_at is None
    # The QR code is drawn in the page (the CSP allows no data: images) and
    # holds the otpauth address of this secret.
    issuer = OfficeSettings.saved().office_name
    uri = second_factor.provisioning_uri(factor, "clerk", issuer)
    assert qr.svg(uri, title="x").decode().split("</title>")[1] in setup.text
    assert f"secret={secret}" in uri and "otpauth://totp/" in uri
    # Not on yet: signing in asks for no code.
    other = english(app.test_client())
    assert sign_in(other).status_code == 303
    wrong = client.post(f"{SETUP}/confirm", data={"code": "000000"})
    assert wrong.status_code == 422
    assert "The code is not right. Check that the app was set up" in wrong.text
    assert second_factor.confirmed(_member()) is None
    right = client.post(f"{SETUP}/confirm", data={"code": _code(secret)})
    assert right.status_code == 303
    assert "Two-step sign-in is on." in client.get(ACCOUNT).text
    assert second_factor.is_on(_member())
    [logged] = _events(security_log.SECOND_FACTOR_CHANGED)
    assert json.loads(logged.details) == {"by": "self", "change": "enrolled"}
    assert secret not in logged.details and logged.subject == "clerk"


def test_with_a_second_factor_the_password_alone_starts_no_session(app, client):
    make_staff("clerk")
    sign_in(client)
    secret = _set_up(client)
    client.post("/staff/logout")
    response = client.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "next": "/staff/today"},
    )
    assert (response.status_code, response.headers["Location"]) == (303, CODE_STEP)
    assert client.get("/staff").status_code == 303  # not signed in yet
    page = client.get(CODE_STEP)
    assert page.status_code == 200
    assert 'autocomplete="one-time-code"' in page.text
    done = client.post(CODE_STEP, data={"code": _code(secret, steps_ahead=1)})
    assert (done.status_code, done.headers["Location"]) == (303, "/staff/today")
    assert client.get("/staff").status_code == 200
    assert _member().failed_logins == 0
    signed_in = _events(security_log.SIGNED_IN)
    assert signed_in[-1].staff_id == _member().id


def test_a_code_is_used_once(app, client):
    make_staff("clerk")
    sign_in(client)
    secret = _set_up(client)
    code = _code(secret, steps_ahead=1)
    client.post("/staff/logout")
    sign_in(client)
    assert client.post(CODE_STEP, data={"code": code}).status_code == 303
    client.post("/staff/logout")
    sign_in(client)
    again = client.post(CODE_STEP, data={"code": code})
    assert again.status_code == 422
    assert "The code is not right." in again.text
    # A code from before the last one used is refused as well.
    assert client.post(CODE_STEP, data={"code": _code(secret)}).status_code == 422


def test_codes_from_a_step_either_side_are_accepted_but_not_further(app):
    member = make_staff("clerk")
    factor = second_factor.start_enrolment(member)
    now = time.time()
    assert not second_factor.confirm(member, "12345")  # not six digits
    assert second_factor.confirm(member, second_factor.code_for(factor.secret, now))
    for ahead, accepted in ((3, False), (-1, False), (1, True), (2, False)):
        code = second_factor.code_for(factor.secret, now + 30 * ahead)
        assert second_factor.use_code(member, code, at=now) is accepted, ahead
    spaced = second_factor.code_for(factor.secret, now + 60)
    assert second_factor.use_code(member, f"{spaced[:3]} {spaced[3:]}", at=now + 30)


def test_wrong_codes_count_as_failed_sign_ins(app, client):
    make_staff("clerk")
    sign_in(client)
    secret = _set_up(client)
    client.post("/staff/logout")
    sign_in(client)
    for _ in range(delays.FREE_ATTEMPTS - 1):
        wrong = client.post(CODE_STEP, data={"code": "000000"})
        assert wrong.status_code == 422
    last = client.post(CODE_STEP, data={"code": "000001"})
    assert "Wait 30 seconds before the next attempt" in last.text
    assert _member().failed_logins == delays.FREE_ATTEMPTS
    # Even the right code waits now; it is refused without being used up.
    code = _code(secret, steps_ahead=1)
    refused = client.post(CODE_STEP, data={"code": code})
    assert refused.status_code == 429
    assert re.search(r"Wait (2\d|30) seconds, then try again", refused.text)
    failed = _events(security_log.SIGN_IN_FAILED)
    assert [json.loads(e.details) for e in failed] == [{"reason": "code"}] * 5
    assert _events(security_log.LOCKED_OUT)[-1].subject == "clerk"
    assert "000000" not in " ".join(e.details for e in SecurityEvent.select())
    StaffMember.update(locked_until=None).execute()
    assert client.post(CODE_STEP, data={"code": code}).status_code == 303


def test_the_code_step_expires_and_needs_the_password_first(app, client):
    make_staff("clerk")
    sign_in(client)
    secret = _set_up(client)
    client.post("/staff/logout")
    assert client.get(CODE_STEP).headers["Location"].endswith("reason=code_expired")
    sign_in(client)
    with client.session_transaction() as session:
        pending = session["sign_in_pending"]
        session["sign_in_pending"] = {**pending, "at": pending["at"] - 6 * 60}
    response = client.post(CODE_STEP, data={"code": _code(secret, steps_ahead=1)})
    assert response.status_code == 303
    assert "reason=code_expired" in response.headers["Location"]
    page = client.get(response.headers["Location"]).text
    assert "The time to enter the code ran out." in page
    assert client.get("/staff").status_code == 303


def test_a_wrong_password_never_reaches_the_code_step(app, client):
    make_staff("clerk")
    sign_in(client)
    _set_up(client)
    client.post("/staff/logout")
    response = sign_in(client, password="wrong guess")
    assert response.status_code == 422
    assert client.get(CODE_STEP).status_code == 303


def test_turning_it_off_needs_the_password_and_a_code(app, client):
    make_staff("clerk")
    sign_in(client)
    secret = _set_up(client)
    url = f"{SETUP}/off"
    no_code = client.post(url, data={"factor-password": PASSWORD, "factor-code": ""})
    assert no_code.status_code == 422
    assert "The code is not right." in no_code.text
    wrong_password = client.post(
        url, data={"factor-password": "nope nope", "factor-code": _code(secret, 1)}
    )
    assert "The current password is not right." in wrong_password.text
    assert second_factor.is_on(_member())
    done = client.post(
        url, data={"factor-password": PASSWORD, "factor-code": _code(secret, 1)}
    )
    assert done.status_code == 303
    assert "Two-step sign-in is off." in client.get(ACCOUNT).text
    assert StaffSecondFactor.select().count() == 0
    changes = [json.loads(e.details) for e in _events("second_factor_changed")]
    assert changes[-1] == {"by": "self", "change": "removed"}
    client.post("/staff/logout")
    assert sign_in(client).status_code == 303  # the password alone again


@pytest.mark.parametrize(
    ("lang", "text"),
    [("id", '<html lang="id">'), ("en", "Enter your verification code")],
)
def test_the_code_step_is_in_the_chosen_language(app, client, lang, text):
    make_staff("clerk")
    sign_in(client)
    _set_up(client)
    client.post("/staff/logout")
    sign_in(client)
    assert text in client.get(f"{CODE_STEP}?lang={lang}").text


def test_a_secret_is_a_real_totp_secret(app):
    member = make_staff("clerk")
    factor = second_factor.start_enrolment(member)
    assert len(factor.secret) == 32
    assert pyotp.TOTP(factor.secret).now() == second_factor.code_for(factor.secret)
    # Set up twice before confirming: the newer secret replaces the older.
    newer = second_factor.start_enrolment(member)
    assert StaffSecondFactor.select().count() == 1 and newer.secret != factor.secret
    assert second_factor.confirm(member, second_factor.code_for(newer.secret))
    assert second_factor.start_enrolment(member) is None  # on: nothing to begin
