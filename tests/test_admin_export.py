"""Admin: CSV export of the filtered queue, safe for spreadsheet programs."""

import csv
import datetime as dt
import io

import pytest

from kiosk.data.models import AdminEvent
from kiosk.web import csv_export
from tests.support.factories import make_submission
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
    response = admin.get("/staff/admin/export.csv?channel=sms")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = read_csv(response)
    assert rows[0][:4] == ["Tracking number", "Received", "Document", "Applicant"]
    assert len(rows) == 2
    assert rows[1][0] == first.display_number
    assert rows[1][3] == "Siti Rahmawati"
    assert rows[1][4] == "'" + first.nik  # all 16 digits, kept as text
    assert rows[1][8] == "SMS"
    assert rows[1][9] == "Received"
    event = AdminEvent.get(AdminEvent.action == "queue.export")
    assert event.staff.username == "boss" and "sms" in event.details


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
    rows = read_csv(admin.get("/staff/admin/export.csv"))
    nagari = rows[1][7]
    assert nagari.startswith("'=")
    phone = rows[1][5]
    assert phone == "'+6281234567890"  # a leading + would be read as a formula


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
