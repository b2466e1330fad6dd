"""Each document's own questions on the web: pages in order, checks in both
languages, check-your-answers with Change links, storage, Back after sending."""

import datetime as dt
import html
import re

import pytest

from kiosk.data.models import RequestAnswer, RequestPerson, Submission
from kiosk.services import request_details
from tests.support.factories import form_data

APPLICANT = {
    "applicant": {"applicant_name": "Siti Rahma", "nik": "1303054507900001"},
    "contact": {"phone": "0812 3456 7890"},
    "address": {"kecamatan": "Kupitan", "nagari": "Padang Laweh"},
    "extra": {"note": "", "language": "id"},
}

# For each document: its pages in order with valid answers, and what is stored.
DOCUMENTS = {
    "KK": (
        {
            "kk_reason": {"kk_reason": "split"},
            "kk_head": {
                "head_is_applicant": "no",
                "head_name": "Ahmad Yusuf",
                "head_nik": "1303051203850417",
            },
        },
        {
            "kk_reason": "split",
            "head_is_applicant": "no",
            "head_name": "Ahmad Yusuf",
            "head_nik": "1303051203850417",
        },
    ),
    "KTP": (
        {
            "ktp_reason": {"ktp_reason": "first"},
            "ktp_recording": {"ktp_recorded": "no"},
        },
        {"ktp_reason": "first", "ktp_recorded": "no"},
    ),
    "KIA": (
        {
            "kia_child": {
                "child_name": "Rina Putri",
                "child_nik": "",
                "child_birth_date-day": "9",
                "child_birth_date-month": "4",
                "child_birth_date-year": "2019",
            },
            "kia_parent": {"parent_relation": "mother"},
        },
        {
            "child_name": "Rina Putri",
            "child_birth_date": dt.date(2019, 4, 9),
            "parent_relation": "mother",
        },
    ),
    "AKL": (
        {
            "birth_child": {
                "child_name": "Budi Santoso",
                "child_sex": "male",
                "child_birth_date-day": "3",
                "child_birth_date-month": "11",
                "child_birth_date-year": "2026",
                "child_birth_place": "Muaro Sijunjung",
                "birth_order": "2",
            },
            "birth_parents": {
                "mother_name": "Siti Rahma",
                "father_name": "Ahmad Yusuf",
            },
        },
        {
            "child_name": "Budi Santoso",
            "child_sex": "male",
            "child_birth_date": dt.date(2026, 11, 3),
            "child_birth_place": "Muaro Sijunjung",
            "birth_order": 2,
            "mother_name": "Siti Rahma",
            "father_name": "Ahmad Yusuf",
        },
    ),
    "AKM": (
        {
            "death": {
                "deceased_name": "Yusuf Malin",
                "deceased_nik": "1303051203450417",
                "death_date-day": "1",
                "death_date-month": "12",
                "death_date-year": "2026",
                "death_place": "RSUD Sijunjung",
            },
            "death_reporter": {"reporter_relation": "child"},
        },
        {
            "deceased_name": "Yusuf Malin",
            "deceased_nik": "1303051203450417",
            "death_date": dt.date(2026, 12, 1),
            "death_place": "RSUD Sijunjung",
            "reporter_relation": "child",
        },
    ),
    "PINDAH": (
        {
            "move_destination": {
                "destination_province": "Riau",
                "destination_regency": "Kota Pekanbaru",
                "destination_district": "Sail",
                "destination_address": "Jl. Sudirman No. 10, RT 02/RW 03",
            },
            "move_reason": {"move_reason": "work"},
            "move_members": {
                "member_1_name": "Siti Rahma",
                "member_1_nik": "1303054507900001",
                "member_2_name": "Rina Putri",
                "member_2_nik": "1303054904190002",
            },
        },
        {
            "destination_province": "Riau",
            "destination_regency": "Kota Pekanbaru",
            "destination_district": "Sail",
            "destination_address": "Jl. Sudirman No. 10, RT 02/RW 03",
            "move_reason": "work",
            "members": [
                ("Siti Rahma", "1303054507900001"),
                ("Rina Putri", "1303054904190002"),
            ],
        },
    ),
}


@pytest.fixture
def today(app, monkeypatch):
    """The office's date, fixed so that the dates asked are in the past."""
    from kiosk.web import forms

    day = dt.date(2026, 12, 5)
    monkeypatch.setattr(forms.apply, "office_today", lambda: day)
    return day


