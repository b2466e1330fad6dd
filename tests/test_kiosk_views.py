"""Kiosk screens over HTTP: who gets them, the start screen, status, receipt,
caching, page hygiene and languages. The apply flow is in test_kiosk_apply.py."""

import re

import pytest

from kiosk.data.models import KioskDevice, OfficeSettings, Submission
from kiosk.domain import qr, tracking
from kiosk.web import kiosk_devices
from tests.support.factories import APPLICANT, form_data, make_submission
from tests.support.pages import check_title_lang_and_ids, english_only_messages, facts
from tests.support.tickets import ticket_token


@pytest.fixture
def device(app):
    with app.app_context():
        return KioskDevice.create(
            name="Lobby kiosk", token="lobby-token", paper_width=58
        )


@pytest.fixture
def kiosk_client(client, device):
    """A browser that opened the kiosk's start URL once (the cookie is set)."""
    client.get("/kiosk?k=lobby-token")
    return client


@pytest.fixture
def number(app):
    with app.app_context():
        return make_submission().number


def kiosk_urls(app, number):
    """Every GET screen of the kiosk, with sample values for its arguments."""
    urls = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/kiosk") and "GET" in rule.methods:
            url = rule.rule.replace("<number>", number)
            if "<token>" in url:
                url = url.replace("<token>", ticket_token(app))
            urls.append(url)
    assert {"/kiosk", "/kiosk/apply", "/kiosk/status"} <= set(urls)
    return sorted(urls)


# -- who gets the kiosk ------------------------------------------------------


def test_unregistered_browser_is_sent_to_the_public_site(client):
    response = client.get("/kiosk?lang=en")
    assert response.status_code == 403
    assert "This page is for the office kiosks" in response.text
    assert 'href="/apply"' in response.text and 'href="/"' in response.text
    assert "data-kiosk-screen" not in response.text
    assert "kiosk_token" not in response.headers.get("Set-Cookie", "")


def test_unregistered_browser_cannot_make_kiosk_requests(app, client, number):
    for url in ("/kiosk/apply", "/kiosk/status", f"/kiosk/receipt/{number}"):
        assert client.get(url).status_code == 403, url
    response = client.post("/kiosk/apply", data=form_data(step="check"))
    assert response.status_code == 403
    with app.app_context():
        assert not Submission.select().where(Submission.channel == "kiosk").exists()


@pytest.mark.parametrize("token", ["wrong-token", "retired-token", "x" * 65])
def test_unknown_or_retired_token_is_not_a_kiosk(app, client, token):
    with app.app_context():
        KioskDevice.create(name="Old kiosk", token="retired-token", active=False)
    response = client.get(f"/kiosk?k={token}")
    assert response.status_code == 403
    client.set_cookie("kiosk_token", token)
    assert client.get("/kiosk").status_code == 403


def test_start_url_token_goes_into_a_cookie_and_out_of_the_address(client, device):
    response = client.get("/kiosk?k=lobby-token&lang=en")
    assert response.status_code == 303
    assert response.headers["Location"] == "/kiosk?lang=en"
    cookie = response.headers["Set-Cookie"]
    assert "kiosk_token=lobby-token" in cookie and "HttpOnly" in cookie
    start = client.get("/kiosk")
    assert start.status_code == 200
    assert "data-kiosk-screen" in start.text


def test_kiosk_cookie_alone_identifies_the_kiosk(client, device):
    client.set_cookie("kiosk_token", "lobby-token")
    response = client.get("/kiosk/status")
    assert response.status_code == 200
    assert 'data-keyboard="code"' in response.text


# -- the start screen ----------------------------------------------------------


def test_start_screen_offers_apply_status_and_both_languages(kiosk_client):
    page = kiosk_client.get("/kiosk?lang=en").text
    assert 'href="/kiosk/apply"' in page and 'href="/kiosk/status"' in page
    assert 'href="/kiosk?lang=id"' in page and 'href="/kiosk?lang=en"' in page
    assert re.search(r'aria-current="true"[^>]*>.*English', page) or re.search(
        r'lang="en"[^>]*aria-current="true"', page
    )


def test_start_screen_shows_the_office_distancing_notice(app, kiosk_client):
    with app.app_context():
        OfficeSettings.update(
            distancing_notice_id="Antre di tanda kuning, satu orang per anjungan.",
            distancing_notice_en="Queue at the yellow marks, one person per kiosk.",
        ).execute()
    assert "satu orang per anjungan" in kiosk_client.get("/kiosk?lang=id").text
    assert "one person per kiosk" in kiosk_client.get("/kiosk?lang=en").text


