"""Service statistics: the figures of a hand-worked set of requests
(tests/support/stats_data.py), on both databases, and the daily tallies kept
by every status change agreeing with a recount from the history."""

import datetime as dt
import types
from zoneinfo import ZoneInfo

import pytest

from kiosk.data import tallies
from kiosk.data.models import DailyTally, DocumentType
from kiosk.services import stats
from kiosk.services.stats import Period
from kiosk.web import stats_period
from tests.support import stats_data
from tests.support.factories import make_submission
from tests.support.staff import make_staff

FEBRUARY = Period("month", dt.date(2026, 2, 1), dt.date(2026, 2, 28))
MARCH_10 = dt.date(2026, 3, 10)


@pytest.fixture
def figures(app):
    with app.app_context():
        stats_data.store(staff=make_staff("petugas"))
        yield stats.compute(FEBRUARY, MARCH_10)


def _by_code(rows):
    codes = {str(t.id): t.code for t in DocumentType.select()}
    return {codes[row.key]: row for row in rows}


def test_february_totals_count_office_days(figures):
    total = figures.total
    # A (00:30 WIB on 1 Feb) counts in February, B (23:30 WIB on 31 Jan) and
    # F (00:00 WIB on 1 Mar) do not; H (23:59 WIB on 27 Feb) does.
    assert total.received == 6
    assert total.ready == 4  # A, B, C, D; H became ready in March
    assert total.completed == 1
    assert total.rejected == 1
    assert total.on_time == 3
    assert total.on_time_share == pytest.approx(0.75)


def test_working_days_to_ready_skip_weekends_and_national_days(figures):
    total = figures.total
    assert total.histogram == {1: 2, 2: 1, 6: 1}
    assert total.median_days == 1.5
    assert total.p90_days == 6
    by_code = _by_code(figures.by_type)
    assert by_code["KK"].histogram == {1: 2, 2: 1}
    assert by_code["KK"].median_days == 1
    assert by_code["KK"].p90_days == 2
    assert by_code["KTP"].median_days == 6


def test_breakdowns_by_type_kecamatan_channel_and_outcome(figures):
    by_code = _by_code(figures.by_type)
    assert by_code["KK"].received == 4 and by_code["KTP"].received == 2
    assert "AKL" not in by_code  # F came in March
    assert {r.key: r.received for r in figures.by_kecamatan} == {
        "Kupitan": 3,
        "Sijunjung": 2,
        "Tanjung Gadang": 1,
    }
    assert {r.key: r.received for r in figures.by_channel if r.received} == {
        "web": 3,
        "counter": 1,
        "whatsapp": 1,
        "nagari": 1,
    }
    # Where the requests received in February stand now.
    assert figures.outcome == {
        "completed": 1,
        "ready": 3,
        "rejected": 1,
        "submitted": 1,
    }


def test_the_trend_runs_twelve_months_to_the_period(figures):
    months = [m.start for m in figures.trend]
    assert months[0] == dt.date(2025, 3, 1) and months[-1] == dt.date(2026, 2, 1)
    by_month = {m.start: m for m in figures.trend}
    assert by_month[dt.date(2026, 1, 1)].received == 1  # B
    assert by_month[dt.date(2026, 2, 1)].received == 6
    assert by_month[dt.date(2026, 2, 1)].ready == 4
    assert not any(m.partial for m in figures.trend)


def test_the_month_still_running_is_marked_partial(app):
    with app.app_context():
        stats_data.store()
        period = Period("year", dt.date(2026, 1, 1), dt.date(2026, 2, 20))
        figures = stats.compute(period, dt.date(2026, 2, 20))
    assert [m.start.month for m in figures.trend if m.partial] == [2]
    assert figures.total.received == 6  # A, B, C, D, E, G (H and F came later)


def test_clerk_workload_counts_moves_by_staff(app):
    with app.app_context():
        clerk = make_staff("petugas")
        stats_data.store(staff=clerk)
        workload = stats.clerk_workload(FEBRUARY)
    assert workload == {clerk.id: {"ready": 1}}


