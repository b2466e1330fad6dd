"""The office's working days: when a request is due (pure, no Flask)."""

import datetime as dt


def due_date(start, service_days):
    """The date `service_days` working days (Monday to Friday) after `start`."""
    day = start
    remaining = service_days
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            remaining -= 1
    return day
