"""Each document's own questions at the kiosk over HTTP: one screen each,
conditions, the people moving one per screen, dates refused, the answers
stored, and the receipt's biometric recording notice."""

import pytest

from kiosk.data.models import KioskDevice, Submission
from kiosk.services import request_details
from tests.support.factories import form_data
from tests.support.kiosk import answer, hidden_fields

APPLICANT = form_data()
MEMBER_NIKS = ("1303014506780002", "1303011203850417")


@pytest.fixture
def kiosk_client(client, app):
    with app.app_context():
        KioskDevice.create(name="Lobby kiosk", token="lobby-token")
    client.get("/kiosk?k=lobby-token&lang=en", follow_redirects=True)
    return client


def screen_of(response):
    return hidden_fields(response.text)["step"]


def start(client, document):
    """The first screen of a document's own questions."""
    first = client.get("/kiosk/apply")
    requirements = answer(client, first.text, document_type=document)
    assert screen_of(requirements) == "requirements"
    return answer(client, requirements.text)


def walk(client, response, answers):
    """Answer each screen from `answers` (step: fields) until a screen that
    has none; returns (the screens seen, the last response)."""
    seen = []
    while screen_of(response) in answers:
        step = screen_of(response)
        seen.append(step)
        response = answer(client, response.text, **answers[step])
        assert response.status_code == 200, (step, response.text)
    return seen, response


APPLICANT_SCREENS = {
    name: {name: APPLICANT[name]}
    for name in ("applicant_name", "nik", "phone", "kecamatan", "nagari", "note")
}


def send(client, check):
    response = answer(client, check.text, consent="y")
    assert response.status_code == 303, response.text
    return response.headers["Location"]


def stored(app):
    with app.app_context():
        submission = Submission.select().get()
        return submission, request_details.read(submission.id)


def test_a_family_card_for_someone_else_asks_the_head_of_the_family(app, kiosk_client):
    response = start(kiosk_client, "KK")
    assert screen_of(response) == "kk_reason"
    assert "Step 3 of 11" in response.text  # head of the family's screens not yet
    assert 'name="kk_reason" value="split"' in response.text
    seen, response = walk(
        kiosk_client,
        response,
        {
            "kk_reason": {"kk_reason": "split"},
            "head_is_applicant": {"head_is_applicant": "no"},
            "head_name": {"head_name": "Rahmat Hidayat"},
            "head_nik": {"head_nik": "1303051203850417"},
            **APPLICANT_SCREENS,
        },
    )
    assert seen[:4] == ["kk_reason", "head_is_applicant", "head_name", "head_nik"]
    assert screen_of(response) == "check" and "Step 13 of 13" in response.text
    assert "Rahmat Hidayat" in response.text
    send(kiosk_client, response)
    _, answers = stored(app)
    assert answers == {
        "kk_reason": "split",
        "head_is_applicant": "no",
        "head_name": "Rahmat Hidayat",
        "head_nik": "1303051203850417",
    }


def test_the_head_of_the_family_is_not_asked_for_their_own_name_again(
    app, kiosk_client
):
    response = start(kiosk_client, "KK")
    answers = {
        "kk_reason": {"kk_reason": "lost"},
        "head_is_applicant": {"head_is_applicant": "yes"},
        **APPLICANT_SCREENS,
    }
    seen, check = walk(kiosk_client, response, answers)
    assert "head_name" not in seen and screen_of(check) == "check"
    assert (
        "head_name" not in hidden_fields(check.text)
        or not (hidden_fields(check.text)["head_name"])
    )
    # Changed to "no" on the check screen: the name and NIK are asked, then
    # straight back to check.
    head = answer(kiosk_client, check.text, change="head_is_applicant")
    name = answer(kiosk_client, head.text, head_is_applicant="no")
    assert screen_of(name) == "head_name"
    nik = answer(kiosk_client, name.text, head_name="Rahmat Hidayat")
    assert screen_of(nik) == "head_nik"
    back = answer(kiosk_client, nik.text, head_nik="1303051203850417")
    assert screen_of(back) == "check"
    send(kiosk_client, back)
    _, stored_answers = stored(app)
    assert stored_answers["head_name"] == "Rahmat Hidayat"


