"""The office's calendar: national holidays, collective leave and the office's
own closures, and what a change to them does to the requests waiting.

Due dates are stored with each request (working_days.OfficeCalendar counts
them when it is made). When the admin adds a closure, every request still
awaited whose due date falls on or after that day gets one working day more;
when one is removed, one less, so a request is never late for a day the
office did not work.
"""

import datetime as dt

import peewee as pw

from kiosk.data.db import write_transaction
from kiosk.data.models import OfficeClosure, Submission
from kiosk.domain import workflow, working_days
from kiosk.services import audit, signals


def office_calendar(around):
    """The office's calendar for the years around the date `around`."""
    years = {around.year - 1, around.year, around.year + 1}
    closed = set(working_days.national_closures(years))
    closed.update(day for (day,) in OfficeClosure.select(OfficeClosure.day).tuples())
    return working_days.OfficeCalendar(frozenset(closed))


def closures(since):
    """The office's own closures from `since` on, in date order."""
    return list(
        OfficeClosure.select()
        .where(OfficeClosure.day >= since)
        .order_by(OfficeClosure.day)
    )


def national_days(since, until, language):
    """[(date, name)] of national holidays and collective leave in a period."""
    years = range(since.year, until.year + 1)
    named = working_days.national_closures(years, language)
    return [(day, name) for day, name in named.items() if since <= day <= until]


class ClosureRefused(ValueError):
    """The day is closed already (a weekend, a national day or a closure)."""


def add_closure(actor, day, reason, today):
    """Close the office on `day`, moving the due dates it delays."""
    before = office_calendar(day)
    if not before.is_working_day(day):
        raise ClosureRefused(day)
    with write_transaction():
        try:
            closure = OfficeClosure.create(
                day=day, reason=reason.strip()[:160], created_by=actor
            )
        except pw.IntegrityError:
            raise ClosureRefused(day) from None
        after = office_calendar(day)
        moved = _shift_due_dates(
            day, today, lambda due: after.add(due, 1), latest_first=True
        )
        audit.record_admin_change(
            actor,
            "calendar.close",
            day.isoformat(),
            {"reason": closure.reason, "requests": moved},
        )
    signals.calendar_changed.send()
    signals.requests_changed.send()
    return closure, moved


def remove_closure(actor, closure, today):
    """Open the office again on a closure's day: the due dates it had delayed
    come one working day earlier (never before today)."""
    with write_transaction():
        OfficeClosure.delete().where(OfficeClosure.id == closure.id).execute()
        after = office_calendar(closure.day)
        moved = _shift_due_dates(
            closure.day,
            today,
            lambda due: max(_previous(after, due), today),
            latest_first=False,
        )
        audit.record_admin_change(
            actor,
            "calendar.reopen",
            closure.day.isoformat(),
            {"reason": closure.reason, "requests": moved},
        )
    signals.calendar_changed.send()
    signals.requests_changed.send()
    return moved


def _previous(calendar, day):
    day -= dt.timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _shift_due_dates(day, today, shifted, latest_first):
    """Give every awaited request made before `day` and due on or after it
    the due date `shifted(old)`: one statement per distinct due date, in an
    order that never moves a request twice (later dates first when moving
    forward, earlier first when moving back)."""
    if day < today:
        return 0  # a day gone by delayed nothing still to come
    awaited = (
        Submission.status.in_(workflow.AWAITED)
        & (Submission.due_date >= day)
        & (Submission.created_at < dt.datetime.combine(day, dt.time()))
    )
    due_dates = [
        due
        for (due,) in Submission.select(Submission.due_date)
        .where(awaited)
        .distinct()
        .tuples()
    ]
    due_dates.sort(reverse=latest_first)
    moved = 0
    for due in due_dates:
        moved += (
            Submission.update(due_date=shifted(due))
            .where(awaited & (Submission.due_date == due))
            .execute()
        )
    return moved
