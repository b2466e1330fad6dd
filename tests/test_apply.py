"""Applying on the web: the document page, in-place checks, sending every
answer at once to check-your-answers, the receipt. (The question pages one by
one: test_apply_questions.py.)"""

import re
import threading

import pytest
from werkzeug.datastructures import MultiDict

from kiosk.data.models import StatusEvent, Submission
from tests.support.factories import form_data
from tests.support.pages import language_forms


def _check(client, **changes):
    """Every answer posted to check-your-answers without sending (as a language
    switch does): kept, then the check page."""
    response = client.post(
        "/apply/check?lang=en", data=form_data(form_token="t" * 32, **changes)
    )
    if response.status_code == 303:
        return client.get(response.headers["Location"])
    return response


def _confirm(client, **changes):
    return client.post(
        "/apply/check?lang=en",
        data=form_data(
            form_token=changes.pop("form_token", "t" * 32), step="confirm", **changes
        ),
    )


def _choose(client, code="KK"):
    assert (
        client.post("/apply?lang=en", data={"document_type": code}).status_code == 303
    )


def test_each_page_shows_its_fields_with_labels_and_hints(client):
    pages = {
        "/apply": ("document_type",),
        "/apply/applicant": ("applicant_name", "nik"),
        "/apply/contact": ("phone",),
        "/apply/address": ("kecamatan", "nagari"),
        "/apply/extra": ("note", "language"),
    }
    _choose(client)
    for path, names in pages.items():
        page = client.get(f"{path}?lang=en").text
        for name in names:
            assert f'name="{name}"' in page, (path, name)
        assert "Step " in page
    page = client.get("/apply/applicant?lang=en").text
    assert '<label class="label" for="nik">NIK</label>' in page
    assert 'aria-describedby="nik-hint"' in page
    page = client.get("/apply/address?lang=en").text
    for kecamatan in (
        "Kamang Baru",
        "Koto VII",
        "IV Nagari",
        "Kupitan",
        "Lubuk Tarok",
        "Sijunjung",
        "Sumpur Kudus",
        "Tanjung Gadang",
    ):
        assert kecamatan in page
    assert 'autocomplete="off"' in page


def test_form_lists_document_types_with_expected_days(client):
    page = client.get("/apply?lang=en").text
    for name in (
        "Family Card (KK)",
        "Electronic ID card (KTP-el)",
        "Child ID Card (KIA)",
        "Birth Certificate",
        "Death Certificate",
        "Relocation Letter",
    ):
        assert name in page
    assert "Usually ready in 14 working days" in page