def test_phone_qr_opens_the_public_form_attributed_to_this_kiosk(
    app, kiosk_client, device
):
    with app.app_context():
        OfficeSettings.update(
            public_base_url="https://dukcapil.example.go.id"
        ).execute()
    page = kiosk_client.get("/kiosk?lang=en").text
    with app.test_request_context():
        reference = kiosk_devices.via_reference(device)
    assert re.fullmatch(rf"{device.id}\.[\w-]{{12}}", reference)
    expected = f"https://dukcapil.example.go.id/apply?via={reference}"
    title = "QR code that opens the application form on your phone"
    assert qr.svg(expected, title=title).decode() in page
    assert "Continue on your phone" in page


def _sent_via(client, via):
    """Open the form from a QR code's address, then send it: the question
    pages keep the reference in the session, not in the address."""
    client.get(f"/apply?via={via}")
    sent = client.post("/apply/check", data=form_data(step="confirm"))
    assert sent.status_code == 303
    return Submission.select().order_by(Submission.id.desc()).get().kiosk_id


def test_only_the_signed_phone_reference_credits_a_kiosk(app, client, device):
    with app.test_request_context():
        reference = kiosk_devices.via_reference(device)
        other = KioskDevice.create(name="Upstairs", token="upstairs-token")
        upstairs = kiosk_devices.via_reference(other)
    assert _sent_via(client, reference) == device.id
    # A kiosk's bare number, or a signature borrowed from another kiosk, is
    # no reference: the request is the web's own.
    assert _sent_via(client, str(device.id)) is None
    assert _sent_via(client, f"{device.id}.{upstairs.split('.')[1]}") is None
    # A kiosk switched off and on again has a new token: old codes are dead.
    KioskDevice.update(token="renewed-token").where(
        KioskDevice.id == device.id
    ).execute()
    assert _sent_via(client, reference) is None


def test_a_token_in_any_address_but_the_start_screen_is_ignored(
    app, client, device, number
):
    for url in ("/kiosk/status?k=lobby-token", f"/t/{number}?k=lobby-token"):
        response = client.get(url)
        assert "kiosk_token" not in response.headers.get("Set-Cookie", ""), url
    assert client.get("/kiosk/apply?k=lobby-token").status_code == 403
    assert client.get("/kiosk").status_code == 403


def test_the_kiosk_cookie_lasts_a_year_and_is_renewed_on_the_start_screen(
    client, device
):
    first = client.get("/kiosk?k=lobby-token")
    cookie = first.headers["Set-Cookie"]
    assert cookie.startswith("kiosk_token=lobby-token;")
    assert "Max-Age=31536000" in cookie and "HttpOnly" in cookie
    again = client.get("/kiosk?lang=id")  # by the cookie alone
    assert again.status_code == 200
    assert "Max-Age=31536000" in again.headers["Set-Cookie"]
    # Other screens leave the cookie alone.
    assert "Set-Cookie" not in client.get("/kiosk/status").headers


def test_kiosk_pages_carry_the_office_idle_times(app, kiosk_client):
    with app.app_context():
        OfficeSettings.update(
            kiosk_idle_warning_seconds=45, kiosk_idle_reset_seconds=75
        ).execute()
    page = kiosk_client.get("/kiosk/apply").text
    assert 'data-idle-warning="45"' in page and 'data-idle-reset="75"' in page
    assert 'data-reset-url="/kiosk?lang=id"' in page


# -- status and receipt ------------------------------------------------------


def test_status_lookup_shows_the_status_without_personal_data(kiosk_client, number):
    response = kiosk_client.get(f"/kiosk/status?number={number.lower()}&lang=en")
    assert response.status_code == 200
    assert "Received" in response.text
    for value in APPLICANT.values():
        if value != "id":
            assert value not in response.text


def test_the_office_numbers_are_plain_text_on_the_kiosk(app, kiosk_client):
    with app.app_context():
        waiting = make_submission(status="needs_info")
        OfficeSettings.update(whatsapp="+6281374125566", phone="(0754) 71234").execute()
    page = kiosk_client.get(f"/kiosk/status?number={waiting.number}&lang=en").text
    assert "0813-7412-5566" in page and "(0754) 71234" in page  # as residents write it
    assert "wa.me" not in page and "tel:" not in page  # a shared screen cannot call


