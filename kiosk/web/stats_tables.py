"""The statistics as labelled tables: one source for the page, its charts,
the CSV and JSON downloads and the staff report.

Public tables hide small counts: a number from 1 to 4 becomes "<5" (and,
where a breakdown has only one such cell, the next smallest too, so that it
cannot be worked out from the total), and a median, percentile or share
worked out from fewer than 5 documents is left out, so that no single
resident can be picked out. The staff report shows
every figure.
"""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from kiosk.data.models import CHANNELS, DocumentType
from kiosk.domain import workflow
from kiosk.services.stats import SMALL
from kiosk.web.i18n import CHANNEL_LABELS, STATUS_LABELS

HIDDEN = f"<{SMALL}"

COLUMNS = {
    "received": _l("Received"),
    "ready": _l("Ready"),
    "completed": _l("Collected"),
    "rejected": _l("Rejected"),
    "on_time": _l("Ready by the promised date"),
    "median": _l("Median working days to ready"),
    "p90": _l("90th percentile of working days to ready"),
    "requests": _l("Requests"),
}


@dataclass
class Table:
    key: str  # summary, type, kecamatan, channel, outcome, trend
    title: str
    columns: list  # column keys (COLUMNS)
    rows: list = field(default_factory=list)  # TableRows


@dataclass
class TableRow:
    code: str  # what programs read: a type code, a channel, a status, a month
    label: str
    values: dict  # column key -> int, float, HIDDEN or None
    partial: bool = False


def count(value, hide):
    """A count as shown: "<5" when it is small and small counts are hidden."""
    return HIDDEN if hide and 0 < value < SMALL else value


def _timing(row, hide):
    """Median, 90th percentile and share on time, unless too few to show."""
    if row.ready == 0 or (hide and row.ready < SMALL):
        return {"on_time": None, "median": None, "p90": None}
    return {
        "on_time": round(100 * row.on_time_share),
        "median": row.median_days,
        "p90": row.p90_days,
    }


def _counts(row, hide):
    return {
        measure: count(getattr(row, measure), hide)
        for measure in ("received", "ready", "completed", "rejected")
    }


def build(statistics, locale, hide=True):
    """{table key: Table} for `statistics` in `locale`."""
    types = {str(t.id): t for t in DocumentType.select()}
    full = ["received", "ready", "completed", "rejected", "on_time", "median", "p90"]
    counts_only = full[:4]
    total = statistics.total
    summary = Table("summary", _l("All requests"), full)
    summary.rows.append(
        TableRow(
            "total",
            str(_l("All documents")),
            _counts(total, hide) | _timing(total, hide),
        )  # fmt: skip
    )
    by_type = Table("type", _l("By document"), full)
    for row in statistics.by_type:
        kind = types.get(row.key)
        code = kind.code if kind else row.key
        label = kind.name(locale) if kind else row.key
        values = _counts(row, hide) | _timing(row, hide)
        by_type.rows.append(TableRow(code, label, values))
    kecamatan = Table("kecamatan", _l("By district (kecamatan)"), counts_only)
    for row in statistics.by_kecamatan:
        label = row.key or str(_l("Not given"))
        kecamatan.rows.append(TableRow(row.key, label, _counts(row, hide)))
    channel = Table("channel", _l("By channel"), counts_only)
    found = {row.key: row for row in statistics.by_channel}
    for code in CHANNELS:
        row = found.get(code)
        if row is None and code == "app":
            continue  # the phone app is not in use everywhere
        values = _counts(row, hide) if row else dict.fromkeys(counts_only, 0)
        channel.rows.append(TableRow(code, str(CHANNEL_LABELS[code]), values))
    outcome = Table("outcome", _l("Where the requests received stand now"),
                    ["requests"])  # fmt: skip
    for status in workflow.STATUSES:
        value = statistics.outcome.get(status, 0)
        label = str(STATUS_LABELS[status])
        outcome.rows.append(TableRow(status, label, {"requests": count(value, hide)}))
    trend = Table("trend", _l("Month by month"), counts_only)
    for month in statistics.trend:
        values = {m: count(getattr(month, m), hide) for m in counts_only}
        trend.rows.append(
            TableRow(month.start.strftime("%Y-%m"), "", values, partial=month.partial)
        )
    tables = [summary, by_type, kecamatan, channel, outcome, trend]
    if hide:
        for table in (by_type, kecamatan, channel, outcome):
            hide_the_complement(table)
    return {table.key: table for table in tables}


def hide_the_complement(table):
    """In a breakdown whose rows add up to a total shown elsewhere, one hidden
    cell in a column could be worked out by subtraction: hide the smallest
    other count in that column too."""
    for key in table.columns:
        if key not in ("received", "ready", "completed", "rejected", "requests"):
            continue  # shares and times do not add up to a total
        cells = [row.values for row in table.rows if key in row.values]
        counts = [v for v in cells if isinstance(v.get(key), int)]
        if sum(v[key] == HIDDEN for v in cells) != 1:
            continue
        shown = [v for v in counts if v[key] > 0]
        if shown:
            min(shown, key=lambda v: v[key])[key] = HIDDEN


def as_json(tables, period):
    """The tables as plain data for the JSON answer."""
    return {
        "period": {
            "kind": period.kind,
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
        },
        "suppressed_below": SMALL,
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "rows": [
                    {
                        "code": row.code,
                        "label": row.label or row.code,
                        **({"partial": True} if row.partial else {}),
                        **{key: row.values.get(key) for key in table.columns},
                    }
                    for row in table.rows
                ],
            }
            for table in tables.values()
        ],
    }
