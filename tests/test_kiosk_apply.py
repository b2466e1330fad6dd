"""Applying at a kiosk over HTTP: one question per screen, answers carried in
the form, the shared validation, and a request recorded as channel kiosk."""

import re

import pytest

from kiosk.data.models import DocumentType, KioskDevice, MessageChoice, Submission
from kiosk.web import kiosk_flow
from tests.support.factories import form_data
from tests.support.kiosk import answer, hidden_fields, kiosk_answers, walk_to_check
from tests.support.messages import choose_provider, messages, provider_config

# What walk_to_check() answers.
ANSWERS = form_data()
NAME, NIK = ANSWERS["applicant_name"], ANSWERS["nik"]


@pytest.fixture
def device(app):
    with app.app_context():
        return KioskDevice.create(
            name="Lobby kiosk", token="lobby-token", paper_width=80
        )


@pytest.fixture
def kiosk_client(client, device):
    client.get("/kiosk?k=lobby-token&lang=en", follow_redirects=True)
    return client


def screen_of(response):
    """The step a kiosk screen asks (from its hidden `step` field)."""
    return hidden_fields(response.get_data(as_text=True))["step"]


def send(client, check_screen, **extra):
    return answer(client, check_screen.get_data(as_text=True), consent="y", **extra)


def test_screens_come_in_order_one_question_each(kiosk_client):
    first = kiosk_client.get("/kiosk/apply")
    assert screen_of(first) == "document_type"
    assert "Step 1 of 9" in first.text
    check = walk_to_check(kiosk_client)
    assert screen_of(check) == "check"
    # The family card's two questions are counted once it is chosen.
    assert "Step 11 of 11" in check.text


def test_applying_records_channel_kiosk_and_which_kiosk(app, kiosk_client, device):
    check = walk_to_check(kiosk_client)
    assert NAME in check.text and NIK in check.text
    response = send(kiosk_client, check)
    assert response.status_code == 303
    number = re.fullmatch(
        r"/kiosk/receipt/([0-9A-Z]{9})\?new=1", response.headers["Location"]
    )
    assert number
    with app.app_context():
        stored = Submission.by_number(number.group(1))
        assert stored.channel == "kiosk"
        assert stored.kiosk_id == device.id
        assert stored.recorded_by is None
        assert stored.applicant_name == NAME
        assert stored.phone == "+6281234567890"
        assert stored.language == "en"  # the language chosen on the kiosk
    receipt = kiosk_client.get(response.headers["Location"])
    assert NAME not in receipt.text and NIK not in receipt.text


