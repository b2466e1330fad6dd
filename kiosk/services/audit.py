"""The admin audit trail: who changed what, and when (append-only)."""

import datetime as dt
import json

import peewee as pw

from kiosk.data.models import AdminEvent, StaffMember

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


def record(staff, action, target="", details=None):
    """Add one row to the trail (inside the caller's transaction, if any)."""
    return AdminEvent.create(
        staff=staff,
        action=action,
        target=str(target)[:120],
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
    )


def page(before_id=None, size=PAGE_SIZE):
    """Newest events first, `size` at a time, continuing below `before_id`."""
    query = (
        AdminEvent.select(AdminEvent, StaffMember)
        .join(StaffMember, pw.JOIN.LEFT_OUTER, on=AdminEvent.staff == StaffMember.id)
        .order_by(AdminEvent.id.desc())
        .limit(size + 1)
    )
    if before_id:
        query = query.where(AdminEvent.id < before_id)
    rows = list(query)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].id if more and rows else None)


def details_of(event):
    """The event's details as a dict (empty when unreadable)."""
    try:
        value = json.loads(event.details or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}