def test_a_relocation_letter_asks_one_person_a_screen(app, kiosk_client):
    response = start(kiosk_client, "PINDAH")
    seen, response = walk(
        kiosk_client,
        response,
        {
            "destination_province": {"destination_province": "Riau"},
            "destination_regency": {"destination_regency": "Kota Pekanbaru"},
            "destination_district": {"destination_district": "Tampan"},
            "destination_address": {"destination_address": "Jl. Garuda Sakti 12"},
            "move_reason": {"move_reason": "work"},
        },
    )
    assert screen_of(response) == "member_1"
    assert "Person 1" in response.text and "People added so far" not in response.text
    # Nobody typed: nobody to add, and at least one person must move.
    empty = answer(kiosk_client, response.text, action="add")
    assert empty.status_code == 422 and screen_of(empty) == "member_1"
    none = answer(kiosk_client, response.text)
    assert none.status_code == 422 and "Enter at least one person" in none.text
    second = answer(
        kiosk_client,
        response.text,
        member_1_name="Siti Rahma",
        member_1_nik=MEMBER_NIKS[0],
        action="add",
    )
    assert screen_of(second) == "member_2" and "Person 2" in second.text
    assert "People added so far" in second.text and "Siti Rahma" in second.text
    # The same person twice is refused on the second person's screen.
    twice = answer(
        kiosk_client,
        second.text,
        member_2_name="Siti Rahma",
        member_2_nik=MEMBER_NIKS[0],
    )
    assert twice.status_code == 422 and screen_of(twice) == "member_2"
    assert "This NIK is already in the list." in twice.text
    applicant = answer(
        kiosk_client,
        twice.text,
        member_2_name="Rahmat Hidayat",
        member_2_nik=MEMBER_NIKS[1],
    )
    assert screen_of(applicant) == "applicant_name"
    # One screen per person counted: 2 + 5 + 2 people + 6 + check.
    assert "Step 10 of 16" in applicant.text
    _, check = walk(kiosk_client, applicant, APPLICANT_SCREENS)
    assert screen_of(check) == "check"
    assert "Rahmat Hidayat" in check.text and "1303 0112 0385 0417" in check.text
    send(kiosk_client, check)
    _, answers = stored(app)
    assert answers["members"] == [
        ("Siti Rahma", MEMBER_NIKS[0]),
        ("Rahmat Hidayat", MEMBER_NIKS[1]),
    ]
    assert answers["destination_regency"] == "Kota Pekanbaru"


def test_a_person_cleared_from_the_list_leaves_no_gap(app, kiosk_client):
    response = start(kiosk_client, "PINDAH")
    data = hidden_fields(response.text)
    data.update(
        destination_province="Riau",
        destination_regency="Kota Pekanbaru",
        destination_district="Tampan",
        destination_address="Jl. Garuda Sakti 12",
        move_reason="work",
        member_1_name="Siti Rahma",
        member_1_nik=MEMBER_NIKS[0],
        member_2_name="Rahmat Hidayat",
        member_2_nik=MEMBER_NIKS[1],
        **{name: APPLICANT[name] for name in APPLICANT_SCREENS},
        step="note",
    )
    check = kiosk_client.post("/kiosk/apply", data=data)
    assert screen_of(check) == "check"
    first = answer(kiosk_client, check.text, change="members")
    assert screen_of(first) == "member_1"
    assert "Rahmat Hidayat" in first.text  # the other person, listed
    back = answer(kiosk_client, first.text, member_1_name="", member_1_nik="")
    assert screen_of(back) == "check"
    assert hidden_fields(back.text)["member_1_name"] == "Rahmat Hidayat"
    assert hidden_fields(back.text)["member_2_name"] == ""
    send(kiosk_client, back)
    _, answers = stored(app)
    assert answers["members"] == [("Rahmat Hidayat", MEMBER_NIKS[1])]


