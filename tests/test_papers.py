"""Residents send photos and PDFs of their papers: real multipart uploads
while applying and while the office waits, what is refused (and that nothing
of it is kept), what is kept of a photo, and who may see the files."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image

from kiosk.data.models import RequestPaper, SecurityEvent, Submission
from kiosk.services import request_papers
from tests.support import papers as files
from tests.support.factories import form_data, make_submission


def _stored_files(app):
    folder = Path(app.instance_path) / "uploads"
    return sorted(p.name for p in folder.glob("*")) if folder.exists() else []


def _draft(client):
    """A session that has answered every question, as the question pages
    leave it before the check page."""
    answers = {k: v for k, v in form_data().items() if v and k != "consent"}
    with client.session_transaction() as session:
        session["apply"] = {
            "answers": answers,
            "token": "draft-token-1234567890",
            "via": "",
        }


def _upload(client, url, data, name="photo.jpg", mimetype="image/jpeg", position=1):
    return client.post(
        url,
        data={
            "requirement": str(position),
            "files": (io.BytesIO(data), name, mimetype),
        },
        content_type="multipart/form-data",
    )


@pytest.fixture
def waiting(app):
    """A sent request the office waits for papers on (needs_info)."""
    with app.app_context():
        return make_submission(status="needs_info").number


def test_a_photo_sent_while_applying_goes_with_the_request(app, client):
    _draft(client)
    response = _upload(client, "/apply/papers?lang=en", files.jpeg(gps=True))
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/apply/papers#requirement-1")
    page = client.get("/apply/papers?lang=en")
    assert "Your file was sent." in page.text
    assert "photo.jpg" not in page.text  # never the resident's file name
    paper = RequestPaper.get()
    assert (paper.submission_id, paper.requirement_position) == (None, 1)
    assert paper.uploaded_via == "apply"
    assert _stored_files(app) == sorted([paper.stored_id, paper.stored_id + ".thumb"])
    check = client.get("/apply/check?lang=en")
    assert "1 file will be sent with your request." in check.text

    sent = client.post(
        "/apply/check?lang=en",
        data=form_data(form_token="t" * 32, step="confirm"),
    )
    assert sent.status_code == 303
    number = re.search(r"/t/([0-9A-Z]{9})/receipt", sent.headers["Location"])[1]
    paper = RequestPaper.get_by_id(paper.id)
    assert paper.submission_id == Submission.get(Submission.number == number).id
    assert paper.draft_key is None


def test_a_draft_begun_here_gets_the_files_sent_from_its_papers_page(app, client):
    """A new draft looks for no files until its papers page is opened; after
    that, what was sent there goes with the request."""
    client.get("/apply?document_type=" + form_data()["document_type"])
    assert _upload(client, "/apply/papers", files.jpeg()).status_code == 303
    fields = form_data(form_token="u" * 32, step="confirm")
    sent = client.post("/apply/check", data=fields)
    assert sent.status_code == 303
    paper = RequestPaper.get()
    assert paper.submission_id == Submission.get().id and paper.draft_key is None


def test_sending_a_draft_whose_papers_page_was_never_opened_reads_no_files(
    client, monkeypatch
):
    def no_files_expected(**owner):
        raise AssertionError(f"files of {owner} read")

    client.get("/apply?document_type=" + form_data()["document_type"])
    monkeypatch.setattr(request_papers, "listed", no_files_expected)
    fields = form_data(form_token="v" * 32, step="confirm")
    assert client.post("/apply/check", data=fields).status_code == 303
    assert Submission.select().count() == 1


@pytest.mark.parametrize(
    ("make", "kind", "mimetype"),
    [
        (lambda: files.jpeg(), "jpeg", "image/jpeg"),
        (lambda: files.png(), "jpeg", "image/png"),
        (lambda: files.png(transparent=True), "png", "image/png"),
        (lambda: files.pdf(pages=3), "pdf", "application/pdf"),
    ],
)
def test_photos_and_pdfs_are_kept(app, client, waiting, make, kind, mimetype):
    data = make()
    response = _upload(client, f"/t/{waiting}/papers", data, "scan", mimetype)
    assert response.status_code == 303
    paper = RequestPaper.get()
    assert paper.kind == kind
    stored = (Path(app.instance_path) / "uploads" / paper.stored_id).read_bytes()
    assert paper.size_bytes == len(stored)
    if kind == "pdf":
        assert stored == data and paper.pages == 3  # kept as sent
    else:
        with Image.open(io.BytesIO(stored)) as image:
            assert image.format == kind.upper()


REFUSED = [
    ("polyglot.jpg", "image/jpeg", files.POLYGLOT, 422, "cannot be read"),
    ("drawing.svg", "image/svg+xml", files.SVG, 422, "cannot be sent"),
    ("photo.jpg", "image/jpeg", files.EXE, 422, "cannot be sent"),
    ("bomb.png", "image/png", files.png_bomb(), 422, "too large to open"),
    ("letter.pdf", "application/pdf", files.FAKE_PDF, 422, "PDF cannot be read"),
    ("letter.pdf", "application/pdf", files.PDF_WITH_SCRIPT, 422, "programs"),
    ("empty.jpg", "image/jpeg", b"", 422, "The file is empty"),
]


@pytest.mark.parametrize(("name", "mimetype", "data", "status", "says"), REFUSED)
def test_files_that_are_not_plain_photos_or_pdfs_are_refused_and_not_kept(
    app, client, waiting, name, mimetype, data, status, says
):
    response = _upload(client, f"/t/{waiting}/papers?lang=en", data, name, mimetype)
    assert response.status_code == status
    assert says in response.text
    assert 'class="error-summary"' in response.text
    assert RequestPaper.select().count() == 0
    assert _stored_files(app) == []


def test_a_file_over_the_limit_is_refused_as_too_large(app, client, waiting):
    data = files.jpeg() + b"\x00" * (10 * 1024 * 1024)
    response = _upload(client, f"/t/{waiting}/papers?lang=en", data)
    assert response.status_code == 413
    assert "larger than 10 MB" in response.text
    assert RequestPaper.select().count() == 0
    assert _stored_files(app) == []


def test_a_body_over_the_request_limit_is_refused_before_reading(make_app, waiting):
    app = make_app(UPLOAD_REQUEST_MAX_BYTES=200_000)
    client = app.test_client()
    response = _upload(client, f"/t/{waiting}/papers", b"\xff" * 400_000)
    assert response.status_code == 413
    assert RequestPaper.select().count() == 0


def test_a_request_holds_at_most_its_bytes_and_files(make_app, waiting):
    app = make_app(UPLOAD_REQUEST_MAX_FILES=2)
    client = app.test_client()
    url = f"/t/{waiting}/papers?lang=en"
    assert _upload(client, url, files.jpeg(color=(1, 2, 3))).status_code == 303
    again = _upload(client, url, files.jpeg(color=(1, 2, 3)))
    assert again.status_code == 422 and "already sent this file" in again.text
    assert _upload(client, url, files.jpeg(color=(9, 9, 9))).status_code == 303
    full = _upload(client, url, files.jpeg(color=(50, 50, 50)))
    assert full.status_code == 422 and "as many files as it can hold" in full.text
    assert RequestPaper.select().count() == 2
    assert len(_stored_files(app)) == 4  # each photo and its thumbnail


def test_location_and_phone_details_are_removed_and_the_photo_turned_upright(
    app, client, waiting
):
    sent = files.jpeg(size=(4000, 3000), gps=True, orientation=6)
    with Image.open(io.BytesIO(sent)) as original:
        assert original.getexif().get_ifd(files.GPS_IFD)  # the test's own check
    assert _upload(client, f"/t/{waiting}/papers", sent).status_code == 303
    paper = RequestPaper.get()
    stored = (Path(app.instance_path) / "uploads" / paper.stored_id).read_bytes()
    with Image.open(io.BytesIO(stored)) as image:
        exif = image.getexif()
        assert not exif.get_ifd(files.GPS_IFD)
        assert files.MAKE not in exif and files.ORIENTATION not in exif
        assert b"PhoneMaker" not in stored
        # Orientation 6: the camera was turned; upright the photo is tall,
        # its long side shrunk to 2000 pixels.
        assert image.size == (1500, 2000) == (paper.width, paper.height)
        # The blue mark of the top-left corner is now at the top right.
        assert image.getpixel((1450, 40))[2] > 200


def test_files_can_be_sent_from_the_tracking_page_only_while_the_office_waits(
    app, client
):
    with app.app_context():
        number = make_submission(status="verifying").number
    page = client.get(f"/t/{number}/papers?lang=en")
    assert page.status_code == 200 and 'type="file"' not in page.text
    response = _upload(client, f"/t/{number}/papers?lang=en", files.jpeg())
    assert response.status_code == 409
    assert RequestPaper.select().count() == 0


def test_the_clerk_sees_the_file_and_the_public_does_not(app, client, clerk, waiting):
    assert _upload(client, f"/t/{waiting}/papers", files.jpeg()).status_code == 303
    paper = RequestPaper.get()
    for url in (
        f"/staff/papers/{paper.stored_id}",
        f"/staff/papers/{paper.stored_id}/thumbnail",
    ):
        assert client.get(url).status_code == 404  # anonymous, and never a redirect
        shown = clerk.get(url)
        assert shown.status_code == 200
        assert shown.headers["Content-Type"] == "image/jpeg"
        assert shown.headers["X-Content-Type-Options"] == "nosniff"
        assert "no-store" in shown.headers["Cache-Control"]
        assert shown.headers["Content-Disposition"].startswith("inline; filename=")
        assert "sandbox" in shown.headers["Content-Security-Policy"]
    assert clerk.get("/staff/papers/not-a-file").status_code == 404
    opened = SecurityEvent.select().where(SecurityEvent.kind == "paper_opened")
    assert [e.subject for e in opened] == [waiting, waiting]
    detail = clerk.get(f"/staff/s/{waiting}")
    assert f"/staff/papers/{paper.stored_id}/thumbnail" in detail.text
    assert "Papers sent by the resident" in detail.text


def test_a_draft_file_is_not_served_even_to_staff(app, client, clerk):
    _draft(client)
    _upload(client, "/apply/papers", files.jpeg())
    paper = RequestPaper.get()
    assert clerk.get(f"/staff/papers/{paper.stored_id}").status_code == 404


def test_a_pdf_is_downloaded_not_shown(app, client, clerk, waiting):
    _upload(client, f"/t/{waiting}/papers", files.pdf(), "a.pdf", "application/pdf")
    paper = RequestPaper.get()
    shown = clerk.get(f"/staff/papers/{paper.stored_id}")
    assert shown.headers["Content-Type"] == "application/pdf"
    assert shown.headers["Content-Disposition"].startswith("attachment; filename=")
    assert f"-{waiting}-1-" in shown.headers["Content-Disposition"]


def test_refused_with_a_reason_the_resident_reads_it(app, client, clerk, waiting):
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    _upload(client, f"/t/{waiting}/papers", files.jpeg(), position=2)
    paper = RequestPaper.get()
    url = f"/staff/s/{waiting}/papers/{paper.stored_id}"
    missing = clerk.post(url, data={"decision": "refused", "reason": " "})
    assert missing.status_code == 303
    assert RequestPaper.get_by_id(paper.id).state == "new"
    refused = clerk.post(url, data={"decision": "refused", "reason": "Foto buram"})
    assert refused.status_code == 303
    assert refused.headers["Location"].endswith(f"/staff/s/{waiting}#paper-{paper.id}")
    stored = RequestPaper.get_by_id(paper.id)
    assert (stored.state, stored.refusal_reason) == ("refused", "Foto buram")
    assert stored.decided_by_id is not None and stored.decided_at is not None
    tracking = client.get(f"/t/{waiting}", environ_base=english)
    assert "A file was refused." in tracking.text and "Foto buram" in tracking.text
    assert "<img" not in tracking.text and paper.stored_id not in tracking.text
    assert clerk.post(url, data={"decision": "accepted"}).status_code == 303
    tracking = client.get(f"/t/{waiting}", environ_base=english)
    assert "Accepted" in tracking.text and "Foto buram" not in tracking.text
    # Accepting the file ticks its requirement, under the clerk's name.
    from kiosk.data.models import RequirementMark

    (mark,) = RequirementMark.select()
    assert (mark.text_id, mark.received) == (paper.requirement_text, True)
    assert mark.staff_id is not None
    assert RequestPaper.get_by_id(paper.id).requirement_position == 2
    assert client.post(url, data={"decision": "accepted"}).status_code == 303
    assert "/staff/login" in client.post(url, data={}).headers["Location"]


def test_a_draft_file_can_be_removed_before_sending(app, client):
    _draft(client)
    _upload(client, "/apply/papers", files.jpeg())
    paper = RequestPaper.get()
    response = client.post(f"/apply/papers/{paper.stored_id}/remove")
    assert response.status_code == 303
    assert RequestPaper.select().count() == 0
    assert _stored_files(app) == []


def test_draft_files_never_sent_are_swept(app, client):
    import datetime as dt

    _draft(client)
    _upload(client, "/apply/papers", files.jpeg())
    with app.app_context():
        later = RequestPaper.get().uploaded_at + dt.timedelta(hours=25)
        assert request_papers.sweep_drafts(now=later, hours=24) == 1
    assert RequestPaper.select().count() == 0
    assert _stored_files(app) == []


def test_with_htmx_the_requirement_block_comes_back_with_the_file(app, client, waiting):
    url = f"/t/{waiting}/papers?lang=en"
    headers = {"HX-Request": "true"}
    sent = client.post(
        url,
        data={"requirement": "1", "files": (io.BytesIO(files.jpeg()), "a.jpg")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert sent.status_code == 200 and "HX-Request" in sent.headers["Vary"]
    assert 'id="requirement-1"' in sent.text and "<html" not in sent.text
    assert "Your file was sent." in sent.text and "Not checked yet" in sent.text
    refused = client.post(
        url,
        data={"requirement": "1", "files": (io.BytesIO(files.SVG), "b.svg")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert refused.status_code == 422 and "<html" not in refused.text
    assert "cannot be sent" in refused.text
    assert RequestPaper.select().count() == 1


def test_uploads_are_limited_per_request_whoever_sends_them(make_app):
    app = make_app(RATELIMIT_ENABLED=True, UPLOAD_REQUEST_RATE_LIMIT="2 per day")
    with app.app_context():
        number = make_submission(status="needs_info").number
        other = make_submission(status="needs_info").number
    url = f"/t/{number}/papers"
    for colour, address in (((1, 1, 1), "10.0.0.1"), ((2, 2, 2), "10.0.0.2")):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = address
        assert _upload(client, url, files.jpeg(color=colour)).status_code == 303
    third = app.test_client()
    third.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    assert _upload(third, url, files.jpeg(color=(3, 3, 3))).status_code == 429
    # The number written another way is the same request, and the same budget.
    other_spelling = f"/t/{number.lower()}/papers"
    assert _upload(third, other_spelling, files.jpeg()).status_code == 429
    # Another request's budget is its own, and reading the page costs nothing.
    assert third.get(url).status_code == 200
    assert _upload(third, f"/t/{other}/papers", files.jpeg()).status_code == 303
    assert RequestPaper.select().count() == 3


def test_uploads_are_limited_per_client(make_app):
    app = make_app(RATELIMIT_ENABLED=True, UPLOAD_RATE_LIMIT="2 per hour")
    with app.app_context():
        numbers = [make_submission(status="needs_info").number for _ in range(3)]
    client = app.test_client()
    statuses = [
        _upload(client, f"/t/{n}/papers", files.jpeg(color=(i, i, i))).status_code
        for i, n in enumerate(numbers)
    ]
    assert statuses == [303, 303, 429]
    assert RequestPaper.select().count() == 2


def test_the_upload_page_repeats_what_the_office_asked_for(app, client):
    with app.app_context():
        submission = make_submission(status="verifying")
        from kiosk.services import submissions

        submissions.move(
            submission,
            "needs_info",
            version=submission.version,
            staff=None,
            public_note="Kirim foto KK lama yang jelas",
        )
    page = client.get(f"/t/{submission.number}/papers?lang=en")
    assert "Note from the office" in page.text
    assert "Kirim foto KK lama yang jelas" in page.text
