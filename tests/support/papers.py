"""Files for upload tests, made in the test: real photos and PDFs drawn with
Pillow, and the fakes a careful office refuses, built byte by byte."""

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
MAKE = 0x010F


def jpeg(size=(640, 480), color=(200, 60, 40), gps=False, orientation=None):
    """A JPEG photo; with `gps`, EXIF holding a location and a phone's make."""
    image = Image.new("RGB", size, color)
    # A mark in the top-left corner, to see which way the photo was turned.
    image.paste((0, 0, 255), (0, 0, size[0] // 4, size[1] // 4))
    exif = Image.Exif()
    if gps:
        exif[MAKE] = "PhoneMaker"
        exif[GPS_IFD] = {1: "S", 2: (0.0, 40.0, 12.0), 3: "E", 4: (100.0, 57.0, 3.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif.tobytes())
    return out.getvalue()


def heic(size=(800, 600), gps=False):
    """A phone's HEIC photo (pillow-heif writes it), with a location if `gps`."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    image = Image.new("RGB", size, (30, 90, 160))
    exif = Image.Exif()
    if gps:
        exif[MAKE] = "PhoneMaker"
        exif[GPS_IFD] = {1: "S", 2: (0.0, 40.0, 12.0), 3: "E", 4: (100.0, 57.0, 3.0)}
    out = io.BytesIO()
    image.save(out, "HEIF", quality=80, exif=exif.tobytes())
    return out.getvalue()


def pdf_with_object_streams(pages=3, inflated_padding=0):
    """A PDF 1.5 whose objects, pages included, sit in a compressed object
    stream, as most PDF writers make them today. `inflated_padding` bytes of
    spaces inside the stream make it inflate to that much more."""
    kids = " ".join(f"{n + 3} 0 R" for n in range(pages))
    objects = [f"<</Type/Pages/Kids[{kids}]/Count {pages}>>"] + [
        "<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>" for _ in range(pages)
    ]
    header, body, offset = [], b"", 0
    for number, text in enumerate(objects, 2):
        header.append(f"{number} {offset}")
        body += text.encode() + b"\n"
        offset = len(body)
    first = " ".join(header).encode() + b"\n"
    packed = zlib.compress(first + body + b" " * inflated_padding, 9)
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        + f"9 0 obj<</Type/ObjStm/N {len(objects)}/First {len(first)}"
        f"/Filter/FlateDecode/Length {len(packed)}>>stream\n".encode()
        + packed
        + b"\nendstream endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )


def png(size=(300, 200), transparent=False):
    mode = "RGBA" if transparent else "RGB"
    color = (10, 120, 60, 0) if transparent else (10, 120, 60)
    image = Image.new(mode, size, color)
    image.paste((255, 255, 255) + ((255,) if transparent else ()), (10, 10, 50, 50))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pdf(pages=2):
    """A real PDF of `pages` pages, as Pillow writes one."""
    images = [Image.new("RGB", (200, 280), (255, 255, 255)) for _ in range(pages)]
    out = io.BytesIO()
    images[0].save(out, "PDF", save_all=True, append_images=images[1:])
    return out.getvalue()


def _chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def png_bomb(side=50_000):
    """A few hundred bytes that claim to be a side x side PNG: decoded, it
    would need gigabytes."""
    header = struct.pack(">IIBBBBB", side, side, 8, 2, 0, 0, 0)
    # The first rows only; a decoder that trusts the header allocates it all.
    data = zlib.compress(b"\x00" + b"\x00" * 3 * side, 9)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


# HTML behind a JPEG's first bytes: the type read from the bytes says JPEG.
POLYGLOT = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>alert(1)</script></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10"'
    b' height="10"><script>alert(1)</script><rect width="10" height="10"/></svg>'
)
# A Windows program's header (MZ ... PE), renamed to a photo's name.
EXE = b"MZ" + b"\x90\x00" * 30 + b"\x80\x00\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
# The PDF header and end mark around something that is not a PDF.
FAKE_PDF = b"%PDF-1.7\n<html><body>not a document</body></html>\n%%EOF\n"
PDF_WITH_SCRIPT = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/OpenAction 4 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\n"
    b"4 0 obj<</S/J#61vaScript/JS(app.alert(1))>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
