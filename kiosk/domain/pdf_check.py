"""Reading just enough of a PDF to know it is one and how many pages it has.

No PDF library: a full parser is a large attack surface for a yes/no answer.
The file must start with the PDF header and end with its end-of-file mark;
its pages are the objects of type /Page, found in the file and in its
compressed object streams (PDF 1.5 and later keep most objects there), each
stream inflated with a ceiling so a small file cannot grow without bound.
A PDF that carries JavaScript, starts programs or embeds other files is
refused: clerks open these files on office computers.
"""

import re
import zlib

MAX_PAGES = 200
# Inflated object streams, all together, may not exceed this.
MAX_INFLATED = 64 * 1024 * 1024

_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_OBJECT_STREAM = re.compile(
    rb"<<((?:(?!>>\s*stream).){0,2000}?/Type\s*/ObjStm.{0,2000}?)>>\s*stream\r?\n",
    re.DOTALL,
)
_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia)(?![a-zA-Z])")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


class NotAPdf(Exception):
    """Not a PDF, or one too damaged to count its pages."""


class ActiveContent(Exception):
    """A PDF with JavaScript, a program to start or embedded files."""


def page_count(data):
    """How many pages the PDF `data` has; NotAPdf or ActiveContent otherwise."""
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        raise NotAPdf()
    inflated = b"".join(_object_streams(data))
    for text in (data, inflated):
        # A name may be written with #xx escapes (/J#61vaScript).
        plain = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), text)
        if _ACTIVE.search(plain):
            raise ActiveContent()
    pages = len(_PAGE.findall(data)) + len(_PAGE.findall(inflated))
    if pages == 0:
        raise NotAPdf()
    if pages > MAX_PAGES:
        raise NotAPdf()
    return pages


def _object_streams(data):
    """The inflated contents of the PDF's compressed object streams."""
    budget = MAX_INFLATED
    for match in _OBJECT_STREAM.finditer(data):
        if b"/FlateDecode" not in match.group(1):
            continue
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            raise NotAPdf()
        inflater = zlib.decompressobj()
        try:
            chunk = inflater.decompress(data[start:end], budget)
        except zlib.error:
            raise NotAPdf() from None
        if inflater.unconsumed_tail:  # more than the budget left
            raise NotAPdf()
        budget -= len(chunk)
        yield chunk
