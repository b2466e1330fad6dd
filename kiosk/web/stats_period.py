"""The period a statistics page asks for, read from its address.

`?period=month&month=2026-03`, `?period=quarter&quarter=2026-Q1`,
`?period=year&year=2026` or `?period=range&from=2026-01-01&to=2026-02-15`.
Anything missing or unreadable gives the last 12 months; a period is cut to
the days with data (from the first request to today), so a range never shows
empty years before the office started.
"""

import datetime as dt
import re

from kiosk.services.stats import Period

KINDS = ("month", "quarter", "year", "range")
MONTH = re.compile(r"^(\d{4})-(\d{2})$")
QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
YEAR = re.compile(r"^(\d{4})$")


def _month_end(start):
    return (start + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _date(text):
    try:
        return dt.date.fromisoformat((text or "").strip()[:10])
    except ValueError:
        return None


def _wanted(args, today):
    kind = args.get("period", "")
    if kind == "month" and (found := MONTH.match(args.get("month", "").strip())):
        year, month = int(found[1]), int(found[2])
        if 1 <= month <= 12 and year >= 1900:
            start = dt.date(year, month, 1)
            return "month", start, _month_end(start)
    if kind == "quarter" and (found := QUARTER.match(args.get("quarter", "").strip())):
        year, quarter = int(found[1]), int(found[2])
        if year >= 1900:
            start = dt.date(year, 3 * quarter - 2, 1)
            return "quarter", start, _month_end(dt.date(year, 3 * quarter, 1))
    if kind == "year" and (found := YEAR.match(args.get("year", "").strip())):
        year = int(found[1])
        if year >= 1900:
            return "year", dt.date(year, 1, 1), dt.date(year, 12, 31)
    if kind == "range":
        start, end = _date(args.get("from")), _date(args.get("to"))
        if start and end:
            return "range", min(start, end), max(start, end)
    return None


def last_twelve_months(today):
    start = today.replace(day=1)
    for _ in range(11):
        start = (start - dt.timedelta(days=1)).replace(day=1)
    return Period("range", start, today)


def from_args(args, today, first_day):
    """The Period asked for in `args`, within the data (`first_day` .. today)."""
    wanted = _wanted(args, today)
    if wanted is None:
        return last_twelve_months(today)
    kind, start, end = wanted
    end = min(end, today)
    if first_day and start < first_day <= end and kind == "range":
        start = first_day
    if start > end:  # wholly in the future: nothing to count yet
        start = end
    return Period(kind, start, end)


def query_of(period):
    """The address arguments that ask for `period` again (for links)."""
    if period.kind == "month":
        return {"period": "month", "month": period.start.strftime("%Y-%m")}
    if period.kind == "quarter":
        quarter = (period.start.month - 1) // 3 + 1
        return {"period": "quarter", "quarter": f"{period.start.year}-Q{quarter}"}
    if period.kind == "year":
        return {"period": "year", "year": str(period.start.year)}
    return {
        "period": "range",
        "from": period.start.isoformat(),
        "to": period.end.isoformat(),
    }


def choices(first_day, today, period=None):
    """Months, quarters and years with data (and the period shown), newest
    first, for the picker."""
    first = min(first_day or today, period.start if period else today)
    months, month = [], today.replace(day=1)
    while month >= first.replace(day=1):
        months.append(month)
        month = (month - dt.timedelta(days=1)).replace(day=1)
    quarters = []
    for m in months:
        label = f"{m.year}-Q{(m.month - 1) // 3 + 1}"
        if label not in quarters:
            quarters.append(label)
    years = list(range(today.year, first.year - 1, -1))
    return {"months": months, "quarters": quarters, "years": years}
