"""The request's page shows the answers to its document's own questions, so
the clerk starts work without phoning the applicant."""

import datetime as dt
import re

import pytest

from kiosk.data.models import DocumentType, RequestAnswer, RequestPerson
from tests.support.factories import make_submission, nik
from tests.support.staff import (  # noqa: F401 (fast_passwords is a fixture)
    fast_passwords,
    htmx_headers,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

BIRTH = {
    "child_name": "Aisyah Putri Ramadhani",
    "child_sex": "female",
    "child_birth_date": dt.date(2025, 2, 14),
    "child_birth_place": "Muaro Sijunjung",
    "birth_order": 2,
    "mother_name": "Nurhayati",
    "father_name": "Syafrizal",
}


def answers_block(html):
    """The "About the request" section, as (label, answer) pairs and its text."""
    start = html.index('aria-labelledby="answers-heading"')
    section = html[start : html.index("</section>", start)]
    pairs = re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", section, re.S)
    return {
        label: " ".join(re.sub(r"<[^>]+>", " ", value).split())
        for label, value in pairs
    }, section


def test_a_birth_certificate_shows_the_child_and_the_parents(app, clerk):
    submission = make_submission("AKL", details=BIRTH)
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert ">About the request</h2>" in page
    rows, _ = answers_block(page)
    assert rows == {
        "Child&#39;s full name": "Aisyah Putri Ramadhani",
        "Child&#39;s sex": "Girl",
        "Child&#39;s date of birth": "February 14, 2025",
        "Place of birth": "Muaro Sijunjung",
        "Which child of the mother is this?": "2",
        "Mother&#39;s full name": "Nurhayati",
        "Father&#39;s full name": "Syafrizal",
    }


def test_the_block_is_in_the_panel_a_status_change_swaps_in(app, clerk):
    submission = make_submission("AKL", details=BIRTH)
    response = clerk.post(
        f"/staff/s/{submission.number}/move",
        data={"target": "verifying", "version": str(submission.version)},
        headers=htmx_headers("request"),
    )
    assert "<html" not in response.text
    assert "Aisyah Putri Ramadhani" in answers_block(response.text)[1]


def test_a_death_certificate_shows_the_deceased_nik_whole_like_the_applicants(
    app, clerk
):
    deceased = "1303054107400021"
    submission = make_submission(
        "AKM",
        details={
            "deceased_name": "Syamsul Bahri",
            "deceased_nik": deceased,
            "death_date": dt.date(2026, 11, 2),
            "death_place": "RSUD Sijunjung",
            "reporter_relation": "child",
        },
    )
    page = clerk.get(f"/staff/s/{submission.number}").text
    rows, _ = answers_block(page)
    assert rows["NIK of the person who died"] == deceased
    assert submission.nik in page  # the applicant's, written the same way
    assert rows["The applicant&#39;s relation to the person who died"] == "Child"
    assert rows["Date of death"] == "November 2, 2026"


def test_the_people_moving_are_a_list_with_their_niks(app, clerk):
    family = [("Rahmat Hidayat", nik()), ("Yusnidar", nik()), ("Zaki Hidayat", nik())]
    submission = make_submission(
        "PINDAH",
        details={
            "destination_province": "Riau",
            "destination_regency": "Kota Pekanbaru",
            "destination_district": "Tampan",
            "destination_address": "Jl. Garuda Sakti km 3 no. 12",
            "move_reason": "work",
            "members": family,
        },
    )
    page = clerk.get(f"/staff/s/{submission.number}").text
    rows, section = answers_block(page)
    assert rows["Reason for moving"] == "Work"
    items = re.findall(r"<li>(.*?)</li>", section, re.S)
    listed = [" ".join(re.sub(r"<[^>]+>", " ", item).split()) for item in items]
    assert listed == [f"{name} NIK {number}" for name, number in family]
    assert '<ol class="people-list">' in section


def test_a_ktp_not_yet_recorded_tells_the_clerk_to_call_the_resident_in(app, clerk):
    submission = make_submission(
        "KTP", details={"ktp_reason": "first", "ktp_recorded": "no"}
    )
    rows, _ = answers_block(clerk.get(f"/staff/s/{submission.number}").text)
    assert rows["Reason for the KTP-el"] == "First card (at 17 or on marrying)"
    assert rows["Biometric recording (perekaman) done"] == (
        "Not yet: the resident must come to the office for it"
    )


def test_a_request_made_before_the_questions_says_not_asked(app, clerk):
    submission = make_submission("AKM")  # stored with no answers, as before
    assert not RequestAnswer.select().exists()
    assert not RequestPerson.select().exists()
    rows, _ = answers_block(clerk.get(f"/staff/s/{submission.number}").text)
    assert len(rows) == 5
    assert set(rows.values()) == {"Not asked"}


def test_an_unanswered_optional_question_says_not_given(app, clerk):
    details = {key: value for key, value in BIRTH.items() if key != "father_name"}
    submission = make_submission("AKL", details=details)
    rows, _ = answers_block(clerk.get(f"/staff/s/{submission.number}").text)
    assert rows["Father&#39;s full name"] == "Not given"


def test_a_document_that_asks_nothing_more_has_no_block(app, clerk):
    DocumentType.create(
        code="SKTM",
        name_id="Surat Keterangan Tidak Mampu",
        name_en="Certificate of low income",
        service_days=2,
        position=20,
    )
    submission = make_submission("SKTM")
    page = clerk.get(f"/staff/s/{submission.number}").text
    assert "answers-heading" not in page
