"""Forms of the queue: check-in (kiosk and reception), the clerk's calls, and
the admin's counters; the services' names."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange

from kiosk.data.models import TICKET_SERVICES
from kiosk.domain import validation
from kiosk.web.forms.admin import REQUIRED, WholeNumberField
from kiosk.web.i18n import lazy_gettext as _l

SERVICE_LABELS = {
    "collection": _l("Collecting a ready document"),
    "counter": _l("Counter service (applying, questions)"),
    "recording": _l("KTP-el recording"),
}
SERVICE_CHOICES = [(code, SERVICE_LABELS[code]) for code in TICKET_SERVICES]
CALL_ACTIONS = ("next", "recall", "served", "skip")


class CheckInForm(FlaskForm):
    """A queue ticket: a service, and the receipt's number (needed to collect)."""

    number = StringField(_l("Tracking number"), filters=[lambda v: (v or "")[:200]])
    service = RadioField(
        _l("What have you come for?"),
        choices=SERVICE_CHOICES,
        default="collection",
        validators=[InputRequired(_l("Choose a service."))],
    )


class CallForm(FlaskForm):
    """A clerk's button on the counter console."""

    counter = WholeNumberField(validators=[InputRequired(REQUIRED)])
    action = RadioField(choices=[(a, a) for a in CALL_ACTIONS])
    ticket = HiddenField()


class CounterForm(FlaskForm):
    """A counter: its number, an optional name, and the services it calls."""

    number = WholeNumberField(
        _l("Counter number"),
        validators=[
            InputRequired(REQUIRED),
            NumberRange(1, 99, _l("Enter a number from 1 to 99.")),
        ],
    )
    name = StringField(
        _l("Name (optional)"),
        filters=[validation.clean_text, lambda v: (v or "")[:40]],
    )
    services = SelectMultipleField(_l("Services it calls"), choices=SERVICE_CHOICES)
    active = BooleanField(_l("In use"), default=True)


class NoShowForm(FlaskForm):
    no_show_minutes = WholeNumberField(
        _l("No-show time (minutes)"),
        validators=[
            DataRequired(REQUIRED),
            NumberRange(1, 120, _l("Enter a number from 1 to 120.")),
        ],
    )