def _walk(client, code, pages, lang="en"):
    """Answer every page in order, following each redirect; returns the
    address the last answer led to."""
    response = client.post(f"/apply?lang={lang}", data={"document_type": code})
    assert response.status_code == 303, response.text
    for page, answers in [*pages.items(), *APPLICANT.items()]:
        assert response.headers["Location"] == f"/apply/{page}", page
        shown = client.get(response.headers["Location"])
        assert shown.status_code == 200
        response = client.post(f"/apply/{page}?lang={lang}", data=answers)
        assert response.status_code == 303, (page, response.text[-3000:])
    return response.headers["Location"]


@pytest.mark.parametrize("code", list(DOCUMENTS))
def test_each_document_asks_its_questions_and_stores_the_answers(client, today, code):
    pages, stored = DOCUMENTS[code]
    assert _walk(client, code, pages) == "/apply/check"
    check = client.get("/apply/check?lang=en")
    assert check.status_code == 200
    for name, value in stored.items():
        if name == "members":
            for person, _ in value:
                assert person in check.text
        elif isinstance(value, str) and value.isalpha() and value.islower():
            continue  # a choice: shown in words
        elif isinstance(value, dt.date):
            assert value.strftime("%B %-d, %Y") in check.text, name
        elif name.endswith("_nik"):  # in groups of four, as on the card
            assert " ".join(re.findall("....", value)) in check.text, name
        else:
            assert str(value) in check.text, name
    sent = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    assert sent.status_code == 303
    submission = Submission.get()
    assert request_details.read(submission.id) == stored


def test_the_check_page_has_a_change_link_for_every_answer(client, today):
    pages, _ = DOCUMENTS["AKL"]
    _walk(client, "AKL", pages)
    page = client.get("/apply/check?lang=en").text
    rows = re.findall(r'<div class="summary-row">(.*?)</div>', page, re.S)
    links = [re.search(r'href="([^"]+)"', row).group(1) for row in rows]
    assert len(rows) == 1 + 7 + 7  # the document, its 7 answers, the applicant's
    assert "/apply/birth_child?change=1#child_birth_date" in links
    assert "/apply/birth_parents?change=1#father_name" in links
    # A change goes straight back to the check page.
    response = client.post(
        "/apply/birth_parents?lang=en&change=1",
        data={"mother_name": "Siti Rahma", "father_name": ""},
    )
    assert response.headers["Location"] == "/apply/check"
    assert "Not given" in client.get("/apply/check?lang=en").text


def test_changing_the_document_asks_the_new_documents_questions(client, today):
    pages, _ = DOCUMENTS["KK"]
    _walk(client, "KK", pages)
    response = client.post("/apply?change=1", data={"document_type": "AKM"})
    assert response.headers["Location"] == "/apply/death?change=1"
    response = client.post("/apply/death?change=1", data=DOCUMENTS["AKM"][0]["death"])
    assert response.headers["Location"] == "/apply/death_reporter?change=1"
    response = client.post(
        "/apply/death_reporter?change=1", data={"reporter_relation": "spouse"}
    )
    assert response.headers["Location"] == "/apply/check"
    client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    answers = request_details.read(Submission.get().id)
    assert answers["reporter_relation"] == "spouse"
    assert "kk_reason" not in answers  # the family card's answers went with it


def test_a_page_of_another_document_or_before_choosing_goes_to_the_start(client):
    assert client.get("/apply/death").headers["Location"] == "/apply"
    client.post("/apply", data={"document_type": "KK"})
    assert client.get("/apply/death").headers["Location"] == "/apply"
    assert client.get("/apply/nonsense").headers["Location"] == "/apply"
    assert client.get("/apply/kk_reason").status_code == 200


def test_the_check_page_sends_a_resident_to_the_first_unanswered_page(client):
    client.post("/apply", data={"document_type": "AKL"})
    assert client.get("/apply/check").headers["Location"] == "/apply/birth_child"


