"""The staff work queue: filters, search, keyset paging, counts, day lists.

Pages are cut by keyset, never OFFSET: a page continues after the (created_at,
id) of the last row shown, which the indexes (created_at, id), (status,
created_at, id), (document_type, created_at, id) and (channel, created_at, id)
serve directly, so the thousandth page costs what the first does. A name is
searched by the words of applicants' names and of the people requests are
about (the name_word table, name_search.py), and inside those words through a
trigram index where the database has one; a NIK, among applicants and those
people.
"""

import datetime as dt
import re
from dataclasses import dataclass, field, replace

import peewee as pw

from kiosk.data.models import (
    CHANNELS,
    DocumentType,
    StaffMember,
    Submission,
)
from kiosk.domain import workflow
from kiosk.domain.search import (
    SEARCH_NAME,
    SEARCH_NIK,
    SEARCH_NUMBER,
    SEARCH_NUMBER_OR_NAME,
    SEARCH_PHONE,
    SEARCH_UNUSABLE,
    read_search,
)
from kiosk.services import name_search

PAGE_SIZE = 50
OPEN = "open"  # the status filter for every status that is not final
ORDERS = ("newest", "oldest")

# Dates a filter can mean. Year 1 or 9999 cannot even be turned into a UTC
# moment (the day after 9999-12-31 does not exist).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(9998, 12, 31)

_CURSOR = re.compile(r"^(\d{14})(\d{6})-(\d{1,12})$")


@dataclass(frozen=True)
class Filters:
    """What the clerk asked the queue to show, read from the query string."""

    status: str = ""  # "", "open" or a status
    document_type: str = ""  # a document type code
    channel: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    overdue: bool = False
    q: str = ""
    order: str = "newest"
    bad_dates: tuple = field(default=())

    @classmethod
    def from_args(cls, args):
        status = args.get("status", "")
        channel = args.get("channel", "")
        order = args.get("order", "newest")
        dates, bad = {}, []
        for name in ("date_from", "date_to"):
            text = args.get(name, "").strip()
            try:
                day = dt.date.fromisoformat(text) if text else None
            except ValueError:
                day = None
            if text and not (day and EARLIEST_DATE <= day <= LATEST_DATE):
                day = None
                bad.append(name)
            dates[name] = day
        return cls(
            status=status if status in workflow.STATUSES or status == OPEN else "",
            document_type=args.get("document_type", "").strip().upper()[:16],
            channel=channel if channel in CHANNELS else "",
            overdue=args.get("overdue") in ("1", "y", "on"),
            q=args.get("q", "").strip()[:100],
            order=order if order in ORDERS else "newest",
            bad_dates=tuple(bad),
            **dates,
        )

    def as_args(self, **changes):
        """The filters as query-string values (empty ones left out), for links."""
        current = replace(self, **changes)
        values = {
            "status": current.status,
            "document_type": current.document_type,
            "channel": current.channel,
            "date_from": current.date_from.isoformat() if current.date_from else "",
            "date_to": current.date_to.isoformat() if current.date_to else "",
            "overdue": "1" if current.overdue else "",
            "q": current.q,
            "order": "" if current.order == "newest" else current.order,
        }
        return {key: value for key, value in values.items() if value}

    def for_audit(self):
        """The filters as the audit trail keeps them: the kind of search, never
        its text, since a NIK or name must not outlive the request's retention."""
        details = self.as_args(q="", overdue=False)
        if self.overdue:
            details["overdue"] = True  # shown as Yes
        if self.q:
            details["search"] = self.search.kind or SEARCH_UNUSABLE
        return details

    @property
    def any(self):
        return bool(self.as_args(order="newest"))

    @property
    def search(self):
        return read_search(self.q)


def _conditions(filters, today, zone):
    conditions = []
    if filters.status == OPEN:
        # NOT IN lets the planner walk the (created_at, id) index in order.
        conditions.append(Submission.status.not_in(workflow.FINAL))
    elif filters.status:
        conditions.append(Submission.status == filters.status)
    if filters.document_type:
        type_id = (
            DocumentType.select(DocumentType.id)
            .where(DocumentType.code == filters.document_type)
            .scalar()
        )
        conditions.append(Submission.document_type == (type_id or 0))
    if filters.channel:
        conditions.append(Submission.channel == filters.channel)
    if filters.date_from:
        conditions.append(
            Submission.created_at >= _utc_midnight(filters.date_from, zone)
        )
    if filters.date_to:
        end = _utc_midnight(filters.date_to + dt.timedelta(days=1), zone)
        conditions.append(Submission.created_at < end)
    if filters.overdue:
        conditions.append(
            Submission.status.in_(workflow.CLOCK_RUNNING)
            & (Submission.due_date < today)
        )
    search = filters.search
    if search.error:
        conditions.append(pw.SQL("1 = 0"))
    elif search.kind == SEARCH_NUMBER:
        conditions.append(Submission.number == search.value)
    elif search.kind == SEARCH_NIK:
        conditions.append(name_search.nik_match(search.value))
    elif search.kind == SEARCH_PHONE:
        conditions.append(Submission.phone == search.value)
    elif search.kind == SEARCH_NAME:
        conditions.append(name_search.name_match(search.words))
    elif search.kind == SEARCH_NUMBER_OR_NAME:
        conditions.append(name_search.name_match(search.words, number=search.value))
    return conditions


def _utc_midnight(day, zone):
    local = dt.datetime.combine(day, dt.time(), tzinfo=zone)
    return local.astimezone(dt.UTC).replace(tzinfo=None)


