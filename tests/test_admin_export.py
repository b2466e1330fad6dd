"""Admin: CSV export of the filtered queue, safe for spreadsheet programs."""

import csv
import datetime as dt
import io
import re

import pytest

from kiosk.data.models import AdminEvent, CollectionBooking
from kiosk.web import csv_export
from tests.support.factories import collection_booking, make_submission
from tests.support.staff import (  # noqa: F401
    fast_passwords,
    many_submissions,
    staff_client,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


def read_csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())  # BOM: spreadsheets read UTF-8
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_has_a_bom_a_header_and_one_line_per_request(app, admin):
    first = make_submission(applicant_name="Siti Rahmawati", channel="sms")
    make_submission(applicant_name="Budi Santoso", channel="web")
    response = admin.get("/staff/admin/export.csv?channel=sms&personal=1")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:4] == ["Tracking number", "Received", "Document", "Applicant"]
    assert len(rows) == 2
    assert rows[1][0] == first.display_number
    assert rows[1][3] == "Siti Rahmawati"
    # As the console shows it: 16 bare digits would lose their last in a spreadsheet.
    assert rows[1][4] == " ".join(first.nik[i : i + 4] for i in range(0, 16, 4))
    assert rows[1][8] == "SMS"
    assert rows[1][9] == "Received"
    event = AdminEvent.get(AdminEvent.action == "queue.export")
    assert event.staff.username == "boss" and "sms" in event.details
    assert '"personal_data": true' in event.details


def test_export_leaves_out_nik_and_phone_unless_asked_and_records_which(app, admin):
    stored = make_submission(phone="+6281234567890")
    header, row = read_csv(admin.get("/staff/admin/export.csv?lang=en"))
    assert "NIK" not in header and "Phone" not in header
    text = ",".join(row)
    assert stored.nik[:4] not in text and "0812" not in text
    event = AdminEvent.get(AdminEvent.action == "queue.export")
    assert '"personal_data": false' in event.details
    page = admin.get("/staff/admin/audit?lang=en").get_data(as_text=True)
    assert "With NIK and phone numbers: No" in " ".join(page.split())


def test_the_audit_trail_keeps_the_kind_of_search_not_its_text(app, admin):
    for q in ("1303010101904321", "Siti Rahmawati"):
        assert (
            admin.get("/staff/admin/export.csv", query_string={"q": q}).status_code
            == 200
        )
    details = [
        e.details
        for e in AdminEvent.select().where(AdminEvent.action == "queue.export")
    ]
    assert len(details) == 2
    assert not any("1303010101904321" in d or "Siti" in d for d in details)
    assert any('"nik"' in d for d in details) and any('"name"' in d for d in details)


def test_the_audit_trail_reads_an_export_in_words(app, admin):
    admin.get("/staff/admin/export.csv", query_string={"q": "9" * 100, "overdue": "1"})
    page = admin.get("/staff/admin/audit?lang=id").get_data(as_text=True)
    assert "Cari: teks yang tidak dapat dicari" in " ".join(page.split())
    assert "Hanya permohonan yang terlambat: Ya" in " ".join(page.split())


def test_export_neutralises_cells_that_spreadsheets_would_run(app, admin):
    make_submission(
        applicant_name="Ana", nagari='=HYPERLINK("http://evil")', phone="+6281234567890"
    )
    rows = read_csv(admin.get("/staff/admin/export.csv?personal=1"))
    nagari = rows[1][7]
    assert nagari.startswith("'=")
    assert rows[1][5] == "0812-3456-7890"  # as residents write it: no mark needed


def _as_a_spreadsheet_reads(cell):
    """What a spreadsheet makes of a CSV cell: a formula, a number (15
    significant digits at most), or text."""
    if cell.startswith(("=", "+", "-", "@")):
        return "formula"
    if re.fullmatch(r"\d+(\.\d+)?", cell):
        return float(cell)
    return cell


