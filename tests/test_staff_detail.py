"""A request's staff page: details, timeline and status changes (SPEC §6)."""

import re

import pytest

from kiosk.data.models import StatusEvent, Submission
from tests.support.factories import make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    english,
    fast_passwords,
    htmx_headers,
    make_staff,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def move(client, submission, target, version=None, htmx=False, **notes):
    data = {
        "target": target,
        "version": str(submission.version if version is None else version),
        "public_note": notes.get("public_note", ""),
        "internal_note": notes.get("internal_note", ""),
    }
    headers = htmx_headers("request") if htmx else {}
    return client.post(f"/staff/s/{submission.number}/move", data=data, headers=headers)


def buttons(html):
    return re.findall(r'name="target" value="(\w+)"', html)


def current(submission):
    return Submission.get_by_id(submission.id)


def test_detail_shows_the_applicant_only_here_with_timeline(app, clerk):
    submission = make_submission(
        applicant_name="Siti Rahmawati",
        nik="1303015501900002",
        phone="+6281298765432",
        nagari="Muaro",
    )
    page = clerk.get(f"/staff/s/{submission.number}").get_data(as_text=True)
    for text in ("Siti Rahmawati", "1303015501900002", "0812-9876-5432", "Muaro"):
        assert text in page
    assert "The applicant, via Website" in page
    public = english(app.test_client()).get(f"/t/{submission.number}")
    assert "Siti Rahmawati" not in public.get_data(as_text=True)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (None, ["verifying", "rejected"]),
        ("verifying", ["processing", "needs_info", "rejected"]),
        ("needs_info", ["verifying", "rejected"]),
        ("processing", ["ready", "needs_info"]),
        ("ready", ["completed"]),
        ("completed", []),
        ("rejected", []),
    ],
)
def test_only_the_allowed_next_statuses_have_buttons(app, clerk, status, allowed):
    submission = make_submission(status=status)
    page = clerk.get(f"/staff/s/{submission.number}").get_data(as_text=True)
    assert buttons(page) == allowed
    if not allowed:
        assert "its status cannot change any more" in page


def test_move_applies_and_records_who_when_and_both_notes(app, clerk):
    submission = make_submission()
    response = move(
        clerk,
        submission,
        "verifying",
        public_note="Berkas sedang diperiksa.",
        internal_note="KK lama difotokopi.",
    )
    assert response.status_code == 303
    assert response.headers["Location"] == f"/staff/s/{submission.number}?moved=1"
    after = current(submission)
    assert (after.status, after.version) == ("verifying", submission.version + 1)
    event = StatusEvent.select().order_by(StatusEvent.id.desc()).get()
    assert (event.from_status, event.to_status) == ("submitted", "verifying")
    assert event.staff.username == "clerk"
    assert event.public_note == "Berkas sedang diperiksa."
    assert event.internal_note == "KK lama difotokopi."
    page = clerk.get(response.headers["Location"]).get_data(as_text=True)
    assert "is now “Being checked”" in page  # the confirmation
    # ... and the way to tell the resident at once, in their language.
    assert "Tell the resident the new status by WhatsApp" in page
    assert "https://wa.me/6281298765432?text=" in page
    assert "Clerk" in page and "KK lama difotokopi." in page
    # The same page opened later offers it only among the links.
    later = clerk.get(f"/staff/s/{submission.number}").get_data(as_text=True)
    assert "Tell the resident the new status by WhatsApp" not in later
    public = (
        english(app.test_client()).get(f"/t/{submission.number}").get_data(as_text=True)
    )
    assert "Berkas sedang diperiksa." in public
    assert "KK lama difotokopi." not in public


