"""A request's requirements checklist: clerks tick papers as they arrive, the
history says who and when, the tracking page and the API say what is still
needed, receipts list the requirements (issue 11)."""

import datetime as dt
import io
import re
from html import unescape

import pytest
from PIL import Image

from kiosk.data.models import (
    DocumentType,
    KioskDevice,
    RequirementMark,
    StaffMember,
    Submission,
)
from kiosk.services import retention
from tests.support.factories import APPLICANT, make_submission
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    PASSWORD,
    csrf_token_from,
    english,
    fast_passwords,
    htmx_headers,
    make_staff,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

# The seeded family card (KK) list, in Indonesian and in English.
KK_ID = [
    "KK lama (jika ada)",
    "Buku nikah atau akta perkawinan (untuk keluarga baru)",
    "Surat pengantar dari wali nagari",
    "Dokumen pendukung perubahan (misalnya akta kelahiran anak atau surat "
    "keterangan pindah)",
]
KK_EN = [
    "Old family card (if any)",
    "Marriage book or marriage certificate (for a new family)",
    "Covering letter from the wali nagari",
    "Supporting document for the change (for example a child's birth "
    "certificate or a relocation letter)",
]


def save(client, number, received=(), was=(), shown=KK_ID, headers=None):
    """Send the detail page's checklist form as a browser would."""
    data = {"shown": list(shown), "was": list(was), "received": list(received)}
    return client.post(
        f"/staff/s/{number}/requirements", data=data, headers=headers or {}
    )


def still_needed(html):
    """The texts of the tracking page's "Still needed" list ([] without one)."""
    block = re.search(r'<div class="still-needed">(.*?)</ul>', html, re.S)
    if block is None:
        return []
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]


def ticked_boxes(html):
    """The values of the detail page's ticked requirement boxes."""
    boxes = re.findall(r'<input class="checkbox-input" type="checkbox"[^>]*>', html)
    return [
        unescape(re.search(r'value="([^"]*)"', box).group(1))
        for box in boxes
        if 'name="received"' in box and " checked" in box
    ]


def marks(submission):
    return list(
        RequirementMark.select()
        .where(RequirementMark.submission == submission.id)
        .order_by(RequirementMark.id)
    )


def test_detail_page_has_a_box_per_requirement_none_ticked(app, clerk):
    submission = make_submission()
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert 'id="requirements-heading"' in page
    for text in KK_EN:
        assert unescape(page).count(text) >= 1
    assert page.count('name="received"') == len(KK_ID)
    assert ticked_boxes(page) == []
    assert "4 requirements still needed" in page


def test_clerk_ticks_and_unticks_and_the_history_says_who_and_when(app, clerk):
    submission = make_submission()
    clerk_member = StaffMember.get(StaffMember.username == "clerk")
    response = save(clerk, submission.number, received=[KK_ID[2]])
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/staff/s/{submission.number}#requirements-heading"
    )
    [mark] = marks(submission)
    assert (mark.text_id, mark.text_en, mark.position) == (KK_ID[2], KK_EN[2], 2)
    assert mark.received and mark.staff_id == clerk_member.id
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert "1 change to the checklist saved." in page
    assert ticked_boxes(page) == [KK_ID[2]]
    history = page[page.index('id="history-heading"') :]
    assert "Requirement received: Covering letter from the wali nagari" in history
    when = mark.created_at.isoformat()
    assert re.search(rf'datetime="{re.escape(when)}Z">[^<]+</time> ·\s+Clerk', history)
    assert "Received: ticked by Clerk on" in page

    response = save(clerk, submission.number, received=[], was=[KK_ID[2]])
    assert response.status_code == 303
    first, second = marks(submission)
    assert not second.received and second.staff_id == clerk_member.id
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert ticked_boxes(page) == []
    assert (
        "Requirement no longer marked as received: Covering letter from the wali "
        "nagari" in page
    )
    # Both changes stay in the history, beside the status events.
    assert page.count("timeline-item--requirement") == 2
    assert "The applicant, via Website" in page


