"""Messages to residents: who asks for them, what each event writes to the
outbox (in the request's language, one SMS long), quiet hours, reminders, and
what staff and admins see. Delivery itself: tests/test_delivery.py."""

import datetime as dt
import zoneinfo

import pytest

from kiosk.data.models import (
    AdminEvent,
    MessageChoice,
    OutboxMessage,
    StatusEvent,
    Submission,
)
from kiosk.domain import sms, workflow
from kiosk.services import outbox, retention, submissions
from kiosk.web.forms.collection import slot_value
from tests.support.factories import form_data, make_submission
from tests.support.messages import (
    PUBLIC_BASE_URL,
    choose_provider,
    messages,
    provider_config,
)

JAKARTA = zoneinfo.ZoneInfo("Asia/Jakarta")
PROVIDER_URL = "http://127.0.0.1:9"  # never reached here: nothing is delivered


@pytest.fixture
def app(make_app):
    """An office that sends messages through its webhook (no quiet hours)."""
    app = make_app(**provider_config(PROVIDER_URL))
    with app.app_context():
        choose_provider("webhook")
    return app


def _move(submission, target, note=""):
    current = Submission.get_by_id(submission.id)
    return submissions.move(
        current, target, version=current.version, staff=None, public_note=note
    )


# -- the resident's choice ---------------------------------------------------


def test_a_fresh_install_asks_nothing_and_sends_nothing(make_app):
    app = make_app()
    client = app.test_client()
    assert 'name="notify"' not in client.get("/apply?lang=en").text
    with app.app_context():
        submission = make_submission(status="ready", notify="whatsapp")
        assert messages() == []
        assert MessageChoice.select().count() == 0
        assert submission.status == "ready"


def test_the_form_asks_how_to_be_told_and_says_what_is_sent(client):
    client.post("/apply", data={"document_type": "KK"})
    page = client.get("/apply/contact?lang=en").text
    assert 'name="notify"' in page
    for label in (
        "By WhatsApp",
        "By SMS",
        "No messages: I will check the tracking page",
    ):
        assert label in page
    assert "never advertising" in page
    indonesian = client.get("/apply/contact?lang=id").text
    assert "Lewat WhatsApp" in indonesian


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("", "Enter a mobile number above to get messages"),
        ("0752 1234 5678", "Messages can only go to a mobile number"),
    ],
)
def test_messages_need_a_mobile_number(client, phone, error):
    answer = client.post(
        "/apply/check?lang=en",
        data=form_data(form_token="t" * 32, notify="sms", phone=phone),
    )
    assert answer.status_code == 422
    assert error in answer.text


def test_the_choice_is_required_when_asked(client):
    answer = client.post("/apply/check?lang=en", data=form_data(form_token="t" * 32))
    assert answer.status_code == 422
    assert "Choose how we should tell you about this request." in answer.text


def test_applying_on_the_web_queues_the_tracking_number(app, client):
    sent = client.post(
        "/apply/check?lang=en",
        data=form_data(
            form_token="t" * 32, step="confirm", notify="whatsapp", language="en"
        ),
    )
    assert sent.status_code == 303
    with app.app_context():
        (message,) = messages()
        submission = Submission.get_by_id(message.submission_id)
        assert message.kind == "submitted" and message.channel == "whatsapp"
        assert message.recipient == "+6281234567890"
        assert submission.display_number in message.text
        assert f"{PUBLIC_BASE_URL}/t/{submission.number}?lang=en" in message.text
        assert message.state == "queued"


# -- what each event writes ----------------------------------------------------