# (document, page, answers, field, English message, Indonesian message)
REFUSALS = [
    (
        "AKL",
        "birth_child",
        {"child_birth_date-day": "6", "child_birth_date-month": "12"},
        "child_birth_date",
        "The date cannot be in the future.",
        "Tanggal tidak boleh melewati hari ini.",
    ),
    (
        "AKL",
        "birth_child",
        {"child_birth_date-year": "1890"},
        "child_birth_date",
        "The date must be after December 5, 1906.",
        "Tanggal harus setelah 5 Desember 1906.",
    ),
    (
        "AKL",
        "birth_child",
        {"child_birth_date-day": "31", "child_birth_date-month": "2"},
        "child_birth_date",
        "Enter a real date",
        "Masukkan tanggal yang benar",
    ),
    (
        "AKL",
        "birth_child",
        {"child_sex": ""},
        "child_sex",
        "Choose the child's sex.",
        "Pilih jenis kelamin anak.",
    ),
    (
        "AKL",
        "birth_child",
        {"birth_order": "0"},
        "birth_order",
        "Enter a number from 1 to 20.",
        "Masukkan angka 1 sampai 20.",
    ),
    (
        "KIA",
        "kia_child",
        {"child_birth_date-year": "2008"},
        "child_birth_date",
        "A KIA is for children under 17.",
        "KIA untuk anak di bawah 17 tahun.",
    ),
    (
        "AKM",
        "death",
        {"deceased_nik": "1234"},
        "deceased_nik",
        "The NIK must be exactly 16 digits.",
        "NIK harus tepat 16 angka.",
    ),
    (
        "KK",
        "kk_head",
        {"head_name": ""},
        "head_name",
        "Enter the full name of the head of the family.",
        "Masukkan nama lengkap kepala keluarga.",
    ),
    (
        "PINDAH",
        "move_members",
        {
            "member_1_name": "",
            "member_1_nik": "",
            "member_2_name": "",
            "member_2_nik": "",
        },
        "member_1_name",
        "Enter at least one person who moves.",
        "Masukkan sedikitnya satu orang yang pindah.",
    ),
    (
        "PINDAH",
        "move_members",
        {"member_2_nik": "1303054507900001"},
        "member_2_nik",
        "This NIK is already in the list.",
        "NIK ini sudah ada dalam daftar.",
    ),
    (
        "PINDAH",
        "move_destination",
        {"destination_address": "x" * 201},
        "destination_address",
        "The answer must be 200 characters or fewer.",
        "Jawaban paling banyak 200 karakter.",
    ),
]


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize(
    "code, page, changes, field, english, indonesian",
    REFUSALS,
    ids=[f"{r[0]}-{r[3]}-{i}" for i, r in enumerate(REFUSALS)],
)
def test_wrong_answers_are_refused_with_a_clear_message(
    client, today, lang, code, page, changes, field, english, indonesian
):
    client.post("/apply", data={"document_type": code})
    answers = {**DOCUMENTS[code][0][page], **changes}
    response = client.post(f"/apply/{page}?lang={lang}", data=answers)
    assert response.status_code == 422
    assert (english if lang == "en" else indonesian) in html.unescape(response.text)
    summary = response.text.split('id="error-summary"')[1].split("</div>")[0]
    assert f'href="#{field}"' in summary
    assert f'id="{field}"' in response.text  # the link lands on the field
    assert RequestAnswer.select().count() == RequestPerson.select().count() == 0


def test_every_question_has_indonesian_words(client, today):
    for code, (pages, _) in DOCUMENTS.items():
        client.post("/apply?lang=id", data={"document_type": code})
        for page in pages:
            text = client.get(f"/apply/{page}?lang=id").text
            for english in ("Full name", "Date of", "Which ", "Why ", "Your relation"):
                assert english not in text, (code, page, english)


def test_a_request_without_the_questions_still_sends(client):
    """A document the admin added asks only the applicant's details."""
    from kiosk.data.models import DocumentType

    DocumentType.create(code="SKT", name_id="Surat Keterangan", name_en="Letter")
    response = client.post(
        "/apply/check", data=form_data(document_type="SKT", step="confirm")
    )
    assert response.status_code == 303
    assert request_details.read(Submission.get().id) == {}


def test_back_to_the_check_page_after_sending_shows_the_receipt(client, today):
    pages, _ = DOCUMENTS["KTP"]
    _walk(client, "KTP", pages)
    sent = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    receipt = sent.headers["Location"]
    back = client.get("/apply/check")
    assert back.status_code == 303
    assert back.headers["Location"] == receipt.replace("?new=1", "")
    # The same send again (a replayed POST) stores nothing more.
    again = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    assert again.status_code in (303, 422)
    assert Submission.select().count() == 1
    # A new application starts empty.
    assert (
        "checked" not in client.get("/apply").text.split('name="document_type"')[1][:80]
    )


def test_answers_sent_twice_from_one_session_store_one_request(app, today):
    """A double tap on Send: both posts carry the same session's answers."""
    client = app.test_client()
    pages, _ = DOCUMENTS["AKM"]
    _walk(client, "AKM", pages)
    cookie = client.get_cookie("session").value
    first = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    client.set_cookie("session", cookie)  # the second tap left before the answer
    second = client.post("/apply/check", data={"step": "confirm", "consent": "y"})
    assert first.headers["Location"] == second.headers["Location"]
    assert Submission.select().count() == 1