def test_numbers_read_back_whole_and_without_marks(app, admin):
    stored = make_submission(nik="1303051203850417", phone="+6281234567890")
    header, row = read_csv(admin.get("/staff/admin/export.csv?lang=en&personal=1"))
    cells = dict(zip(header, row))
    read = {name: _as_a_spreadsheet_reads(cell) for name, cell in cells.items()}
    assert "formula" not in read.values()
    assert read["NIK"] == "1303 0512 0385 0417"
    assert read["NIK"].replace(" ", "") == stored.nik  # every digit, no apostrophe
    assert read["Phone"] == "0812-3456-7890"
    # The clerk can paste the exported NIK into the queue's search.
    queue = admin.get("/staff", query_string={"q": cells["NIK"]})
    assert stored.display_number in queue.get_data(as_text=True)


def test_export_gives_the_date_of_each_step(app, admin):
    done = make_submission(status="completed")
    refused = make_submission(status="rejected")
    waiting = make_submission()
    handed = collection_booking()
    handed_at = dt.datetime(2026, 6, 2, 18, 0)  # 3 June, 01:00 at the office
    CollectionBooking.update(handled_at=handed_at, state="collected").where(
        CollectionBooking.id == handed.id
    ).execute()
    rows = read_csv(admin.get("/staff/admin/export.csv?lang=en"))
    header = rows[0]
    assert header[1] == "Received"
    assert header[9:13] == ["Ready on", "Collected on", "Completed on", "Rejected on"]
    by_number = {row[0]: row for row in rows[1:]}
    # Local dates at the office (Asia/Jakarta is UTC+7).
    local = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=7)).date().isoformat()
    assert by_number[done.display_number][9:13] == [local, "", local, ""]
    assert by_number[refused.display_number][9:13] == ["", "", "", local]
    assert by_number[waiting.display_number][9:13] == ["", "", "", ""]
    collected = by_number[handed.submission.display_number]
    assert collected[9:11] == [local, "2026-06-03"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+62812", "'+62812"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("Siti", "Siti"),
        ("", ""),
        (None, ""),
    ],
)
def test_safe_cell(value, expected):
    assert csv_export.safe_cell(value) == expected


def test_export_streams_every_row_not_just_one_page(app, admin):
    many_submissions(1203, start=dt.datetime(2026, 10, 1), step=dt.timedelta(seconds=5))
    rows = read_csv(admin.get("/staff/admin/export.csv"))
    assert len(rows) == 1204
    assert len({row[0] for row in rows[1:]}) == 1203


def test_queue_page_links_admins_to_the_export_of_its_filters(app, admin):
    make_submission(channel="sms")
    page = admin.get("/staff?channel=sms&status=open").get_data(as_text=True)
    assert "/staff/admin/export.csv?status=open&amp;channel=sms" in page
    clerk = staff_client(app, "clerk")
    assert "export.csv" not in clerk.get("/staff").get_data(as_text=True)
    assert clerk.get("/staff/admin/export.csv").status_code == 403


def test_the_last_column_names_the_child_or_the_deceased(app, admin):
    birth = make_submission(
        "AKL",
        details={
            "child_name": "Aisyah Putri Ramadhani",
            "child_sex": "female",
            "child_birth_date": dt.date(2025, 2, 14),
            "child_birth_place": "Muaro Sijunjung",
            "birth_order": 1,
            "mother_name": "Nurhayati",
        },
    )
    death = make_submission(
        "AKM",
        details={
            "deceased_name": "Syamsul Bahri",
            "deceased_nik": "1303051507450003",
            "death_date": dt.date(2026, 11, 2),
            "death_place": "RSUD Sijunjung",
            "reporter_relation": "child",
        },
    )
    family_card = make_submission()
    rows = read_csv(admin.get("/staff/admin/export.csv?lang=en"))
    assert rows[0][-2:] == ["Recorded by", "Child or deceased"]
    by_number = {row[0]: row[-1] for row in rows[1:]}
    assert by_number == {
        birth.display_number: "Aisyah Putri Ramadhani",
        death.display_number: "Syamsul Bahri",
        family_card.display_number: "",
    }
