"""Every GET page, in both languages: title, unique ids, lang, nothing untranslated.

The list of pages comes from the route map, so a new page cannot escape.
"""

import pytest

from kiosk.data.seed import OFFICE
from tests.support.factories import collection_booking, form_data
from tests.support.pages import check_title_lang_and_ids, english_only_messages, facts
from tests.support.tickets import ticket_token

# Endpoints that are not HTML pages (images, JSON, files) or only redirect.
NOT_PAGES = {
    "static",
    "public.qr_svg",
    "public.qr_png",
    "public.receipt_picture",
    "public.healthz",
    "api.track",
    "api.openapi_document",
    "api.statistics",
    "public.statistics_csv",
    "public.track",
}


def public_page_urls(app, number):
    """A URL for every public GET page, with sample values for its arguments."""
    samples = {"number": number, "token": ticket_token(app), "page": "kk_reason"}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith(("/staff", "/kiosk")):
            continue  # covered by the staff and kiosk tests, signed in / registered
        missing = set(rule.arguments) - set(samples)
        assert not missing, f"add a sample value for {missing} ({rule.rule})"
        urls.append(
            rule.rule.replace("<number>", number)
            .replace("<token>", samples["token"])
            .replace("<page>", samples["page"])
        )
    return sorted(urls)


@pytest.fixture
def number(app):
    # Ready, with a time to collect booked: the collection pages show it too.
    with app.app_context():
        return collection_booking().submission.number


def _answer_everything(client):
    """Answers in the session, so that every question page and the check page
    show (without them they lead back to the first page)."""
    assert client.post("/apply/check", data=form_data()).status_code == 303


def test_every_public_page_is_listed(app, number):
    urls = public_page_urls(app, number)
    assert "/" in urls and "/apply" in urls and f"/t/{number}" in urls


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_public_page_has_title_lang_and_unique_ids(app, client, number, lang):
    _answer_everything(client)
    for url in public_page_urls(app, number):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        check_title_lang_and_ids(response.text, lang, url)


def test_indonesian_pages_leave_no_english_message(app, client, number):
    english = english_only_messages()
    assert len(english) > 50
    _answer_everything(client)
    for url in public_page_urls(app, number):
        text = facts(client.get(f"{url}?lang=id").text).visible_text
        leftovers = [m for m in english if m in text]
        assert not leftovers, (url, leftovers)


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page?lang=id")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    english = client.get("/no-such-page?lang=en")
    assert "Page not found" in english.text


@pytest.mark.parametrize("path", ["/no-such-page", "/static/no-such-file.css"])
def test_error_pages_name_the_office(client, path):
    page = facts(client.get(f"{path}?lang=id").text)
    assert page.title == "Halaman tidak ditemukan – " + OFFICE["office_name"]
    assert OFFICE["office_name"] in page.visible_text
