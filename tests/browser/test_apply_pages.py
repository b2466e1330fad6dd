"""A birth certificate applied for on a phone, page by page: the child, the
parents, the applicant; a Change link; Back and reload after every step."""

import re

from tests.support.apply_pages import (
    answer_applicant_pages,
    choose_document,
    continue_to,
)
from tests.support.kiosk import live_database_url, models_on


def _stored(server):
    """Requests in the live server's database, counted from this process."""
    with models_on(live_database_url(server)) as models:
        return models.Submission.select().count()


def _shows_a_page_of_the_site(page):
    """A page this site drew (its main heading), not a browser error page."""
    assert page.locator("main h1").count() == 1, page.url


def _answers(server, number):
    from kiosk.services import request_details

    with models_on(live_database_url(server)) as models:
        submission = models.Submission.get(models.Submission.number == number)
        return request_details.read(submission.id)


def test_a_birth_certificate_on_a_phone_then_back_and_reload(live_server, new_page):
    server = live_server()
    page = new_page(viewport=(390, 844), locale="id-ID")
    page.goto(f"{server.url}/apply?lang=id")
    assert "Langkah 1 dari" in page.locator("main").inner_text()
    choose_document(page, "AKL")
    continue_to(page, "/apply/birth_child")

    # The child: a date typed in three boxes; one in the future is refused.
    page.get_by_label("Nama lengkap anak").fill("Budi Santoso")
    page.get_by_label("Laki-laki").check()
    page.locator("#child_birth_date").fill("3")
    page.locator("#child_birth_date-month").fill("11")
    page.locator("#child_birth_date-year").fill("2999")
    page.get_by_label("Tempat lahir").fill("Muaro Sijunjung")
    page.get_by_label("Anak ke berapa dari ibunya?").fill("2")
    page.locator(".apply-form button[type=submit]").click()
    page.locator("#error-summary").wait_for()
    assert (
        "Tanggal tidak boleh melewati hari ini."
        in page.locator("#error-summary").inner_text()
    )
    # The answers typed are still there.
    assert page.get_by_label("Nama lengkap anak").input_value() == "Budi Santoso"
    page.locator("#child_birth_date-year").fill("2026")
    continue_to(page, "/apply/birth_parents")
    page.get_by_label("Nama lengkap ibu").fill("Siti Rahma")
    page.get_by_label("Nama lengkap ayah").fill("Ahmad Yusuf")
    continue_to(page, "/apply/applicant")
    answer_applicant_pages(page)

    main = page.locator("main")
    assert "Budi Santoso" in main.inner_text()
    assert "3 November 2026" in main.inner_text()
    # Change the father's name: the page, then straight back to the check page.
    page.locator("a[href='/apply/birth_parents?change=1#father_name']").click()
    page.wait_for_url(re.compile(r"/apply/birth_parents\?change=1"))
    assert page.get_by_label("Nama lengkap ayah").input_value() == "Ahmad Yusuf"
    page.get_by_label("Nama lengkap ayah").fill("Ahmad Yusuf Malin")
    continue_to(page, "/apply/check")
    assert "Ahmad Yusuf Malin" in main.inner_text()

    # Back and reload from the check page send nothing and ask nothing.
    page.go_back()
    page.wait_for_url(re.compile(r"/apply/birth_parents"))
    page.reload()
    _shows_a_page_of_the_site(page)
    page.go_forward()
    page.wait_for_url(re.compile(r"/apply/check$"))
    page.reload()
    _shows_a_page_of_the_site(page)
    assert _stored(server) == 0

    page.get_by_role("button", name="Kirim permohonan").click()
    page.wait_for_url(re.compile(r"/t/[0-9A-Z]{9}/receipt\?new=1$"))
    page.get_by_role("heading", name="Permohonan terkirim").wait_for()
    number = re.search(r"/t/([0-9A-Z]{9})/", page.url).group(1)
    assert _stored(server) == 1

    # Reload the receipt, go Back (to the check page, which shows the receipt
    # again), reload, Back again: still one request, and each time a page of
    # the site, never the browser's "Confirm Form Resubmission".
    page.reload()
    _shows_a_page_of_the_site(page)
    for _ in range(2):
        page.go_back()
        page.wait_for_load_state()
        _shows_a_page_of_the_site(page)
        page.reload()
        _shows_a_page_of_the_site(page)
    # A question page of the request sent begins a new application.
    assert re.search(rf"/t/{number}/receipt|/apply", page.url), page.url
    assert _stored(server) == 1
    answers = _answers(server, number)
    assert answers["child_name"] == "Budi Santoso"
    assert answers["father_name"] == "Ahmad Yusuf Malin"
    assert answers["child_birth_date"].isoformat() == "2026-11-03"
