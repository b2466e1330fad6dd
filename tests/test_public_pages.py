"""Public pages: home, tracking, receipt, QR, lookup, statistics, health."""

import io
import re

import pytest
import zxingcpp
from PIL import Image

from kiosk.data.models import OfficeSettings, StaffMember
from kiosk.domain import tracking, workflow
from kiosk.services import submissions
from tests.support.factories import APPLICANT, make_submission


@pytest.fixture
def submission(app):
    with app.app_context():
        return make_submission()


def _advance(app, submission, *moves):
    with app.app_context():
        staff, _ = StaffMember.get_or_create(
            username="petugas1",
            defaults={"display_name": "Petugas Satu", "password_hash": "x"},
        )
        current = submission
        for target, note in moves:
            current = submissions.move(
                current,
                target,
                version=current.version,
                staff=staff,
                public_note=note,
                internal_note="internal: checked by phone 0811",
            )
        return current


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", ["/", "/apply", "/stats"])
def test_public_pages_render_in_both_languages(client, path, lang):
    response = client.get(f"{path}?lang={lang}")
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text


def test_home_offers_apply_and_lookup(client):
    page = client.get("/?lang=en").text
    assert 'href="/apply"' in page
    assert 'action="/track"' in page
    assert 'name="number"' in page


def test_tracking_page_shows_status_in_plain_words(client, submission):
    page = client.get(f"/t/{submission.number}?lang=en").text
    assert tracking.display(submission.number) in page
    assert "Received" in page
    assert "waiting for staff to check the documents" in page
    assert "Family Card (KK)" in page


def test_tracking_page_in_indonesian_by_default(client, submission):
    page = client.get(f"/t/{submission.number}").text
    assert '<html lang="id">' in page
    assert "Diterima" in page
    assert "Kartu Keluarga (KK)" in page


def test_tracking_page_never_shows_personal_data(app, client, submission):
    _advance(app, submission, ("verifying", "Berkas sedang diperiksa"))
    for path in (
        f"/t/{submission.number}",
        f"/t/{submission.number}/receipt",
        f"/api/v1/track/{submission.number}",
        f"/t/{submission.number}?lang=en",
    ):
        body = client.get(path).text
        for value in (
            APPLICANT["applicant_name"],
            "Wiryaatmadja",
            APPLICANT["nik"],
            "6281298765432",
            "81298765432",
            APPLICANT["note"],
            "internal: checked",
            "Petugas Satu",
        ):
            assert value not in body, (path, value)


def test_tracking_page_shows_public_note_timeline_and_office_when_ready(
    app, client, submission
):
    _advance(
        app,
        submission,
        ("verifying", ""),
        ("processing", ""),
        ("ready", "Ambil di loket 3"),
    )
    page = client.get(f"/t/{submission.number}?lang=en").text
    assert "Ready" in page
    assert "Ambil di loket 3" in page
    assert "Being checked" in page and "In progress" in page
    assert "Service hours" in page
    assert "Muaro Sijunjung" in page  # the office address from office settings


def test_needs_info_shows_what_to_bring(app, client, submission):
    with app.app_context():
        OfficeSettings.update(whatsapp="+6281374125566", phone="(0754) 71234").execute()
    _advance(
        app,
        submission,
        ("verifying", ""),
        ("needs_info", "Kirim foto buku nikah"),
    )
    page = client.get(f"/t/{submission.number}").text
    assert "Perlu dilengkapi" in page
    assert "Kirim foto buku nikah" in page
    # The progress line stops at the step that waits for the resident, and says why.
    current = re.search(
        r'<li class="([^"]*)"\s*aria-current="step">(.*?)</li>', page, re.S
    )
    assert "progress-step--attention" in current.group(1)
    assert "Perlu dilengkapi" in current.group(2)
    # The office can be called or messaged with one tap.
    office = OfficeSettings.saved()
    assert f'href="https://wa.me/{office.whatsapp.lstrip("+")}"' in page
    assert 'href="tel:' in page


