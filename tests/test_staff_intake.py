"""Recording requests that arrived by counter, WhatsApp, SMS or village officials."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.datastructures import MultiDict

from kiosk.data.models import StatusEvent, Submission
from tests.support.factories import form_data, make_submission, nik
from tests.support.pages import language_forms
from tests.support.staff import (  # noqa: F401
    fast_passwords,
    htmx_headers,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def record(client, **fields):
    """Record a request; each one for a resident of its own unless `nik` is given."""
    return client.post("/staff/new", data=form_data(**{"nik": nik(), **fields}))


@pytest.mark.parametrize("channel", ["counter", "whatsapp", "sms", "nagari"])
def test_recording_stores_the_channel_and_who_recorded_it(app, clerk, channel):
    response = record(clerk, channel=channel, form_token="token-" + channel)
    assert response.status_code == 303
    submission = Submission.get()
    assert response.headers["Location"] == f"/staff/new/{submission.number}"
    assert submission.channel == channel
    assert submission.recorded_by.username == "clerk"
    assert submission.status == "submitted"
    first_event = StatusEvent.get(StatusEvent.submission == submission)
    assert first_event.staff.username == "clerk"


def test_intake_form_offers_the_four_staff_channels_only(app, clerk):
    page = clerk.get("/staff/new").get_data(as_text=True)
    channels = re.findall(r'name="channel" value="(\w+)"', page)
    assert channels == ["counter", "whatsapp", "sms", "nagari"]
    for field in (
        "document_type",
        "applicant_name",
        "nik",
        "phone",
        "kecamatan",
        "nagari",
        "language",
        "consent",
    ):
        assert f'name="{field}"' in page
    refused = record(clerk, channel="web")
    assert refused.status_code == 422
    assert "Choose how the request reached the office" in refused.get_data(as_text=True)
    assert Submission.select().count() == 0


def test_intake_uses_the_same_checks_as_apply(app, clerk):
    response = record(
        clerk, channel="counter", nik="1234", applicant_name="", kecamatan="Elsewhere"
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "There is a problem" in html
    assert "The NIK must be exactly 16 digits." in html
    assert re.search(r"Enter the applicant(&#39;|')s full name\.", html)
    assert "Choose the district (kecamatan)." in html
    assert Submission.select().count() == 0


def test_switching_language_keeps_the_clerks_answers_and_records_nothing(app, clerk):
    page = record(clerk, channel="whatsapp", nik="1234").get_data(as_text=True)
    action, fields = language_forms(page)["id"]
    response = clerk.post(action, data=MultiDict(fields))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "NIK harus tepat 16 angka." in html
    assert 'value="1234"' in html
    assert re.search(r'value="whatsapp"[^>]*checked', html)
    # Valid answers shown again in the other language are not recorded either.
    shown = clerk.post(
        "/staff/new?lang=id", data=form_data(channel="counter", step="check")
    )
    assert shown.status_code == 200
    assert "Catat permohonan" in shown.get_data(as_text=True)
    assert Submission.select().count() == 0


def test_intake_field_check_in_place_returns_just_that_field(app, clerk):
    data = form_data(nik="12")
    response = clerk.post(
        "/staff/new", data=data, headers=htmx_headers("nik-field", trigger_name="nik")
    )
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<div class="field field--error" id="nik-field">')
    assert "The NIK must be exactly 16 digits." in html
    assert Submission.select().count() == 0
    details = clerk.get(
        "/staff/new?document_type=AKL", headers=htmx_headers("document-type-details")
    )
    assert "What to prepare for" in details.get_data(as_text=True)
    assert "<html" not in details.get_data(as_text=True)
    full = clerk.get("/staff/new?document_type=AKL")
    assert full.get_data(as_text=True).startswith("<!doctype html>")
    boosted = clerk.get(
        "/staff/new?document_type=AKL",
        headers=dict(htmx_headers("document-type-details"), **{"HX-Boosted": "true"}),
    )
    assert boosted.status_code == 200
    assert boosted.get_data(as_text=True).startswith("<!doctype html>")


def test_the_same_form_sent_twice_records_one_request(app, clerk):
    fields = form_data(channel="sms", form_token="same-token")
    first = clerk.post("/staff/new", data=fields)
    again = clerk.post("/staff/new", data=fields)
    assert again.status_code == 303
    assert again.headers["Location"] == first.headers["Location"]
    assert Submission.select().count() == 1


def test_a_form_sent_again_with_other_answers_records_another_request(app, clerk):
    # The clerk went back from the recorded page and typed the next resident.
    first = record(clerk, channel="sms", form_token="same-token")
    second = record(clerk, channel="sms", form_token="same-token")
    assert second.headers["Location"] != first.headers["Location"]
    assert Submission.select().count() == 2


def test_the_channel_is_remembered_for_the_next_request(app, clerk):
    record(clerk, channel="whatsapp", form_token="t1")
    page = clerk.get("/staff/new").get_data(as_text=True)
    assert re.search(r'value="whatsapp"\s+checked', page)


def test_recorded_page_has_the_printable_receipt_and_whatsapp_link(app, clerk):
    response = record(clerk, channel="whatsapp", language="en", phone="0812-3456-7890")
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    submission = Submission.get()
    display = submission.display_number
    assert "Request recorded with tracking number" in page
    assert f'class="confirmation-number">{display}<' in page
    assert f"/t/{submission.number}/qr.svg" in page
    assert "data-print" in page
    assert f"/t/{submission.number}/receipt?paper=58" in page
    link = (
        re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    parts = urlsplit(link)
    assert parts.path == "/6281234567890"
    text = parse_qs(parts.query)["text"][0]
    assert display in text
    assert f"http://localhost/t/{submission.number}?lang=en" in text
    assert "your request for Family Card (KK) has been recorded" in text


def test_whatsapp_message_is_in_the_residents_language_not_the_clerks(app, clerk):
    response = record(clerk, channel="whatsapp", language="id")
    page = clerk.get(response.headers["Location"]).get_data(
        as_text=True
    )  # English page
    link = (
        re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    text = parse_qs(urlsplit(link).query)["text"][0]
    submission = Submission.get()
    assert "Kartu Keluarga (KK)" in text
    assert f"/t/{submission.number}?lang=id" in text
    assert "Family Card" not in text
    assert "Nomor pelacakan" in text  # needs the Indonesian catalog
    assert "Opens WhatsApp with a message in Indonesian to 0812-3456-7890" in page
    indonesian = clerk.get(response.headers["Location"] + "?lang=id").get_data(
        as_text=True
    )
    assert "Membuka WhatsApp dengan pesan dalam bahasa Indonesia ke" in indonesian


def test_no_whatsapp_link_without_a_phone_number(app, clerk):
    response = record(clerk, channel="counter", phone="")
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "wa.me" not in page
    assert "cannot be sent by WhatsApp" in page


def test_recorded_page_is_only_for_requests_recorded_by_staff(app, clerk):
    response = record(clerk, channel="counter")
    assert clerk.get(response.headers["Location"]).status_code == 200
    web = make_submission(channel="web")
    assert clerk.get(f"/staff/new/{web.number}").status_code == 404


@pytest.mark.parametrize("channel", ["whatsapp", "sms"])
def test_a_request_by_whatsapp_or_sms_needs_the_residents_number(app, clerk, channel):
    response = record(clerk, channel=channel, phone="", consent="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "phone number: the request came by WhatsApp or SMS" in html
    # Worded for the clerk, who fills this in about someone else.
    assert "Tick this once the resident has confirmed the details." in html
    assert re.search(r"Resident(&#39;|')s phone or WhatsApp number</label>", html)
    assert Submission.select().count() == 0
    assert record(clerk, channel=channel, form_token="with-phone").status_code == 303


def test_a_second_open_request_for_the_same_document_and_nik_is_confirmed_first(
    app, clerk
):
    same = {"channel": "counter", "nik": "1303050101900123"}
    first = record(clerk, form_token="first", **same)
    assert first.status_code == 303
    existing = Submission.get()
    assert record(clerk, form_token="first", **same).status_code == 303  # sent twice
    again = record(clerk, form_token="second", **same)
    html = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "This resident may have applied already" in html
    assert f'href="/staff/s/{existing.number}"' in html
    assert Submission.select().count() == 1
    confirmed = record(clerk, form_token="second", duplicate_ok="y", **same)
    assert confirmed.status_code == 303
    assert Submission.select().count() == 2
    # Another document is no reason to ask.
    ktp = {"document_type": "KTP", "ktp_reason": "lost", "ktp_recorded": "yes"}
    other = record(clerk, form_token="third", **ktp, **same)
    assert other.status_code == 303
