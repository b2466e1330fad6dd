"""Reading what a clerk typed into the queue's search box (pure, no Flask)."""

import re
import unicodedata
from dataclasses import dataclass

from kiosk.domain import tracking, validation

NAME_SEARCH_MIN = 2
# A typed word this long may also match inside a word of the name ("minah"
# finds "Aminah"), where the database has a trigram index (data/name_index.py);
# a shorter one would match too many names to be worth it, and a trigram
# index cannot look up fewer than three letters.
INFIX_MIN = 3

# What a search text was read as.
SEARCH_NUMBER = "number"
SEARCH_NIK = "nik"
SEARCH_PHONE = "phone"
SEARCH_NAME = "name"
SEARCH_NUMBER_OR_NAME = "number_or_name"
# Why a search text could not be used.
SEARCH_TOO_SHORT = "too_short"
SEARCH_DIGITS = "digits"
# How the audit trail records a search text that could not be used.
SEARCH_UNUSABLE = "unusable"

_DIGITS_ONLY = re.compile(r"^[\d\s+().-]+$")


@dataclass(frozen=True)
class Search:
    kind: str | None = None
    value: str = ""
    error: str | None = None
    # For a name: the typed words (search_words); each must begin a word of it,
    # or (INFIX_MIN letters or more, where the database can) be inside one.
    words: tuple = ()


def _in_word(character):
    return character.isalpha() or unicodedata.category(character).startswith("M")


def _folded(text):
    """Lower case without accents: "José" and "jose", "İlham" and "ilham" match."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


_NOT_ASCII_LETTERS = re.compile(r"[^a-z]+")


def _parts(text):
    """Runs of letters in `text`, folded, each cut to NAME_MAX."""
    if text.isascii():  # most names: the same, quicker
        parts = _NOT_ASCII_LETTERS.split(text.lower())
        return [part[: validation.NAME_MAX] for part in parts if part]
    parts, current = [], []
    for character in _folded(text):
        if _in_word(character):
            current.append(character)
        elif current:
            parts.append("".join(current)[: validation.NAME_MAX])
            current = []
    if current:
        parts.append("".join(current)[: validation.NAME_MAX])
    return parts


def name_words(name):
    """The words a request can be found by (stored in the name_word table).

    Lower case without accents, split at spaces and at the . ' - a name may
    hold; a word written with those inside (Ma'ruf, Siti-Aminah) also counts
    joined ("maruf", "sitiaminah"), since a clerk may type it either way. No
    repeats.
    """
    words = []
    for token in name.split():
        parts = _parts(token)
        if len(parts) > 1:
            parts.append("".join(parts)[: validation.NAME_MAX])
        words.extend(part for part in parts if part not in words)
    return words


def search_words(text):
    """What a clerk typed as a name, as words the name's words must start with.

    Every run of letters is one (so "aminah, siti" and "siti-am" work too).
    A word that begins another typed word adds nothing and is left out:
    "siti si" asks only for a word starting "siti". Longest first.
    """
    typed = sorted(set(_parts(text)), key=lambda word: (-len(word), word))
    kept = []
    for word in typed:
        if not any(longer.startswith(word) for longer in kept):
            kept.append(word)
    return tuple(kept)


def read_search(text):
    """Decide whether a search text is a tracking number, NIK, phone or a name."""
    text = validation.clean_text(text)[:100]
    if not text:
        return Search()
    parsed = tracking.parse(text)
    if _DIGITS_ONLY.match(text):
        digits = re.sub(r"\D", "", text)
        if len(digits) == 16:
            return Search(SEARCH_NIK, digits)
        if parsed.ok:  # tracking numbers can be all digits
            return Search(SEARCH_NUMBER, parsed.number)
        try:
            return Search(SEARCH_PHONE, validation.phone(text))
        except validation.Invalid:
            pass
        return Search(error=parsed.error if len(digits) == 9 else SEARCH_DIGITS)
    has_digit = any(c.isdigit() for c in text)
    if parsed.ok:
        # A nine-letter name can pass the check symbol by chance (1 in 31).
        if has_digit:
            return Search(SEARCH_NUMBER, parsed.number)
        return Search(SEARCH_NUMBER_OR_NAME, parsed.number, words=search_words(text))
    if has_digit or "/" in text:
        return Search(error=parsed.error)
    words = search_words(text)
    if len(text) < NAME_SEARCH_MIN or not words:
        return Search(error=SEARCH_TOO_SHORT)
    return Search(SEARCH_NAME, words=words)