def test_choosing_a_document_type_shows_its_requirements_in_place(client):
    full = client.get("/apply?lang=en&document_type=KIA")
    assert "Child&#39;s birth certificate" in full.text
    assert "<html" in full.text
    fragment = client.get(
        "/apply?lang=en&document_type=KIA",
        headers={"HX-Request": "true", "HX-Target": "document-type-details"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert "Child&#39;s birth certificate" in fragment.text
    assert fragment.headers["Vary"] == "HX-Request"


def test_a_field_is_checked_in_place(client):
    response = client.post(
        "/apply?lang=en",
        data={"nik": "12345"},
        headers={
            "HX-Request": "true",
            "HX-Trigger-Name": "nik",
            "HX-Target": "nik-field",
        },
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert 'id="nik-field"' in response.text
    assert "exactly 16 digits" in response.text
    assert 'value="12345"' in response.text
    fine = client.post(
        "/apply?lang=en",
        data={"phone": "0812-3456-7890"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "phone"},
    )
    assert "field-error" not in fine.text


def test_valid_answers_lead_to_the_check_page(client):
    response = _check(client)
    assert response.status_code == 200
    assert "Check your answers before sending" in response.text
    assert "Siti Rahma" in response.text
    # Shown as residents write them, to compare with their card and phone.
    assert "<dd>0812-3456-7890</dd>" in response.text
    nik = form_data()["nik"]
    assert (
        f"<dd>{' '.join(nik[i : i + 4] for i in range(0, 16, 4))}</dd>" in response.text
    )
    # What to bring, for residents whose browser did not show it on the form.
    assert "What to prepare for Family Card (KK)" in response.text
    assert Submission.select().count() == 0


def test_errors_are_summarised_and_keep_what_was_typed(client):
    _choose(client)
    response = client.post(
        "/apply/applicant?lang=en",
        data={"applicant_name": "Siti <b>Rahma</b>", "nik": "1303059999900001"},
    )
    assert response.status_code == 422
    page = response.text
    summary = page.split('id="error-summary"')[1].split("</div>")[0]
    links = re.findall(r'href="#([a-z_]+)"', summary)
    assert links == ["applicant_name", "nik"]
    assert "Siti &lt;b&gt;Rahma&lt;/b&gt;" in page  # kept, and escaped
    assert "<b>Rahma</b>" not in page
    assert 'value="1303059999900001"' in page
    assert page.count('aria-invalid="true"') == 2
    assert "<title>Error:" in page
    response = client.post(
        "/apply/address?lang=en", data={"kecamatan": "Atlantis", "nagari": ""}
    )
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert re.findall(r'href="#([a-z_]+)"', summary) == ["kecamatan", "nagari"]
    assert Submission.select().count() == 0


def test_all_answers_sent_at_once_with_mistakes_show_the_first_page_at_fault(client):
    response = _confirm(client, phone="12345", nagari="")
    assert response.status_code == 422
    assert 'action="/apply/contact"' in response.text
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    # Only the page's own problems: the village is asked on a later page.
    assert re.findall(r'href="#([a-z_]+)"', summary) == ["phone"]
    assert Submission.select().count() == 0


def test_a_change_link_shows_the_answer_given(client):
    _check(client)
    response = client.get("/apply/applicant?lang=en&change=1")
    assert response.status_code == 200
    assert 'value="Siti Rahma"' in response.text
    assert "field-error" not in response.text


def _switch_language(client, page, lang):
    """Send the language switch's form, as the resident's browser would."""
    action, fields = language_forms(page)[lang]
    return client.post(action, data=MultiDict(fields))


def test_switching_language_on_the_check_page_keeps_the_answers(client):
    _check(client)
    response = client.get("/apply/check?lang=id")
    assert response.status_code == 200
    assert '<html lang="id">' in response.text
    assert "Periksa jawaban Anda sebelum mengirim" in response.text
    assert "Siti Rahma" in response.text
    assert "0812-3456-7890" in response.text
    assert Submission.select().count() == 0


def test_switching_language_on_a_form_with_errors_keeps_what_was_typed(client):
    _choose(client)
    refused = client.post(
        "/apply/applicant?lang=en", data={"applicant_name": "Siti Rahma", "nik": "1234"}
    )
    response = _switch_language(client, refused.text, "id")
    assert response.status_code == 422
    assert "NIK harus tepat 16 angka." in response.text
    assert 'value="1234"' in response.text
    assert 'value="Siti Rahma"' in response.text


def test_switching_language_on_a_question_page_keeps_the_answers(client):
    _check(client)
    response = client.get("/apply/applicant?lang=id&change=1")
    assert response.status_code == 200
    assert "Ajukan permohonan dokumen" in response.text
    assert 'value="Siti Rahma"' in response.text
    assert "field-error" not in response.text


def test_switching_language_after_a_refused_send_sends_nothing(client):
    page = _confirm(client, nik="1234").text
    action, fields = language_forms(page)["id"]
    assert ("step", "check") in fields
    assert ("step", "confirm") not in fields
    _switch_language(client, page, "id")
    assert Submission.select().count() == 0


def test_confirming_stores_the_request_and_shows_the_receipt(client):
    response = _confirm(client)
    assert response.status_code == 303
    location = response.headers["Location"]
    number = re.search(r"/t/([0-9A-Z]{9})/receipt\?new=1", location).group(1)
    submission = Submission.get(Submission.number == number)
    assert submission.applicant_name == "Siti Rahma"
    assert submission.phone == "+6281234567890"
    assert submission.channel == "web"
    assert submission.status == "submitted"
    assert submission.due_date > submission.created_at.date()
    events = list(StatusEvent.select().where(StatusEvent.submission == submission))
    assert [(e.from_status, e.to_status) for e in events] == [(None, "submitted")]
    receipt = client.get(location)
    assert receipt.status_code == 200
    assert "Request sent" in receipt.text


def test_the_same_form_sent_twice_stores_one_request(client):
    first = _confirm(client, form_token="same-token-123")
    second = _confirm(client, form_token="same-token-123")
    assert first.headers["Location"] == second.headers["Location"]
    assert Submission.select().count() == 1


def test_answers_changed_on_a_form_already_sent_make_a_new_request(client):
    first = _confirm(client, form_token="reused-token")
    # Back from the receipt, the answers changed: the page still holds the token.
    changed = {"applicant_name": "Budi Santoso", "nik": "1303051203850417"}
    second = _confirm(client, form_token="reused-token", **changed)
    again = _confirm(client, form_token="reused-token", **changed)
    assert second.status_code == 303
    assert second.headers["Location"] != first.headers["Location"]
    assert again.headers["Location"] == second.headers["Location"]
    names = sorted(s.applicant_name for s in Submission.select())
    assert names == ["Budi Santoso", "Siti Rahma"]


def test_any_form_token_is_stored_safely(client):
    assert _confirm(client, form_token="x" * 500).status_code == 303
    assert _confirm(client, form_token="").status_code == 303
    assert Submission.select().count() == 2


def test_a_name_that_grows_when_lower_cased_is_stored(client):
    name = "İrma " + "İ" * 90  # each İ lower-cases to two characters
    response = _confirm(client, applicant_name=name)
    assert response.status_code == 303
    stored = Submission.get()
    assert stored.applicant_name == name
    assert stored.name_key == name.lower()[:100]


@pytest.mark.parametrize("via", ["%C2%B2", "%D9%A3", "1" * 30, "-1", "x"])
def test_an_odd_kiosk_reference_is_ignored(client, via):
    assert client.get(f"/apply?via={via}").status_code == 200
    response = _confirm(client, form_token="v", via=via)
    assert response.status_code == 303
    assert Submission.get().kiosk is None


def test_a_boosted_requirements_request_gets_the_whole_form(client):
    for marker in ({"HX-Boosted": "true"}, {"HX-History-Restore-Request": "true"}):
        headers = {"HX-Request": "true", "HX-Target": "document-type-details", **marker}
        response = client.get("/apply?document_type=KIA", headers=headers)
        assert response.status_code == 200
        assert "<html" in response.text and 'name="document_type"' in response.text


def test_the_same_form_sent_twice_at_once_stores_one_request(app):
    locations = []

    def send():
        locations.append(
            _confirm(app.test_client(), form_token="racing-token-1").headers["Location"]
        )

    threads = [threading.Thread(target=send) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(locations)) == 1
    assert Submission.select().count() == 1


def test_confirm_with_bad_data_does_not_store(client):
    response = _confirm(client, nik="1")
    assert response.status_code == 422
    assert Submission.select().count() == 0


def test_english_applicant_language_is_recorded(client):
    _confirm(client, language="en", form_token="lang-en")
    assert Submission.get().language == "en"


@pytest.mark.parametrize("missing", ["document_type", "kecamatan"])
def test_missing_choices_are_explained(client, missing):
    data = form_data(form_token="m", step="confirm")
    del data[missing]
    response = client.post("/apply/check?lang=en", data=data)
    assert response.status_code == 422
    assert f'href="#{missing}"' in response.text
    assert Submission.select().count() == 0


def test_the_language_for_messages_defaults_to_the_page_language(client):
    data = form_data(form_token="m", step="confirm")
    del data["language"]
    assert client.post("/apply/check?lang=en", data=data).status_code == 303
    assert Submission.get().language == "en"


def test_hints_state_the_limits_the_checks_enforce(app, client):
    """One number for each limit: the hint says what the check refuses."""
    from kiosk.domain import validation
    from kiosk.services import accounts
    from tests.support.staff import staff_client

    most = validation.RESIDENT_NOTE_MAX
    _choose(client)
    assert f"Up to {most} characters." in client.get("/apply/extra?lang=en").text
    refused = client.post(
        "/apply/extra?lang=en", data={"note": "x" * (most + 1), "language": "id"}
    )
    assert refused.status_code == 422
    assert f"The note must be {most} characters or fewer." in refused.text
    admin = staff_client(app, "boss", role="admin")
    page = admin.get("/staff/admin/staff").get_data(as_text=True)
    assert f"At least {accounts.MIN_PASSWORD_LENGTH} characters." in page


def test_a_name_checked_in_place_still_offers_the_browsers_saved_name(client):
    """On the resident's own device the name field may be filled from the
    browser (WCAG 1.3.5), also once it is drawn again with its error."""
    _choose(client)
    response = client.post(
        "/apply/applicant?lang=en",
        data={"applicant_name": "<b>"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "applicant_name"},
    )
    assert response.status_code == 200
    assert 'autocomplete="name"' in response.text
    assert "field-error" in response.text
