"""What the statistics page, its downloads and the staff report share: the
period asked for, the (cached) figures, their tables, charts and CSV."""

import csv
import datetime as dt
import io

from babel.numbers import format_decimal
from flask import url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from kiosk.services import stats
from kiosk.web import caches, charts, stats_period, stats_tables
from kiosk.web.dates import ZONE_ABBREVIATIONS, format_date, office_today, office_zone
from kiosk.web.i18n import current_locale
from kiosk.web.stats_tables import COLUMNS, HIDDEN

BOM = "\ufeff"  # spreadsheet programs read the file as UTF-8 only with it
SEPARATORS = {"comma": ",", "semicolon": ";"}


def figures(args):
    """(period, Statistics, today) for the period in the address `args`."""
    today = office_today()
    first = caches.statistics_first_day(today)
    period = stats_period.from_args(args, today, first)
    return period, caches.statistics(period, today), today


def value_text(key, value, locale=None):
    """A table cell: "–" for a figure left out, "<5", a share, or a number."""
    locale = locale or current_locale()
    if value is None:
        return "–"
    if value == HIDDEN:
        return value
    if key == "on_time":
        return f"{format_decimal(value, locale=locale)}%"
    return format_decimal(value, locale=locale)


def _month(code, pattern):
    year, month = int(code[:4]), int(code[5:7])
    return format_date(dt.date(year, month, 1), pattern)


def chart_set(tables):
    """The charts of the page, from its tables."""
    locale = current_locale()

    def number(value):
        return format_decimal(value, locale=locale)

    with_ready = [r for r in tables["type"].rows if r.values["median"] is not None]
    return {
        "trend": charts.columns(
            tables["trend"].rows,
            [("received", "chart-bar"), ("ready", "chart-bar chart-bar--second")],
            number,
            lambda code: _month(code, "MMM"),
            lambda code: code[:4],
        ),
        "days": charts.bars(with_ready, "median", number),
        "type": charts.bars(tables["type"].rows, "received", number),
        "kecamatan": charts.bars(tables["kecamatan"].rows, "received", number),
        "channel": charts.bars(tables["channel"].rows, "received", number),
        "outcome": charts.bars(tables["outcome"].rows, "requests", number),
    }


STAT_CARDS = {
    "received": _l("requests received"),
    "ready": _l("documents ready"),
    "completed": _l("documents collected"),
    "rejected": _l("requests rejected"),
}


def context(args, hide=True, endpoint="public.statistics"):
    """Everything the statistics templates need for the period in `args`
    (small counts hidden unless `hide` is false: the staff report)."""
    period, statistics, today = figures(args)
    tables = stats_tables.build(statistics, current_locale(), hide)
    query = stats_period.query_of(period)
    return {
        "period": period,
        "stats": statistics,
        "tables": tables,
        "charts": chart_set(tables),
        "columns": COLUMNS,
        "value_text": value_text,
        "month_name": lambda code: _month(code, "MMMM y"),
        "choices": stats_period.choices(statistics.first_day, today, period),
        "query": query,
        "today": today,
        "small": stats.SMALL,
        "hide_small": hide,
        "zone_name": ZONE_ABBREVIATIONS.get(office_zone().key, office_zone().key),
        "stat_card_labels": STAT_CARDS,
        "picker_action": url_for(endpoint),
        "downloads": {
            "csv_comma": url_for("public.statistics_csv", sep="comma", **query),
            "csv_semicolon": url_for("public.statistics_csv", sep="semicolon", **query),
            "json": url_for("api.statistics", **query),
        },
    }


def csv_text(tables, separator):
    """The tables as one CSV file: a row per figure line, the table it
    belongs to first. With semicolons, decimals take a comma, as the
    spreadsheets of Indonesian locales expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    keys = ["received", "ready", "completed", "rejected", "on_time", "median", "p90"]
    keys.append("requests")
    writer.writerow(
        [gettext("Table"), gettext("Code"), gettext("Name")]
        + [str(COLUMNS[key]) for key in keys]
        + [gettext("Partial month")]
    )

    def cell(value):
        if value is None:
            return ""
        text = str(value)
        return text.replace(".", ",") if separator == ";" else text

    for table in tables.values():
        for row in table.rows:
            writer.writerow(
                [str(table.title), row.code, row.label or row.code]
                + [cell(row.values.get(key)) for key in keys]
                + [gettext("yes") if row.partial else ""]
            )
    return BOM + buffer.getvalue()
