"""The admin's choices for messages to residents (NotificationSettings), and
the outbox's figures the settings page shows."""

import datetime as dt

import peewee as pw

from kiosk.data.db import write_transaction
from kiosk.data.models import NotificationSettings, OutboxMessage, utcnow
from kiosk.domain.collection_hours import clock_text
from kiosk.services import audit, signals

FIELDS = ("provider", "sender_name", "quiet_start", "quiet_end", "other_statuses")


def current():
    return NotificationSettings.saved()


def save(actor, values):
    """Store the settings and note what changed in the audit trail; returns
    whether anything changed."""
    with write_transaction():
        row = NotificationSettings.saved()
        changed = {}
        for name in FIELDS:
            old, new = getattr(row, name), values[name]
            if old != new:
                changed[name] = [_shown(name, old), _shown(name, new)]
                setattr(row, name, new)
        if changed:
            row.save()
            audit.record_admin_change(actor, "notifications.update", "", changed)
    if changed:
        signals.message_settings_changed.send()  # after the commit
    return bool(changed)


def _shown(name, value):
    if name in ("quiet_start", "quiet_end"):
        return clock_text(value)
    return value


def counts_by_state(days=7):
    """{state: messages} of the messages made in the last `days` days."""
    since = utcnow() - dt.timedelta(days=days)
    rows = (
        OutboxMessage.select(OutboxMessage.state, pw.fn.COUNT(OutboxMessage.id))
        .where(OutboxMessage.created_at >= since)
        .group_by(OutboxMessage.state)
        .tuples()
    )
    return dict(rows)
