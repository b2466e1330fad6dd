"""What a rendered page says about itself: language, title, ids, visible text.

Shared by the public, kiosk and staff page tests, which walk every page in both
languages.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po

CATALOG = (
    Path(__file__).resolve().parents[2] / "translations/id/LC_MESSAGES/messages.po"
)
# CSRF and one-time form tokens differ on every rendering of a page.
_TOKENS = re.compile(r'(token"[^>]*? value="|X-CSRFToken": ")[^"]+')


def without_tokens(html):
    """A page with its CSRF and form tokens emptied, to compare two renderings."""
    return _TOKENS.sub("", html)


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

    @property
    def visible_text(self):
        """The text outside scripts and styles, whitespace runs made one space."""
        return " ".join(" ".join(self.text).split())

    @property
    def duplicate_ids(self):
        return {i for i in self.ids if self.ids.count(i) > 1}


def facts(html):
    parser = PageFacts()
    parser.feed(html)
    return parser


class LanguageForms(HTMLParser):
    """The language switch's forms: {language: (action, [(name, value), ...])}."""

    def __init__(self):
        super().__init__()
        self.forms, self._current = {}, None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and "language-form" in attributes.get("class", ""):
            self._current = (attributes["action"], [])
        elif tag == "input" and self._current is not None:
            self._current[1].append((attributes["name"], attributes.get("value") or ""))
        elif tag == "button" and self._current is not None:
            self.forms[attributes["lang"]] = self._current

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None


def language_forms(html):
    parser = LanguageForms()
    parser.feed(html)
    return parser.forms


def check_title_lang_and_ids(html, lang, where):
    """Assert the page has a title, says its language and repeats no id."""
    page = facts(html)
    assert page.lang == lang, where
    assert page.title.strip(), where
    assert not page.duplicate_ids, (where, page.duplicate_ids)
    return page


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
