"""Checking a file a resident sent as a photo or scan of a paper.

What a file is comes from its bytes only, never from its name or the type the
browser gave: a photo (JPEG, PNG, HEIC/HEIF from a phone) or a PDF. A photo is
decoded and drawn again, so what is kept is a plain picture and nothing else
that was in the file: no location, no phone model, no hidden HTML or script.
A PDF is kept as sent once its structure reads as one (domain/pdf_check.py).
"""

import functools
import hashlib
import io
import warnings
from dataclasses import dataclass

import filetype
from PIL import Image, ImageOps, UnidentifiedImageError

from kiosk.domain import pdf_check

# The most pixels a photo may have, read from its header before decoding: a
# 48-megapixel phone photo fits; a file that claims 50,000 x 50,000 pixels in
# a few bytes (a decompression bomb) is refused without being decoded.
MAX_PIXELS = 50_000_000
# Pillow's own guard, for any path that would decode without asking first.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
LONG_SIDE = 2000  # enough to read a document; a phone's 4000 px is not needed
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 85

# Refusals, as codes the pages turn into sentences (web/paper_messages.py).
EMPTY = "empty"
TOO_LARGE = "too_large"
NOT_ALLOWED = "not_allowed"
UNREADABLE = "unreadable"
TOO_MANY_PIXELS = "too_many_pixels"
BAD_PDF = "bad_pdf"
ACTIVE_PDF = "active_pdf"

# What `filetype` reads from the first bytes -> our kind.
KINDS = {
    "image/jpeg": "jpeg",
    "image/png": "png",
    "image/heic": "heif",
    "image/heif": "heif",
    "application/pdf": "pdf",
}
# What Pillow must find when it opens a file of each kind.
PILLOW_FORMATS = {"jpeg": {"JPEG", "MPO"}, "png": {"PNG"}, "heif": {"HEIF"}}
MIMETYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}


class PaperRefused(Exception):
    """The file is not one the office keeps; `code` says why."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Checked:
    """A file fit to keep: `data` is what is stored (a photo drawn again)."""

    kind: str  # jpeg, png, pdf
    data: bytes
    thumbnail: bytes | None
    width: int | None = None
    height: int | None = None
    pages: int | None = None

    @property
    def sha256(self):
        return hashlib.sha256(self.data).hexdigest()

    @property
    def mimetype(self):
        return MIMETYPES[self.kind]


def check(data, max_bytes):
    """A Checked for the bytes `data`, or PaperRefused."""
    if not data:
        raise PaperRefused(EMPTY)
    if len(data) > max_bytes:
        raise PaperRefused(TOO_LARGE)
    guessed = filetype.guess(data)
    kind = KINDS.get(guessed.mime if guessed else "")
    if kind is None:
        raise PaperRefused(NOT_ALLOWED)
    if kind == "pdf":
        try:
            pages = pdf_check.page_count(data)
        except pdf_check.ActiveContent:
            raise PaperRefused(ACTIVE_PDF) from None
        except pdf_check.NotAPdf:
            raise PaperRefused(BAD_PDF) from None
        return Checked("pdf", data, None, pages=pages)
    return _redraw(data, kind)


@functools.cache
def _open_phone_photos():
    """Teach Pillow HEIC/HEIF, on the first photo: the library weighs about
    6 MB in every app process, most of which never receives a file."""
    import pillow_heif

    pillow_heif.register_heif_opener()


def _redraw(data, kind):
    """Decode a photo within the pixel limit and encode it afresh."""
    _open_phone_photos()
    with warnings.catch_warnings():
        # Over MAX_IMAGE_PIXELS Pillow only warns; here that is a refusal.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in PILLOW_FORMATS[kind]:
                    raise PaperRefused(UNREADABLE)
                width, height = image.size
                if width * height > MAX_PIXELS or width < 1 or height < 1:
                    raise PaperRefused(TOO_MANY_PIXELS)
                if kind == "jpeg":
                    # Decode at a fraction of the size where the JPEG allows it.
                    image.draft("RGB", (LONG_SIDE, LONG_SIDE))
                image.load()
                upright = ImageOps.exif_transpose(image)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PaperRefused(TOO_MANY_PIXELS) from None
        except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
            # A truncated or forged picture (HTML behind a JPEG header).
            raise PaperRefused(UNREADABLE) from None
    picture = _plain(upright)
    picture.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS)
    # A PNG with see-through parts stays a PNG: flattening it onto a colour
    # would change what the paper shows. Anything else becomes a JPEG, which
    # keeps a photographed page readable at a fraction of a PNG's size.
    stored_kind = "png" if picture.mode in ("RGBA", "LA") else "jpeg"
    return Checked(
        stored_kind,
        _encode(picture, stored_kind),
        _thumbnail(picture),
        width=picture.width,
        height=picture.height,
    )


def _plain(image):
    """The picture in a mode that JPEG or PNG stores, without its metadata.

    Only the pixels are copied into a new image: EXIF (the GPS location, the
    phone's model, the time), XMP, comments and colour profiles stay behind.
    """
    transparent = image.mode in ("RGBA", "LA", "PA") or (
        image.mode == "P" and "transparency" in image.info
    )
    if transparent:
        mode = "RGBA"
    elif image.mode in ("L", "1", "I;16", "I", "F"):
        mode = "L"
    else:
        mode = "RGB"
    converted = image.convert(mode)
    if transparent and converted.getextrema()[3][0] == 255:
        converted = converted.convert("RGB")  # an alpha channel nobody used
    fresh = Image.new(converted.mode, converted.size)
    fresh.paste(converted)
    return fresh


def _encode(picture, kind):
    out = io.BytesIO()
    if kind == "png":
        picture.save(out, "PNG", optimize=True)
    else:
        picture.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def _thumbnail(picture):
    """A small JPEG for the staff page's list (transparent parts on white)."""
    small = picture.copy()
    small.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE), Image.Resampling.LANCZOS)
    if small.mode in ("RGBA", "LA"):
        backdrop = Image.new("RGB", small.size, "white")
        backdrop.paste(small, mask=small.getchannel("A"))
        small = backdrop
    out = io.BytesIO()
    small.save(out, "JPEG", quality=75)
    return out.getvalue()
