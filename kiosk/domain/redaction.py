"""Taking a resident's details out of free text a clerk wrote (pure, no Flask).

Used when personal data is erased after the retention period: a status note
keeps its sense ("documents incomplete") without the name, NIK or phone
number a clerk may have typed into it.
"""

import re

REDACTED = "[…]"

# A run that reads as a number: digits with spaces, dots or dashes between.
_NUMBER_RUN = re.compile(r"\+?\d[\d .-]*\d")
# Fewer digits than this is a date, an amount or a counter, not an identifier
# (phone numbers have 10 to 13 digits, a NIK or KK number 16).
MIN_IDENTIFIER_DIGITS = 9


def _long_number(match):
    digits = sum(character.isdigit() for character in match.group())
    return REDACTED if digits >= MIN_IDENTIFIER_DIGITS else match.group()


def redact(text, name=""):
    """`text` without the words of `name` (any case) and without numbers long
    enough to be a NIK, a family-card number or a phone number."""
    if not text:
        return text
    for word in sorted(set(re.findall(r"\w+", name or "")), key=len, reverse=True):
        if len(word) < 2:
            continue
        text = re.sub(
            rf"(?<!\w){re.escape(word)}(?!\w)", REDACTED, text, flags=re.IGNORECASE
        )
    return _NUMBER_RUN.sub(_long_number, text)
