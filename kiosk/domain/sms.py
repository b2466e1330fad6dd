"""Text that fits one SMS: 160 characters of the GSM 7-bit alphabet.

One character outside that alphabet (a curly quote, an emoji) makes a phone
send the whole message as UCS-2, 70 characters a part, so a message that fitted
would arrive as three parts, or cut. Texts for SMS are therefore written in the
7-bit alphabet: what a clerk typed is transliterated, and the part of a message
that can grow (a note) is shortened to fit.
"""

import re
import unicodedata

LIMIT = 160

# The GSM 03.38 basic character set; the extension table (^{}[]~|\\€) costs two
# characters each and is not used.
_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_REPLACEMENTS = {
    "‘": "'",
    "’": "'",
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "\t": " ",
    "\u00a0": " ",
}
ELLIPSIS = "..."
_SPACES = re.compile(r"\s+")


def is_gsm7(text):
    return all(character in _BASIC for character in text)


def to_gsm7(text):
    """The text in the 7-bit alphabet: quotes and dashes made plain, accents
    dropped where the alphabet lacks the letter, anything else left out."""
    out = []
    for character in text:
        character = _REPLACEMENTS.get(character, character)
        if all(c in _BASIC for c in character):
            out.append(character)
            continue
        plain = unicodedata.normalize("NFKD", character)
        out.append("".join(c for c in plain if c in _BASIC))
    return _SPACES.sub(" ", "".join(out))


def fit(head, stretchable, tail, limit=LIMIT):
    """head + stretchable + tail, with `stretchable` shortened (ending in
    "...") as far as needed to fit `limit` characters."""
    if len(head) + len(stretchable) + len(tail) <= limit:
        return head + stretchable + tail
    room = limit - len(head) - len(tail) - len(ELLIPSIS)
    if room <= 0:
        return (head + tail)[:limit]
    return head + stretchable[:room].rstrip() + ELLIPSIS + tail
