"""Checks and normalisation of what residents type (pure, no Flask).

Each function returns the cleaned value or raises Invalid with a message code;
forms turn codes into translated messages.
"""

import calendar
import re
import unicodedata


class Invalid(ValueError):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


NAME_MAX = 100
NAGARI_MAX = 60
# A resident's note to the office, and a clerk's note on a status change.
RESIDENT_NOTE_MAX = 500
STAFF_NOTE_MAX = 1000
_SPACES = re.compile(r"\s+")
_INVISIBLE = ("Cf", "Cc")  # format and control characters
_PHONE_SEPARATORS = re.compile(r"[\s\-.()/]+")
_NAME_PUNCTUATION = set(" .'-")


def clean_text(value):
    """One line of text as people read it: invisible format characters (zero
    width spaces, direction overrides) and control characters dropped, runs of
    white space made one space, trimmed."""
    visible = "".join(
        c
        for c in value or ""
        if unicodedata.category(c) not in _INVISIBLE or c.isspace()
    )
    return _SPACES.sub(" ", visible).strip()


def has_control_characters(value):
    return any(unicodedata.category(c) == "Cc" and c not in "\r\n\t" for c in value)


def plain_int(text, max_digits=9):
    """`text` as a number when it is only ASCII digits, at most `max_digits` of
    them; otherwise None. (str.isdigit also accepts ² and other digits that
    int() refuses.)"""
    text = text or ""
    if text.isascii() and text.isdigit() and len(text) <= max_digits:
        return int(text)
    return None


def name(value):
    """A person's name: letters, spaces and . ' - ; at most 100 characters."""
    value = clean_text(value)
    if not value:
        raise Invalid("name_missing")
    if len(value) > NAME_MAX:
        raise Invalid("name_too_long")
    if not any(c.isalpha() for c in value) or not all(
        c.isalpha() or c in _NAME_PUNCTUATION for c in value
    ):
        raise Invalid("name_characters")
    return value


def name_key(value):
    """A name (or its first letters) as staff search for it: lower case, cut to
    NAME_MAX, the length of its column. Lower-casing can lengthen a name: İ
    becomes i and a combining dot."""
    return value.lower()[:NAME_MAX]


def nik(value):
    """A 16-digit NIK with a plausible area code and birth date."""
    value = re.sub(r"[\s.\-]", "", value or "")
    if not value:
        raise Invalid("nik_missing")
    if not value.isascii() or not value.isdigit() or len(value) != 16:
        raise Invalid("nik_length")
    province = int(value[0:2])
    day, month, year = int(value[6:8]), int(value[8:10]), int(value[10:12])
    if not 11 <= province <= 94 or value[2:4] == "00" or value[4:6] == "00":
        raise Invalid("nik_area")
    if day > 40:  # women's birth day is written with 40 added
        day -= 40
    # The two-digit year is ambiguous; a leap year lets 29 February through.
    leap_year = 2000 if year % 4 == 0 else 2001
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(leap_year, month)[1]:
        raise Invalid("nik_birth_date")
    if value[12:16] == "0000":
        raise Invalid("nik_serial")
    return value


def phone(value):
    """An Indonesian phone number (08…, +62…, 62…) normalised to +62…; optional."""
    raw = _PHONE_SEPARATORS.sub("", value or "")
    if not raw:
        return ""
    if raw.startswith("+62"):
        rest = raw[3:]
    elif raw.startswith("62"):
        rest = raw[2:]
    elif raw.startswith("0"):
        rest = raw[1:]
    else:
        raise Invalid("phone_format")
    if not rest.isascii() or not rest.isdigit() or not 8 <= len(rest) <= 12:
        raise Invalid("phone_format")
    if rest[0] == "0":
        raise Invalid("phone_format")
    return "+62" + rest


def phone_display(number):
    """A stored +62… number as residents write it: 0812-3456-7890."""
    if not number.startswith("+62"):
        return number
    local = "0" + number[3:]
    return "-".join(filter(None, (local[:4], local[4:8], local[8:])))


def dial_string(text):
    """A phone number as a tel: or wa.me link needs it: digits, and a leading +."""
    digits = "".join(c for c in text if c.isascii() and c.isdigit())
    return ("+" + digits) if text.strip().startswith("+") else digits


def nik_display(value):
    """A NIK in groups of four digits, easier to compare with the card."""
    return " ".join(value[i : i + 4] for i in range(0, len(value), 4))


def nagari(value):
    """The village (nagari): free text up to 60 characters."""
    value = clean_text(value)
    if not value:
        raise Invalid("nagari_missing")
    if len(value) > NAGARI_MAX:
        raise Invalid("nagari_too_long")
    if has_control_characters(value):
        raise Invalid("text_characters")
    return value


def note(value):
    """The resident's optional note, up to RESIDENT_NOTE_MAX characters."""
    value = (value or "").strip()
    if len(value) > RESIDENT_NOTE_MAX:
        raise Invalid("note_too_long")
    if has_control_characters(value):
        raise Invalid("text_characters")
    return value
