"""QR codes for tracking URLs (pure).

qrcode builds the matrix; the SVG is drawn as one stroked path of horizontal
runs with relative moves, which keeps a tracking URL's code under 2 KB.
A number's QR never changes, so renderings are memoised.
"""

import hashlib
import io
from functools import lru_cache

import qrcode
from qrcode.constants import ERROR_CORRECT_M

MAX_VERSION = 4
QUIET_ZONE = 4


def _code(data):
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code


def fits(data):
    """True when `data` fits a QR of version 4 or lower (small enough to scan
    from a thermal receipt); settings that feed QR codes are checked with it."""
    return _code(data).version <= MAX_VERSION


def matrix(data):
    """Return the module matrix (rows of booleans, quiet zone included)."""
    return _code(data).get_matrix()


def etag(body):
    """A strong validator for a rendered code."""
    return hashlib.sha256(body).hexdigest()[:32]


def _runs(row):
    """Yield (start, length) of each run of dark modules in a row."""
    start = None
    for x, dark in enumerate(row + [False]):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            yield start, x - start
            start = None


def _path(rows):
    # The pen moves relatively from the end of one run to the start of the next.
    parts = []
    pen_x, pen_y = 0, 0.5
    first = True
    for y, row in enumerate(rows):
        for start, length in _runs(row):
            dx, dy = start - pen_x, y + 0.5 - pen_y
            if first:
                parts.append(f"M{start} {y + 0.5:g}")
                first = False
            else:
                parts.append(f"m{dx:g} {dy:g}")
            parts.append(f"h{length}")
            pen_x, pen_y = start + length, y + 0.5
    return "".join(parts)


@lru_cache(maxsize=4096)
def svg(data, title=""):
    """Return the QR for `data` as a compact SVG document (bytes)."""
    rows = matrix(data)
    size = len(rows)
    title_tag = f"<title>{_escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" shape-rendering="crispEdges">{title_tag}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path stroke="#000" d="{_path(rows)}"/></svg>'
    ).encode()


@lru_cache(maxsize=1024)
def png(data, scale=8):
    """Return the QR for `data` as a black-and-white PNG (bytes)."""
    from PIL import Image

    rows = matrix(data)
    size = len(rows)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in rows for dark in row])
    image = image.resize((size * scale, size * scale), Image.NEAREST)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _escape(text):
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    )