def test_an_older_note_is_not_shown_as_the_current_one(app, client, submission):
    path = f"/t/{submission.number}?lang=en"
    asked = _advance(
        app, submission, ("verifying", ""), ("needs_info", "Kirim foto buku nikah")
    )
    assert "Note from the office" in client.get(path).text
    _advance(
        app,
        asked,
        ("verifying", ""),
        ("processing", ""),
        ("ready", ""),
    )
    page = client.get(path).text
    assert "Ready" in page
    assert "Note from the office" not in page
    # The page is not the receipt, which may be lost: the NIK finds the request.
    assert "this receipt" not in page and "bring your receipt" in page
    assert "give your NIK at the counter" in page
    assert "Kirim foto buku nikah" in page  # still in the timeline, with its date
    indonesian = client.get(f"/t/{asked.number}?lang=id").text
    # A ready document is "made" (jadi), not "finished" (Selesai is the last step).
    assert "Dokumen Anda sudah jadi" in indonesian
    assert "tanda terima ini" not in indonesian
    assert "sebutkan NIK Anda di loket" in indonesian


def test_the_expected_date_shows_only_while_the_document_is_awaited(
    app, client, submission
):
    path = f"/t/{submission.number}?lang=en"
    assert "Expected to be ready by" in client.get(path).text
    _advance(app, submission, ("verifying", ""), ("processing", ""), ("ready", ""))
    assert "Expected to be ready by" not in client.get(path).text


def test_the_api_gives_what_the_tracking_page_shows(app, client, submission):
    path = f"/api/v1/track/{submission.number}?lang=en"
    waiting = client.get(path).json
    assert waiting["number"] == submission.number
    assert waiting["display_number"] == tracking.display(submission.number)
    assert waiting["document_type"] == {"code": "KK", "name": "Family Card (KK)"}
    assert waiting["status"]["code"] == "submitted"
    assert waiting["status"]["label"] == "Received"
    assert waiting["expected_date"] == submission.due_date.isoformat()
    assert waiting["office"] is None
    assert waiting["language"] == "en"
    _advance(
        app, submission, ("verifying", ""), ("processing", ""), ("ready", "Loket 3")
    )
    ready = client.get(path).json
    assert ready["status"]["label"] == "Ready"
    assert ready["expected_date"] is None  # the document is there already
    assert "Muaro Sijunjung" in ready["office"]["address"]
    assert ready["office"]["opening_hours"]
    assert [e["status"] for e in ready["timeline"]] == [
        "submitted", "verifying", "processing", "ready",
    ]  # fmt: skip
    assert ready["timeline"][-1]["note"] == "Loket 3"
    assert ready["timeline"][0]["at"].endswith("Z")


def test_api_errors_all_carry_a_word_code_and_the_status(client, submission):
    wrong = ("1" if submission.number[0] != "1" else "2") + submission.number[1:]
    expected = {
        f"/api/v1/track/{wrong}": ("typo", 400),
        f"/api/v1/track/{tracking.generate()}": ("not_found", 404),
        "/api/v1/nope": ("not_found", 404),
    }
    for path, (code, status) in expected.items():
        response = client.get(path + "?lang=en")
        assert response.status_code == status, path
        error = response.json["error"]
        assert (error["code"], error["status"]) == (code, status), path
        assert error["message"]
    refused = client.post(f"/api/v1/track/{submission.number}")
    assert refused.json["error"]["code"] == "method_not_allowed"


def test_forgiving_number_in_url_redirects_to_canonical(client, submission):
    typed = tracking.display(submission.number).lower()
    response = client.get(f"/t/{typed}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/t/{submission.number}")


def test_mistyped_number_says_typing_mistake(client, submission):
    wrong = ("1" if submission.number[0] != "1" else "2") + submission.number[1:]
    response = client.get(f"/t/{wrong}?lang=en")
    assert response.status_code == 400
    assert "typing mistake" in response.text
    assert "could not find" not in response.text
    assert "<title>Error: Check your tracking number" in response.text


def test_unknown_number_says_not_found(client):
    number = tracking.generate()
    response = client.get(f"/t/{number}?lang=en")
    assert response.status_code == 404
    assert "could not find a request" in response.text
    assert "<title>Error: Request not found" in response.text


def test_unknown_numbers_answer_with_the_same_shape(app):
    first, second = (
        app.test_client().get(f"/t/{tracking.generate()}") for _ in range(2)
    )
    assert first.status_code == second.status_code == 404
    assert len(first.data) == len(second.data)
    assert dict(first.headers).keys() == dict(second.headers).keys()


