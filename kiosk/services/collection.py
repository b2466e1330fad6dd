"""Collection appointments: the hours, the slots offered, bookings and the
handover at the counter.

A slot's place is claimed with one conditional UPDATE of its counter row
(`booked = booked + 1 WHERE start = ? AND booked < capacity`), so two residents
racing for the last place never both get it, on SQLite and PostgreSQL alike.
All times here are office-local naive datetimes (domain/collection_hours.py).
"""

import datetime as dt
from dataclasses import dataclass

import peewee as pw

from kiosk.data.db import write_transaction
from kiosk.data.models import (
    CollectionBooking,
    CollectionHours,
    CollectionSlot,
    DocumentType,
    Submission,
    utcnow,
)
from kiosk.data.public_record import note_change
from kiosk.domain import workflow
from kiosk.domain.collection_hours import (
    DEFAULT_HOURS,
    WEEKDAYS,
    Hours,
    clock_text,
    offered_days,
    slot_starts,
)
from kiosk.services import audit, signals, submissions

EXPECTED, ARRIVED, COLLECTED, MISSED = "expected", "arrived", "collected", "missed"
STATES = (EXPECTED, ARRIVED, COLLECTED, MISSED)
RELATIONS = ("self", "spouse", "parent", "child", "sibling", "other")

# Why a booking was refused.
NOT_READY = "not_ready"  # the document is not ready (or already collected)
NOT_OFFERED = "not_offered"  # no such slot, a closed day, or it has started
FULL = "full"
STARTED = "started"  # the booked slot has started: no more changes
CHANGED = "changed"  # booked at the same moment from another page


class BookingRefused(ValueError):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


def hours():
    """{weekday: Hours}, the admin's where set, else the defaults."""
    found = dict(DEFAULT_HOURS)
    for row in CollectionHours.select():
        found[row.weekday] = Hours(
            row.is_open, row.opens, row.closes, row.slot_minutes, row.capacity
        )
    return found


def save_hours(actor, new):
    """Store {weekday: Hours} and note what changed in the audit trail."""
    before = hours()
    with write_transaction():
        for weekday in WEEKDAYS:
            values = vars(new[weekday])
            updated = (
                CollectionHours.update(**values)
                .where(CollectionHours.weekday == weekday)
                .execute()
            )
            if not updated:
                CollectionHours.create(weekday=weekday, **values)
        changed = {
            str(weekday): [_summary(before[weekday]), _summary(new[weekday])]
            for weekday in WEEKDAYS
            if before[weekday] != new[weekday]
        }
        if changed:
            audit.record_admin_change(actor, "collection.update", "", changed)
    return bool(changed)


def _summary(day_hours):
    """One weekday's hours for the audit trail ("" when closed)."""
    if not day_hours.is_open:
        return ""
    return (
        f"{clock_text(day_hours.opens)}-{clock_text(day_hours.closes)}, "
        f"{day_hours.slot_minutes} min x {day_hours.capacity}"
    )


@dataclass(frozen=True)
class Slot:
    start: dt.datetime  # office-local
    end: dt.datetime
    capacity: int
    booked: int

    @property
    def full(self):
        return self.booked >= self.capacity

    @property
    def left(self):
        return max(self.capacity - self.booked, 0)


def _booked_between(first, last):
    rows = CollectionSlot.select(CollectionSlot.start, CollectionSlot.booked).where(
        (CollectionSlot.start >= first) & (CollectionSlot.start <= last)
    )
    return dict(rows.tuples())


def day_slots(day, week_hours=None):
    """Every slot of one day (none on a closed weekday), with its bookings count."""
    day_hours = (week_hours or hours())[day.weekday()]
    starts = slot_starts(day, day_hours)
    if not starts:
        return []
    booked = _booked_between(starts[0], starts[-1])
    length = dt.timedelta(minutes=day_hours.slot_minutes)
    return [
        Slot(start, start + length, day_hours.capacity, booked.get(start, 0))
        for start in starts
    ]


def offered(now, calendar):
    """[(day, [Slot])] of the working days offered, slots not yet started."""
    week_hours = hours()
    days = []
    for day in offered_days(now.date(), calendar.is_working_day):
        slots = [s for s in day_slots(day, week_hours) if s.start > now]
        if slots:
            days.append((day, slots))
    return days


def _offered_slot(start, now, calendar):
    """The Slot starting at `start` if it is offered now, else None."""
    if start <= now or not calendar.is_working_day(start.date()):
        return None
    if start.date() not in offered_days(now.date(), calendar.is_working_day):
        return None
    for slot in day_slots(start.date()):
        if slot.start == start:
            return slot
    return None


def booking_of(submission_id):
    """The request's booking with its slot, or None."""
    return (
        CollectionBooking.select(CollectionBooking, CollectionSlot)
        .join(CollectionSlot)
        .where(CollectionBooking.submission == submission_id)
        .get_or_none()
    )


def booking_by_number(number):
    """The booking of the request with this tracking number, or None."""
    return (
        CollectionBooking.select(CollectionBooking, CollectionSlot)
        .join(CollectionSlot)
        .switch(CollectionBooking)
        .join(Submission)
        .where(Submission.number == number)
        .get_or_none()
    )


