"""Checking a resident in for a queue ticket, as the kiosk and the reception
PC both do it: the service chosen, the receipt's number read (typed or
scanned, a whole tracking URL too), and what to say when it cannot be done."""

from dataclasses import dataclass

from flask_babel import gettext
from markupsafe import Markup

from kiosk.services import tickets
from kiosk.web import caches
from kiosk.web.dates import office_today
from kiosk.web.forms.tickets import SERVICE_LABELS
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.templating import public_url
from kiosk.web.views import lookup

TICKET_QR_TITLE = _l("QR code of the page that shows your place in the queue")


@dataclass
class Outcome:
    ticket: object = None
    created: bool = False
    error: str = ""  # what to say by the number field
    not_ready: bool = False  # offer a counter-service ticket instead


def check_in(form):
    """Take a ticket for a validated CheckInForm."""
    service = form.service.data
    text = (form.number.data or "").strip()
    submission = None
    if text:
        try:
            submission = lookup.find(text, load=tickets.find_submission)
        except lookup.LookupFailed as failure:
            return Outcome(error=str(failure.message))
    elif service == tickets.COLLECTION:
        return Outcome(
            error=gettext("Type or scan the tracking number on your receipt.")
        )
    try:
        ticket, created = tickets.check_in(service, office_today(), submission)
    except tickets.NotReady:
        return Outcome(
            error=gettext(
                "This request is not ready to collect yet. You can check its "
                "status, or take a number for the counter service instead."
            ),
            not_ready=True,
        )
    return Outcome(ticket=ticket, created=created)


def position_url(ticket):
    return public_url("display.position", token=ticket.token)


def ticket_qr(ticket):
    """The QR code of the ticket's page as inline SVG markup."""
    svg = caches.qr_svg(position_url(ticket), title=str(TICKET_QR_TITLE))
    return Markup(svg.decode())


def ticket_context(ticket):
    """What a printed or shown ticket needs."""
    return {
        "ticket": ticket,
        "ticket_qr": ticket_qr(ticket),
        "position_url": position_url(ticket),
        "people_before": tickets.people_before(ticket),
        "service_labels": SERVICE_LABELS,
    }