def filtered(filters, today, zone):
    """All requests matching the filters (unordered), with type and recorder."""
    query = (
        Submission.select(*WHOLE_ROWS)
        .join(DocumentType)
        .switch(Submission)
        .join(
            StaffMember, pw.JOIN.LEFT_OUTER, on=Submission.recorded_by == StaffMember.id
        )
    )
    conditions = _conditions(filters, today, zone)
    return query.where(*conditions) if conditions else query


def cursor_of(submission):
    """A page boundary: the row's creation time and id, URL-safe."""
    return submission.created_at.strftime("%Y%m%d%H%M%S%f") + f"-{submission.id}"


def read_cursor(text):
    match = _CURSOR.match(text or "")
    if not match:
        return None
    try:
        at = dt.datetime.strptime(match.group(1) + match.group(2), "%Y%m%d%H%M%S%f")
    except ValueError:
        return None
    return at, int(match.group(3))


@dataclass
class Page:
    rows: list
    next_cursor: str | None  # older rows (newest first) or newer (oldest first)
    previous_cursor: str | None


def _boundary(after, before):
    """(cursor, backwards) of a page request; a broken cursor means the first page."""
    if after:
        return read_cursor(after), False
    boundary = read_cursor(before)
    return boundary, boundary is not None


# Every column of the request, its type and the clerk who recorded it (the
# export writes most of them).
WHOLE_ROWS = (Submission, DocumentType, StaffMember)
# What a page of the queue on screen shows of each request, with what
# is_overdue and possible_duplicates read: building each row's three whole
# models (the type's with its requirement lists) cost about 10 % of the page.
PAGE_COLUMNS = (
    Submission.id,
    Submission.number,
    Submission.version,
    Submission.created_at,
    Submission.applicant_name,
    Submission.purged_at,
    Submission.nik,
    Submission.channel,
    Submission.status,
    Submission.due_date,
    Submission.document_type,
    DocumentType.id,
    DocumentType.name_id,
    DocumentType.name_en,
)


def page_query(
    filters,
    *,
    today,
    zone,
    boundary=None,
    backwards=False,
    size=PAGE_SIZE,
    columns=None,
):
    """The query for one page: rows past `boundary`, one more than `size`,
    of `columns` (PAGE_COLUMNS unless said).

    Newest first walks (created_at, id) downwards; a page before the boundary
    (the "previous page" link) walks the other way and is reversed afterwards.
    """
    descending = (filters.order == "newest") != backwards
    query = filtered(filters, today, zone).select(*(columns or PAGE_COLUMNS))
    if boundary:
        key = pw.Tuple(Submission.created_at, Submission.id)
        value = pw.Tuple(*boundary)
        query = query.where(key < value if descending else key > value)
    if descending:
        ordering = (Submission.created_at.desc(), Submission.id.desc())
    else:
        ordering = (Submission.created_at, Submission.id)
    return query.order_by(*ordering).limit(size + 1)


def page(
    filters, *, today, zone, after=None, before=None, size=PAGE_SIZE, columns=None
):
    """One page of the queue after (or before) a cursor, in the chosen order,
    of `columns` (PAGE_COLUMNS unless said)."""
    boundary, backwards = _boundary(after, before)
    rows = list(
        page_query(
            filters,
            today=today,
            zone=zone,
            boundary=boundary,
            backwards=backwards,
            size=size,
            columns=columns,
        )
    )
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
        has_previous, has_next = more, True
    else:
        has_previous, has_next = boundary is not None, more
    return Page(
        rows=rows,
        next_cursor=cursor_of(rows[-1]) if rows and has_next else None,
        previous_cursor=cursor_of(rows[0]) if rows and has_previous else None,
    )


def every_row(filters, *, today, zone, batch=500):
    """Every matching request in queue order, whole, read in keyset batches
    (for export)."""
    cursor = None
    while True:
        result = page(
            filters,
            today=today,
            zone=zone,
            after=cursor,
            size=batch,
            columns=WHOLE_ROWS,
        )
        yield from result.rows
        if not result.next_cursor:
            return
        cursor = result.next_cursor


# Finished requests are counted over a recent window: counting every completed
# request ever made would read most of a million-row table on each load.
FINISHED_WINDOW_DAYS = 30
DAY_LIST_LIMIT = 200


def count_now(now):
    """Requests per open status, and finished ones over the recent window.

    Counting reads much of the table: the web layer keeps the result for
    QUEUE_COUNTS_CACHE_SECONDS (web/caches.py)."""
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
        .where(
            Submission.status.in_(workflow.CLOCK_RUNNING)
            & (Submission.due_date < today)
        )
        .order_by(Submission.due_date, Submission.id)
        .limit(limit)
    )


def possible_duplicates(rows):
    """Ids of the open requests among `rows` (a page of the queue) for which
    another open request has the same NIK and document type: most likely the
    same request made twice, whatever the channel.

    One query for the whole page, through the nik index. Purged requests
    (their NIK erased) are finished, and never counted.
    """
    open_rows = [r for r in rows if r.nik and r.status in workflow.OPEN]
    if not open_rows:
        return set()
    twice = set(_open_twice({r.nik for r in open_rows}).tuples())
    return {r.id for r in open_rows if (r.nik, r.document_type_id) in twice}


def _open_twice(niks):
    """(NIK, document type) of `niks` with two or more open requests."""
    return (
        Submission.select(Submission.nik, Submission.document_type)
        .where(Submission.nik.in_(sorted(niks)) & Submission.status.in_(workflow.OPEN))
        .group_by(Submission.nik, Submission.document_type)
        .having(pw.fn.COUNT(Submission.id) > 1)
    )
