"""Monthly service statistics, aggregated in the database and cached briefly.

Grouping by month and by whole days needs dialect-specific SQL; both
SQLite and PostgreSQL are supported.
"""

import datetime as dt
import threading
import time
from dataclasses import dataclass

import peewee as pw

from . import workflow
from .db import db
from .models import DocumentType, StatusEvent, Submission, utcnow

MONTHS = 12
CACHE_SECONDS = 600
_cache = {}
_cache_lock = threading.Lock()


@dataclass
class Statistics:
    months: list  # first day of each month, oldest first
    types: list  # DocumentType rows that appear
    counts: dict  # (month, type id) -> requests
    month_totals: dict  # month -> requests
    completed: int
    median_days: float | None
    on_time_share: float | None
    generated_at: dt.datetime


def _is_postgres():
    return isinstance(db.obj, pw.PostgresqlDatabase)


def _month_key(field):
    if _is_postgres():
        return pw.fn.to_char(field, "YYYY-MM")
    return pw.fn.strftime("%Y-%m", field)


def _days_between(start, end):
    if _is_postgres():
        return pw.fn.date_part("day", end - start).cast("integer")
    return (pw.fn.julianday(end) - pw.fn.julianday(start)).cast("integer")


def _month_starts(today):
    first = today.replace(day=1)
    months = []
    for _ in range(MONTHS):
        months.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return list(reversed(months))


def compute(today):
    """Requests per month and type, and completion times, over the last 12 months."""
    months = _month_starts(today)
    since = dt.datetime.combine(months[0], dt.time())
    month = _month_key(Submission.created_at).alias("month")
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
    types = [t for t in DocumentType.select().order_by(DocumentType.position) if t.id in used]

    days = _days_between(Submission.created_at, StatusEvent.created_at).alias("days")
    on_time = pw.Case(
        None, [(pw.fn.DATE(StatusEvent.created_at) <= Submission.due_date, 1)], 0
    )
    histogram = (
        StatusEvent.select(days, pw.fn.COUNT(StatusEvent.id), pw.fn.SUM(on_time))
        .join(Submission)
        .where(
            (StatusEvent.to_status == workflow.COMPLETED)
            & (StatusEvent.created_at >= since)
        )
        .group_by(days)
        .order_by(days)
        .tuples()
    )
    buckets = [(d or 0, n, int(k or 0)) for d, n, k in histogram]
    completed = sum(n for _, n, _ in buckets)
    return Statistics(
        months=months,
        types=types,
        counts=counts,
        month_totals=totals,
        completed=completed,
        median_days=_median(buckets, completed),
        on_time_share=(sum(k for _, _, k in buckets) / completed) if completed else None,
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


def cached(today):
    """The statistics, recomputed at most every ten minutes per process."""
    key = (id(db.obj), today)
    now = time.monotonic()
    with _cache_lock:
        entry = _cache.get(key)
        if entry and now - entry[0] < CACHE_SECONDS:
            return entry[1]
    value = compute(today)
    with _cache_lock:
        _cache.clear()
        _cache[key] = (now, value)
    return value
