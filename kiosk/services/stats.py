"""Service statistics for a period, added up from the daily tallies in SQL.

Every figure comes from DailyTally (data/tallies.py), kept current with each
status change: a year is a few hundred rows per dimension summed by the
database, never a walk over the requests. Days are the office's days.
"Collected" is the move to completed (the document handed over, sent or
delivered through the village office). Working days to ready come from the
tallies' histogram, so the median and the 90th percentile are exact.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import DailyTally, utcnow
from kiosk.domain.workflow import COMPLETED, READY, REJECTED

# Counts from 1 to SMALL - 1 are shown as "<5" on public pages and downloads:
# a cell that small could point at one resident.
SMALL = 5
TREND_MONTHS = 12
MAX_TREND_MONTHS = 36
MEASURES = ("received", READY, COMPLETED, REJECTED, "on_time")


@dataclass(frozen=True)
class Period:
    kind: str  # month, quarter, year or range
    start: dt.date
    end: dt.date  # the last day counted (inclusive)


@dataclass
class Row:
    """The figures of one document type, kecamatan, channel, or of all."""

    key: str
    received: int = 0
    ready: int = 0
    completed: int = 0
    rejected: int = 0
    on_time: int = 0
    histogram: dict = field(default_factory=dict)  # working days -> documents

    @property
    def on_time_share(self):
        return self.on_time / self.ready if self.ready else None

    @property
    def median_days(self):
        return percentile(self.histogram, 0.5)

    @property
    def p90_days(self):
        return percentile(self.histogram, 0.9)


@dataclass
class Month:
    start: dt.date
    received: int = 0
    ready: int = 0
    completed: int = 0
    rejected: int = 0
    partial: bool = False  # not every day of it is counted (or has passed)


@dataclass
class Statistics:
    period: Period
    first_day: dt.date | None  # the first day with data
    total: Row
    by_type: list  # Rows keyed by document type id (as text), busiest first
    by_kecamatan: list
    by_channel: list
    outcome: dict  # status -> requests received in the period now in it
    trend: list  # Months, oldest first
    clerks: dict  # staff id -> {status: moves}
    generated_at: dt.datetime


def percentile(histogram, share):
    """The `share` percentile of whole days from a {days: count} histogram:
    the median is the mean of the two middle values, others the nearest rank."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def value_at(index):
        seen = 0
        for days, count in ordered:
            seen += count
            if index < seen:
                return days
        return ordered[-1][0]

    if share == 0.5:
        return (value_at((total - 1) // 2) + value_at(total // 2)) / 2
    return value_at(max(0, math.ceil(share * total) - 1))


def first_day():
    """The first office day with a request, or None before the first one."""
    return (
        DailyTally.select(pw.fn.MIN(DailyTally.day))
        .where(DailyTally.dimension == "type")
        .scalar()
    )


def _in(period):
    return DailyTally.day.between(period.start, period.end)


def _sums(period):
    query = (
        DailyTally.select(
            DailyTally.dimension,
            DailyTally.key,
            DailyTally.measure,
            pw.fn.SUM(DailyTally.count),
        )
        .where(
            DailyTally.dimension.in_(["type", "kecamatan", "channel", "outcome"])
            & _in(period)
        )
        .group_by(DailyTally.dimension, DailyTally.key, DailyTally.measure)
        .tuples()
    )
    return list(query)


def _histograms(period):
    query = (
        DailyTally.select(DailyTally.key, DailyTally.days, pw.fn.SUM(DailyTally.count))
        .where((DailyTally.dimension == "days") & _in(period))
        .group_by(DailyTally.key, DailyTally.days)
        .tuples()
    )
    return list(query)


def _month_of(column):
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return pw.fn.to_char(column, "YYYY-MM")
    return pw.fn.strftime("%Y-%m", column)


def _month_starts(first, last):
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(month)
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return months


def trend_window(period):
    """The months the trend shows: the period's, or at least the 12 months
    up to its end, so a single month is seen against the year before it."""
    months = _month_starts(period.start, period.end)
    if len(months) < TREND_MONTHS:
        months = _month_starts(period.end.replace(day=1), period.end)
        for _ in range(TREND_MONTHS - 1):
            months.insert(0, (months[0] - dt.timedelta(days=1)).replace(day=1))
    return months[-MAX_TREND_MONTHS:]


def _trend(period, today):
    months = trend_window(period)
    start, end = months[0], period.end
    month = _month_of(DailyTally.day).alias("month")
    rows = (
        DailyTally.select(month, DailyTally.measure, pw.fn.SUM(DailyTally.count))
        .where(
            (DailyTally.dimension == "type")
            & DailyTally.day.between(start, end)
            & DailyTally.measure.in_(["received", READY, COMPLETED, REJECTED])
        )
        .group_by(month, DailyTally.measure)
        .tuples()
    )
    by_start = {m: Month(m) for m in months}
    for key, measure, count in rows:
        found = by_start.get(dt.date(int(key[:4]), int(key[5:7]), 1))
        if found:
            setattr(found, measure, int(count))
    for m in by_start.values():
        last = (m.start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
        # The month the period ends in part-way, or the one still running.
        m.partial = last > end or last >= today
    return list(by_start.values())


def _rows(sums, histograms, dimension):
    rows = {}
    for name, key, measure, count in sums:
        if name == dimension and measure in MEASURES:
            row = rows.setdefault(key, Row(key))
            setattr(row, measure, int(count))
    if dimension == "type":
        for key, days, count in histograms:
            rows.setdefault(key, Row(key)).histogram[int(days)] = int(count)
    return sorted(rows.values(), key=lambda r: (-r.received, r.key))


def compute(period, today):
    """Every public figure for `period` (the office's `today` marks the month
    still running)."""
    sums, histograms = _sums(period), _histograms(period)
    by_type = _rows(sums, histograms, "type")
    total = Row("total")
    for row in by_type:
        for measure in MEASURES:
            setattr(total, measure, getattr(total, measure) + getattr(row, measure))
        for days, count in row.histogram.items():
            total.histogram[days] = total.histogram.get(days, 0) + count
    outcome = {}
    for name, key, _, count in sums:
        if name == "outcome" and count:
            outcome[key] = int(count)
    return Statistics(
        period=period,
        first_day=first_day(),
        total=total,
        by_type=by_type,
        by_kecamatan=_rows(sums, histograms, "kecamatan"),
        by_channel=_rows(sums, histograms, "channel"),
        outcome=outcome,
        trend=_trend(period, today),
        clerks={},
        generated_at=utcnow(),
    )


def clerk_workload(period):
    """{staff id: {status: moves made}} in the period (who recorded and moved
    requests; "submitted" is a request recorded at the counter)."""
    rows = (
        DailyTally.select(
            DailyTally.key, DailyTally.measure, pw.fn.SUM(DailyTally.count)
        )
        .where((DailyTally.dimension == "clerk") & _in(period))
        .group_by(DailyTally.key, DailyTally.measure)
        .tuples()
    )
    workload = {}
    for key, measure, count in rows:
        workload.setdefault(int(key), {})[measure] = int(count)
    return workload