def test_the_longest_answers_fit_in_the_session_cookie(client, today):
    """Browsers drop a cookie over 4,096 bytes: the answers would be lost."""
    import random

    from kiosk.domain import questions, validation

    # Text that does not compress: the cookie is compressed before it is signed.
    letters = random.Random(7)

    def text(length, alphabet="abcdefghijklmnopqrstuvwxyz"):
        return "".join(letters.choice(alphabet) for _ in range(length)).title()

    name = text(validation.NAME_MAX)
    client.post("/apply", data={"document_type": "PINDAH"})
    longest = {
        "destination_province": text(questions.PLACE_MAX),
        "destination_regency": text(questions.PLACE_MAX),
        "destination_district": text(questions.PLACE_MAX),
        "destination_address": text(questions.ADDRESS_MAX),
    }
    assert client.post("/apply/move_destination", data=longest).status_code == 303
    client.post("/apply/move_reason", data={"move_reason": "education"})
    members = {}
    for position in range(1, questions.MEMBERS_MAX + 1):
        name_field, nik_field = questions.member_fields(position)
        members[name_field] = text(validation.NAME_MAX)
        members[nik_field] = f"130305450790{position:04d}"
    assert client.post("/apply/move_members", data=members).status_code == 303
    answers = form_data(
        applicant_name=name,
        nagari=text(validation.NAGARI_MAX),
        note=text(validation.RESIDENT_NOTE_MAX),
    )
    for page, fields in APPLICANT.items():
        data = {field: answers[field] for field in fields}
        assert client.post(f"/apply/{page}", data=data).status_code == 303, page
    cookie = client.get_cookie("session")
    assert len(cookie.key) + len(cookie.value) < 4000  # 2,242 when written
    assert client.get("/apply/check").status_code == 200


@pytest.mark.parametrize("lang", ["en", "id"])
@pytest.mark.parametrize("code", list(DOCUMENTS))
def test_a_page_shown_with_its_own_fields_is_the_page_the_whole_form_shows(
    client, today, monkeypatch, code, lang
):
    """GET binds only the page's fields (ApplicationForm.with_only); every
    page of every document, answered, reads exactly as with the whole form."""
    from kiosk.web.forms.apply import ApplicationForm

    pages = DOCUMENTS[code][0]
    _walk(client, code, pages, lang)
    addresses = ["/apply", *(f"/apply/{page}" for page in [*pages, *APPLICANT])]
    with client.session_transaction() as session:
        kept = dict(session["apply"])
    shown, bound = {}, []
    only = ApplicationForm.with_only.__func__

    def recorded(cls, names):
        bound.append(names)
        return only(cls, names)

    monkeypatch.setattr(ApplicationForm, "with_only", classmethod(recorded))
    for whole in (False, True):
        if whole:
            assert len(bound) == len(addresses)  # each page bound its own

            monkeypatch.setattr(
                ApplicationForm, "with_only", classmethod(lambda cls, names: cls)
            )
        for address in addresses:
            with client.session_transaction() as session:
                session["apply"] = kept  # each page from the same answers
            page = client.get(address)
            assert page.status_code == 200, address
            shown.setdefault(address, []).append(page.text)
    token = re.compile(r'"X-CSRFToken": "[^"]*"')  # signed with the second
    for address, (part, whole) in shown.items():
        assert token.sub("", part) == token.sub("", whole), address


@pytest.mark.parametrize("code", list(DOCUMENTS))
def test_answers_checked_with_their_documents_fields_as_with_the_whole_form(
    client, today, monkeypatch, code
):
    """A POST binds only the chosen document's fields (for_document): the
    page with the mistakes, and the request stored, are as with every field."""
    from kiosk.web.forms.apply import ApplicationForm

    pages, stored = DOCUMENTS[code]
    answers = {"document_type": code, "consent": "y", "step": "confirm"}
    for page_answers in [*pages.values(), *APPLICANT.values()]:
        answers.update(page_answers)
    wrong = dict(answers, nik="1234", applicant_name="")
    token = re.compile(r'"X-CSRFToken": "[^"]*"')
    refused = []
    for whole in (False, True):
        if whole:
            monkeypatch.setattr(
                ApplicationForm, "for_document", classmethod(lambda cls, code: cls)
            )
        page = client.post("/apply/check?lang=en", data=wrong)
        assert page.status_code == 422
        refused.append(token.sub("", page.text))
        sent = client.post("/apply/check", data=dict(answers, form_token=str(whole)))
        assert sent.status_code == 303, sent.text[-2000:]
        number = sent.headers["Location"].split("/t/")[1].split("/")[0]
        assert request_details.read(Submission.by_number(number).id) == stored
    assert refused[0] == refused[1]
