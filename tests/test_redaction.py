"""What the purge leaves of a clerk's note: its sense, without the resident."""

import pytest

from kiosk.domain.redaction import REDACTED, redact

NAME = "Siti Aminah binti Ramli"


@pytest.mark.parametrize(
    ("note", "kept"),
    [
        ("Berkas tidak lengkap", "Berkas tidak lengkap"),
        ("Ibu SITI AMINAH diminta datang", f"Ibu {REDACTED} {REDACTED} diminta datang"),
        ("NIK 1303 0512 0385 0417 salah", f"NIK {REDACTED} salah"),
        (
            "Hubungi 0812-6677-8899 / +62 812 6677 8899",
            f"Hubungi {REDACTED} / {REDACTED}",
        ),
        ("KK 1303051203850001.", f"KK {REDACTED}."),
        # Dates, times, amounts and short numbers stay: they name nobody.
        (
            "Datang 12-05-2026 jam 10.30, loket 3",
            "Datang 12-05-2026 jam 10.30, loket 3",
        ),
        # A word that only contains a part of the name stays.
        ("Sitiawan, Aminahku", "Sitiawan, Aminahku"),
        ("", ""),
    ],
)
def test_a_note_keeps_its_sense_without_the_resident(note, kept):
    assert redact(note, NAME) == kept


def test_without_a_name_only_long_numbers_go():
    assert redact("Pak Ramli, 081266778899", "") == f"Pak Ramli, {REDACTED}"