def test_track_form_redirects_to_the_tracking_page(client, submission):
    url = f"https://dukcapil.example.go.id/t/{submission.number}"
    response = client.get("/track", query_string={"number": url})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/t/{submission.number}")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Enter your tracking number"),
        ("12345", "9 letters and digits"),
    ],
)
def test_track_form_explains_bad_input_on_the_form(client, typed, message):
    response = client.get("/track", query_string={"number": typed, "lang": "en"})
    assert response.status_code == 400
    assert message in response.text
    assert 'aria-invalid="true"' in response.text


def test_redirects_keep_the_chosen_language_and_paper(client, submission):
    typed = submission.number.lower()
    page = client.get(f"/t/{typed}?lang=en&number=x&_external=1")
    assert page.status_code == 301
    assert page.headers["Location"] == f"/t/{submission.number}?lang=en"
    receipt = client.get(f"/t/{typed}/receipt?paper=58&lang=en")
    assert (
        receipt.headers["Location"]
        == f"/t/{submission.number}/receipt?lang=en&paper=58"
    )
    shown = tracking.display(submission.number)
    looked_up = client.get("/track", query_string={"number": shown, "lang": "en"})
    assert looked_up.headers["Location"] == f"/t/{submission.number}?lang=en"


def test_the_language_link_keeps_an_odd_path_intact(client):
    page = client.get("/t/ab%3Fcd?lang=id").text
    assert 'href="/t/ab%3Fcd?lang=en"' in page


def test_track_form_keeps_what_was_typed(client):
    response = client.get("/track", query_string={"number": "7KQ-4M2-XP8"})
    assert 'value="7KQ-4M2-XP8"' in response.text


def test_receipt_shows_number_qr_and_expected_date(client, submission):
    page = client.get(f"/t/{submission.number}/receipt?new=1&lang=en").text
    assert tracking.display(submission.number) in page
    assert "Request sent" in page
    assert f"/t/{submission.number}/qr.svg" in page
    assert "Expected ready by" in page
    assert "Family Card (KK)" in page


def test_the_receipt_names_its_qr_image_by_the_address_it_holds(make_app):
    """QR images are cached for a year: a new public address needs a new name."""

    def qr_source(app, number):
        page = app.test_client().get(f"/t/{number}/receipt").text
        return re.search(r'class="receipt-qr" src="([^"]+)"', page).group(1)

    before = make_app(PUBLIC_BASE_URL="https://lama.example.go.id")
    with before.app_context():
        number = make_submission().number
    after = make_app(PUBLIC_BASE_URL="https://dukcapil.example.go.id")
    old, new = qr_source(before, number), qr_source(after, number)
    assert old.startswith(f"/t/{number}/qr.svg?v=") and new.startswith(
        f"/t/{number}/qr.svg?v="
    )
    assert old != new
    assert qr_source(after, number) == new  # the same address keeps its name
    image = after.test_client().get(new.replace("&amp;", "&"))
    assert image.status_code == 200
    assert "immutable" in image.headers["Cache-Control"]


@pytest.mark.parametrize("paper", ["58", "80"])
def test_receipt_links_thermal_print_css(client, submission, paper):
    page = client.get(f"/t/{submission.number}/receipt?paper={paper}").text
    assert f"print-{paper}mm.css" in page


def _decode(png_bytes):
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png_bytes)))
    assert results, "no QR code found"
    return results[0]


