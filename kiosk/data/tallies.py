"""Daily tallies behind the statistics, kept in step with every status change.

A status change adds one to a handful of DailyTally rows in the same
transaction (one upsert statement), so the statistics add up a few hundred
rows for a year instead of reading every request. Days are the office's days:
a request made at 03:00 WIB on the 1st counts on the 1st, though it is stored
as 20:00 UTC the day before. Working days to ready are counted with the
office's calendar as it stands when the document becomes ready.

`rebuild` recounts everything from the requests and their history in SQL; it
runs once when the table is new (or restored from an older backup) and gives
exactly what the live counting gives (a test holds them to it).
"""

import datetime as dt
import functools
from zoneinfo import ZoneInfo

import peewee as pw

from kiosk.data.compiled import InsertRows
from kiosk.data.db import db
from kiosk.data.models import (
    DailyTally,
    MigrationMark,
    OfficeClosure,
    OfficeSettings,
    StatusEvent,
    Submission,
)
from kiosk.domain import working_days
from kiosk.domain.workflow import COMPLETED, READY, REJECTED

# The moves counted per document type, kecamatan and channel, besides "received".
OUTCOMES = (READY, COMPLETED, REJECTED)
BREAKDOWNS = ("type", "kecamatan", "channel")
MARK = "daily_tally"
KEY = (
    DailyTally.dimension,
    DailyTally.day,
    DailyTally.key,
    DailyTally.measure,
    DailyTally.days,
)


def office_zone():
    name = OfficeSettings.select(OfficeSettings.timezone).order_by(OfficeSettings.id)
    try:
        return ZoneInfo(name.scalar() or "Asia/Jakarta")
    except (ValueError, KeyError):
        return ZoneInfo("Asia/Jakarta")


def local_date(stored, zone):
    return stored.replace(tzinfo=dt.UTC).astimezone(zone).date()


@functools.lru_cache(maxsize=8)
def _national(years):
    return frozenset(working_days.national_closures(years))


def calendar_between(start, end):
    """The office's calendar (national days and its own closures) from `start`
    to `end`."""
    years = tuple(range(start.year, end.year + 1))
    closures = OfficeClosure.select(OfficeClosure.day).where(
        OfficeClosure.day.between(start, end)
    )
    closed = _national(years) | {day for (day,) in closures.tuples()}
    return working_days.OfficeCalendar(frozenset(closed))


def count_change(submission, from_status, to_status, staff_id, at):
    """Count one status change (from_status None: the request was received),
    inside the caller's transaction."""
    zone = office_zone()
    received = local_date(submission.created_at, zone)
    day = local_date(at, zone)
    type_id = str(submission.document_type_id)
    keys = {
        "type": type_id,
        "kecamatan": submission.kecamatan,
        "channel": submission.channel,
    }
    rows = []
    if from_status is None:
        rows += [(name, received, key, "received", 0, 1) for name, key in keys.items()]
    else:
        rows.append(("outcome", received, from_status, "requests", 0, -1))
        if to_status in OUTCOMES:
            rows += [(name, day, key, to_status, 0, 1) for name, key in keys.items()]
    rows.append(("outcome", received, to_status, "requests", 0, 1))
    if to_status == READY:
        if day <= submission.due_date:
            rows += [(name, day, key, "on_time", 0, 1) for name, key in keys.items()]
        taken = calendar_between(received, day).working_days_between(received, day)
        rows.append(("days", day, type_id, READY, taken, 1))
    if staff_id is not None:
        rows.append(("clerk", day, str(staff_id), to_status, 0, 1))
    add(rows)


def add(rows):
    """Add (dimension, day, key, measure, days, count) rows to the tallies,
    in one statement; always in the same order, so that two transactions on
    PostgreSQL lock shared rows in the same order and never deadlock."""
    merged = {}
    for *key, count in rows:
        merged[tuple(key)] = merged.get(tuple(key), 0) + count
    if not merged:
        return
    ordered = sorted((k[0], k[1], k[2], k[3], k[4], n) for k, n in merged.items())
    _ADD_ROWS.insert(ordered)


# Run with every request stored and every status change: built once per SQL
# dialect and number of rows (data/compiled.py).
_ADD_ROWS = InsertRows(
    DailyTally,
    [*KEY, DailyTally.count],
    finish=lambda query: query.on_conflict(
        conflict_target=list(KEY),
        update={DailyTally.count: DailyTally.count + pw.EXCLUDED.count},
    ),
)


def ensure_built():
    """Count everything once, when the tallies are new (or came back empty
    from an older backup); later starts find the mark and do nothing."""
    with db.atomic():
        if MigrationMark.get_or_none(MigrationMark.name == MARK):
            return False
        rebuild()
        MigrationMark.insert(name=MARK, value=1).on_conflict_ignore().execute()
    return True


