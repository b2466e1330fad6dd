"""The waiting-room screen (/display) and a ticket's own page (/q/<token>).

Both are public and poll themselves with htmx: the same view gives the whole
page, or for htmx's poll only the part that changes. They read tickets and
counters only (ticket numbers, never a request), and are not rate limited:
a TV and residents' phones ask every few seconds, and each answer is a few
small queries.
"""

from flask import Blueprint, abort, request
from flask_babel import force_locale, gettext

from kiosk.services import tickets
from kiosk.web.dates import office_today
from kiosk.web.forms.tickets import SERVICE_LABELS
from kiosk.web.i18n import LOCALES
from kiosk.web.views.htmx import fragment_or_page

bp = Blueprint("display", __name__)

# How often the pages ask for news, in seconds.
BOARD_SECONDS = 3
POSITION_SECONDS = 10


def counter_name(counter):
    return gettext("Counter %(number)s", number=counter.number)


def announcements(latest):
    """The latest call in every language: [(locale, text)]."""
    if latest is None:
        return []
    ticket, counter = latest
    said = []
    for locale in LOCALES:
        with force_locale(locale):
            said.append(
                (
                    locale,
                    gettext(
                        "Ticket %(ticket)s, please go to counter %(counter)s",
                        ticket=ticket.label,
                        counter=counter.number,
                    ),
                )
            )
    return said


@bp.get("/display")
def board():
    """The TV in the waiting room: now serving per counter, and who is next."""
    shown = tickets.board(office_today())
    return fragment_or_page(
        "display/board.html",
        "partials/display_board.html",
        announcements=announcements(shown["latest"]),
        service_labels=SERVICE_LABELS,
        chime=request.args.get("chime") == "1",
        seconds=BOARD_SECONDS,
        **shown,
    )


@bp.get("/q/<token>")
def position(token):
    """A resident's ticket on their phone: how many wait before them."""
    ticket = tickets.by_token(token)
    if ticket is None:
        abort(404)
    return fragment_or_page(
        "public/queue_position.html",
        "partials/queue_position.html",
        ticket=ticket,
        service_label=SERVICE_LABELS.get(ticket.service, ""),
        people_before=tickets.people_before(ticket),
        serving=tickets.now_serving(ticket.day, ticket.service)[:3],
        finished=ticket.status not in tickets.OPEN,
        seconds=POSITION_SECONDS,
    )