def slot_end(start):
    """When the slot starting at `start` ends, by its weekday's hours now."""
    return start + dt.timedelta(minutes=hours()[start.weekday()].slot_minutes)


def _claim(start, capacity):
    """Take one place in the slot, or raise FULL (inside a transaction)."""
    CollectionSlot.insert(start=start, booked=0).on_conflict_ignore().execute()
    claimed = (
        CollectionSlot.update(booked=CollectionSlot.booked + 1)
        .where((CollectionSlot.start == start) & (CollectionSlot.booked < capacity))
        .execute()
    )
    if claimed != 1:
        raise BookingRefused(FULL)
    return CollectionSlot.get(CollectionSlot.start == start)


def _release(slot_id):
    CollectionSlot.update(booked=CollectionSlot.booked - 1).where(
        (CollectionSlot.id == slot_id) & (CollectionSlot.booked > 0)
    ).execute()


def book(submission, start, now, calendar):
    """Book (or move the booking to) the slot starting at `start`."""
    if submission.status != workflow.READY:
        raise BookingRefused(NOT_READY)
    slot = _offered_slot(start, now, calendar)
    if slot is None:
        raise BookingRefused(NOT_OFFERED)
    with write_transaction():
        current = booking_of(submission.id)
        if current is not None and current.slot.start == start:
            return current
        if current is not None and current.state == EXPECTED:
            if current.slot.start <= now:
                raise BookingRefused(STARTED)
        claimed = _claim(start, slot.capacity)
        if current is None:
            try:
                CollectionBooking.create(submission=submission.id, slot=claimed)
            except pw.IntegrityError:
                # Booked at the same moment from another page: the whole
                # transaction (this claim too) is rolled back.
                raise BookingRefused(CHANGED) from None
        else:
            if current.state == EXPECTED:
                _release(current.slot_id)
            CollectionBooking.update(
                slot=claimed, state=EXPECTED, booked_at=utcnow()
            ).where(CollectionBooking.id == current.id).execute()
        note_change(submission.id)
        signals.booking_changed.send(submission.id, start=start)
    return booking_of(submission.id)


def cancel(submission, now):
    """Give the place back; refused once the slot has started."""
    with write_transaction():
        current = booking_of(submission.id)
        if current is None:
            return False
        if current.state != EXPECTED or current.slot.start <= now:
            raise BookingRefused(STARTED)
        CollectionBooking.delete().where(CollectionBooking.id == current.id).execute()
        _release(current.slot_id)
        note_change(submission.id)
        signals.booking_changed.send(submission.id, start=None)
    return True


def schedule(day):
    """[(Slot, [booking with submission and document type])] of one day."""
    slots = day_slots(day)
    if not slots:
        return []
    rows = (
        CollectionBooking.select(
            CollectionBooking, CollectionSlot, Submission, DocumentType
        )
        .join(CollectionSlot)
        .switch(CollectionBooking)
        .join(Submission)
        .join(DocumentType)
        .where(
            (CollectionSlot.start >= slots[0].start)
            & (CollectionSlot.start <= slots[-1].start)
        )
        .order_by(CollectionSlot.start, CollectionBooking.booked_at)
    )
    by_start = {}
    for row in rows:
        by_start.setdefault(row.slot.start, []).append(row)
    return [(slot, by_start.get(slot.start, [])) for slot in slots]


def mark(booking_id, state, staff):
    """Note that the resident arrived or did not come (not once collected)."""
    with write_transaction():
        updated = (
            CollectionBooking.update(state=state, handled_by=staff, handled_at=utcnow())
            .where(
                (CollectionBooking.id == booking_id)
                & (CollectionBooking.state != COLLECTED)
            )
            .execute()
        )
        if updated == 1:
            note_change(
                CollectionBooking.select(CollectionBooking.submission)
                .where(CollectionBooking.id == booking_id)
                .scalar()
            )
    return updated == 1


def note_arrival(submission_id, day):
    """A resident with a booking for `day` checked in: expected -> arrived."""
    midnight = dt.datetime.combine(day, dt.time())
    slots_of_day = CollectionSlot.select(CollectionSlot.id).where(
        (CollectionSlot.start >= midnight)
        & (CollectionSlot.start < midnight + dt.timedelta(days=1))
    )
    updated = (
        CollectionBooking.update(state=ARRIVED, handled_at=utcnow())
        .where(
            (CollectionBooking.submission == submission_id)
            & (CollectionBooking.state == EXPECTED)
            & CollectionBooking.slot.in_(slots_of_day)
        )
        .execute()
    )
    if updated:
        note_change(submission_id)


def hand_over(booking, *, staff, name, relation, relation_other, clock):
    """The document is handed over: ready -> completed (submissions.move, which
    raises workflow.MoveRefused), then who collected it is recorded."""
    submission = Submission.get_by_id(booking.submission_id)
    moved = submissions.move(
        submission,
        workflow.COMPLETED,
        version=submission.version,
        staff=staff,
        clock=clock,
    )
    with write_transaction():
        CollectionBooking.update(
            state=COLLECTED,
            collector_name=name,
            collector_relation=relation,
            collector_relation_other=relation_other if relation == "other" else "",
            handled_by=staff,
            handled_at=utcnow(),
        ).where(CollectionBooking.id == booking.id).execute()
        note_change(booking.submission_id)
    return moved
