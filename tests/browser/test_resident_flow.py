"""A resident on a phone: apply, read the receipt and its QR, then track it."""

import io
import re

import zxingcpp
from PIL import Image
from playwright.sync_api import expect

from tests.support.apply_pages import continue_to
from tests.support.http import SiteClient


def _choose(page, label):
    page.get_by_label(label, exact=True).check()


def test_apply_on_a_phone_then_track_by_qr_in_indonesian_and_english(
    live_server, new_page
):
    server = live_server()
    page = new_page(viewport=(390, 844), locale="id-ID")
    page.goto(f"{server.url}/")
    page.get_by_role("link", name="Mulai mengajukan").click()

    _choose(page, "Kartu Keluarga (KK)")
    # The requirements appear in place (htmx) once a document is chosen.
    page.get_by_text("Surat pengantar dari wali nagari").wait_for()
    continue_to(page, "/apply/kk_reason")
    _choose(page, "Pisah KK (membuat KK sendiri)")
    continue_to(page, "/apply/kk_head")
    _choose(page, "Ya")
    continue_to(page, "/apply/applicant")
    page.get_by_label("Nama lengkap").fill("Siti Rahma")
    page.get_by_label("NIK", exact=True).fill("1303054507900001")
    continue_to(page, "/apply/contact")
    page.get_by_label("Nomor telepon atau WhatsApp (tidak wajib)").fill(
        "0812 3456 7890"
    )
    continue_to(page, "/apply/address")
    _choose(page, "Kupitan")
    page.get_by_label("Nagari", exact=True).fill("Padang Laweh")
    continue_to(page, "/apply/extra")
    continue_to(page, "/apply/check")

    page.get_by_role("heading", name="Periksa jawaban Anda sebelum mengirim").wait_for()
    assert "0812-3456-7890" in page.locator("main").inner_text()
    # Switching language keeps the answers: none is lost.
    page.get_by_role("link", name="English").click()
    page.get_by_role("heading", name="Check your answers before sending").wait_for()
    assert "0812-3456-7890" in page.locator("main").inner_text()
    assert "Splitting from a family" in page.locator("main").inner_text()
    page.get_by_role("link", name="Bahasa Indonesia").click()
    page.get_by_role("heading", name="Periksa jawaban Anda sebelum mengirim").wait_for()
    page.get_by_role("button", name="Kirim permohonan").click()

    page.get_by_role("heading", name="Permohonan terkirim").wait_for()
    shown = page.locator(".confirmation-number").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{3}-[0-9A-Z]{3}-[0-9A-Z]{3}", shown)
    number = shown.replace("-", "")

    # Read the QR code off the rendered page, as a phone camera would.
    qr = page.locator("img.receipt-qr")
    qr.scroll_into_view_if_needed()
    image = Image.open(io.BytesIO(qr.screenshot()))
    decoded = zxingcpp.read_barcodes(image)
    assert decoded, "the QR code on the receipt could not be read"
    url = decoded[0].text
    assert url == f"{server.url}/t/{number}"

    other = new_page(viewport=(390, 844), locale="id-ID")
    other.goto(url)
    assert other.locator("html").get_attribute("lang") == "id"
    other.get_by_text("Diterima", exact=True).first.wait_for()
    assert "Permohonan Anda sudah kami terima" in other.content()
    assert "Siti Rahma" not in other.content()

    other.get_by_role("link", name="English").click()
    assert other.locator("html").get_attribute("lang") == "en"
    other.get_by_text("Received", exact=True).first.wait_for()
    assert "We have received your request" in other.content()


def test_apply_form_shows_errors_in_a_summary_with_focus(live_server, new_page):
    server = live_server()
    page = new_page(viewport=(390, 844), locale="en-GB")
    page.goto(f"{server.url}/apply?lang=en")
    _choose(page, "Birth Certificate")
    continue_to(page, "/apply/birth_child")
    page.get_by_role("button", name="Continue").click()
    # The page's script moves focus to the summary once it has loaded.
    expect(page.locator("#error-summary")).to_be_focused()
    page.get_by_role("link", name="Enter the child's date of birth.").click()
    expect(page.locator("#child_birth_date")).to_be_focused()


def test_typing_a_wrong_nik_is_explained_in_place(live_server, new_page):
    server = live_server()
    page = new_page(viewport=(390, 844), locale="en-GB")
    page.goto(f"{server.url}/apply?lang=en")
    _choose(page, "Family Card (KK)")
    continue_to(page, "/apply/kk_reason")
    page.goto(f"{server.url}/apply/applicant?lang=en")
    page.get_by_label("NIK", exact=True).fill("12345")
    page.get_by_label("Full name").focus()  # leaving the field checks it
    page.locator("#nik-error", has_text="The NIK must be exactly 16 digits.").wait_for()
    expect(page.locator("#applicant_name")).to_be_focused()
    assert page.get_by_label("NIK", exact=True).input_value() == "12345"


def test_a_receipt_can_be_kept_printed_on_thermal_paper_and_its_link_copied(
    live_server, new_page
):
    server = live_server()
    with SiteClient(server.url) as site:
        number = site.submit()
    page = new_page(
        viewport=(390, 844),
        locale="en-GB",
        permissions=["clipboard-read", "clipboard-write"],
    )
    page.goto(f"{server.url}/t/{number}/receipt?lang=en")
    page.get_by_role("button", name="Copy the link").click()
    expect(page.locator("#site-announcer")).to_have_text("Link copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == f"{server.url}/t/{number}"
    saved = page.get_by_role("link", name="Save the receipt as a picture")
    with page.expect_download() as download:
        saved.click()
    assert download.value.suggested_filename.endswith(".png")
    # On thermal paper the headings are no larger than the text around them.
    for paper in ("80", "58"):
        page.goto(f"{server.url}/t/{number}/receipt?paper={paper}&lang=en")
        page.emulate_media(media="print")
        heading, text = page.evaluate(
            """() => ['.receipt h2', '.receipt-office'].map(
                (s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize))"""
        )
        assert heading <= text * 1.05, (paper, heading, text)
        page.emulate_media(media="screen")
