"""The receipt as a PNG picture a resident keeps on the phone (no personal data).

Drawn with Pillow's own font, so that it needs no font installed on the
server. It holds what the printed receipt holds: the office, the tracking
number with its QR code, the document, when it was received and when it is
expected, the requirements of the document, and where to check.
"""

import functools
import io

from flask_babel import gettext
from PIL import Image, ImageDraw, ImageFont

from kiosk.domain import qr, tracking
from kiosk.web.dates import format_date, format_datetime

WIDTH = 720
MARGIN = 40
QR_MODULE = 7  # pixels per module: a version-4 code is 41 modules + quiet zone
LINE_GAP = 10


@functools.cache  # a few sizes
def _font(size):
    return ImageFont.load_default(size=size)


def _wrapped(text, font, width):
    """Lines of `text` no wider than `width` pixels, broken between words."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and font.getlength(candidate) > width:
            lines.append(line)
            line = word
        else:
            line = candidate
    return [*lines, line] if line else lines


# Pillow's own font has no glyph for these (a box would show); the admin's
# requirement lists use dashes ("ages 5–17").
_PLAIN = str.maketrans({"–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"'})


class _Canvas:
    """Blocks of text and pictures stacked from the top, then cut to height."""

    def __init__(self):
        self.image = Image.new("L", (WIDTH, 4000), 255)
        self.draw = ImageDraw.Draw(self.image)
        self.y = MARGIN

    def text(self, text, size, gap=LINE_GAP):
        font = _font(size)
        for line in _wrapped(text, font, WIDTH - 2 * MARGIN):
            self.draw.text((MARGIN, self.y), line, font=font, fill=0)
            self.y += size + 6
        self.y += gap

    def picture(self, picture):
        self.image.paste(picture, ((WIDTH - picture.width) // 2, self.y))
        self.y += picture.height + LINE_GAP

    def rule(self):
        self.draw.line((MARGIN, self.y, WIDTH - MARGIN, self.y), fill=0, width=2)
        self.y += 2 * LINE_GAP

    def png(self):
        out = io.BytesIO()
        self.image.crop((0, 0, WIDTH, self.y + MARGIN)).save(
            out, format="PNG", optimize=True
        )
        return out.getvalue()


def _qr_picture(data):
    rows = qr.matrix(data)
    size = len(rows)
    picture = Image.new("L", (size, size), 255)
    picture.putdata([0 if dark else 255 for row in rows for dark in row])
    return picture.resize((size * QR_MODULE, size * QR_MODULE), Image.NEAREST)


def render(record, document_name, office_name, tracking_url, home_url, requirements=()):
    """PNG bytes of the receipt of `record` (a PublicRecord); `requirements`:
    (text, received) of each line of the document's list."""
    canvas = _Canvas()
    canvas.text(office_name, 24)
    canvas.text(gettext("Receipt"), 36)
    canvas.rule()
    canvas.text(gettext("Your tracking number"), 24, gap=0)
    canvas.text(tracking.display(record.number), 60)
    canvas.picture(_qr_picture(tracking_url))
    canvas.text(f"{gettext('Document')}: {document_name}", 26)
    received = format_datetime(record.created_at, "minute")
    canvas.text(f"{gettext('Date')}: {received}", 26)
    expected = format_date(record.due_date, "long")
    canvas.text(f"{gettext('Expected ready by')}: {expected}", 26)
    if requirements:
        canvas.rule()
        canvas.text(gettext("Requirements"), 26)
        received_note = gettext("(received)")
        for text, got in requirements[:30]:  # the picture stays a receipt
            line = f"- {text} {received_note}" if got else f"- {text}"
            canvas.text(line.translate(_PLAIN), 22)
    canvas.rule()
    canvas.text(
        gettext(
            "Scan the QR code with your phone camera, or open %(site)s and enter "
            "the tracking number.",
            site=home_url,
        ),
        22,
    )
    return canvas.png()
