"""Counts per status for the queue, and the day's lists (no Flask)."""

import datetime as dt

import peewee as pw

from kiosk.data.models import DocumentType, Submission, utcnow
from kiosk.data.shortcache import ShortLived
from kiosk.domain import workflow
from kiosk.services.queue import OPEN

# Finished requests are counted over a recent window: counting every completed
# request ever made would read most of a million-row table on each load.
FINISHED_WINDOW_DAYS = 30
DAY_LIST_LIMIT = 200


def status_counts():
    """Requests per open status, and finished ones over the recent window.

    Counting reads much of the table, so each process keeps the counts a few
    seconds (QUEUE_COUNTS_CACHE_SECONDS); a status change made through it
    forgets them at once.
    """
    return counts_cache.get()


def forget_counts():
    counts_cache.forget()


def count_now(now):
    """status_counts() read from the database at `now`."""
    counts = dict.fromkeys(workflow.STATUSES, 0)
    open_rows = (
        Submission.select(Submission.status, pw.fn.COUNT(Submission.id))
        .where(Submission.status.in_(workflow.OPEN))
        .group_by(Submission.status)
        .tuples()
    )
    since = now - dt.timedelta(days=FINISHED_WINDOW_DAYS)
    finished_rows = (
        Submission.select(Submission.status, pw.fn.COUNT(Submission.id))
        .where(Submission.status.in_(workflow.FINAL) & (Submission.updated_at >= since))
        .group_by(Submission.status)
        .tuples()
    )
    for status, count in list(open_rows) + list(finished_rows):
        counts[status] = count
    counts[OPEN] = sum(counts[s] for s in workflow.OPEN)
    return counts


counts_cache = ShortLived(lambda: count_now(utcnow()), seconds=10.0)


def ready_for_collection(limit=DAY_LIST_LIMIT):
    """Requests ready to collect, those waiting longest first."""
    return list(
        Submission.select(Submission, DocumentType)
        .join(DocumentType)
        .where(Submission.status == workflow.READY)
        .order_by(Submission.updated_at, Submission.id)
        .limit(limit)
    )


def overdue(today, limit=DAY_LIST_LIMIT):
    """Open requests past their expected date, most overdue first."""
    return list(
        Submission.select(Submission, DocumentType)
        .join(DocumentType)
        .where(Submission.status.in_(workflow.OPEN) & (Submission.due_date < today))
        .order_by(Submission.due_date, Submission.id)
        .limit(limit)
    )