@pytest.mark.parametrize(
    "parts, message",
    [
        (("1", "1", "2999"), "The date cannot be in the future."),
        (("31", "2", "2024"), "Enter a real date"),
        (("1", "1", "1800"), "The date must be after"),
        (("", "", ""), "Enter the date of death."),
    ],
)
def test_a_date_of_death_is_checked_on_its_own_screen(kiosk_client, parts, message):
    response = start(kiosk_client, "AKM")
    _, response = walk(
        kiosk_client,
        response,
        {
            "deceased_name": {"deceased_name": "Ahmad Dahlan"},
            "deceased_nik": {"deceased_nik": "1303010101500003"},
        },
    )
    assert screen_of(response) == "death_date"
    assert 'data-keyboard-for="death_date death_date-month death_date-year"' in (
        response.text
    )
    day, month, year = parts
    wrong = answer(
        kiosk_client,
        response.text,
        **{"death_date-day": day, "death_date-month": month, "death_date-year": year},
    )
    assert wrong.status_code == 422 and screen_of(wrong) == "death_date"
    assert message in wrong.text
    # What was typed stays in the boxes, to be corrected.
    assert 'id="death_date-year"' in wrong.text and f'value="{year}"' in wrong.text
    right = answer(
        kiosk_client,
        wrong.text,
        **{"death_date-day": "9", "death_date-month": "3", "death_date-year": "2024"},
    )
    assert screen_of(right) == "death_place"
    # The date goes on as one value.
    assert hidden_fields(right.text)["death_date"] == "2024-03-09"


def test_a_child_of_17_gets_no_kia(kiosk_client):
    response = start(kiosk_client, "KIA")
    _, response = walk(
        kiosk_client,
        response,
        {"child_name": {"child_name": "Nur Aini"}, "child_nik": {"child_nik": ""}},
    )
    assert screen_of(response) == "child_birth_date"
    wrong = answer(
        kiosk_client,
        response.text,
        **{
            "child_birth_date-day": "1",
            "child_birth_date-month": "1",
            "child_birth_date-year": "2000",
        },
    )
    assert wrong.status_code == 422
    assert "A KIA is for children under 17." in wrong.text


def test_a_birth_order_and_a_name_are_checked(kiosk_client):
    response = start(kiosk_client, "AKL")
    assert screen_of(response) == "child_name"
    assert 'data-keyboard="letters"' in response.text
    wrong = answer(kiosk_client, response.text, child_name="R2-D2")
    assert wrong.status_code == 422 and "The name can only contain" in wrong.text
    _, order = walk(
        kiosk_client,
        wrong,
        {
            "child_name": {"child_name": "Nur Aini"},
            "child_sex": {"child_sex": "female"},
            "child_birth_date": {
                "child_birth_date-day": "3",
                "child_birth_date-month": "2",
                "child_birth_date-year": "2025",
            },
            "child_birth_place": {"child_birth_place": "Muaro Sijunjung"},
        },
    )
    assert screen_of(order) == "birth_order"
    assert 'data-keyboard-for="birth_order"' in order.text
    assert 'inputmode="numeric"' in order.text
    wrong = answer(kiosk_client, order.text, birth_order="0")
    assert wrong.status_code == 422 and "Enter a number from 1 to 20." in wrong.text


def _apply_for_ktp(client, recorded):
    response = start(client, "KTP")
    _, check = walk(
        client,
        response,
        {
            "ktp_reason": {"ktp_reason": "first"},
            "ktp_recorded": {"ktp_recorded": recorded},
            **APPLICANT_SCREENS,
        },
    )
    assert screen_of(check) == "check"
    return send(client, check)


NOTICE = "Come to the office for the biometric recording"


def test_the_receipt_tells_a_resident_not_yet_recorded_to_come(app, kiosk_client):
    receipt_url = _apply_for_ktp(kiosk_client, "no")
    _, answers = stored(app)
    assert answers["ktp_recorded"] == "no"
    kiosk_receipt = kiosk_client.get(receipt_url)
    assert NOTICE in kiosk_receipt.text
    assert "perekaman" in kiosk_receipt.text
    number = receipt_url.split("/")[3].split("?")[0]
    web_receipt = kiosk_client.get(f"/t/{number}/receipt?lang=en")
    assert web_receipt.status_code == 200
    assert NOTICE in web_receipt.text


def test_a_resident_already_recorded_gets_no_notice(app, kiosk_client):
    receipt_url = _apply_for_ktp(kiosk_client, "yes")
    assert NOTICE not in kiosk_client.get(receipt_url).text
    number = receipt_url.split("/")[3].split("?")[0]
    assert NOTICE not in kiosk_client.get(f"/t/{number}/receipt?lang=en").text