def test_qr_png_decodes_to_the_absolute_tracking_url(client, submission):
    response = client.get(f"/t/{submission.number}/qr.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert _decode(response.data).text == f"http://localhost/t/{submission.number}"


def test_a_new_office_shows_no_made_up_numbers(make_app):
    """Contact numbers are the admin's to enter: none is invented, and a
    database that still has the examples older versions seeded loses them."""
    app = make_app()
    with app.app_context():
        office = OfficeSettings.saved()
        assert (office.phone, office.whatsapp) == ("", "")
        waiting = make_submission(status="needs_info")
    page = app.test_client().get(f"/t/{waiting.number}?lang=en").text
    assert "Where and when" in page  # the office box, without numbers
    assert "WhatsApp:" not in page and "Phone:" not in page and "wa.me" not in page
    with app.app_context():
        OfficeSettings.update(phone="(0754) 20000", whatsapp="+6281200000000").execute()
    with make_app().app_context():  # started again on the same database
        office = OfficeSettings.saved()
        assert (office.phone, office.whatsapp) == ("", "")
        OfficeSettings.update(whatsapp="+6281374125566").execute()
    with make_app().app_context():
        assert OfficeSettings.saved().whatsapp == "+6281374125566"  # a real one stays


def test_the_receipt_is_offered_as_a_picture_to_keep(client, submission):
    page = client.get(f"/t/{submission.number}/receipt?lang=en").text
    picture_url = f"/t/{submission.number}/receipt.png"
    assert f'href="{picture_url}" download' in page
    # Sharing and copying the tracking link need script; the link itself does not.
    tracking_url = f"http://localhost/t/{submission.number}"
    assert f'data-share-url="{tracking_url}"' in page
    assert f'<a id="tracking-link" href="{tracking_url}">{tracking_url}</a>' in page
    response = client.get(f"{picture_url}?lang=id")
    assert response.status_code == 200 and response.mimetype == "image/png"
    display = tracking.display(submission.number)
    assert (
        f'filename="tanda-terima-{display}.png"'
        in response.headers["Content-Disposition"]
    )
    assert _decode(response.data).text == tracking_url  # its QR code
    # A number with a typing mistake is explained, as for the printable receipt.
    typo = submission.number[:-1] + ("1" if submission.number[-1] != "1" else "2")
    assert client.get(f"/t/{typo}/receipt.png").status_code == 400


def test_qr_uses_the_public_base_url(make_app):
    app = make_app(PUBLIC_BASE_URL="https://dukcapil.sijunjungkab.go.id/")
    with app.app_context():
        submission = make_submission()
    response = app.test_client().get(f"/t/{submission.number}/qr.png")
    expected = f"https://dukcapil.sijunjungkab.go.id/t/{submission.number}"
    assert _decode(response.data).text == expected


def test_qr_svg_is_small_cacheable_and_version_4_at_most(make_app):
    app = make_app(PUBLIC_BASE_URL="https://dukcapil.sijunjungkab.go.id")
    with app.app_context():
        submission = make_submission()
    client = app.test_client()
    response = client.get(f"/t/{submission.number}/qr.svg")
    assert response.status_code == 200
    assert response.mimetype == "image/svg+xml"
    assert len(response.data) <= 2048
    assert "max-age=31536000" in response.headers["Cache-Control"]
    etag = response.headers["ETag"]
    again = client.get(
        f"/t/{submission.number}/qr.svg", headers={"If-None-Match": etag}
    )
    assert again.status_code == 304
    # Version 4 is 33 modules wide; with the quiet zone the view box is 41 at most.
    size = int(response.text.split('viewBox="0 0 ')[1].split(" ")[0])
    assert size <= 33 + 8


def test_qr_reveals_nothing_about_which_numbers_exist(client, submission):
    unknown = tracking.generate()
    known = client.get(f"/t/{submission.number}/qr.svg")
    other = client.get(f"/t/{unknown}/qr.svg")
    assert known.status_code == other.status_code == 200
    assert len(known.data) > 0 and len(other.data) > 0


def test_qr_of_a_mistyped_number_is_404(client, submission):
    wrong = ("1" if submission.number[0] != "1" else "2") + submission.number[1:]
    assert client.get(f"/t/{wrong}/qr.svg").status_code == 404


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok"}


def test_statistics_count_requests_and_completion(app, client, submission):
    _advance(
        app,
        submission,
        ("verifying", ""),
        ("processing", ""),
        ("ready", ""),
        ("completed", ""),
    )
    page = client.get("/stats?lang=en").text
    assert "Requests received and documents ready, month by month" in page
    assert "working days to ready (median)" in page
    # One request: counted, but shown as "<5" so that it points at nobody.
    assert "&lt;5" in page and "100%" not in page


def test_workflow_labels_cover_every_status():
    from kiosk.web import i18n

    for status in workflow.STATUSES:
        assert status in i18n.STATUS_LABELS
        assert status in i18n.STATUS_EXPLANATIONS
        assert status in i18n.STATUS_NEXT_STEPS


def test_tracking_page_cache_shows_a_status_change_at_once(make_app):
    app = make_app(PAGE_CACHE_SECONDS=60)
    client = app.test_client()
    with app.app_context():
        submission = make_submission()
    first = client.get(f"/t/{submission.number}?lang=en").text
    assert "Received" in first
    assert client.get(f"/t/{submission.number}?lang=en").text == first
    _advance(app, submission, ("verifying", "Sedang dicek"))
    after = client.get(f"/t/{submission.number}?lang=en").text
    assert "Being checked" in after and "Sedang dicek" in after
    assert client.get(f"/t/{submission.number}?lang=id").text != after
