"""Staff intake asks the chosen document's own questions (domain/questions.py),
with and without JavaScript, and stores the answers with the request."""

import re

import pytest

from kiosk.data.models import RequestPerson, Submission
from kiosk.services import request_details
from tests.support.factories import form_data, nik
from tests.support.staff import (  # noqa: F401
    fast_passwords,
    htmx_headers,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

BIRTH = {
    "document_type": "AKL",
    "child_name": "Aisyah Putri Ramadhani",
    "child_sex": "female",
    "child_birth_date-day": "14",
    "child_birth_date-month": "2",
    "child_birth_date-year": "2025",
    "child_birth_place": "Muaro Sijunjung",
    "birth_order": "2",
    "mother_name": "Nurhayati",
    "father_name": "Syafrizal",
}

MOVE = {
    "document_type": "PINDAH",
    "destination_province": "Riau",
    "destination_regency": "Kota Pekanbaru",
    "destination_district": "Tampan",
    "destination_address": "Jl. Garuda Sakti km 3 no. 12, RT 02/RW 05",
    "move_reason": "work",
}


def intake(**fields):
    """An intake form for a new resident, without the family card's answers."""
    data = form_data(channel="counter", nik=nik(), **fields)
    for name in ("kk_reason", "head_is_applicant"):
        if fields.get("document_type", "KK") != "KK":
            data.pop(name)
    return data


def names_in(html):
    return set(re.findall(r'name="([\w-]+)"', html))


def test_a_chosen_document_shows_its_own_questions_only(app, clerk):
    page = clerk.get("/staff/new?document_type=AKL&channel=whatsapp").text
    assert "Details for Birth Certificate" in page
    fields = names_in(page)
    assert {"child_name", "child_sex", "child_birth_date-day", "mother_name"} <= fields
    assert "deceased_name" not in fields and "kk_reason" not in fields
    assert re.search(r'value="AKL"[^>]*checked', page)
    assert re.search(r'value="whatsapp"[^>]*checked', page)
    # Before a document is chosen: only the way to show its questions.
    empty = clerk.get("/staff/new").text
    assert 'name="step" value="choose"' in empty
    assert "child_name" not in names_in(empty)


def test_without_javascript_the_button_shows_the_questions_and_keeps_answers(
    app, clerk
):
    data = intake(
        document_type="PINDAH", applicant_name="Rahmat Hidayat", step="choose"
    )
    response = clerk.post("/staff/new", data=data)
    page = response.text
    assert response.status_code == 200
    assert "There is a problem" not in page
    assert 'value="Rahmat Hidayat"' in page
    assert "destination_province" in names_in(page)
    # Two empty rows for the people moving, then two more below those filled.
    rows = {n for n in names_in(page) if n.startswith("member_")}
    assert rows == {"member_1_name", "member_1_nik", "member_2_name", "member_2_nik"}
    filled = {
        "member_1_name": "Rahmat Hidayat",
        "member_1_nik": nik(),
        "member_2_name": "Yusnidar",
        "member_2_nik": nik(),
    }
    more = clerk.post("/staff/new", data={**data, **filled}).text
    assert "member_4_nik" in names_in(more) and "member_5_name" not in names_in(more)
    assert Submission.select().count() == 0


def test_the_rows_for_people_moving_stop_at_the_most_one_letter_takes(app, clerk):
    from kiosk.domain import questions

    filled = {}
    for position in range(1, questions.MEMBERS_MAX):
        filled[f"member_{position}_name"] = f"Warga {chr(64 + position)}"
        filled[f"member_{position}_nik"] = nik()
    page = clerk.post(
        "/staff/new", data=intake(document_type="PINDAH", step="choose", **filled)
    ).text
    last = questions.MEMBERS_MAX
    assert f"member_{last}_name" in names_in(page)
    assert f"member_{last + 1}_name" not in names_in(page)
    assert "Show more rows" not in page


def test_htmx_swaps_the_requirements_and_the_questions_of_the_new_document(app, clerk):
    response = clerk.get(
        "/staff/new?document_type=AKM", headers=htmx_headers("document-type-details")
    )
    html = response.text
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]
    assert "What to prepare for Death Certificate" in html
    oob = re.search(r'<div id="document-questions"[^>]*hx-swap-oob="true"', html)
    assert oob, html
    assert {"deceased_name", "deceased_nik", "death_date-day"} <= names_in(html)
    # The whole page has the same section, which the swap replaces.
    page = clerk.get("/staff/new?document_type=AKM").text
    assert '<div id="document-questions" class="document-questions">' in page


@pytest.mark.parametrize("lang", ["en", "id"])
def test_the_documents_questions_are_checked_in_the_same_error_summary(
    app, clerk, lang
):
    data = intake(**{**BIRTH, "child_name": "", "mother_name": ""})
    data["child_birth_date-year"] = "2099"
    data["nik"] = "1234"
    response = clerk.post(f"/staff/new?lang={lang}", data=data)
    html = response.text
    assert response.status_code == 422
    start = html.index('class="error-summary"')
    summary = html[start : html.index("</ul>", start)]
    title = {"en": "There is a problem", "id": "Ada yang perlu diperbaiki"}[lang]
    assert title in summary
    # In page order: the document's questions, then the applicant's.
    links = re.findall(r'<a href="#([\w-]+)">', summary)
    assert links == ["child_name", "child_birth_date", "mother_name", "nik"]
    if lang == "en":
        for message in (
            "Enter the child(&#39;|')s full name\\.",
            "The date cannot be in the future\\.",
            "Enter the mother(&#39;|')s full name\\.",
        ):
            assert re.search(message, summary), message
    assert Submission.select().count() == 0


def test_a_birth_certificate_recorded_at_the_counter_keeps_its_answers(app, clerk):
    response = clerk.post("/staff/new", data=intake(**BIRTH))
    assert response.status_code == 303, response.text
    submission = Submission.get()
    answers = request_details.read(submission.id)
    assert answers["child_name"] == "Aisyah Putri Ramadhani"
    assert answers["child_birth_date"].isoformat() == "2025-02-14"
    assert answers["birth_order"] == 2
    assert answers["mother_name"] == "Nurhayati"
    roles = {p.role for p in RequestPerson.select()}
    assert roles == {"child", "mother", "father"}
    # The page after recording shows them, to read back to the resident.
    done = clerk.get(response.headers["Location"]).text
    start = done.index('aria-labelledby="answers-heading"')
    assert "Aisyah Putri Ramadhani" in done[start:]
    assert "February 14, 2025" in done[start:]


def test_a_relocation_letter_recorded_for_a_family_stores_everyone_moving(app, clerk):
    family = [("Rahmat Hidayat", nik()), ("Yusnidar", nik()), ("Zaki Hidayat", nik())]
    rows = {}
    for position, (name, number) in enumerate(family, start=1):
        rows[f"member_{position}_name"] = name
        rows[f"member_{position}_nik"] = number
    refused = clerk.post("/staff/new", data=intake(**MOVE))
    assert refused.status_code == 422
    assert "Enter at least one person who moves." in refused.text
    response = clerk.post("/staff/new", data=intake(**MOVE, **rows))
    assert response.status_code == 303, response.text
    answers = request_details.read(Submission.get().id)
    assert answers["members"] == family
    assert answers["destination_regency"] == "Kota Pekanbaru"