def test_the_form_sent_twice_stores_one_request(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    first = send(kiosk_client, check)
    second = send(kiosk_client, check)
    assert first.headers["Location"] == second.headers["Location"]
    with app.app_context():
        assert Submission.select().count() == 1


def test_a_request_that_cannot_be_stored_keeps_the_answers_on_screen(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    # A real failure inside the transaction: the first status event cannot be
    # written, so the request row written before it must be rolled back too.
    db = app.extensions["database"]
    db.execute_sql("ALTER TABLE status_event RENAME TO status_event_away")
    try:
        failed = send(kiosk_client, check)
    finally:
        db.execute_sql("ALTER TABLE status_event_away RENAME TO status_event")
    assert failed.status_code == 503
    assert "Your request has not been sent yet" in failed.text
    assert screen_of(failed) == "check"
    assert NAME in failed.text and NIK in failed.text
    with app.app_context():
        assert Submission.select().count() == 0
    again = send(kiosk_client, failed)
    assert again.status_code == 303
    with app.app_context():
        assert Submission.select().count() == 1


@pytest.mark.parametrize(
    "step, typed, message",
    [
        ("applicant_name", "R2-D2", "The name can only contain letters"),
        ("nik", "12345", "The NIK must be exactly 16 digits."),
        (
            "nik",
            "1303019913780002",
            "Digits 7 to 12 of the NIK are not a valid birth date.",
        ),
        ("phone", "12345", "Enter an Indonesian phone number"),
        ("nagari", "", "Enter the village (nagari)."),
    ],
)
def test_each_answer_is_checked_on_its_own_screen(kiosk_client, step, typed, message):
    response = kiosk_client.get("/kiosk/apply")
    while screen_of(response) != step:
        fields = dict(kiosk_answers()).get(screen_of(response))
        response = answer(kiosk_client, response.text, **(fields or {}))
    wrong = answer(kiosk_client, response.text, **{step: typed})
    assert wrong.status_code == 422
    assert screen_of(wrong) == step
    assert message in wrong.text
    assert 'aria-invalid="true"' in wrong.text
    assert wrong.text.count("<title>Error:") == 1


def test_unknown_document_or_district_is_refused(kiosk_client):
    first = kiosk_client.get("/kiosk/apply")
    response = answer(kiosk_client, first.text, document_type="PASSPORT")
    assert response.status_code == 422
    assert screen_of(response) == "document_type"
    assert "Choose the document you need." in response.text


def test_back_returns_to_the_previous_screen_keeping_every_answer(kiosk_client):
    check = walk_to_check(kiosk_client)
    back = answer(kiosk_client, check.text, back="1")
    assert screen_of(back) == "note"
    back = answer(kiosk_client, back.text, back="1")
    assert screen_of(back) == "nagari"
    assert f'value="{ANSWERS["nagari"]}"' in back.text
    assert hidden_fields(back.text)["nik"] == NIK


def test_changing_an_answer_goes_back_to_the_check_screen(kiosk_client):
    check = walk_to_check(kiosk_client)
    nik_screen = answer(kiosk_client, check.text, change="nik")
    assert screen_of(nik_screen) == "nik"
    assert f'value="{NIK}"' in nik_screen.text
    corrected = answer(kiosk_client, nik_screen.text, nik="1303015203850417")
    assert screen_of(corrected) == "check"
    assert "1303015203850417" in corrected.text


def test_a_new_document_asks_its_requirements_and_questions_then_check(kiosk_client):
    check = walk_to_check(kiosk_client)
    choose = answer(kiosk_client, check.text, change="document_type")
    requirements = answer(kiosk_client, choose.text, document_type="AKL")
    assert screen_of(requirements) == "requirements"
    assert "Birth letter from the hospital" in requirements.text
    screen = answer(kiosk_client, requirements.text)
    birth = {
        "child_name": "Nur Aini",
        "child_sex": "female",
        "child_birth_date-day": "3",
        "child_birth_date-month": "2",
        "child_birth_date-year": "2025",
        "child_birth_place": "Muaro Sijunjung",
        "birth_order": "2",
        "mother_name": "Siti Rahma",
        "father_name": "",
    }
    asked = []
    while screen_of(screen) != "check":
        step = screen_of(screen)
        asked.append(step)
        fields = {k: v for k, v in birth.items() if k.startswith(step)}
        screen = answer(kiosk_client, screen.text, **fields)
        assert screen.status_code == 200, (step, screen.text)
    assert asked == [
        "child_name",
        "child_sex",
        "child_birth_date",
        "child_birth_place",
        "birth_order",
        "mother_name",
        "father_name",
    ]
    # The family card's answers went with it; the birth's are on the check screen.
    assert "Why do you need a family card?" not in screen.text
    assert "kk_reason" not in hidden_fields(screen.text)
    assert hidden_fields(screen.text)["child_birth_date"] == "2025-02-03"
    for words in ("Nur Aini", "Girl", "February 3, 2025", "Muaro Sijunjung"):
        assert words in screen.text


def test_language_for_messages_can_be_changed_from_the_check_screen(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    assert "English" in check.text
    language = answer(kiosk_client, check.text, change="language")
    assert screen_of(language) == "language"
    back_at_check = answer(kiosk_client, language.text, language="id")
    assert screen_of(back_at_check) == "check"
    response = send(kiosk_client, back_at_check)
    with app.app_context():
        assert Submission.select().get().language == "id"
        assert response.status_code == 303


def test_sending_without_consent_asks_for_it(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    response = answer(kiosk_client, check.text, send="1")
    assert response.status_code == 422
    assert screen_of(response) == "check"
    assert "Confirm that the details are correct" in response.text
    with app.app_context():
        assert Submission.select().count() == 0


def test_a_tampered_answer_is_caught_before_sending(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    data = hidden_fields(check.text)
    data.update(nik="0000000000000000", consent="y")
    response = kiosk_client.post("/kiosk/apply", data=data)
    assert response.status_code == 422
    assert screen_of(response) == "nik"
    with app.app_context():
        assert Submission.select().count() == 0


def test_a_document_type_withdrawn_meanwhile_is_asked_again(app, kiosk_client):
    check = walk_to_check(kiosk_client)
    with app.app_context():
        DocumentType.update(active=False).where(DocumentType.code == "KK").execute()
    response = send(kiosk_client, check)
    assert response.status_code == 422
    assert screen_of(response) == "document_type"


def test_unknown_step_starts_the_questions_again(kiosk_client):
    response = kiosk_client.post("/kiosk/apply", data={"step": "admin"})
    assert response.status_code == 200
    assert screen_of(response) == "document_type"


def test_every_text_question_has_its_keyboard_and_no_autofill(kiosk_client):
    response = kiosk_client.get("/kiosk/apply")
    seen = {}
    for step, fields in kiosk_answers():
        assert screen_of(response) == step
        if step in kiosk_flow.TEXT_STEPS:
            kind, _ = kiosk_flow.KEYBOARDS[step]
            field = re.search(
                rf'<(?:input|textarea)[^>]*\bid="{step}"[^>]*>', response.text
            )
            assert field, step
            assert 'autocomplete="off"' in field.group(0)
            assert f'data-keyboard="{kind}"' in field.group(0)
            assert f'data-keyboard-for="{step}"' in response.text
            seen[step] = kind
        response = answer(kiosk_client, response.text, **fields)
    assert seen == {
        "applicant_name": "letters",
        "nik": "digits",
        "phone": "digits",
        "nagari": "text",
        "note": "text",
    }


def test_keyboard_keys_are_buttons_with_names(kiosk_client):
    page = kiosk_client.get("/kiosk/status?lang=en").text
    keys = re.findall(r"<button[^>]*class=\"kiosk-key[^\"]*\"[^>]*>", page)
    assert len(keys) >= 26 + 10 + 3
    assert all('type="button"' in key for key in keys)
    assert 'data-action="backspace">' in page and "Backspace" in page
    assert 'data-action="clear">' in page and "Clear" in page
    assert 'data-action="done">' in page


def test_kiosk_steps_work_with_csrf_protection(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        KioskDevice.create(name="Lobby kiosk", token="lobby-token")
    client = app.test_client()
    client.get("/kiosk?k=lobby-token")
    check = walk_to_check(client)
    assert "csrf_token" in hidden_fields(check.text)
    assert send(client, check).status_code == 303
    refused = client.post("/kiosk/apply", data={"step": "document_type"})
    assert refused.status_code == 400
    assert "data-kiosk-screen" in refused.text  # the kiosk's own error screen
    # A kiosk has no Back or Reload: the message points at its one button.
    assert "Ketuk Mulai dari awal" in refused.text
    assert "muat ulang" not in refused.text.lower()


def test_the_kiosk_asks_how_to_be_told_when_the_office_sends_messages(kiosk_client):
    """A screen after the phone number, counted in the steps; the choice is
    stored and the tracking number queued for that phone."""
    app = kiosk_client.application
    with app.app_context():
        choose_provider("webhook")
    app.config.update(provider_config("http://127.0.0.1:9"))
    response = kiosk_client.get("/kiosk/apply")
    assert "Step 1 of 10" in response.text
    for _step, fields in kiosk_answers()[:7]:
        response = answer(kiosk_client, response.text, **fields)
    assert screen_of(response) == "notify"
    assert "Shall we send you messages about this request?" in response.text
    assert "By SMS" in response.text and "never advertising" in response.text
    response = answer(kiosk_client, response.text, notify="sms")
    assert screen_of(response) == "kecamatan"
    for _step, fields in kiosk_answers()[7:]:
        response = answer(kiosk_client, response.text, **fields)
    assert screen_of(response) == "check" and "By SMS" in response.text
    sent = send(kiosk_client, response)
    assert sent.status_code == 303
    with app.app_context():
        (message,) = messages()
        assert (message.kind, message.channel) == ("submitted", "sms")
        assert MessageChoice.get().channel == "sms"
