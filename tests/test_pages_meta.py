"""Every GET page, in both languages: title, unique ids, lang, nothing untranslated.

The list of pages comes from the route map, so a new page cannot escape.
"""

import re
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po

from tests.support.factories import make_submission
from tests.test_i18n import CATALOG

# Endpoints that are not HTML pages (images, JSON, files) or only redirect.
NOT_PAGES = {
    "static",
    "public.qr_svg",
    "public.qr_png",
    "public.healthz",
    "api.track",
    "public.track",
}


class PageFacts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.title, self.lang, self._in_title = [], "", None, False
        self.text = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag == "title":
            self._in_title = True
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.text.append(data)


def english_only_messages():
    """Message ids whose Indonesian differs, long enough to be recognisable."""
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle, locale="id")
    found = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str):
            continue
        if message.string and message.string != message.id and len(message.id) >= 12:
            if "%(" not in message.id:
                found.append(message.id)
    return found


def public_page_urls(app, number):
    """A URL for every public GET page, with sample values for its arguments."""
    samples = {"number": number}
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if rule.rule.startswith(("/staff", "/kiosk")):
            continue  # covered by the staff and kiosk tests, signed in / registered
        missing = set(rule.arguments) - set(samples)
        assert not missing, f"add a sample value for {missing} ({rule.rule})"
        urls.append(rule.rule.replace("<number>", number))
    return sorted(urls)


@pytest.fixture
def number(app):
    with app.app_context():
        return make_submission().number


def test_every_public_page_is_listed(app, number):
    urls = public_page_urls(app, number)
    assert "/" in urls and "/apply" in urls and f"/t/{number}" in urls


@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_public_page_has_title_lang_and_unique_ids(app, client, number, lang):
    for url in public_page_urls(app, number):
        response = client.get(f"{url}?lang={lang}")
        assert response.status_code == 200, url
        facts = PageFacts()
        facts.feed(response.text)
        assert facts.lang == lang, url
        assert facts.title.strip(), url
        duplicates = {i for i in facts.ids if facts.ids.count(i) > 1}
        assert not duplicates, (url, duplicates)


def test_indonesian_pages_leave_no_english_message(app, client, number):
    english = english_only_messages()
    assert len(english) > 50
    for url in public_page_urls(app, number):
        facts = PageFacts()
        facts.feed(client.get(f"{url}?lang=id").text)
        text = re.sub(r"\s+", " ", " ".join(facts.text))
        leftovers = [m for m in english if m in text]
        assert not leftovers, (url, leftovers)


def test_error_pages_are_translated(client):
    response = client.get("/no-such-page?lang=id")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
    english = client.get("/no-such-page?lang=en")
    assert "Page not found" in english.text