def test_htmx_save_answers_the_checklist_and_the_history_in_place(app, clerk):
    submission = make_submission()
    response = save(
        clerk, submission.number, received=[KK_ID[0]], headers=htmx_headers()
    )
    assert response.status_code == 200
    html = response.text
    assert "<html" not in html
    assert html.lstrip().startswith("{#") is False
    assert '<section class="request-section requirements-block" id="requirements"' in (
        html
    )
    assert 'id="history" aria-labelledby="history-heading" hx-swap-oob="true"' in html
    assert "Requirement received: Old family card (if any)" in html
    assert ticked_boxes(html) == [KK_ID[0]]
    assert "1 change to the checklist saved." in html
    # The full page carries the same block, without the out-of-band mark.
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert 'id="requirements"' in page and "hx-swap-oob" not in page


def test_a_page_left_open_does_not_undo_another_clerks_tick(app, clerk):
    submission = make_submission()
    other = staff_client(app, "other")
    # Both pages were drawn with nothing ticked; the other clerk ticks first.
    save(other, submission.number, received=[KK_ID[0]])
    save(clerk, submission.number, received=[KK_ID[1]])
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert sorted(ticked_boxes(page)) == sorted([KK_ID[0], KK_ID[1]])
    # Ticking what is already ticked records nothing new.
    save(clerk, submission.number, received=[KK_ID[0], KK_ID[1]])
    assert len(marks(submission)) == 2


def test_tracking_page_lists_exactly_the_papers_still_needed(app, clerk):
    submission = make_submission(status="verifying")
    public = english(app.test_client())
    page = public.get(f"/t/{submission.number}").text
    assert still_needed(page) == KK_EN
    assert "You do not need to do anything yet" not in page
    assert "has not yet received every document" in page
    save(clerk, submission.number, received=[KK_ID[0], KK_ID[2]])
    page = public.get(f"/t/{submission.number}").text
    assert still_needed(page) == [KK_EN[1], KK_EN[3]]
    # In Indonesian, the Indonesian list; no personal data either way.
    indonesian = app.test_client().get(f"/t/{submission.number}?lang=id").text
    assert still_needed(indonesian) == [KK_ID[1], KK_ID[3]]
    for value in (APPLICANT["applicant_name"], APPLICANT["nik"], "Clerk"):
        assert value not in page and value not in indonesian
    save(
        clerk,
        submission.number,
        received=KK_ID,
        was=[KK_ID[0], KK_ID[2]],
    )
    page = public.get(f"/t/{submission.number}").text
    assert still_needed(page) == []
    assert "Still needed" not in page
    assert "You do not need to do anything yet" in page


@pytest.mark.parametrize(
    ("status", "listed"),
    [
        ("submitted", True),
        ("verifying", True),
        ("needs_info", True),
        ("processing", True),
        ("ready", False),
        ("completed", False),
        ("rejected", False),
    ],
)
def test_still_needed_only_until_the_document_is_ready(app, status, listed):
    submission = make_submission(status=status)
    page = english(app.test_client()).get(f"/t/{submission.number}").text
    assert still_needed(page) == (KK_EN if listed else [])
    if status == "needs_info":
        # Its own next step (send what is missing) stays, with the list.
        assert "Send the missing documents" in page


def test_a_tick_shows_at_once_on_a_cached_tracking_page_and_keeps_the_version(
    make_app,
):
    app = make_app(PAGE_CACHE_SECONDS=600)
    clerk = staff_client(app, "clerk")
    submission = make_submission()
    public = english(app.test_client())
    assert still_needed(public.get(f"/t/{submission.number}").text) == KK_EN
    # The clerk's page, drawn before the tick, carries this version.
    detail = clerk.get(f"/staff/s/{submission.number}").text
    version = re.search(r'name="version" value="(\d+)"', detail).group(1)
    save(clerk, submission.number, received=[KK_ID[3]])
    assert still_needed(public.get(f"/t/{submission.number}").text) == KK_EN[:3]
    assert Submission.get_by_id(submission.id).version == int(version)
    # A status change from the same page is not taken for a conflict.
    moved = clerk.post(
        f"/staff/s/{submission.number}/move",
        data={"target": "verifying", "version": version},
    )
    assert moved.status_code == 303
    assert Submission.get_by_id(submission.id).status == "verifying"
    # And an untick shows at once too.
    save(clerk, submission.number, was=[KK_ID[3]])
    assert still_needed(public.get(f"/t/{submission.number}").text) == KK_EN


