"""Collection hours and the slots they make (pure, no Flask, no database).

A weekday's hours are one opening range cut into slots of equal length, each
with room for a number of people. Times are office-local: minutes after
midnight on the office's clock, and slot starts are naive datetimes of the
office's date and time of day (never UTC), so 08:30 stays 08:30 whatever the
time zone setting.
"""

import datetime as dt
from dataclasses import dataclass

WEEKDAYS = tuple(range(7))  # 0 Monday ... 6 Sunday, as date.weekday()
MIN_SLOT_MINUTES = 5
MAX_SLOT_MINUTES = 240
MAX_CAPACITY = 200
DAYS_AHEAD = 10  # working days offered to residents, today included


@dataclass(frozen=True)
class Hours:
    """One weekday's collection hours (opens/closes: minutes after midnight)."""

    is_open: bool
    opens: int
    closes: int
    slot_minutes: int
    capacity: int

    def problem(self):
        """Why these hours cannot be used ("" when they can)."""
        if not self.is_open:
            return ""
        if not 0 <= self.opens < self.closes <= 24 * 60:
            return "order"
        if not MIN_SLOT_MINUTES <= self.slot_minutes <= MAX_SLOT_MINUTES:
            return "slot_minutes"
        if self.closes - self.opens < self.slot_minutes:
            return "too_short"
        if not 1 <= self.capacity <= MAX_CAPACITY:
            return "capacity"
        return ""


def _hours(opens, closes, is_open=True):
    return Hours(is_open, opens, closes, slot_minutes=30, capacity=6)


# Monday to Thursday 08:00-15:00, Friday 08:00-11:00 (Friday prayers), closed
# at the weekend. The admin changes them on the collection hours page.
DEFAULT_HOURS = {
    0: _hours(8 * 60, 15 * 60),
    1: _hours(8 * 60, 15 * 60),
    2: _hours(8 * 60, 15 * 60),
    3: _hours(8 * 60, 15 * 60),
    4: _hours(8 * 60, 11 * 60),
    5: _hours(8 * 60, 12 * 60, is_open=False),
    6: _hours(8 * 60, 12 * 60, is_open=False),
}


def minutes_of(text):
    """Minutes after midnight of "HH:MM" (or "HH.MM"), None when not a time."""
    text = (text or "").strip().replace(".", ":")
    hours, sep, minutes = text.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or len(minutes) != 2:
        return None
    hours, minutes = int(hours), int(minutes)
    if len(str(hours)) > 2 or hours > 24 or minutes > 59:
        return None
    if hours == 24 and minutes:
        return None
    return hours * 60 + minutes


def clock_text(minutes):
    """ "HH:MM" of minutes after midnight (for form fields)."""
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def slot_starts(day, hours):
    """The office-local start times of a day's slots (none when closed)."""
    if not hours.is_open or hours.problem():
        return []
    midnight = dt.datetime.combine(day, dt.time())
    return [
        midnight + dt.timedelta(minutes=minute)
        for minute in range(
            hours.opens, hours.closes - hours.slot_minutes + 1, hours.slot_minutes
        )
    ]


def offered_days(today, is_working_day, days=DAYS_AHEAD):
    """The next `days` working days from `today` on (today included)."""
    found, day = [], today
    # A long run of closures cannot make this loop for ever.
    for _ in range(days * 7 + 31):
        if len(found) == days:
            break
        if is_working_day(day):
            found.append(day)
        day += dt.timedelta(days=1)
    return found
