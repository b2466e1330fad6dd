"""The office's working days: when a request is due (pure, no Flask).

An office works Monday to Friday except on Indonesia's national holidays, on
the collective leave days (cuti bersama) the government adds to them, and on
closures of its own (services/calendar.py keeps those). The national days
come from the `holidays` package, which follows the government's decrees.
"""

import datetime as dt
from dataclasses import dataclass, field

import holidays

WEEKEND = frozenset({5, 6})  # Saturday, Sunday
# National holidays, and collective leave (cuti bersama): both close the office.
HOLIDAY_CATEGORIES = ("public", "government")


def national_closures(years, language="id"):
    """{date: name} of the national holidays and collective leave in `years`,
    named in `language` ("id" or "en")."""
    names = holidays.country_holidays(
        "ID",
        years=sorted(years),
        categories=HOLIDAY_CATEGORIES,
        language="en_US" if language == "en" else "id",
    )
    return dict(sorted(names.items()))


@dataclass(frozen=True)
class OfficeCalendar:
    """Which days the office works: not weekends, not `closed` days."""

    closed: frozenset = field(default_factory=frozenset)

    def is_working_day(self, day):
        return day.weekday() not in WEEKEND and day not in self.closed

    def add(self, start, days):
        """The working day `days` working days after `start` (`start` itself
        does not count: a request made on a Saturday with 3 days is due on
        Wednesday)."""
        day = start
        while days > 0:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                days -= 1
        return day

    def working_days_between(self, start, end):
        """How many working days come after `start` up to and including `end`
        (0 when `end` is not after `start`)."""
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def next_working_day(self, day):
        """`day` if the office works then, else the first working day after it."""
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day


def due_date(start, service_days, calendar=None):
    """The date `service_days` working days after `start`."""
    return (calendar or OfficeCalendar()).add(start, service_days)
