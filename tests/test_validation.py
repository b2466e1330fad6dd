"""Checks of what residents type: NIK, phone, name, village, note."""

import pytest

from kiosk.domain import validation
from kiosk.domain.validation import Invalid


@pytest.mark.parametrize(
    "nik",
    [
        "1303051203850001",  # man born 12 March 1985
        "1303055203850002",  # woman born 12 March 1985 (day + 40)
        "3174092902000003",  # 29 February (leap year 2000)
        "9471017112990004",  # woman born 31 December, Papua
        "1303 0512 0385 0001",  # spaces as on the card
    ],
)
def test_plausible_niks_are_accepted(nik):
    assert validation.nik(nik) == nik.replace(" ", "")


@pytest.mark.parametrize(
    ("nik", "code"),
    [
        ("", "nik_missing"),
        ("130305120385000", "nik_length"),
        ("13030512038500011", "nik_length"),
        ("13030512O3850001", "nik_length"),
        ("１３０３０５１２０３８５０００１", "nik_length"),  # full-width digits
        ("1003051203850001", "nik_area"),  # province 10
        ("9503051203850001", "nik_area"),  # province 95
        ("1300051203850001", "nik_area"),  # regency 00
        ("1303050003850001", "nik_birth_date"),  # day 00
        ("1303053203850001", "nik_birth_date"),  # day 32
        ("1303057203850001", "nik_birth_date"),  # day 72 (women's 32)
        ("1303051213850001", "nik_birth_date"),  # month 13
        ("1303053002850001", "nik_birth_date"),  # 30 February
        ("1303051203850000", "nik_serial"),
    ],
)
def test_implausible_niks_are_refused_with_a_reason(nik, code):
    with pytest.raises(Invalid) as error:
        validation.nik(nik)
    assert error.value.code == code


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("081234567890", "+6281234567890"),
        ("0812-3456-7890", "+6281234567890"),
        ("+62 812 3456 7890", "+6281234567890"),
        ("62812 3456 789", "+628123456789"),
        ("(0754) 20000", "+6275420000"),
        ("", ""),
    ],
)
def test_indonesian_phone_numbers_are_normalised(typed, normalised):
    assert validation.phone(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "12345",
        "+1 202 555 0100",
        "0812",
        "08123456789012345",
        "0800000",
        "0062812345678",
        "08x2345678",
    ],
)
def test_other_phone_numbers_are_refused(typed):
    with pytest.raises(Invalid):
        validation.phone(typed)


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("Siti  Rahma", "Siti Rahma"),
        ("  M. Yusuf ", "M. Yusuf"),
        ("Nur'aini Putri-Lestari", "Nur'aini Putri-Lestari"),
        ("Ngurah Ayu Ṡ", "Ngurah Ayu Ṡ"),
        (
            "Siti\u200b Rahma\u202e",
            "Siti Rahma",
        ),  # zero width space, direction override
        ("\ufeffSiti\tRahma", "Siti Rahma"),
    ],
)
def test_names_are_tidied(typed, cleaned):
    assert validation.name(typed) == cleaned


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "name_missing"),
        ("   ", "name_missing"),
        ("A" * 101, "name_too_long"),
        ("<script>alert(1)</script>", "name_characters"),
        ("Budi 2", "name_characters"),
        ("...", "name_characters"),
        ("\u200b\u200d", "name_missing"),
    ],
)
def test_bad_names_are_refused(typed, code):
    with pytest.raises(Invalid) as error:
        validation.name(typed)
    assert error.value.code == code


def test_a_name_of_exactly_100_letters_is_accepted():
    assert validation.name("A" * 100) == "A" * 100


def test_note_limits_length_and_control_characters():
    assert validation.note(" Ganti KK \n baru ") == "Ganti KK \n baru"
    with pytest.raises(Invalid):
        validation.note("x" * 501)
    with pytest.raises(Invalid):
        validation.note("bad\x07bell")


def test_nagari_is_required_and_short():
    assert validation.nagari(" Padang  Laweh ") == "Padang Laweh"
    with pytest.raises(Invalid):
        validation.nagari("")
    with pytest.raises(Invalid):
        validation.nagari("N" * 61)
