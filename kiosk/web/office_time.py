"""Dates in the office's time zone."""

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask import g

DEFAULT_TIMEZONE = "Asia/Jakarta"


def office_zone():
    """The office's time zone (from its settings), Asia/Jakarta if unset or unknown."""
    settings = g.get("office")
    name = settings.timezone if settings else DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def office_today():
    """Today's date at the office."""
    return dt.datetime.now(office_zone()).date()


def to_office_date(utc_naive):
    """The office-local calendar date of a stored (naive UTC) time."""
    return utc_naive.replace(tzinfo=dt.UTC).astimezone(office_zone()).date()
