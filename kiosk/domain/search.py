"""Reading what a clerk typed into the queue's search box (pure, no Flask)."""

import re
from dataclasses import dataclass

from kiosk.domain import tracking, validation

NAME_SEARCH_MIN = 2

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
    name: str = ""  # lower-cased, as stored in name_key


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
        kind = SEARCH_NUMBER if has_digit else SEARCH_NUMBER_OR_NAME
        return Search(kind, parsed.number, name=validation.name_key(text))
    if has_digit or "/" in text:
        return Search(error=parsed.error)
    if len(text) < NAME_SEARCH_MIN:
        return Search(error=SEARCH_TOO_SHORT)
    return Search(SEARCH_NAME, name=validation.name_key(text))
