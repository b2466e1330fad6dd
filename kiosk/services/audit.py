"""The audit trail, append-only: every status change of a request (which is
also the request's timeline) and every change an administrator makes."""

import datetime as dt
import json

import peewee as pw

from kiosk.data import compiled, tallies
from kiosk.data.models import AdminEvent, StaffMember, StatusEvent

PAGE_SIZE = 50


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def changes(before, after):
    """{field: [old, new]} for every field whose value differs."""
    return {
        name: [_plain(before.get(name)), _plain(value)]
        for name, value in after.items()
        if before.get(name) != value
    }


_INSERT_STATUS_EVENT = compiled.Insert(StatusEvent)


def record_status_change(
    submission, from_status, to_status, *, staff, at, public_note="", internal_note=""
):
    """Note a request's move (from_status None: it was received), inside the
    caller's transaction, so that the trail holds exactly the moves made (and
    the statistics' daily tallies count exactly those)."""
    staff_id = getattr(staff, "id", staff)
    tallies.count_change(submission, from_status, to_status, staff_id, at)
    return _INSERT_STATUS_EVENT.create(
        submission=submission,
        from_status=from_status,
        to_status=to_status,
        public_note=public_note,
        internal_note=internal_note,
        staff=staff,
        created_at=at,
    )


def first_reached(submission_ids, statuses):
    """{submission id: {status: when it first reached it}} for the given
    requests and statuses, in one query (the CSV export reads 200 at a time)."""
    reached = {}
    if not submission_ids:
        return reached
    rows = (
        StatusEvent.select(
            StatusEvent.submission, StatusEvent.to_status, StatusEvent.created_at
        )
        .where(
            StatusEvent.submission.in_(list(submission_ids))
            & StatusEvent.to_status.in_(list(statuses))
        )
        .order_by(StatusEvent.created_at, StatusEvent.id)
        .tuples()
    )
    for submission_id, status, at in rows:
        reached.setdefault(submission_id, {}).setdefault(status, at)
    return reached


def record_admin_change(staff, action, target="", details=None):
    """Note an administrator's change (staff None: the command line), inside
    the caller's transaction, if any."""
    return AdminEvent.create(
        staff=staff,
        action=action,
        target=str(target)[:120],
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
    )


def newest_first(model, query, before_id=None, size=PAGE_SIZE):
    """One page of an append-only log's `query`: `size` rows newest first,
    below `before_id`. Returns (rows, the id to continue below, or None)."""
    query = query.order_by(model.id.desc()).limit(size + 1)
    if before_id:
        query = query.where(model.id < before_id)
    rows = list(query)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def admin_changes_page(before_id=None, size=PAGE_SIZE):
    """Administrators' changes, newest first, `size` at a time, continuing below `before_id`."""
    query = AdminEvent.select(AdminEvent, StaffMember).join(
        StaffMember, pw.JOIN.LEFT_OUTER, on=AdminEvent.staff == StaffMember.id
    )
    return newest_first(AdminEvent, query, before_id, size)


def details_of(event):
    """The event's details as a dict (empty when unreadable)."""
    try:
        value = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
