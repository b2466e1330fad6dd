"""The admin's form for messages to residents: provider, sender name, quiet
hours and which statuses are told."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, StringField
from wtforms.validators import DataRequired, ValidationError

from kiosk.data.models import PROVIDERS
from kiosk.domain import sms, validation
from kiosk.domain.collection_hours import clock_text, minutes_of
from kiosk.web.forms.admin import REQUIRED, _at_most
from kiosk.web.forms.collection import NOT_A_TIME
from kiosk.web.i18n import lazy_gettext as _l

PROVIDER_LABELS = {
    "none": _l("None: staff send WhatsApp messages by hand"),
    "whatsapp_cloud": _l("WhatsApp Business Cloud API (Meta)"),
    "gateway": _l("A WhatsApp or SMS gateway (token, target, message)"),
    "webhook": _l("The office's own service (JSON webhook)"),
}
SENDER_CHARACTERS = _l(
    "Use plain letters, digits, spaces and simple punctuation: other characters "
    "make an SMS three times as long."
)


def _a_time(form, field):
    if minutes_of(field.data) is None or minutes_of(field.data) >= 24 * 60:
        raise ValidationError(NOT_A_TIME)


def _plain(form, field):
    if not sms.is_gsm7(field.data or ""):
        raise ValidationError(SENDER_CHARACTERS)


class MessageSettingsForm(FlaskForm):
    provider = RadioField(
        _l("How messages are sent"),
        choices=[(code, PROVIDER_LABELS[code]) for code in PROVIDERS],
    )
    sender_name = StringField(
        _l("Sender name at the start of each message"),
        description=_l("Short, as residents know the office, e.g. Dukcapil Sijunjung."),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(20), _plain],
    )
    quiet_start = StringField(_l("Quiet hours start"), validators=[_a_time])
    quiet_end = StringField(_l("Quiet hours end"), validators=[_a_time])
    other_statuses = BooleanField(
        _l(
            "Also tell residents when their request is being checked, is being "
            "processed and has been collected"
        )
    )

    def fill(self, settings):
        self.provider.data = settings.provider
        self.sender_name.data = settings.sender_name
        self.quiet_start.data = clock_text(settings.quiet_start)
        self.quiet_end.data = clock_text(settings.quiet_end)
        self.other_statuses.data = settings.other_statuses

    def values(self):
        return {
            "provider": self.provider.data,
            "sender_name": self.sender_name.data,
            "quiet_start": minutes_of(self.quiet_start.data),
            "quiet_end": minutes_of(self.quiet_end.data),
            "other_statuses": bool(self.other_statuses.data),
        }