def test_the_api_says_what_is_still_needed(app, clerk):
    submission = make_submission()
    save(clerk, submission.number, received=[KK_ID[1]])
    answer = english(app.test_client()).get(f"/api/v1/track/{submission.number}")
    assert answer.status_code == 200
    assert answer.get_json()["still_needed"] == [KK_EN[0], KK_EN[2], KK_EN[3]]
    ready = make_submission(status="ready")
    answer = english(app.test_client()).get(f"/api/v1/track/{ready.number}")
    assert answer.get_json()["still_needed"] == []


def receipt_lines(html):
    block = re.search(r'<ul class="receipt-requirements">(.*?)</ul>', html, re.S)
    assert block, "no requirements on the receipt"
    return [unescape(item) for item in re.findall(r"<li>(.*?)</li>", block.group(1))]


@pytest.mark.parametrize("paper", ["", "?paper=58", "?paper=80"])
def test_web_receipts_list_the_requirements(app, clerk, paper):
    submission = make_submission()
    save(clerk, submission.number, received=[KK_ID[0]])
    page = english(app.test_client()).get(f"/t/{submission.number}/receipt{paper}")
    assert page.status_code == 200
    assert receipt_lines(page.text) == [f"{KK_EN[0]} (received)", *KK_EN[1:]]
    indonesian = app.test_client().get(f"/t/{submission.number}/receipt{paper}")
    assert receipt_lines(indonesian.text)[1:] == KK_ID[1:]


def test_kiosk_receipt_lists_the_requirements(app):
    KioskDevice.create(name="Lobby", token="lobby-token", paper_width=58)
    kiosk = app.test_client()
    kiosk.get("/kiosk?k=lobby-token")
    submission = make_submission(channel="kiosk")
    page = kiosk.get(f"/kiosk/receipt/{submission.number}?new=1&lang=en")
    assert page.status_code == 200
    assert receipt_lines(page.text) == KK_EN


def test_the_receipt_picture_lists_the_requirements(app):
    """The picture of a document with a list is taller than one without."""
    with_list = make_submission()
    without = make_submission()
    DocumentType.create(code="NONE", name_id="Lain", name_en="Other")
    Submission.update(document_type=DocumentType.get(code="NONE")).where(
        Submission.id == without.id
    ).execute()
    client = english(app.test_client())

    def height(number):
        picture = client.get(f"/t/{number}/receipt.png")
        assert picture.status_code == 200
        return Image.open(io.BytesIO(picture.data)).height

    assert height(with_list.number) > height(without.number) + 4 * 28


def test_a_tick_outlives_the_admins_edit_of_the_list(app, clerk, admin):
    submission = make_submission()
    save(clerk, submission.number, received=[KK_ID[0], KK_ID[2]])
    kk = DocumentType.get(DocumentType.code == "KK")
    # The admin puts the wali nagari letter first, drops the old KK, rewords
    # the supporting document, and adds a line.
    new_id = [KK_ID[2], KK_ID[1], "Dokumen pendukung perubahan", "Pas foto"]
    new_en = [KK_EN[2], KK_EN[1], "Supporting document", "Photo"]
    response = admin.post(
        f"/staff/admin/types/{kk.id}",
        data={
            "name_id": kk.name_id,
            "name_en": kk.name_en,
            "requirements_id": "\n".join(new_id),
            "requirements_en": "\n".join(new_en),
            "service_days": str(kk.service_days),
            "position": str(kk.position),
            "active": "y",
        },
    )
    assert response.status_code == 303
    page = clerk.get(f"/staff/s/{submission.number}").text
    # The letter keeps its tick on its new line; the old KK, no longer
    # listed, keeps its tick and says so; the new lines start unticked.
    assert ticked_boxes(page) == [KK_ID[2], KK_ID[0]]
    assert "No longer in this document's list of requirements." in unescape(page)
    assert page.count('name="received"') == 5
    public = english(app.test_client()).get(f"/t/{submission.number}").text
    assert still_needed(public) == [KK_EN[1], "Supporting document", "Photo"]
    # The line no longer listed can still be unticked; it then goes away.
    save(
        clerk,
        submission.number,
        received=[KK_ID[2]],
        was=[KK_ID[2], KK_ID[0]],
        shown=[*new_id, KK_ID[0]],
    )
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert ticked_boxes(page) == [KK_ID[2]]
    assert page.count('name="received"') == 4
    # A line that went from the list after the page was drawn is not saved.
    response = save(clerk, submission.number, received=[KK_ID[3]], shown=[KK_ID[3]])
    page = clerk.get(response.headers["Location"]).text
    assert "1 line is no longer in this document's list" in unescape(page)
    assert KK_ID[3] not in [m.text_id for m in marks(submission)]