def test_move_with_htmx_returns_the_updated_panel(app, clerk):
    submission = make_submission()
    response = move(clerk, submission, "verifying", htmx=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="request"')
    assert "<html" not in html
    assert "is now “Being checked”" in html
    assert "Tell the resident the new status by WhatsApp" in html
    assert "data-announce" in html and "data-focus-scan" in html
    assert buttons(html) == ["processing", "needs_info", "rejected"]
    assert f'name="version" value="{submission.version + 1}"' in html
    full = clerk.get(f"/staff/s/{submission.number}")
    fragment = clerk.get(
        f"/staff/s/{submission.number}", headers=htmx_headers("request")
    )
    assert full.get_data(as_text=True).startswith("<!doctype html>")
    assert fragment.get_data(as_text=True).lstrip().startswith('<div id="request"')


@pytest.mark.parametrize(
    ("status", "target", "asked"),
    [
        (None, "rejected", "why the request cannot be processed"),
        ("verifying", "needs_info", "what they must send or bring"),
    ],
)
def test_a_reason_is_required_for_needs_info_and_rejected(
    app, clerk, status, target, asked
):
    submission = make_submission(status=status)
    refused = move(clerk, submission, target, htmx=True, internal_note="kept")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert f"Write in the note for the resident {asked}." in html
    assert ">kept</textarea>" in html  # the clerk's typing survives
    assert current(submission).status == submission.status
    accepted = move(
        clerk, submission, target, public_note="Bawa surat pengantar wali nagari."
    )
    assert accepted.status_code == 303
    assert current(submission).status == target
    public = (
        english(app.test_client()).get(f"/t/{submission.number}").get_data(as_text=True)
    )
    assert "Bawa surat pengantar wali nagari." in public


@pytest.mark.parametrize(
    ("status", "target"),
    [
        (None, "ready"),
        ("ready", "rejected"),
        ("completed", "verifying"),
        (None, "bogus"),
    ],
)
def test_the_server_refuses_moves_the_workflow_does_not_allow(
    app, clerk, status, target
):
    submission = make_submission(status=status)
    before = StatusEvent.select().count()
    response = move(clerk, submission, target, public_note="reason")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "cannot be moved to" in html or "Choose one of the status buttons" in html
    assert current(submission).status == submission.status
    assert StatusEvent.select().count() == before


def test_a_change_from_a_stale_page_is_refused_as_a_conflict(app, clerk):
    submission = make_submission()
    loaded_version = submission.version
    # A colleague moves it first.
    colleague = make_staff("colleague")
    from kiosk.services import submissions

    submissions.move(submission, "verifying", version=loaded_version, staff=colleague)
    stale = move(
        clerk,
        submission,
        "rejected",
        version=loaded_version,
        htmx=True,
        public_note="Dokumen tidak lengkap.",
        internal_note="catatan saya",
    )
    html = stale.get_data(as_text=True)
    assert stale.status_code == 409
    assert "Someone else changed this request" in html
    assert "it is now “Being checked”" in html
    assert (
        "Dokumen tidak lengkap.</textarea>" in html
        and "catatan saya</textarea>" in html
    )
    assert buttons(html) == ["processing", "needs_info", "rejected"]  # current state
    after = current(submission)
    assert (after.status, after.version) == ("verifying", loaded_version + 1)
    assert StatusEvent.select().where(StatusEvent.to_status == "rejected").count() == 0
    # The refreshed form carries the new version: sending again now applies.
    assert f'name="version" value="{loaded_version + 1}"' in html
    again = move(
        clerk,
        submission,
        "rejected",
        version=loaded_version + 1,
        public_note="Tidak lengkap.",
    )
    assert again.status_code == 303
    assert current(submission).status == "rejected"


def test_a_stale_full_page_post_also_gets_the_conflict_page(app, clerk):
    submission = make_submission(status="verifying")
    response = move(clerk, submission, "processing", version=submission.version - 1)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert html.startswith("<!doctype html>") and "Someone else changed" in html
    assert current(submission).status == "verifying"


def test_notes_that_are_too_long_are_refused_and_kept(app, clerk):
    submission = make_submission()
    response = move(clerk, submission, "verifying", public_note="x" * 1001)
    assert response.status_code == 422
    assert "1000 characters or fewer" in response.get_data(as_text=True)
    assert current(submission).status == "submitted"


def test_detail_of_an_unknown_number_is_a_404_and_numbers_are_forgiving(app, clerk):
    submission = make_submission()
    missing = clerk.get("/staff/s/000000000")
    assert missing.status_code == 404
    assert "Request not found" in missing.get_data(as_text=True)
    lower = clerk.get(f"/staff/s/{submission.number.lower()}")
    assert lower.status_code == 301
    assert lower.headers["Location"].endswith(f"/staff/s/{submission.number}")


def test_the_request_page_tells_the_resident_by_whatsapp_in_their_language(app, clerk):
    from urllib.parse import parse_qs, urlsplit

    submission = make_submission(
        status="verifying", language="en", phone="+6281234567890"
    )
    move(
        clerk,
        submission,
        "needs_info",
        public_note="Send a photo of the marriage book.",
    )
    page = clerk.get(f"/staff/s/{submission.number}?lang=id").get_data(as_text=True)
    link = (
        re.search(r'href="(https://wa\.me/[^"]+)"', page).group(1).replace("&amp;", "&")
    )
    parts = urlsplit(link)
    assert parts.path == "/" + submission.phone.lstrip("+")
    text = parse_qs(parts.query)["text"][0]
    assert (
        f"{submission.display_number} for Family Card (KK) is now “Action needed”"
        in text
    )
    assert f"/t/{submission.number}?lang=en" in text
    assert text.endswith("Note from the office: Send a photo of the marriage book.")
    assert "Pesan dalam bahasa Inggris ke 0812-3456-7890" in page
    assert "<dd>0812-3456-7890</dd>" in page  # as residents write it
    assert f'href="/t/{submission.number}/receipt"' in page


def test_no_whatsapp_link_on_a_request_without_a_phone(app, clerk):
    submission = make_submission(phone=None)
    page = clerk.get(f"/staff/s/{submission.number}").get_data(as_text=True)
    assert "wa.me" not in page


def _notice(html):
    """The "Possible duplicate" notice of a request's page ('' if none)."""
    match = re.search(
        r'<section class="notice duplicate-notice".*?</section>', html, re.S
    )
    return match.group(0) if match else ""


def test_the_page_lists_other_open_requests_for_the_same_nik_and_document(app, clerk):
    nik = "1303054507900001"
    first = make_submission(nik=nik, channel="web")
    second = make_submission(nik=nik, channel="whatsapp", status="needs_info")
    make_submission("KTP", nik=nik)  # another document
    done = make_submission(nik=nik, status="completed")
    make_submission(nik="1303054507900002")  # someone else
    notice = _notice(clerk.get(f"/staff/s/{first.number}").get_data(as_text=True))
    assert "Possible duplicate" in notice
    assert "Requests still open for the same document and NIK:" in notice
    assert re.findall(r'href="/staff/s/(\w+)"', notice) == [second.number]
    assert second.display_number in notice and "Action needed" in notice
    assert second.created_at.strftime("%Y") in notice  # the day it came in
    back = _notice(clerk.get(f"/staff/s/{second.number}").get_data(as_text=True))
    assert re.findall(r'href="/staff/s/(\w+)"', back) == [first.number]
    # Nothing on a finished request, nor on one without another open twin.
    assert _notice(clerk.get(f"/staff/s/{done.number}").get_data(as_text=True)) == ""
    lone = make_submission(nik="1303054507900003")
    assert _notice(clerk.get(f"/staff/s/{lone.number}").get_data(as_text=True)) == ""


def test_the_notice_goes_when_the_twin_is_rejected(app, clerk):
    nik = "1303054507900001"
    first = make_submission(nik=nik)
    twin = make_submission(nik=nik, channel="sms")
    assert _notice(clerk.get(f"/staff/s/{first.number}").get_data(as_text=True))
    response = move(clerk, twin, "rejected", htmx=True, public_note="Permohonan ganda")
    # The twin's own page, after the move, says nothing any more either.
    assert _notice(response.get_data(as_text=True)) == ""
    assert _notice(clerk.get(f"/staff/s/{first.number}").get_data(as_text=True)) == ""


def test_a_purged_request_has_no_duplicate_notice(app, clerk):
    first = make_submission(status="completed")
    Submission.update(nik="", applicant_name="").where(
        Submission.id == first.id
    ).execute()
    page = clerk.get(f"/staff/s/{first.number}").get_data(as_text=True)
    assert _notice(page) == ""
