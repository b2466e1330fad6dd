"""The counters (loket) and their clerks' calls: call the next ticket, call it
again, mark it served or skipped; the admin's counter settings.

"Call next" takes the oldest waiting ticket with a compare-and-set UPDATE
(status still waiting), retried with the next one when another counter took it
first, so two counters never call the same ticket on SQLite or PostgreSQL.
"""

import datetime as dt

from kiosk.data.db import write_transaction
from kiosk.data.models import (
    TICKET_SERVICES,
    QueueSettings,
    QueueTicket,
    ServiceCounter,
    utcnow,
)
from kiosk.services import audit
from kiosk.services.tickets import CALLED, SERVED, SKIPPED, WAITING

# Tries of "call next" when other counters keep taking the oldest ticket first.
CALL_TRIES = 20


class CounterTaken(Exception):
    """Another counter already has this number."""


def counters(active_only=False):
    query = ServiceCounter.select().order_by(ServiceCounter.number)
    if active_only:
        query = query.where(ServiceCounter.active)
    return list(query)


def by_number(number):
    return ServiceCounter.get_or_none(ServiceCounter.number == number)


def settings():
    return QueueSettings.select().first() or QueueSettings(no_show_minutes=5)


def current_ticket(counter, day):
    """The ticket called at `counter` and not yet finished, if any."""
    return (
        QueueTicket.select()
        .where(
            (QueueTicket.day == day)
            & (QueueTicket.counter == counter)
            & (QueueTicket.status == CALLED)
        )
        .order_by(QueueTicket.called_at.desc())
        .first()
    )


def skip_no_shows(day, now=None):
    """Tickets called longer ago than the no-show time become skipped."""
    now = now or utcnow()
    limit = now - dt.timedelta(minutes=settings().no_show_minutes)
    return (
        QueueTicket.update(status=SKIPPED, finished_at=now)
        .where(
            (QueueTicket.day == day)
            & (QueueTicket.status == CALLED)
            & (QueueTicket.called_at < limit)
        )
        .execute()
    )


def _finish(ticket, status, now):
    return (
        QueueTicket.update(status=status, finished_at=now)
        .where((QueueTicket.id == ticket.id) & (QueueTicket.status == CALLED))
        .execute()
    )


def call_next(counter, day, now=None):
    """Call the oldest waiting ticket of the services `counter` serves.

    The counter's own ticket still called is finished first (served, unless
    its no-show time passed: then skipped like every other). Returns the
    ticket called, or None when nobody waits.
    """
    now = now or utcnow()
    skip_no_shows(day, now)
    previous = current_ticket(counter, day)
    if previous is not None:
        _finish(previous, SERVED, now)
    services = counter.service_list
    if not services:
        return None
    for _ in range(CALL_TRIES):
        candidate = (
            QueueTicket.select(QueueTicket.id)
            .where(
                (QueueTicket.day == day)
                & (QueueTicket.status == WAITING)
                & QueueTicket.service.in_(services)
            )
            .order_by(QueueTicket.created_at, QueueTicket.id)
            .first()
        )
        if candidate is None:
            return None
        with write_transaction():
            taken = (
                QueueTicket.update(
                    status=CALLED,
                    counter=counter,
                    called_at=now,
                    calls=QueueTicket.calls + 1,
                )
                .where(
                    (QueueTicket.id == candidate.id) & (QueueTicket.status == WAITING)
                )
                .execute()
            )
        if taken == 1:
            return QueueTicket.get_by_id(candidate.id)
    return None


def recall(ticket, now=None):
    """Call the ticket again: the screen shows it anew, and its no-show time
    starts again."""
    return (
        QueueTicket.update(called_at=now or utcnow(), calls=QueueTicket.calls + 1)
        .where((QueueTicket.id == ticket.id) & (QueueTicket.status == CALLED))
        .execute()
    )


def served(ticket, now=None):
    return _finish(ticket, SERVED, now or utcnow())


def skip(ticket, now=None):
    return _finish(ticket, SKIPPED, now or utcnow())


def _values(counter):
    return {
        "number": counter.number,
        "name": counter.name,
        "services": counter.service_list,
        "active": counter.active,
    }


def save_counter(staff, counter, *, number, name, services, active):
    """Add a counter (counter None) or change one; audited."""
    services = [code for code in TICKET_SERVICES if code in services]
    taken = by_number(number)
    if taken is not None and (counter is None or taken.id != counter.id):
        raise CounterTaken(number)
    with write_transaction():
        if counter is None:
            counter = ServiceCounter.create(
                number=number, name=name, services=",".join(services), active=active
            )
            audit.record_admin_change(
                staff, "counter.create", counter.number, _values(counter)
            )
            return counter
        before = _values(counter)
        counter.number, counter.name, counter.active = number, name, active
        counter.services = ",".join(services)
        counter.save()
        changed = audit.changes(before, _values(counter))
        if changed:
            audit.record_admin_change(staff, "counter.update", counter.number, changed)
    return counter


def set_no_show_minutes(staff, minutes):
    with write_transaction():
        row = QueueSettings.select().first() or QueueSettings.create()
        if row.no_show_minutes != minutes:
            audit.record_admin_change(
                staff,
                "counter_settings.update",
                "",
                {"no_show_minutes": [row.no_show_minutes, minutes]},
            )
            row.no_show_minutes = minutes
            row.save()
