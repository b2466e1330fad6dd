"""QR codes for tracking URLs (pure).

qrcode encodes the data; two things here keep codes fast to make and small:

- Choosing the mask. qrcode's `make()` lays the whole code out once per mask
  (eight times) and scores each layout in pure Python: about 85% of its time.
  Here the code is laid out once; each mask is an XOR of precomputed row
  bitmasks, scored with integer and string operations. The scoring follows
  qrcode's `util.lost_point` exactly (including scoring with the format areas
  blank), so every module is the same as qrcode's own `make(fit=True)` output
  (tests/test_reimplementations.py). Measured (bench/reimplementations.py): 2.0
  ms a code instead of 5.5, about 40 % of an uncached QR image's response.
- Drawing the SVG. The dark modules are one dashed stroke that runs along each
  row in turn (right, down one, left, down one, ...), and the dash pattern lists
  the runs of dark and light modules. "7 1 3" costs less than a move and a line
  per run, so a version-4 code with its title is about 1.6 KB instead of 2 KB.
  Every turn lies in the quiet zone, inside a gap, so no dash bends round it.

A number's QR never changes: the web layer keeps renderings (web/caches.py).
"""

import io
import re
from functools import cache

import qrcode
from qrcode import util
from qrcode.constants import ERROR_CORRECT_M
from qrcode.exceptions import DataOverflowError

MAX_VERSION = 4
QUIET_ZONE = 4
_LONG_RUNS = re.compile(r"0{5,}|1{5,}")
_RUNS = re.compile(r"0+|1+")
# 1:1:3:1:1 finder look-alikes with four light modules on one side; neither can
# overlap itself, so str.count finds them all.
_FINDER_LIKE = ("10111010000", "00001011101")


class TooLong(Exception):
    """The text does not fit even the largest QR code (version 40)."""


def _code(data):
    """A QRCode with its data added and the smallest version that holds it."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    try:
        code.best_fit()
    except (ValueError, DataOverflowError) as error:  # which one depends on the length
        raise TooLong(f"{len(data)} characters") from error
    return code


def fits(data):
    """True when `data` fits a QR of version 4 or lower (small enough to scan
    from a thermal receipt); settings that feed QR codes are checked with it."""
    try:
        return _code(data).version <= MAX_VERSION
    except TooLong:
        return False


@cache  # one entry per QR version: 40 at most
def _mask_bits(version):
    """For each of the eight masks, the data modules it flips, one int per row."""
    size = version * 4 + 17
    blank = qrcode.QRCode(version=version, error_correction=ERROR_CORRECT_M)
    blank.modules_count = size
    blank.modules = [[None] * size for _ in range(size)]
    for row, col in ((0, 0), (size - 7, 0), (0, size - 7)):
        blank.setup_position_probe_pattern(row, col)
    blank.setup_position_adjust_pattern()
    blank.setup_timing_pattern()
    blank.setup_type_info(True, 0)
    if version >= 7:
        blank.setup_type_number(True)
    masks = []
    for pattern in range(8):
        flips = util.mask_func(pattern)
        masks.append(
            [
                sum(
                    1 << (size - 1 - col)
                    for col, module in enumerate(line)
                    if module is None and flips(row, col)
                )
                for row, line in enumerate(blank.modules)
            ]
        )
    return masks


def _bits(line):
    return int("".join("1" if dark else "0" for dark in line), 2)


def _penalty(rows, size):
    """qrcode's lost_point() for a layout given as one int per row."""
    everything = (1 << size) - 1
    blocks = 0
    for upper, lower in zip(rows, rows[1:]):
        dark, light = upper & lower, ~(upper | lower) & everything
        blocks += (dark & dark >> 1).bit_count() + (light & light >> 1).bit_count()
    lines = [format(row, f"0{size}b") for row in rows]
    text = "\n".join(lines + ["".join(column) for column in zip(*lines)])
    runs = sum(len(run) - 2 for run in _LONG_RUNS.findall(text))
    finders = sum(text.count(pattern) for pattern in _FINDER_LIKE)
    dark_share = sum(row.bit_count() for row in rows) / (size * size)
    balance = int(abs(dark_share * 100 - 50) / 5)
    return runs + 3 * blocks + 40 * finders + 10 * balance


def matrix(data):
    """Return the module matrix (rows of booleans, quiet zone included)."""
    code = _code(data)
    masks = _mask_bits(code.version)
    code.makeImpl(True, 0)  # the test layout qrcode scores: format areas blank
    size = code.modules_count
    plain = [_bits(line) ^ flips for line, flips in zip(code.modules, masks[0])]
    scores = [
        _penalty([row ^ flips for row, flips in zip(plain, masks[pattern])], size)
        for pattern in range(8)
    ]
    best = scores.index(min(scores))  # the first of equals, as qrcode picks
    top = size - 1
    code.modules = [
        [bool(row >> (top - col) & 1) for col in range(size)]
        for row in (row ^ flips for row, flips in zip(plain, masks[best]))
    ]
    code.setup_type_info(False, best)
    if code.version >= 7:
        code.setup_type_number(False)
    return code.get_matrix()


def _dashed_stroke(rows):
    """(dash pattern, path) that draw the dark modules as one zigzag stroke."""
    size = len(rows)
    lines = ["".join("1" if dark else "0" for dark in row) for row in rows]
    inked = [y for y, line in enumerate(lines) if "1" in line]
    first, last = inked[0], inked[-1]
    start = lines[first].index("1")  # a dash pattern begins with a dash
    path = [f"M{start} {first + 0.5:g}h{size - start}"]
    track = [lines[first][start:]]
    for y in range(first + 1, last + 1):
        leftwards = (y - first) % 2 == 1
        path.append(f"v1h{-size if leftwards else size}")
        track.append("0")  # the turn: one light unit in the quiet zone
        track.append(lines[y][::-1] if leftwards else lines[y])
    runs = _RUNS.findall("".join(track).rstrip("0"))
    return " ".join(str(len(run)) for run in runs), "".join(path)


def svg(data, title=""):
    """Return the QR for `data` as a compact SVG document (bytes)."""
    rows = matrix(data)
    size = len(rows)
    dashes, path = _dashed_stroke(rows)
    title_tag = f"<title>{_escape(title)}</title>" if title else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'role="img" shape-rendering="crispEdges">{title_tag}'
        f'<rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path fill="none" stroke="#000" stroke-dasharray="{dashes}" '
        f'd="{path}"/></svg>'
    ).encode()


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
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
