"""Forms of the admin pages, with the checks each setting needs."""

import datetime as dt
import re
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    ValidationError,
)

from kiosk.domain import qr, tracking, validation
from kiosk.services import accounts
from kiosk.web.i18n import lazy_gettext as _l

ROLE_CHOICES = [("staff", _l("Staff")), ("admin", _l("Administrator"))]
REQUIRED = _l("This field is required.")
WHOLE_NUMBER = _l("Enter a whole number.")


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is ours (and translated)."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(str(WHOLE_NUMBER)) from None


NOT_A_CHOICE = _l("Choose one of the options shown.")


class ChoiceField(RadioField):
    """A radio group whose "not one of the choices" message is ours: WTForms'
    own messages have no Indonesian translation."""

    def pre_validate(self, form):
        if self.data not in {str(value) for value, _label in self.choices}:
            raise ValidationError(NOT_A_CHOICE)


def _at_most(count):
    """Length(max=count) with our translated message instead of WTForms' own."""
    return Length(
        max=count, message=_l("Use at most %(count)d characters.", count=count)
    )


def _number_range(low, high):
    return NumberRange(
        low,
        high,
        message=_l("Enter a number from %(low)d to %(high)d.", low=low, high=high),
    )


# Why a new password is refused (accounts.check_password_rules).
PASSWORD_MESSAGES = {
    "password_too_short": _l(
        "Use at least %(count)d characters.", count=accounts.MIN_PASSWORD_LENGTH
    ),
    "password_has_name": _l(
        "Do not use the username or the name of the account in the password."
    ),
    "password_too_common": _l(
        "This password is too common or too easy to guess. Use a longer one, "
        "for example a few words that do not belong together."
    ),
}


def _password_rules(form, field):
    try:
        accounts.check_password_rules(field.data or "", form.password_names())
    except accounts.AccountError as refused:
        raise ValidationError(PASSWORD_MESSAGES[refused.code]) from None


class PasswordMixin:
    """A new password typed twice. `account`: the member it is for, whose
    username and name it must not contain."""

    account = None
    password = PasswordField(_l("New password"), validators=[_password_rules])
    password_again = PasswordField(
        _l("New password again"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )

    def password_names(self):
        return accounts.names_of(self.account) if self.account is not None else ()


class StaffCreateForm(PasswordMixin, FlaskForm):
    username = StringField(
        _l("Username"), validators=[DataRequired(REQUIRED), _at_most(64)]
    )
    display_name = StringField(
        _l("Name shown to colleagues"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(120)],
    )
    role = ChoiceField(_l("Role"), choices=ROLE_CHOICES, default="staff")

    def password_names(self):
        return ((self.username.data or "").strip(), self.display_name.data or "")


class EditForm(FlaskForm):
    """A form that edits saved values, carrying the fingerprint of those it
    was filled from (see edit_guard)."""

    loaded = HiddenField()


class StaffEditForm(EditForm):
    display_name = StringField(
        _l("Name shown to colleagues"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(120)],
    )
    role = ChoiceField(_l("Role"), choices=ROLE_CHOICES)
    active = BooleanField(_l("Account is active (can sign in)"))


class PasswordResetForm(PasswordMixin, FlaskForm):
    pass


class DocumentTypeForm(EditForm):
    code = StringField(_l("Code"))
    name_id = StringField(
        _l("Name in Indonesian"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(120)],
    )
    name_en = StringField(
        _l("Name in English"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(120)],
    )
    requirements_id = TextAreaField(
        _l("Requirements in Indonesian"), validators=[_at_most(4000)]
    )
    requirements_en = TextAreaField(
        _l("Requirements in English"), validators=[_at_most(4000)]
    )
    service_days = WholeNumberField(
        _l("Service days"),
        validators=[InputRequired(WHOLE_NUMBER), _number_range(1, 90)],
    )
    position = WholeNumberField(
        _l("Position in lists"),
        validators=[InputRequired(WHOLE_NUMBER), _number_range(0, 999)],
    )
    active = BooleanField(_l("Residents can choose this document"))

    def validate_code(self, field):
        field.data = (field.data or "").strip().upper()
        if not re.fullmatch(r"[A-Z][A-Z0-9_]{1,15}", field.data):
            raise ValidationError(
                _l(
                    "Use 2 to 16 capital letters, digits or underscores, "
                    "starting with a letter."
                )
            )

    def values(self):
        fields = (
            "code",
            "name_id",
            "name_en",
            "requirements_id",
            "requirements_en",
            "service_days",
            "position",
            "active",
        )
        values = {name: self[name].data for name in fields}
        for name in ("requirements_id", "requirements_en"):
            lines = (
                validation.clean_text(line)
                for line in (values[name] or "").splitlines()
            )
            values[name] = "\n".join(line for line in lines if line)
        return values


# A tracking URL is this long at most: the base plus /t/ and a number.
_SAMPLE_NUMBER = "Y" * (tracking.LENGTH - 1) + "0"
# Host names (letters, digits, hyphens between dots) and IP addresses; no spaces.
_HOST_NAME = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
    r"|[0-9a-f:.]+"
)
# A path as it may stand in a link or QR code as typed (RFC 3986): no spaces,
# no letters outside ASCII.
_URL_PATH = re.compile(r"(?:[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2})*")
BAD_WEB_ADDRESS = _l("Enter a web address like https://dukcapil.example.go.id.")


