"""The public statistics page, its CSV and JSON downloads: the hand-worked
February 2026 figures (tests/support/stats_data.py), small counts hidden,
both languages, no personal data."""

import csv
import io

import pytest

from tests.support import stats_data
from tests.support.factories import APPLICANT, make_submission

FEBRUARY = {"period": "month", "month": "2026-02"}


@pytest.fixture
def stored(app):
    with app.app_context():
        return stats_data.store()


def _query(**extra):
    return "&".join(f"{k}={v}" for k, v in (FEBRUARY | extra).items())


def test_page_shows_the_period_figures_and_hides_small_counts(client, stored):
    page = client.get(f"/stats?{_query(lang='en')}").text
    assert "From February 1, 2026 to February 28, 2026" in page
    # 6 received is shown; 4 ready, 1 collected and 1 rejected are "<5".
    assert '<p class="stat-value">6</p>' in page
    assert page.count('<p class="stat-value">&lt;5</p>') == 3
    # The share on time and the median (1.5 working days) come from 4
    # documents: left out.
    assert page.count('<p class="stat-value">–</p>') == 2
    assert ">1.5<" not in page
    assert "Family Card (KK)" in page and "Village officials" in page
    assert APPLICANT["applicant_name"] not in page
    assert APPLICANT["nik"] not in page


def test_page_in_indonesian(client, stored):
    page = client.get(f"/stats?{_query(lang='id')}").text
    assert "Februari 2026" in page
    assert 'lang="id"' in page


def test_trend_chart_has_axes_values_year_and_partial_month(client, stored):
    page = client.get("/stats?period=year&year=2026&lang=en").text
    assert 'class="chart-axis"' in page and 'class="chart-tick"' in page
    assert '<text class="chart-year"' in page and ">2026</text>" in page
    # The month still running is hatched and starred, and the legend says why.
    assert "chart-bar-partial" in page and "month not complete" in page
    assert 'role="img"' in page and "<desc id=" in page


def test_csv_with_semicolons_has_bom_and_decimal_commas(client, stored, app):
    with app.app_context():
        for _ in range(5):  # enough documents ready for timings to be shown
            make_submission("KK", status="ready")
    response = client.get("/stats.csv?period=year&year=2026&sep=semicolon&lang=en")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.data.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:]), delimiter=";"))
    assert rows[0][:4] == ["Table", "Code", "Name", "Received"]
    summary = rows[1]
    assert summary[1] == "total"
    assert any("," in cell for cell in summary[7:10])  # decimals with commas
    kk = next(row for row in rows if row[1] == "KK" and row[0] == "By document")
    assert kk[3].isdigit()


def test_csv_with_commas_and_hidden_counts(client, stored):
    text = client.get(f"/stats.csv?{_query(sep='comma', lang='en')}").text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    kecamatan = {row[1]: row for row in rows if row[0] == "By district (kecamatan)"}
    assert kecamatan["Kupitan"][3] == "<5"
    assert APPLICANT["applicant_name"] not in text


def test_json_gives_the_tables_with_small_counts_hidden(client, stored):
    answer = client.get(f"/api/v1/stats?{_query(lang='en')}").json
    assert answer["period"] == {
        "kind": "month",
        "from": "2026-02-01",
        "to": "2026-02-28",
    }
    tables = {table["key"]: table for table in answer["tables"]}
    assert list(tables) == [
        "summary",
        "type",
        "kecamatan",
        "channel",
        "outcome",
        "trend",
    ]
    total = tables["summary"]["rows"][0]
    assert total["received"] == 6 and total["ready"] == "<5"
    assert total["median"] is None and total["on_time"] is None
    channels = {row["code"]: row["received"] for row in tables["channel"]["rows"]}
    assert channels["web"] == "<5" and channels["sms"] == 0
    trend = tables["trend"]["rows"]
    assert trend[-1]["code"] == "2026-02" and trend[-1]["received"] == 6


def test_unreadable_periods_fall_back_to_the_last_twelve_months(client, stored):
    for query in ("period=month&month=2026-99", "period=range&from=x&to=y", "year=1"):
        assert client.get(f"/stats?{query}").status_code == 200
        assert client.get(f"/api/v1/stats?{query}").json["period"]["kind"] == "range"


def test_a_lone_hidden_count_is_not_left_to_subtraction(app, client, stored):
    """In 2026: Kupitan 5 (A, B, E, F, G), Sijunjung 2 + 3 more, Tanjung
    Gadang 1 (H). Tanjung Gadang alone hidden could be worked out from the
    total of 11, so one of the others is hidden with it."""
    with app.app_context():
        for _ in range(3):
            make_submission("KK", kecamatan="Sijunjung")
    answer = client.get("/api/v1/stats?period=year&year=2026&lang=en").json
    tables = {table["key"]: table for table in answer["tables"]}
    assert tables["summary"]["rows"][0]["received"] == 11
    kecamatan = {r["code"]: r["received"] for r in tables["kecamatan"]["rows"]}
    assert kecamatan["Tanjung Gadang"] == "<5"
    assert sorted(kecamatan.values(), key=str) == [5, "<5", "<5"]


def test_complement_of_one_hidden_cell_is_hidden_too():
    from kiosk.web.stats_tables import Table, TableRow, hide_the_complement

    table = Table("kecamatan", "", ["received", "ready"])
    table.rows = [
        TableRow("a", "a", {"received": 40, "ready": 9}),
        TableRow("b", "b", {"received": 12, "ready": "<5"}),
        TableRow("c", "c", {"received": "<5", "ready": "<5"}),
    ]
    hide_the_complement(table)
    assert [r.values["received"] for r in table.rows] == [40, "<5", "<5"]
    # Two hidden already in "ready": the 9 stays.
    assert [r.values["ready"] for r in table.rows] == [9, "<5", "<5"]