EXPECTED = {
    "id": {
        "submitted": "permohonan Anda diterima",
        "needs_info": "perlu dilengkapi",
        "ready": "sudah jadi",
        "rejected": "tidak dapat diproses",
    },
    "en": {
        "submitted": "request received",
        "needs_info": "needs more from you",
        "ready": "is ready",
        "rejected": "cannot be processed",
    },
}


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
@pytest.mark.parametrize("language", ["id", "en"])
def test_each_event_the_resident_needs_writes_a_message(app, language, channel):
    with app.app_context():
        submission = make_submission(language=language, notify=channel)
        _move(submission, "verifying")
        _move(submission, "needs_info", "Bawa fotokopi buku nikah")
        _move(submission, "verifying")
        _move(submission, "processing")
        _move(submission, "ready")
        other = make_submission(language=language, notify=channel)
        _move(other, "rejected", "NIK tidak terdaftar di Sijunjung")
        kinds = [(m.kind, m) for m in messages(submission) + messages(other)]
        assert [k for k, _ in kinds] == [
            "submitted",
            "needs_info",
            "ready",
            "submitted",
            "rejected",
        ]
        for kind, message in kinds:
            assert EXPECTED[language][kind] in message.text, (kind, message.text)
            assert message.language == language and message.channel == channel
            assert submission.display_number in message.text or (
                other.display_number in message.text
            )
            if channel == "sms":
                assert len(message.text) <= sms.LIMIT and sms.is_gsm7(message.text)
        texts = dict(kinds)
        assert "Bawa fotokopi buku nikah" in texts["needs_info"].text
        assert f"/t/{submission.number}/collect" in texts["ready"].text
        assert "NIK tidak terdaftar" in texts["rejected"].text


def test_other_statuses_are_told_only_when_the_office_chooses(app):
    with app.app_context():
        quiet = make_submission(notify="whatsapp", status="processing")
        assert [m.kind for m in messages(quiet)] == ["submitted"]
        choose_provider("webhook", other_statuses=True)
        told = make_submission(notify="whatsapp", status="processing", language="en")
        kinds = [m.kind for m in messages(told)]
        assert kinds == ["submitted", "status", "status"]
        assert (
            '"Being checked"' in messages(told)[1].text
            or "is now" in messages(told)[1].text
        )


def test_no_choice_no_message(app):
    with app.app_context():
        submission = make_submission(status="ready")
        assert messages(submission) == []


def test_a_refused_move_writes_no_message(app):
    with app.app_context():
        submission = make_submission(notify="whatsapp", status="verifying")
        before = len(messages())
        stale = Submission.get_by_id(submission.id)
        with pytest.raises(workflow.MoveRefused):
            submissions.move(
                stale,
                "needs_info",
                version=stale.version - 1,
                staff=None,
                public_note="x",
            )
        assert len(messages()) == before
        assert (
            StatusEvent.select().where(StatusEvent.to_status == "needs_info").count()
            == 0
        )


# -- one SMS -------------------------------------------------------------------

LONG_NOTE = (
    "Mohon bawa “fotokopi KK lama”, surat pengantar dari wali nagari – asli – dan "
    "akta kelahiran anak 👶; fotokopi buku nikah orang tua juga diperlukan… " * 4
)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    "status", ["needs_info", "ready", "rejected", "completed", "verifying"]
)
def test_every_sms_fits_one_part_of_plain_characters(make_app, language, status):
    app = make_app(**provider_config(PROVIDER_URL))
    with app.app_context():
        choose_provider(
            "webhook", other_statuses=True, sender_name="Dukcapil Sijunjung 1"
        )
        submission = make_submission(language=language, notify="sms")
        way = {
            "needs_info": ("verifying", "needs_info"),
            "ready": ("verifying", "processing", "ready"),
            "rejected": ("rejected",),
            "completed": ("verifying", "processing", "ready", "completed"),
            "verifying": ("verifying",),
        }[status]
        for target in way:
            _move(submission, target, LONG_NOTE)
        for message in messages(submission):
            assert len(message.text) <= sms.LIMIT, message.text
            assert sms.is_gsm7(message.text), message.text
            assert submission.display_number in message.text
            assert PUBLIC_BASE_URL in message.text
        last = messages(submission)[-1]
        if status in ("needs_info", "rejected"):
            assert "..." in last.text  # the note, shortened to fit


def test_whatsapp_gets_the_whole_note(app):
    with app.app_context():
        submission = make_submission(notify="whatsapp", status="verifying")
        _move(submission, "needs_info", LONG_NOTE.strip())
        assert LONG_NOTE.strip() in messages(submission)[-1].text


def test_the_gsm_alphabet_helpers():
    assert sms.to_gsm7("“Bawa” KTP–el… 👶 ok") == '"Bawa" KTP-el... ok'
    assert sms.is_gsm7("Rp 5.000 @ loket 2") and not sms.is_gsm7("loket № 2")
    assert sms.fit("A: ", "x" * 300, " end", limit=20) == "A: " + "x" * 10 + "... end"


# -- quiet hours -------------------------------------------------------------


