"""Tracking numbers: generation, check symbol and forgiving input (pure, no Flask).

A number is 8 random symbols from a 31-symbol alphabet plus one check symbol.
With values 0-30 and weights 1..9 by position, the check symbol makes the
weighted sum 0 mod 31. Because 31 is prime and every weight (and every
difference of adjacent weights) is non-zero mod 31, any single substitution and
any swap of two different adjacent symbols changes the sum, so it is caught.
"""

import re
import secrets
from dataclasses import dataclass

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXY"
BASE = len(ALPHABET)  # 31, prime
RANDOM_LENGTH = 8
LENGTH = RANDOM_LENGTH + 1
VALUES = {symbol: value for value, symbol in enumerate(ALPHABET)}
# Modular inverse of the last weight (9 * 7 = 63 = 1 mod 31).
_INVERSE_LAST_WEIGHT = pow(LENGTH, -1, BASE)

# Look-alike letters residents type by mistake, mapped to the symbol they meant.
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "Z": "2", "U": "V"})
_SEPARATORS = re.compile(r"[\s\-._]+")
_URL_PATH = re.compile(r"/t/([^/?#]+)", re.IGNORECASE)

EMPTY = "empty"
MALFORMED = "malformed"
TYPO = "typo"


def _weighted_sum(symbols):
    return sum(weight * VALUES[s] for weight, s in enumerate(symbols, start=1))


def check_symbol(body):
    """Return the check symbol for the first eight symbols."""
    total = _weighted_sum(body)
    return ALPHABET[(-total * _INVERSE_LAST_WEIGHT) % BASE]


def is_valid(number):
    """True when `number` is nine alphabet symbols whose check symbol is right."""
    return (
        len(number) == LENGTH
        and all(s in VALUES for s in number)
        and _weighted_sum(number) % BASE == 0
    )


def generate():
    """Return a new random tracking number (canonical form, no separators)."""
    body = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return body + check_symbol(body)


def display(number):
    """Group a canonical number for people: 7KQ-4M2-XP9."""
    return "-".join(number[i : i + 3] for i in range(0, len(number), 3))


@dataclass(frozen=True)
class Parsed:
    """Outcome of reading what someone typed or scanned."""

    number: str | None
    error: str | None = None

    @property
    def ok(self):
        return self.error is None


def parse(text):
    """Read a typed, pasted or scanned number, forgiving case, separators and look-alikes.

    A full tracking URL is accepted too. Returns Parsed(number) or
    Parsed(None, EMPTY | MALFORMED | TYPO).
    """
    text = (text or "").strip()
    match = _URL_PATH.search(text)
    if match:
        text = match.group(1)
    cleaned = _SEPARATORS.sub("", text).upper().translate(_LOOKALIKES)
    if not cleaned:
        return Parsed(None, EMPTY)
    if len(cleaned) != LENGTH or any(s not in VALUES for s in cleaned):
        return Parsed(None, MALFORMED)
    if not is_valid(cleaned):
        return Parsed(None, TYPO)
    return Parsed(cleaned)