def test_only_signed_in_staff_can_tick(app, client):
    submission = make_submission()
    response = save(client, submission.number, received=[KK_ID[0]])
    assert response.status_code in (302, 303, 403)
    assert "/staff/login" in response.headers.get("Location", "/staff/login")
    assert marks(submission) == []


def test_ticking_needs_the_csrf_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    make_staff("clerk")
    submission = make_submission()
    clerk = english(app.test_client())
    token = csrf_token_from(clerk.get("/staff/login").text)
    signed_in = clerk.post(
        "/staff/login",
        data={"username": "clerk", "password": PASSWORD, "csrf_token": token},
    )
    assert signed_in.status_code == 303
    refused = save(clerk, submission.number, received=[KK_ID[0]])
    assert refused.status_code == 400
    assert marks(submission) == []
    token = csrf_token_from(clerk.get(f"/staff/s/{submission.number}").text)
    response = clerk.post(
        f"/staff/s/{submission.number}/requirements",
        data={"csrf_token": token, "shown": KK_ID, "received": [KK_ID[0]]},
    )
    assert response.status_code == 303
    assert len(marks(submission)) == 1


def test_a_mistyped_number_gets_the_staff_not_found_page(app, clerk):
    response = save(clerk, "7KQ4M2XPA", received=[KK_ID[0]])
    assert response.status_code in (400, 404)
    assert RequirementMark.select().count() == 0


def test_purge_keeps_the_ticks_which_hold_no_personal_data(app, clerk):
    submission = make_submission(status="completed")
    save(clerk, submission.number, received=[KK_ID[0]])
    long_ago = dt.datetime(2020, 1, 1)
    from kiosk.data.models import StatusEvent

    StatusEvent.update(created_at=long_ago).where(
        StatusEvent.submission == submission.id
    ).execute()
    assert retention.purge_personal_data() == 1
    [mark] = marks(submission)
    assert mark.received and mark.text_id == KK_ID[0]
    for value in (APPLICANT["applicant_name"], APPLICANT["nik"]):
        assert value not in (mark.text_id, mark.text_en)
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert ticked_boxes(page) == [KK_ID[0]]


def test_a_database_from_before_the_checklist_gets_it_on_start(make_app):
    """An office's database made by the previous version (no requirement_mark
    table) is upgraded in place when the app starts, requests kept."""
    from kiosk.data.db import db

    app = make_app()
    submission = make_submission(status="verifying")
    with app.app_context(), db.connection_context():
        db.drop_tables([RequirementMark])
        assert "requirement_mark" not in db.get_tables()
    restarted = make_app()
    with restarted.app_context(), db.connection_context():
        assert "requirement_mark" in db.get_tables()
    clerk = staff_client(restarted, "clerk")
    assert save(clerk, submission.number, received=[KK_ID[0]]).status_code == 303
    page = english(restarted.test_client()).get(f"/t/{submission.number}").text
    assert still_needed(page) == KK_EN[1:]


def test_the_public_statement_reads_what_the_staff_query_reads(app, clerk):
    """requirements.public_checklist runs SQL compiled once; it must give the
    checklist the peewee query of the staff page gives, ticks and all."""
    from kiosk.services import requirements

    submission = make_submission()
    save(clerk, submission.number, received=[KK_ID[0], KK_ID[3]])
    save(clerk, submission.number, received=[KK_ID[3]], was=[KK_ID[0], KK_ID[3]])
    DocumentType.update(requirements_id="\n".join(KK_ID[1:])).where(
        DocumentType.code == "KK"
    ).execute()

    def facts(items):
        return [
            (i.key, i.position, i.text_id, i.text_en, i.listed, i.received)
            for i in items
        ]

    staff_view = requirements.of_request(Submission.by_number(submission.number))
    public_view = requirements.public_checklist(submission.number)
    assert facts(public_view) == facts(staff_view)
    assert [i.received for i in public_view] == [False, False, True]
    assert requirements.public_checklist("7KQ4M2XPR") == []