class OfficeForm(EditForm):
    office_name = StringField(
        _l("Office name in Indonesian"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(160)],
    )
    office_name_en = StringField(
        _l("Office name in English"),
        filters=[validation.clean_text],
        validators=[_at_most(160)],
    )
    address = TextAreaField(_l("Address"), validators=[_at_most(500)])
    opening_hours_id = TextAreaField(
        _l("Service hours in Indonesian"), validators=[_at_most(500)]
    )
    opening_hours_en = TextAreaField(
        _l("Service hours in English"), validators=[_at_most(500)]
    )
    phone = StringField(_l("Phone"), validators=[_at_most(32)])
    whatsapp = StringField(_l("WhatsApp number"), validators=[_at_most(32)])
    public_base_url = StringField(
        _l("Public address of the site"), validators=[_at_most(200)]
    )
    timezone = StringField(_l("Time zone"), validators=[DataRequired(REQUIRED)])
    retention_days = WholeNumberField(
        _l("Keep personal data for (days)"),
        validators=[InputRequired(WHOLE_NUMBER), _number_range(30, 3650)],
    )
    areas = TextAreaField(_l("Districts (kecamatan)"), validators=[_at_most(4000)])
    distancing_notice_id = TextAreaField(
        _l("Kiosk distancing notice in Indonesian"), validators=[_at_most(500)]
    )
    distancing_notice_en = TextAreaField(
        _l("Kiosk distancing notice in English"), validators=[_at_most(500)]
    )
    kiosk_idle_warning_seconds = WholeNumberField(
        _l("Kiosk: seconds without a touch before the warning"),
        validators=[InputRequired(WHOLE_NUMBER), _number_range(15, 600)],
    )
    kiosk_idle_reset_seconds = WholeNumberField(
        _l("Kiosk: seconds without a touch before starting over"),
        validators=[InputRequired(WHOLE_NUMBER), _number_range(20, 900)],
    )

    def validate_whatsapp(self, field):
        try:
            field.data = validation.phone(field.data)
        except validation.Invalid:
            raise ValidationError(
                _l("Enter an Indonesian number, like 0812 3456 7890.")
            ) from None

    def validate_public_base_url(self, field):
        url = (field.data or "").strip().rstrip("/")
        field.data = url
        if not url:
            return
        try:
            parts = urlsplit(url)
            parts.port  # noqa: B018 (reading it checks it: ValueError when out of range)
        except ValueError:
            raise ValidationError(BAD_WEB_ADDRESS) from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValidationError(
                _l("Enter an address starting with https:// or http://.")
            )
        if not _HOST_NAME.fullmatch(parts.hostname) or not _URL_PATH.fullmatch(
            parts.path
        ):
            raise ValidationError(BAD_WEB_ADDRESS)
        if parts.query or parts.fragment or parts.username:
            raise ValidationError(_l("Leave out everything after the path."))
        if not qr.fits(url + "/t/" + _SAMPLE_NUMBER):
            raise ValidationError(
                _l("This address is too long for the QR code on a receipt.")
            )

    def validate_timezone(self, field):
        field.data = (field.data or "").strip()
        try:
            ZoneInfo(field.data)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError(
                _l("Enter a time zone name such as Asia/Jakarta.")
            ) from None

    def validate_areas(self, field):
        areas = [
            validation.clean_text(line) for line in (field.data or "").splitlines()
        ]
        areas = [area for area in areas if area]
        if not areas:
            raise ValidationError(_l("Enter at least one district."))
        if any(len(area) > 60 for area in areas):
            raise ValidationError(
                _l("Each district name must be 60 characters or fewer.")
            )
        field.data = "\n".join(dict.fromkeys(areas))

    def validate_kiosk_idle_reset_seconds(self, field):
        warning = self.kiosk_idle_warning_seconds.data
        if warning is not None and field.data is not None and field.data <= warning:
            raise ValidationError(_l("Starting over must come after the warning."))


class KioskForm(FlaskForm):
    name = StringField(
        _l("Kiosk name"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(80)],
    )
    paper_width = ChoiceField(
        _l("Receipt paper width"),
        choices=[("80", _l("80 mm")), ("58", _l("58 mm"))],
        default="80",
    )


_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")


def _a_date(form, field):
    """A date as a browser's date input sends it (YYYY-MM-DD), or as people
    write it where there is no date picker (17/08/2027)."""
    text = (field.data or "").strip()
    written = _DAY_MONTH_YEAR.fullmatch(text)
    try:
        if written:
            day, month, year = (int(part) for part in written.groups())
            field.data = dt.date(year, month, day)
        else:
            field.data = dt.date.fromisoformat(text)
    except ValueError:
        raise ValidationError(
            _l("Enter the date as day, month and year, for example 17/08/2027.")
        ) from None


class ClosureForm(FlaskForm):
    """A day the office closes besides weekends and national holidays."""

    day = StringField(_l("Date"), validators=[DataRequired(REQUIRED), _a_date])
    reason = StringField(
        _l("Reason"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(160)],
    )
