"""A small set of requests whose February 2026 figures were worked out by hand.

The office is on WIB (UTC+7). 16 and 17 February 2026 are national days off
(collective leave and Chinese New Year). Times below are stored UTC.

| req | type | kecamatan      | channel  | received (WIB)      | ready (WIB)   | working days |
|-----|------|----------------|----------|---------------------|---------------|--------------|
| A   | KK   | Kupitan        | web      | Sun 1 Feb 00:30     | Tue 3 Feb     | 2, on time   |
| B   | KK   | Kupitan        | kiosk    | Sat 31 Jan 23:30    | Mon 2 Feb     | 1, on time   |
| C   | KK   | Sijunjung      | counter  | Fri 13 Feb          | Wed 18 Feb    | 1, on time   |
| D   | KTP  | Sijunjung      | whatsapp | Tue 10 Feb          | Fri 20 Feb    | 6, late      |
| E   | KTP  | Kupitan        | web      | Wed 11 Feb          | rejected 12th |              |
| F   | AKL  | Kupitan        | sms      | Sun 1 Mar 00:00     |               |              |
| G   | KK   | Kupitan        | web      | Mon 2 Feb           | (waiting)     |              |
| H   | KK   | Tanjung Gadang | nagari   | Fri 27 Feb 23:59    | Mon 2 Mar     |              |

A was collected (completed) on 5 February.
"""

import datetime as dt

from tests.support.factories import make_submission

utc = dt.datetime

# name: (type, kecamatan, channel, created UTC, due, [(status, at UTC)], final status)
REQUESTS = {
    "A": ("KK", "Kupitan", "web", utc(2026, 1, 31, 17, 30), dt.date(2026, 2, 4),
          [("ready", utc(2026, 2, 3, 2)), ("completed", utc(2026, 2, 5, 3))],
          "completed"),
    "B": ("KK", "Kupitan", "kiosk", utc(2026, 1, 31, 16, 30), dt.date(2026, 2, 3),
          [("ready", utc(2026, 2, 2, 3))], "ready"),
    "C": ("KK", "Sijunjung", "counter", utc(2026, 2, 13, 1), dt.date(2026, 2, 18),
          [("ready", utc(2026, 2, 18, 2))], "ready"),
    "D": ("KTP", "Sijunjung", "whatsapp", utc(2026, 2, 10, 2), dt.date(2026, 2, 13),
          [("ready", utc(2026, 2, 20, 9))], "ready"),
    "E": ("KTP", "Kupitan", "web", utc(2026, 2, 11, 3), dt.date(2026, 2, 16),
          [("rejected", utc(2026, 2, 12, 3))], "rejected"),
    "F": ("AKL", "Kupitan", "sms", utc(2026, 2, 28, 17), dt.date(2026, 3, 5),
          [], "submitted"),
    "G": ("KK", "Kupitan", "web", utc(2026, 2, 2, 3), dt.date(2026, 2, 5),
          [], "submitted"),
    "H": ("KK", "Tanjung Gadang", "nagari", utc(2026, 2, 27, 16, 59),
          dt.date(2026, 3, 4), [("ready", utc(2026, 3, 2, 2))], "ready"),
}  # fmt: skip


def store(staff=None):
    """Store the requests with their history (inside an app context) and
    count the tallies afresh from them; returns {name: submission}."""
    from kiosk.data import tallies
    from kiosk.data.models import StatusEvent, Submission

    made = {}
    for name, (code, kecamatan, channel, created, due, steps, final) in sorted(
        REQUESTS.items()
    ):
        submission = make_submission(code, channel=channel, kecamatan=kecamatan)
        Submission.update(created_at=created, due_date=due, status=final).where(
            Submission.id == submission.id
        ).execute()
        StatusEvent.update(created_at=created).where(
            StatusEvent.submission == submission.id
        ).execute()
        previous = "processing"
        for status, at in steps:
            StatusEvent.create(
                submission=submission.id,
                from_status=previous,
                to_status=status,
                created_at=at,
                staff=staff if channel == "counter" else None,
            )
            previous = status
        made[name] = submission
    tallies.rebuild()
    return made
