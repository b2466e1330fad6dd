"""Geometry of the statistics' SVG charts, worked out here so that the
templates' macros (components/charts.html) only draw what they are given.

Small counts hidden as "<5" are drawn as no bar, with "<5" written where the
value goes: a bar's height would give the number away.
"""

import math
from dataclasses import dataclass, field

from kiosk.web.stats_tables import HIDDEN


def nice_ceiling(value, parts=4):
    """The top of an axis of `parts` equal whole steps (1, 2 or 5 times a
    power of ten each) that reaches `value`."""
    needed = max(value, 1) / parts
    power = 10 ** math.floor(math.log10(needed))
    for step in (1, 2, 5, 10):
        if needed <= step * power:
            return max(1, step * power) * parts
    return 10 * power * parts


def _number(value):
    return 0 if value in (None, HIDDEN) else value


@dataclass
class Mark:
    x: float
    y: float
    width: float
    height: float
    text: str  # the value written beside the bar
    text_x: float
    text_y: float
    css: str = ""


@dataclass
class Chart:
    width: int
    height: int
    plot: tuple  # (left, top, right, bottom)
    bars: list = field(default_factory=list)
    ticks: list = field(default_factory=list)  # (position, label)
    labels: list = field(default_factory=list)  # (x, y, text, css)


def columns(rows, series, fmt, month_label, year_label):
    """Vertical bars month by month. `rows`: trend TableRows; `series`:
    [(column key, css class)] side by side in each month."""
    count = max(1, len(rows))
    slot = 56 if count <= 12 else max(22, 672 // count)
    left, top, bottom = 48, 24, 190
    width = left + slot * count + 8
    peak = max([_number(r.values[k]) for r in rows for k, _ in series] or [0])
    ceiling = nice_ceiling(peak)
    chart = Chart(width, 236, (left, top, width - 8, bottom))
    for i in range(5):
        value = ceiling * i / 4
        y = bottom - (bottom - top) * i / 4
        chart.ticks.append((y, fmt(int(value))))
    bar_width = (slot - 12) / len(series)
    year = None
    for index, row in enumerate(rows):
        x0 = left + slot * index + 6
        for place, (key, css) in enumerate(series):
            value = row.values[key]
            height = (bottom - top) * _number(value) / ceiling
            x = x0 + place * bar_width
            css_all = css + (" chart-bar-partial" if row.partial else "")
            text = value if value == HIDDEN else fmt(value)
            chart.bars.append(
                Mark(
                    x,
                    bottom - height,
                    bar_width - 1,
                    height,
                    text,
                    x + bar_width / 2,
                    bottom - height - 4,
                    css_all,
                )  # fmt: skip
            )
        centre = left + slot * index + slot / 2
        name = month_label(row.code) + ("*" if row.partial else "")
        chart.labels.append((centre, bottom + 16, name, "chart-label"))
        if row.code[:4] != year:
            year = row.code[:4]
            chart.labels.append(
                (centre, bottom + 34, year_label(row.code), "chart-year")
            )
    return chart


def bars(rows, key, fmt, label_width=140):
    """Horizontal bars, one a row, for a breakdown's `key` column."""
    row_height, top, width = 30, 8, 560
    left, right = label_width + 8, width - 56
    peak = max([_number(r.values.get(key)) for r in rows] or [0])
    ceiling = nice_ceiling(peak)
    height = top + row_height * len(rows) + 28
    chart = Chart(width, height, (left, top, right, height - 28))
    for i in range(5):
        value = ceiling * i / 4
        x = left + (right - left) * i / 4
        chart.ticks.append((x, fmt(int(value))))
    for index, row in enumerate(rows):
        value = row.values.get(key)
        length = (right - left) * _number(value) / ceiling
        y = top + row_height * index + 5
        text = value if value in (HIDDEN, None) else fmt(value)
        chart.bars.append(
            Mark(
                left,
                y,
                length,
                row_height - 10,
                "–" if text is None else text,
                left + length + 4,
                y + (row_height - 10) / 2 + 4,
                "chart-bar",
            )  # fmt: skip
        )
        name = row.label if len(row.label) <= 22 else row.label[:21] + "…"
        chart.labels.append((label_width, y + (row_height - 10) / 2 + 4, name, ""))
    return chart
