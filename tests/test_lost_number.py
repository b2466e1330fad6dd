"""A lost tracking number sent again to the phone given when applying: never
shown, the same answer whether or not anything matched, limited."""

import statistics
import time

import pytest

from kiosk.data.models import SecurityEvent
from tests.support.factories import make_submission, nik
from tests.support.messages import choose_provider, messages, provider_config

PHONE = "+6281298765432"


@pytest.fixture
def app(make_app):
    app = make_app(**provider_config("http://127.0.0.1:9"))
    with app.app_context():
        choose_provider("webhook")
    return app


def _ask(client, nik_value, phone, **kwargs):
    return client.post(
        "/lost-number?lang=en", data={"nik": nik_value, "phone": phone}, **kwargs
    )


def test_the_number_goes_to_the_stored_phone_and_never_to_the_screen(app, client):
    with app.app_context():
        submission = make_submission(notify="sms", nik=nik(41), language="en")
    asked = _ask(client, nik(41), "0812-9876-5432")
    assert asked.status_code == 303
    assert asked.headers["Location"].endswith("/lost-number/sent")
    page = client.get(asked.headers["Location"] + "?lang=en").text
    assert "Check your phone" in page
    assert submission.number not in page and submission.display_number not in page
    with app.app_context():
        sent = [m for m in messages(submission) if m.kind == "lost_number"]
        (message,) = sent
        assert message.recipient == PHONE and message.channel == "sms"
        assert submission.display_number in message.text
        assert (
            SecurityEvent.select()
            .where(SecurityEvent.kind == "lost_number_asked")
            .count()
            == 1
        )


def test_a_request_never_told_by_message_gets_the_first_channel(app, client):
    with app.app_context():
        submission = make_submission(nik=nik(42))
    assert _ask(client, nik(42), PHONE).status_code == 303
    with app.app_context():
        (message,) = messages(submission)
        assert (message.kind, message.channel) == ("lost_number", "whatsapp")


def test_no_match_answers_exactly_the_same(app, client):
    with app.app_context():
        finished = make_submission(nik=nik(43), status="completed")
        make_submission(nik=nik(44))
        before = len(messages())
    answers = [
        _ask(client, nik(44), PHONE),  # a match
        _ask(client, nik(44), "0813 1111 2222"),  # another phone
        _ask(client, nik(45), PHONE),  # a NIK with no request
        _ask(client, nik(43), PHONE),  # a finished request
    ]
    shapes = {
        (a.status_code, a.headers["Location"], len(a.get_data())) for a in answers
    }
    assert len(shapes) == 1
    with app.app_context():
        assert len(messages()) == before + 1
        assert messages(finished)[-1:] == [] or all(
            m.kind != "lost_number" for m in messages(finished)
        )


def test_a_match_takes_about_as_long_as_no_match(app, client):
    """Timing tells nobody whether a NIK has a request: both paths write in
    one transaction. Medians of many tries, alternating."""
    with app.app_context():
        for serial in range(50, 54):
            make_submission(nik=nik(serial))
    matched, unmatched = [], []
    for round_number in range(24):
        serial = 50 + round_number % 4
        for target, phone in ((matched, PHONE), (unmatched, "0813 1111 2222")):
            start = time.perf_counter()
            _ask(client, nik(serial), phone)
            target.append(time.perf_counter() - start)
    a, b = statistics.median(matched), statistics.median(unmatched)
    assert abs(a - b) < max(a, b) * 0.5 + 0.003, (a, b)


def test_one_request_gets_at_most_three_such_messages_a_day(app, client):
    with app.app_context():
        submission = make_submission(nik=nik(46))
    for _ in range(5):
        assert _ask(client, nik(46), PHONE).status_code == 303
    with app.app_context():
        assert len(messages(submission)) == 3


def test_mistyped_details_get_a_clear_message(client):
    asked = _ask(client, "1234", "")
    assert asked.status_code == 422
    assert "The NIK must be exactly 16 digits." in asked.text
    assert "Enter the phone number you gave when you applied." in asked.text


def test_the_page_is_limited_per_client_and_per_nik(make_app):
    app = make_app(
        RATELIMIT_ENABLED=True,
        LOST_NUMBER_RATE_LIMIT="3 per hour",
        LOST_NUMBER_NIK_RATE_LIMIT="2 per day",
        **provider_config("http://127.0.0.1:9"),
    )
    with app.app_context():
        choose_provider("webhook")
    client = app.test_client()
    for serial in (60, 61, 62):
        assert _ask(client, nik(serial), PHONE).status_code == 303
    assert _ask(client, nik(63), PHONE).status_code == 429
    others = [{"environ_base": {"REMOTE_ADDR": f"198.51.100.{n}"}} for n in range(1, 4)]
    assert _ask(client, nik(70), PHONE, **others[0]).status_code == 303
    assert _ask(client, nik(70), PHONE, **others[1]).status_code == 303
    assert _ask(client, nik(70), PHONE, **others[2]).status_code == 429


def test_without_messages_the_page_sends_residents_to_the_counter(make_app):
    client = make_app().test_client()
    page = client.get("/lost-number?lang=en").text
    assert 'name="nik"' not in page
    assert "staff can find your request by your NIK" in page
    assert (
        client.post("/lost-number", data={"nik": nik(80), "phone": PHONE}).status_code
        == 200
    )
