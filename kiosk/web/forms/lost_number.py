"""The form of a resident who lost their tracking number: NIK and phone."""

from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import ValidationError

from kiosk.domain import validation
from kiosk.web.forms.apply import _checked_by
from kiosk.web.i18n import lazy_gettext as _l

PHONE_MISSING = _l("Enter the phone number you gave when you applied.")


def _given(form, field):
    if not (field.data or "").strip():
        raise ValidationError(PHONE_MISSING)


class LostNumberForm(FlaskForm):
    nik = StringField(_l("NIK"), validators=[_checked_by(validation.nik)])
    phone = StringField(
        _l("Phone number you gave when you applied"),
        validators=[_given, _checked_by(validation.phone)],
    )

    def errors_in_order(self):
        """(field name, first message) for the error summary, in page order."""
        return [
            (name, self[name].errors[0])
            for name in ("nik", "phone")
            if self[name].errors
        ]