def _mistyped(number):
    """The number with its last symbol changed: the check symbol catches it."""
    return number[:-1] + next(c for c in tracking.ALPHABET if c != number[-1])


@pytest.mark.parametrize(
    "typed, message",
    [
        (lambda n: "", "Enter your tracking number."),
        (lambda n: n[:8], "A tracking number has 9 letters and digits"),
        (_mistyped, "This number has a typing mistake."),
    ],
)
def test_status_lookup_explains_a_wrong_number(kiosk_client, number, typed, message):
    response = kiosk_client.get(f"/kiosk/status?number={typed(number)}&lang=en")
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


def test_status_lookup_of_an_unknown_number_says_not_found(kiosk_client, number):
    unknown = next(n for n in (tracking.generate() for _ in range(20)) if n != number)
    response = kiosk_client.get(f"/kiosk/status?number={unknown}&lang=en")
    assert response.status_code == 404
    assert "We could not find a request with this number." in response.text


def test_new_receipt_prints_itself_on_the_kiosk_paper_width(kiosk_client, number):
    response = kiosk_client.get(f"/kiosk/receipt/{number}?new=1")
    assert response.status_code == 200
    assert "data-kiosk-autoprint" in response.text
    assert re.search(
        r'href="/static/css/print-58mm\.css[^"]*" media="print"', response.text
    )
    assert f"/t/{number}/qr.svg" in response.text
    for value in APPLICANT.values():
        if value != "id":
            assert value not in response.text
    again = kiosk_client.get(f"/kiosk/receipt/{number}")
    assert "data-kiosk-autoprint" not in again.text


def test_receipt_paper_follows_each_kiosk_setting(app, client, number):
    with app.app_context():
        KioskDevice.create(name="Counter 2", token="wide-token", paper_width=80)
    client.get("/kiosk?k=wide-token")
    page = client.get(f"/kiosk/receipt/{number}?new=1").text
    assert "print-80mm.css" in page and "print-58mm.css" not in page


def test_unknown_receipt_keeps_the_kiosk_layout(kiosk_client):
    unknown = tracking.generate()
    response = kiosk_client.get(f"/kiosk/receipt/{unknown}?lang=en")
    assert response.status_code == 404
    assert "data-kiosk-screen" in response.text
    assert "Start again" in response.text


# -- every kiosk screen ----------------------------------------------------------


def test_every_kiosk_screen_is_never_cached(app, kiosk_client, number):
    for url in kiosk_urls(app, number):
        response = kiosk_client.get(url)
        assert response.headers["Cache-Control"] == "no-store", url
    posted = kiosk_client.post("/kiosk/apply", data={"step": "document_type"})
    assert posted.headers["Cache-Control"] == "no-store"


def test_every_kiosk_screen_obeys_the_content_security_policy(
    app, kiosk_client, number
):
    for url in kiosk_urls(app, number):
        page = kiosk_client.get(url).text
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts and all("src=" in tag for tag in scripts), url
        assert not re.search(r"\sstyle=", page), url
        assert not re.search(r"\son[a-z]+=", page), url


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_kiosk_screen_has_title_lang_and_unique_ids(
    app, kiosk_client, number, lang
):
    for url in kiosk_urls(app, number):
        response = kiosk_client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        check_title_lang_and_ids(response.text, lang, url)


def test_indonesian_kiosk_screens_leave_no_english_message(app, kiosk_client, number):
    english = english_only_messages()
    for url in kiosk_urls(app, number):
        text = facts(kiosk_client.get(f"{url}?lang=id").text).visible_text
        leftovers = [m for m in english if m in text]
        assert not leftovers, (url, leftovers)


def test_kiosk_speaks_indonesian_and_english(kiosk_client):
    indonesian = kiosk_client.get("/kiosk?lang=id").text
    assert '<html lang="id"' in indonesian
    assert "Ajukan permohonan dokumen" in indonesian
    assert "Lanjutkan di ponsel Anda" in indonesian
    assert "Apakah Anda masih di sini?" in indonesian
    english = kiosk_client.get("/kiosk?lang=en").text
    assert '<html lang="en"' in english
    assert "Apply for a document" in english
    assert "Continue on your phone" in english
    assert "Are you still there?" in english
    keypad = kiosk_client.get("/kiosk/status?lang=id").text
    assert 'aria-label="Papan ketik layar"' in keypad
    assert "Hapus semua" in keypad
