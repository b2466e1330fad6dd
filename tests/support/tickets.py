"""Helpers for queue-ticket tests: a ticket made through the app's own code."""

import datetime as dt


def ticket_token(app, service="counter"):
    """The /q/ token of a new walk-in ticket for today (inside an app context)."""
    from kiosk.services import tickets
    from kiosk.web.dates import office_today

    with app.test_request_context():
        ticket, _ = tickets.check_in(service, office_today())
        return ticket.token


def days_ago(days):
    return dt.date.today() - dt.timedelta(days=days)