def _utc(local):
    return local.replace(tzinfo=JAKARTA).astimezone(dt.UTC).replace(tzinfo=None)


def test_quiet_hours_hold_a_message_until_morning():
    quiet = outbox.QuietHours(21 * 60, 6 * 60, JAKARTA)
    evening = _utc(dt.datetime(2026, 12, 7, 22, 15))
    assert quiet.next_allowed(evening) == _utc(dt.datetime(2026, 12, 8, 6, 0))
    early = _utc(dt.datetime(2026, 12, 8, 5, 59))
    assert quiet.next_allowed(early) == _utc(dt.datetime(2026, 12, 8, 6, 0))
    day = _utc(dt.datetime(2026, 12, 8, 14, 0))
    assert quiet.next_allowed(day) == day
    daytime_quiet = outbox.QuietHours(12 * 60, 13 * 60, JAKARTA)
    assert daytime_quiet.next_allowed(_utc(dt.datetime(2026, 12, 8, 12, 30))) == _utc(
        dt.datetime(2026, 12, 8, 13, 0)
    )


def test_a_status_message_waits_but_a_tracking_number_asked_for_does_not(app):
    with app.app_context():
        # Quiet all day but one minute: whenever this runs, it is quiet now.
        now = dt.datetime.now(JAKARTA)
        start = (now.hour * 60 + now.minute - 1) % (24 * 60)
        end = (start + 24 * 60 - 2) % (24 * 60)
        choose_provider("webhook", quiet=(start, end))
        submission = make_submission(notify="whatsapp", status="verifying")
        _move(submission, "needs_info", "Bawa KK")
        submitted, needs_info = messages(submission)
        assert submitted.next_attempt_at <= dt.datetime.now(dt.UTC).replace(tzinfo=None)
        assert needs_info.next_attempt_at > dt.datetime.now(dt.UTC).replace(
            tzinfo=None
        ) + dt.timedelta(hours=20)


# -- collection reminders ------------------------------------------------------


def _later_slot(app):
    """An offered slot at least two days ahead (its eve is still to come)."""
    from kiosk.services import collection
    from kiosk.services.calendar import office_calendar

    with app.app_context():
        now = dt.datetime.now(JAKARTA).replace(tzinfo=None)
        offered = collection.offered(now, office_calendar(now.date()))
    return [
        slot
        for day, slots in offered
        if day >= now.date() + dt.timedelta(days=2)
        for slot in slots
    ]


def test_booking_queues_a_reminder_for_the_evening_before(app, client):
    with app.app_context():
        submission = make_submission(notify="sms", status="ready")
    first, second = _later_slot(app)[0], _later_slot(app)[-1]
    client.post(
        f"/t/{submission.number}/collect", data={"slot": slot_value(first.start)}
    )
    with app.app_context():
        (reminder,) = [m for m in messages(submission) if m.kind == "reminder"]
        eve = dt.datetime.combine(
            first.start.date() - dt.timedelta(days=1), dt.time(17)
        )
        assert reminder.next_attempt_at == _utc(eve)
        assert first.start.strftime("%H.%M") in reminder.text
        assert "besok" in reminder.text and len(reminder.text) <= sms.LIMIT
    client.post(
        f"/t/{submission.number}/collect", data={"slot": slot_value(second.start)}
    )
    with app.app_context():
        reminders = [m for m in messages(submission) if m.kind == "reminder"]
        assert [m.state for m in reminders] == ["cancelled", "queued"]
        assert second.start.strftime("%H.%M") in reminders[-1].text
    client.post(f"/t/{submission.number}/collect/cancel")
    with app.app_context():
        reminders = [m for m in messages(submission) if m.kind == "reminder"]
        assert [m.state for m in reminders] == ["cancelled", "cancelled"]


# -- staff and admins ----------------------------------------------------------


def test_staff_see_each_message_and_send_a_failed_one_again(app, clerk):
    with app.app_context():
        submission = make_submission(notify="whatsapp")
        (message,) = messages(submission)
        OutboxMessage.update(
            state="failed", attempts=9, last_error="refused|HTTP 400: invalid target"
        ).execute()
    page = clerk.get(f"/staff/s/{submission.number}?lang=en").text
    assert "Messages to the resident" in page
    assert "Not sent" in page and "The provider refused the message." in page
    assert "HTTP 400: invalid target" in page and "Send again" in page
    again = clerk.post(f"/staff/s/{submission.number}/messages/{message.id}/again")
    assert again.status_code == 303
    with app.app_context():
        states = [m.state for m in messages(submission)]
        assert states == ["failed", "queued"]
        assert messages(submission)[1].text == message.text
    refused = clerk.post(
        f"/staff/s/{submission.number}/messages/{message.id + 1}/again"
    )
    assert refused.status_code == 303
    with app.app_context():
        assert len(messages(submission)) == 2