def _local_date_sql(column, zone):
    """SQL for the office's date of a stored (naive UTC) time column."""
    if isinstance(db.obj, pw.PostgresqlDatabase):
        return f"CAST(({column} AT TIME ZONE 'UTC' AT TIME ZONE '{zone.key}') AS date)"
    # SQLite has no time zones: the zone's offset now (Indonesia's zones keep
    # one offset all year).
    seconds = int(zone.utcoffset(dt.datetime.now()).total_seconds())
    return f"date({column}, '{seconds:+d} seconds')"


def rebuild():
    """Recount every tally from the requests and their status history."""
    zone = office_zone()
    DailyTally.delete().execute()
    created = _local_date_sql("s.created_at", zone)
    at = _local_date_sql("e.created_at", zone)
    columns = 'INSERT INTO daily_tally (dimension, day, "key", measure, days, count)'
    key_of = {
        "type": "CAST(s.document_type_id AS TEXT)",
        "kecamatan": "s.kecamatan",
        "channel": "s.channel",
    }
    events = "FROM status_event e JOIN submission s ON s.id = e.submission_id"
    outcomes = ", ".join(f"'{status}'" for status in OUTCOMES)
    for name, key in key_of.items():
        db.execute_sql(
            f"{columns} SELECT '{name}', {created}, {key}, 'received', 0, COUNT(*)"
            " FROM submission s GROUP BY 2, 3"
        )
        db.execute_sql(
            f"{columns} SELECT '{name}', {at}, {key}, e.to_status, 0, COUNT(*)"
            f" {events} WHERE e.to_status IN ({outcomes}) GROUP BY 2, 3, 4"
        )
        db.execute_sql(
            f"{columns} SELECT '{name}', {at}, {key}, 'on_time', 0, COUNT(*)"
            f" {events} WHERE e.to_status = '{READY}' AND {at} <= s.due_date"
            " GROUP BY 2, 3"
        )
    db.execute_sql(
        f"{columns} SELECT 'outcome', {created}, s.status, 'requests', 0, COUNT(*)"
        " FROM submission s GROUP BY 2, 3"
    )
    db.execute_sql(
        f"{columns} SELECT 'clerk', {at}, CAST(e.staff_id AS TEXT), e.to_status, 0,"
        f" COUNT(*) {events} WHERE e.staff_id IS NOT NULL GROUP BY 2, 3, 4"
    )
    _rebuild_days(zone, created, at, columns, events)


def _rebuild_days(zone, created, at, columns, events):
    """Working days to ready: each day's working-day number in a temporary
    table, so that the count is one subtraction in SQL."""
    first = Submission.select(pw.fn.MIN(Submission.created_at)).scalar()
    last = (
        StatusEvent.select(pw.fn.MAX(StatusEvent.created_at))
        .where(StatusEvent.to_status == READY)
        .scalar()
    )
    if first is None or last is None:
        return
    start = local_date(first, zone) - dt.timedelta(days=1)
    end = max(local_date(last, zone), start) + dt.timedelta(days=1)
    calendar = calendar_between(start, end)
    numbered, day, ordinal = [], start, 0
    while day <= end:
        ordinal += calendar.is_working_day(day)
        numbered.append((day.isoformat(), ordinal))
        day += dt.timedelta(days=1)
    postgres = isinstance(db.obj, pw.PostgresqlDatabase)
    # (SQLite keeps dates as text: a CAST would turn one into a number.)
    day_param = f"CAST({db.param} AS DATE)" if postgres else db.param
    db.execute_sql("DROP TABLE IF EXISTS tally_calendar")
    db.execute_sql(
        "CREATE TEMPORARY TABLE tally_calendar (day DATE PRIMARY KEY, ordinal INTEGER)"
    )
    try:
        for part in range(0, len(numbered), 500):
            chunk = numbered[part : part + 500]
            marks = ", ".join([f"({day_param}, {db.param})"] * len(chunk))
            db.execute_sql(
                f"INSERT INTO tally_calendar (day, ordinal) VALUES {marks}",
                [value for row in chunk for value in row],
            )
        taken = "CASE WHEN r.ordinal > c.ordinal THEN r.ordinal - c.ordinal ELSE 0 END"
        db.execute_sql(
            f"{columns} SELECT 'days', {at}, CAST(s.document_type_id AS TEXT),"
            f" '{READY}', {taken}, COUNT(*) {events}"
            f" JOIN tally_calendar c ON c.day = {created}"
            f" JOIN tally_calendar r ON r.day = {at}"
            f" WHERE e.to_status = '{READY}' GROUP BY 2, 3, 5"
        )
    finally:
        db.execute_sql("DROP TABLE tally_calendar")
