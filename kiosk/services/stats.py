"""Monthly service statistics, aggregated in the database.

Everything is counted in the office's calendar: a request made at 03:00 WIB on
the 1st belongs to that month, though it is stored as 20:00 UTC the day
before. Time to complete is counted in calendar days from the day a request was
received to the day its document was ready (the date residents are promised);
on time means ready by that date. Dates need dialect-specific SQL; both SQLite
and PostgreSQL are supported.
"""

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import DocumentType, StatusEvent, Submission, utcnow
from kiosk.domain import workflow

MONTHS = 12


@dataclass
class Statistics:
    months: list  # first day of each month, oldest first
    types: list  # DocumentType rows that appear
    counts: dict  # (month, type id) -> requests
    month_totals: dict  # month -> requests
    ready: int  # requests whose document became ready in the period
    median_days: float | None
    on_time_share: float | None
    generated_at: dt.datetime


class _OfficeCalendar:
    """SQL for the office-local month and date of a stored (naive UTC) time."""

    def __init__(self, zone):
        self.postgres = isinstance(db.obj, pw.PostgresqlDatabase)
        self.zone = zone
        # SQLite has no time zones: the zone's offset now. Indonesia's zones
        # keep one offset all year; PostgreSQL converts exactly.
        offset = zone.utcoffset(dt.datetime.now())
        self.modifier = f"{int(offset.total_seconds()):+d} seconds"

    def _local(self, field):
        return pw.NodeList(
            (field, pw.SQL("AT TIME ZONE 'UTC' AT TIME ZONE"), str(self.zone.key))
        )

    def month(self, field):
        if self.postgres:
            return pw.fn.to_char(self._local(field), "YYYY-MM")
        return pw.fn.strftime("%Y-%m", field, self.modifier)

    def date(self, field):
        if self.postgres:
            return pw.Cast(self._local(field), "date")
        return pw.fn.date(field, self.modifier)

    def days_between(self, start, end):
        if self.postgres:  # date - date is a whole number of days
            return self.date(end) - self.date(start)
        return (
            pw.fn.julianday(self.date(end)) - pw.fn.julianday(self.date(start))
        ).cast("integer")


def _month_starts(today):
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def compute(today, zone):
    """Requests per month and type, and time to ready, over the last 12 months."""
    calendar = _OfficeCalendar(zone)
    months = _month_starts(today)
    local_start = dt.datetime.combine(months[0], dt.time(), tzinfo=zone)
    since = local_start.astimezone(dt.UTC).replace(tzinfo=None)
    month = calendar.month(Submission.created_at).alias("month")
    rows = (
        Submission.select(month, Submission.document_type, pw.fn.COUNT(Submission.id))
        .where(Submission.created_at >= since)
        .group_by(month, Submission.document_type)
        .tuples()
    )
    counts, totals = {}, {}
    for key, type_id, count in rows:
        start = dt.date(int(key[:4]), int(key[5:7]), 1)
        counts[(start, type_id)] = count
        totals[start] = totals.get(start, 0) + count
    used = {type_id for _, type_id in counts}
    types = [
        t for t in DocumentType.select().order_by(DocumentType.position) if t.id in used
    ]

    # A request becomes ready once (ready leads only to completed).
    days = calendar.days_between(Submission.created_at, StatusEvent.created_at)
    days = days.alias("days")
    on_time = pw.Case(
        None, [(calendar.date(StatusEvent.created_at) <= Submission.due_date, 1)], 0
    )
    histogram = (
        StatusEvent.select(days, pw.fn.COUNT(StatusEvent.id), pw.fn.SUM(on_time))
        .join(Submission)
        .where(
            (StatusEvent.to_status == workflow.READY)
            & (StatusEvent.created_at >= since)
        )
        .group_by(days)
        .order_by(days)
        .tuples()
    )
    buckets = [(d or 0, n, int(k or 0)) for d, n, k in histogram]
    ready = sum(n for _, n, _ in buckets)
    return Statistics(
        months=months,
        types=types,
        counts=counts,
        month_totals=totals,
        ready=ready,
        median_days=_median(buckets, ready),
        on_time_share=(sum(k for _, _, k in buckets) / ready) if ready else None,
        generated_at=utcnow(),
    )


def _value_at(buckets, index):
    seen = 0
    for days, count, _ in buckets:
        seen += count
        if index < seen:
            return days
    raise IndexError(index)


def _median(buckets, total):
    """Median of whole days from a (days, count, on time) histogram."""
    if not total:
        return None
    return (_value_at(buckets, (total - 1) // 2) + _value_at(buckets, total // 2)) / 2