def test_staff_get_an_sms_link_when_no_gateway_sends_sms(make_app):
    app = make_app()
    from tests.support.staff import staff_client

    clerk = staff_client(app, "clerk")
    with app.app_context():
        submission = make_submission(status="needs_info")
    page = clerk.get(f"/staff/s/{submission.number}?lang=en").text
    assert 'href="sms:+6281298765432?body=' in page
    assert "Tell the resident the status by SMS" in page


def test_the_admin_chooses_the_provider_and_it_is_audited(make_app):
    app = make_app(**provider_config(PROVIDER_URL))
    from tests.support.staff import staff_client

    admin = staff_client(app, "boss", role="admin")
    page = admin.get("/staff/admin/messages?lang=en").text
    assert "dukcapil_ready" in page and "{{1}}" in page and "{{0}}" not in page
    assert "Dukcapil: your document ({{1}}) is ready." in page
    assert "This message was sent automatically." in page
    saved = admin.post(
        "/staff/admin/messages",
        data={
            "provider": "gateway",
            "sender_name": "Dukcapil SJJ",
            "quiet_start": "21:30",
            "quiet_end": "05:30",
        },
    )
    assert saved.status_code == 303
    with app.app_context():
        from kiosk.data.models import NotificationSettings

        settings = NotificationSettings.saved()
        assert (settings.provider, settings.quiet_start, settings.quiet_end) == (
            "gateway",
            21 * 60 + 30,
            5 * 60 + 30,
        )
        event = AdminEvent.select().order_by(AdminEvent.id.desc()).get()
        assert event.action == "notifications.update"
    bad = admin.post(
        "/staff/admin/messages",
        data={
            "provider": "webhook",
            "sender_name": "Dukcapil ✓",
            "quiet_start": "25:00",
        },
    )
    assert bad.status_code == 422
    assert (
        "simple punctuation" in bad.text and "Enter a time such as 08:00." in bad.text
    )


def test_a_provider_without_its_settings_is_named_to_the_admin(make_app):
    app = make_app()
    from tests.support.staff import staff_client

    admin = staff_client(app, "boss", role="admin")
    with app.app_context():
        choose_provider("whatsapp_cloud")
    page = admin.get("/staff/admin/messages?lang=en").text
    assert "Messages cannot be sent yet." in page
    assert "KIOSK_NOTIFY_WHATSAPP_CLOUD_TOKEN" in page


def test_the_purge_erases_whom_messages_went_to_and_what_they_said(app):
    with app.app_context():
        submission = make_submission(notify="whatsapp", status="completed")
        old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=400)
        StatusEvent.update(created_at=old).where(
            StatusEvent.submission == submission.id
        ).execute()
        assert retention.purge_personal_data() == 1
        for message in messages(submission):
            assert (message.recipient, message.text, message.params) == ("", "", "[]")
        assert MessageChoice.select().count() == 0


def test_a_clerk_records_the_residents_choice_at_the_counter(app, clerk):
    form = clerk.get("/staff/new?lang=en").text
    assert 'name="notify"' in form and "By SMS" in form
    recorded = clerk.post(
        "/staff/new",
        data=form_data(channel="sms", notify="sms", form_token="counter-1"),
    )
    assert recorded.status_code == 303
    with app.app_context():
        (message,) = messages()
        assert (message.kind, message.channel) == ("submitted", "sms")
        assert MessageChoice.get().channel == "sms"


def test_the_choice_survives_the_check_answers_page(app, client):
    kept = client.post(
        "/apply/check?lang=en", data=form_data(form_token="c" * 32, notify="sms")
    )
    assert kept.status_code == 303
    check = client.get("/apply/check?lang=en")
    assert check.status_code == 200 and "By SMS" in check.text
    sent = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    assert sent.status_code == 303
    with app.app_context():
        assert [m.channel for m in messages()] == ["sms"]