def test_live_counting_matches_a_recount_from_the_history(app):
    """Requests made and moved through the app's own code, by a clerk and by
    residents: the tallies kept on the way equal those counted afresh."""
    with app.app_context():
        clerk = make_staff("petugas")
        for status in ("submitted", "needs_info", "ready", "completed", "rejected"):
            make_submission("KK", status=status, staff=clerk, channel="counter")
            make_submission("KTP", status=status, kecamatan="Koto VII")
        # (A status passed through keeps a row counting 0.)
        live = sorted(DailyTally.select().where(DailyTally.count != 0).tuples())
        tallies.rebuild()
        recounted = sorted(DailyTally.select().tuples())
    assert live == recounted
    assert any(row[1] == "days" for row in live)


def test_a_change_counts_on_the_office_day(app):
    """17:30 UTC on 31 January is 00:30 on 1 February in Jakarta."""
    with app.app_context():
        kk = DocumentType.get(DocumentType.code == "KK")
        request = types.SimpleNamespace(
            created_at=dt.datetime(2026, 1, 31, 17, 30),
            document_type_id=kk.id,
            kecamatan="Kupitan",
            channel="web",
            due_date=dt.date(2026, 2, 4),
        )
        tallies.count_change(request, None, "submitted", None, request.created_at)
        ready_at = dt.datetime(2026, 2, 2, 17, 30)  # Tuesday 3 Feb, 00:30 WIB
        tallies.count_change(request, "processing", "ready", None, ready_at)
        rows = set(DailyTally.select().tuples())
    first, third = dt.date(2026, 2, 1), dt.date(2026, 2, 3)
    assert (first, "type", str(kk.id), "received", 0, 1) in rows
    assert (third, "type", str(kk.id), "ready", 0, 1) in rows
    assert (third, "type", str(kk.id), "on_time", 0, 1) in rows
    assert (third, "days", str(kk.id), "ready", 2, 1) in rows
    assert (first, "outcome", "ready", "requests", 0, 1) in rows


def test_the_tallies_are_counted_once_when_the_table_is_new(app):
    with app.app_context():
        stats_data.store()
        DailyTally.delete().execute()
        from kiosk.data.models import MigrationMark

        MigrationMark.delete().where(MigrationMark.name == tallies.MARK).execute()
        assert tallies.ensure_built() is True
        assert tallies.ensure_built() is False
        assert stats.compute(FEBRUARY, MARCH_10).total.received == 6


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({"period": "month", "month": "2026-02"}, ("month", (2026, 2, 1), (2026, 2, 28))),
        ({"period": "quarter", "quarter": "2025-Q4"}, ("quarter", (2025, 10, 1), (2025, 12, 31))),
        ({"period": "year", "year": "2026"}, ("year", (2026, 1, 1), (2026, 3, 10))),
        ({"period": "range", "from": "2026-02-20", "to": "2026-02-02"}, ("range", (2026, 2, 2), (2026, 2, 20))),
        ({"period": "range", "from": "2020-01-01", "to": "2026-02-02"}, ("range", (2025, 6, 1), (2026, 2, 2))),
        ({"period": "month", "month": "2026-13"}, ("range", (2025, 4, 1), (2026, 3, 10))),
        ({"period": "year", "year": "x"}, ("range", (2025, 4, 1), (2026, 3, 10))),
    ],
)  # fmt: skip
def test_periods_are_read_from_the_address_and_kept_within_the_data(args, expected):
    period = stats_period.from_args(args, MARCH_10, dt.date(2025, 6, 1))
    kind, start, end = expected
    assert period == Period(kind, dt.date(*start), dt.date(*end))


def test_percentiles_of_a_histogram():
    assert stats.percentile({}, 0.5) is None
    assert stats.percentile({3: 1}, 0.9) == 3
    assert stats.percentile({1: 5, 10: 5}, 0.5) == 5.5
    assert stats.percentile({1: 9, 10: 1}, 0.9) == 1
    assert stats.percentile({1: 8, 10: 2}, 0.9) == 10


def test_office_zone_is_read_from_the_settings(app):
    with app.app_context():
        assert tallies.office_zone() == ZoneInfo("Asia/Jakarta")
