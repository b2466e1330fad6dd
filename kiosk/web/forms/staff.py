"""Forms of the staff console: sign-in, own account, status changes and intake."""

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import ValidationError

from kiosk.data.models import STAFF_CHANNELS
from kiosk.domain import questions, tracking, validation, workflow
from kiosk.web.forms import details
from kiosk.web.forms.admin import PasswordMixin
from kiosk.web.forms.apply import ApplicationForm
from kiosk.web.i18n import CHANNEL_LABELS, STATUS_LABELS
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.staff_messages import refusal_message

BULK_MAX = 100
# Empty rows for people moving shown below those the clerk filled in.
MEMBER_ROWS_SPARE = 2
# Channels whose requests are answered on the resident's phone.
PHONE_CHANNELS = ("whatsapp", "sms")

MESSAGES = {
    "note_too_long": _l(
        "The note must be %(max)d characters or fewer.",
        max=validation.STAFF_NOTE_MAX,
    ),
    "text_characters": _l("Remove the special control characters from this text."),
    "channel_missing": _l("Choose how the request reached the office."),
    "phone_for_channel": _l(
        "Enter the resident's phone number: the request came by WhatsApp or SMS, "
        "and the tracking number goes back the same way."
    ),
    "consent_missing": _l("Tick this once the resident has confirmed the details."),
    "target_missing": _l("Choose the new status."),
    "nothing_selected": _l("Select at least one request in the list."),
    "too_many": _l("Select at most %(max)d requests at a time.", max=BULK_MAX),
}


def _note_check(form, field):
    field.data = (field.data or "").strip()
    if len(field.data) > validation.STAFF_NOTE_MAX:
        raise ValidationError(MESSAGES["note_too_long"])
    if validation.has_control_characters(field.data):
        raise ValidationError(MESSAGES["text_characters"])


class LoginForm(FlaskForm):
    username = StringField(_l("Username"))
    password = PasswordField(_l("Password"))
    next = HiddenField()


class CodeForm(FlaskForm):
    """A 6-digit code from the authenticator app (sign-in, setting it up)."""

    code = StringField(_l("Verification code"))


class PasswordChangeForm(PasswordMixin, FlaskForm):
    """A member's own new password; `account` is the member."""

    current_password = PasswordField(_l("Current password"))


class ConfirmPasswordForm(FlaskForm):
    """The current password, asked before a change to the second factor."""

    password = PasswordField(_l("Current password"))


class SecondFactorOffForm(ConfirmPasswordForm):
    code = StringField(_l("Verification code"))


class NotesMixin:
    public_note = TextAreaField(_l("Note for the resident"), validators=[_note_check])
    internal_note = TextAreaField(
        _l("Internal note (staff only)"), validators=[_note_check]
    )


class MoveForm(NotesMixin, FlaskForm):
    """One request to a new status; `version` is what the clerk's page showed."""

    version = HiddenField()
    target = HiddenField()

    def posted_version(self):
        version = validation.plain_int(self.version.data)
        return -1 if version is None else version


class BulkForm(NotesMixin, FlaskForm):
    """Many requests (`number:version` each) to one status."""

    target = RadioField(_l("New status"), validate_choice=False)
    filters = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = [
            (status, STATUS_LABELS[status])
            for status in workflow.STATUSES
            if status != workflow.SUBMITTED
        ]

    def validate_target(self, field):
        if field.data not in workflow.STATUSES:
            raise ValidationError(MESSAGES["target_missing"])

    def validate_public_note(self, field):
        # Checked once here rather than refused once per ticked request.
        if self.target.data in workflow.REASON_REQUIRED and not field.data:
            raise ValidationError(
                refusal_message(
                    workflow.MoveRefused(
                        workflow.REASON_MISSING, None, self.target.data
                    )
                )
            )

    def all_errors(self):
        """Every message to show above the bulk controls, form-wide ones first."""
        fields = (self.target, self.public_note, self.internal_note)
        return [*self.form_errors, *(m for f in fields for m in f.errors)]

    def selection(self, values):
        """[(number, version)] from the ticked `number:version` boxes, or None
        (with the reason among the form's errors) when there are none or too many."""
        picked = []
        for value in values:
            number, _, version = value.partition(":")
            version = validation.plain_int(version)
            # A box carries a stored number; anything longer is no request.
            if number and len(number) <= tracking.LENGTH and version is not None:
                picked.append((number, version))
        if not picked:
            self.form_errors.append(MESSAGES["nothing_selected"])
        elif len(picked) > BULK_MAX:
            self.form_errors.append(MESSAGES["too_many"])
        else:
            return picked
        return None


class IntakeForm(ApplicationForm):
    """The application form as staff fill it in for a resident."""

    channel = RadioField(
        _l("How the request reached the office"), validate_choice=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.channel.choices = [(c, CHANNEL_LABELS[c]) for c in STAFF_CHANNELS]
        self.consent.label.text = _l(
            "The resident confirmed that the details are correct and agreed that "
            "the office may use them to process this request."
        )
        # The clerk fills this in about someone else.
        self.phone.label.text = _l("Resident's phone or WhatsApp number")
        self.phone.description = _l(
            "Needed when the request came by WhatsApp or SMS; otherwise optional."
        )

    def validate_channel(self, field):
        if field.data not in STAFF_CHANNELS:
            raise ValidationError(MESSAGES["channel_missing"])

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError(MESSAGES["consent_missing"])

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if (
            self.channel.data in PHONE_CHANNELS
            and not self.phone.data
            and not self.phone.errors
        ):
            self.phone.errors.append(MESSAGES["phone_for_channel"])
            return False
        return valid

    def errors_in_order(self):
        return [
            (name, self[name].errors[0])
            for name in ("channel", *self.all_fields())
            if self[name].errors
        ]

    members_max = questions.MEMBERS_MAX

    @property
    def asked_questions(self):
        """The chosen document's own questions in order (MEMBERS for the list)."""
        chosen = self.chosen_type
        return questions.asked(chosen.code) if chosen else []

    @staticmethod
    def question_label(name):
        return details.LABELS[name]

    def members_shown(self):
        """Rows for the people moving: those filled and two empty ones, since
        the clerk, unlike the resident, has no page to add rows one by one."""
        filled = 0
        for position in range(1, questions.MEMBERS_MAX + 1):
            if any(self[field].data for field in questions.member_fields(position)):
                filled = position
        return min(filled + MEMBER_ROWS_SPARE, questions.MEMBERS_MAX)
