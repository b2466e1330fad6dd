"""Queue tickets: checking a resident in ("A-012"), and where a ticket stands.

Tickets are numbered from 1 per office day and service. The number comes from
one row per (day, service) raised by a single UPDATE inside the transaction
that stores the ticket: on PostgreSQL the UPDATE's row lock makes check-ins at
the same moment take turns, on SQLite the write lock does; a unique index on
(day, service, number) backs both.
"""

import secrets

import peewee as pw

from kiosk.data.db import write_transaction
from kiosk.data.models import (
    TICKET_SERVICES,
    QueueTicket,
    ServiceCounter,
    Submission,
    TicketSequence,
    utcnow,
)
from kiosk.domain import workflow
from kiosk.services import collection

WAITING, CALLED, SERVED, SKIPPED = "waiting", "called", "served", "skipped"
OPEN = (WAITING, CALLED)
SERVICES = tuple(TICKET_SERVICES)
COLLECTION = "collection"
# Services a resident may take a ticket for without a tracking number.
WITHOUT_NUMBER = ("counter", "recording")
# Tickets shown per service on the waiting-room screen.
NEXT_SHOWN = 5


class NotReady(Exception):
    """A collection ticket for a request that is not ready to collect."""

    def __init__(self, submission):
        super().__init__(submission.status)
        self.submission = submission


class _Existing(Exception):
    def __init__(self, ticket):
        super().__init__(ticket.id)
        self.ticket = ticket


def _open_ticket(day, service, submission):
    if submission is None:
        return None
    return QueueTicket.get_or_none(
        (QueueTicket.day == day)
        & (QueueTicket.service == service)
        & (QueueTicket.submission == submission)
        & QueueTicket.status.in_(OPEN)
    )


def _next_number(day, service):
    """Raise the day's number for the service by one, inside the caller's
    transaction, and return it."""
    TicketSequence.insert(day=day, service=service).on_conflict_ignore().execute()
    TicketSequence.update(last_number=TicketSequence.last_number + 1).where(
        (TicketSequence.day == day) & (TicketSequence.service == service)
    ).execute()
    return (
        TicketSequence.select(TicketSequence.last_number)
        .where((TicketSequence.day == day) & (TicketSequence.service == service))
        .scalar()
    )


def check_in(service, day, submission=None):
    """A new ticket for `service` on office day `day` (for a request, if any).

    Returns (ticket, created). A request that already has an open ticket for
    the service that day gets that one back. A collection ticket needs a
    request that is ready (NotReady otherwise).
    """
    if service not in SERVICES:
        raise ValueError(service)
    if service == COLLECTION:
        if submission is None:
            raise ValueError("a collection ticket needs a request")
        if submission.status != workflow.READY:
            raise NotReady(submission)
    existing = _open_ticket(day, service, submission)
    if existing is not None:
        return existing, False
    try:
        with write_transaction():
            number = _next_number(day, service)
            # Checked again under the sequence's lock: the same receipt scanned
            # twice at once gives one ticket.
            existing = _open_ticket(day, service, submission)
            if existing is not None:
                raise _Existing(existing)
            ticket = QueueTicket.create(
                day=day,
                service=service,
                number=number,
                token=secrets.token_urlsafe(12),
                submission=submission,
            )
            if service == COLLECTION:
                collection.note_arrival(submission.id, day)
    except _Existing as found:  # the transaction gave its number back
        return found.ticket, False
    return ticket, True


def by_token(token):
    if not token or len(token) > 32:
        return None
    return QueueTicket.get_or_none(QueueTicket.token == token)


def find_submission(number):
    return Submission.get_or_none(Submission.number == number)


def people_before(ticket):
    """How many tickets of the same service and day wait before this one."""
    if ticket.status != WAITING:
        return 0
    return (
        QueueTicket.select()
        .where(
            (QueueTicket.day == ticket.day)
            & (QueueTicket.service == ticket.service)
            & (QueueTicket.status == WAITING)
            & (QueueTicket.number < ticket.number)
        )
        .count()
    )


def now_serving(day, service=None):
    """[(ticket, counter)] called and not yet finished, newest call first."""
    query = (
        QueueTicket.select(QueueTicket, ServiceCounter)
        .join(ServiceCounter)
        .where((QueueTicket.day == day) & (QueueTicket.status == CALLED))
        .order_by(QueueTicket.called_at.desc(), QueueTicket.id.desc())
    )
    if service is not None:
        query = query.where(QueueTicket.service == service)
    return [(ticket, ticket.counter) for ticket in query]


def waiting(day, services=SERVICES, limit=NEXT_SHOWN):
    """{service: [the first `limit` waiting tickets]} in the order they are called."""
    found = {service: [] for service in services}
    for service in services:
        found[service] = list(
            QueueTicket.select(QueueTicket.service, QueueTicket.number)
            .where(
                (QueueTicket.day == day)
                & (QueueTicket.service == service)
                & (QueueTicket.status == WAITING)
            )
            .order_by(QueueTicket.number)
            .limit(limit)
        )
    return found


def waiting_counts(day):
    """{service: tickets waiting} for the day."""
    counts = dict.fromkeys(SERVICES, 0)
    rows = (
        QueueTicket.select(QueueTicket.service, pw.fn.COUNT(QueueTicket.id))
        .where((QueueTicket.day == day) & (QueueTicket.status == WAITING))
        .group_by(QueueTicket.service)
        .tuples()
    )
    for service, count in rows:
        counts[service] = count
    return counts


def board(day):
    """What the waiting-room screen shows: counters with their called ticket,
    the next tickets per service, and the latest call. Ticket numbers and
    counters only: nothing here reads a request."""
    counters = list(
        ServiceCounter.select()
        .where(ServiceCounter.active)
        .order_by(ServiceCounter.number)
    )
    serving = now_serving(day)
    by_counter = {}
    for ticket, counter in serving:
        by_counter.setdefault(counter.id, ticket)
    latest = serving[0] if serving else None
    return {
        "counters": [(counter, by_counter.get(counter.id)) for counter in counters],
        "waiting": waiting(day),
        "latest": latest,
        "call_key": f"{latest[0].id}.{latest[0].calls}" if latest else "",
        "at": utcnow(),
    }
