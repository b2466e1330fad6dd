"""What is read from a file's bytes, without the web: phones' HEIC photos,
PDFs whose pages sit in compressed object streams, and PDFs that would
inflate without end."""

import io

import pytest
from PIL import Image

from kiosk.domain import pdf_check
from kiosk.services import papers
from tests.support import papers as files

LIMIT = 10 * 1024 * 1024


def test_a_heic_photo_from_a_phone_is_kept_as_a_jpeg_without_its_location():
    checked = papers.check(files.heic(gps=True), LIMIT)
    assert (checked.kind, checked.width, checked.height) == ("jpeg", 800, 600)
    with Image.open(io.BytesIO(checked.data)) as image:
        assert image.format == "JPEG"
        assert not image.getexif().get_ifd(files.GPS_IFD)
    assert b"PhoneMaker" not in checked.data


def test_pages_in_compressed_object_streams_are_counted():
    assert pdf_check.page_count(files.pdf_with_object_streams(pages=4)) == 4
    checked = papers.check(files.pdf_with_object_streams(pages=2), LIMIT)
    assert (checked.kind, checked.pages) == ("pdf", 2)


def test_a_pdf_that_inflates_beyond_the_ceiling_is_refused(monkeypatch):
    monkeypatch.setattr(pdf_check, "MAX_INFLATED", 100_000)
    data = files.pdf_with_object_streams(inflated_padding=200_000)
    assert len(data) < 5_000  # small as sent
    with pytest.raises(pdf_check.NotAPdf):
        pdf_check.page_count(data)


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n%%EOF",  # no page at all
        files.pdf()[:-200],  # cut short: no end mark
        b"<html>%PDF-1.4 ... %%EOF",  # the header not at the start
    ],
)
def test_pdfs_without_readable_pages_are_refused(data):
    with pytest.raises(papers.PaperRefused) as refused:
        papers.check(data, LIMIT)
    assert refused.value.code in (papers.BAD_PDF, papers.NOT_ALLOWED)


def test_a_photo_is_never_wider_or_taller_than_2000_pixels():
    checked = papers.check(files.jpeg(size=(5000, 1000)), LIMIT)
    assert (checked.width, checked.height) == (2000, 400)
    with Image.open(io.BytesIO(checked.thumbnail)) as small:
        assert max(small.size) == papers.THUMBNAIL_SIDE
