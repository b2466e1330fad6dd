"""Forms of collection appointments: the admin's hours, a resident's choice of
slot, and the handover at the counter."""

import datetime as dt

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, ValidationError

from kiosk.domain import validation
from kiosk.domain.collection_hours import (
    MAX_CAPACITY,
    MAX_SLOT_MINUTES,
    MIN_SLOT_MINUTES,
    WEEKDAYS,
    Hours,
    clock_text,
    minutes_of,
)
from kiosk.web.forms.admin import (
    REQUIRED,
    ChoiceField,
    WholeNumberField,
    _at_most,
    _number_range,
)
from kiosk.web.i18n import lazy_gettext as _l

HOURS_PROBLEMS = {
    "order": _l("The closing time must be after the opening time."),
    "too_short": _l("The opening hours must hold at least one slot."),
}
NOT_A_TIME = _l("Enter a time such as 08:00.")
CHOOSE_A_TIME = _l("Choose a time to collect.")

WEEKDAY_LABELS = (
    _l("Monday"),
    _l("Tuesday"),
    _l("Wednesday"),
    _l("Thursday"),
    _l("Friday"),
    _l("Saturday"),
    _l("Sunday"),
)
RELATION_LABELS = {
    "self": _l("The applicant"),
    "spouse": _l("Husband or wife"),
    "parent": _l("Father or mother"),
    "child": _l("Son or daughter"),
    "sibling": _l("Brother or sister"),
    "other": _l("Someone else"),
}


def _a_time(form, field):
    if minutes_of(field.data) is None:
        raise ValidationError(NOT_A_TIME)


class CollectionHoursForm(FlaskForm):
    """Per weekday (0 Monday): open_N, opens_N, closes_N, slot_N, capacity_N."""

    def hours(self):
        """{weekday: Hours} as entered (after validate())."""
        return {
            day: Hours(
                bool(self[f"open_{day}"].data),
                minutes_of(self[f"opens_{day}"].data) or 0,
                minutes_of(self[f"closes_{day}"].data) or 0,
                self[f"slot_{day}"].data or 0,
                self[f"capacity_{day}"].data or 0,
            )
            for day in WEEKDAYS
        }

    def fill(self, week_hours):
        for day, hours in week_hours.items():
            self[f"open_{day}"].data = hours.is_open
            self[f"opens_{day}"].data = clock_text(hours.opens)
            self[f"closes_{day}"].data = clock_text(hours.closes)
            self[f"slot_{day}"].data = hours.slot_minutes
            self[f"capacity_{day}"].data = hours.capacity

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for day, hours in self.hours().items():
            names = ("opens", "closes", "slot", "capacity")
            if any(self[f"{name}_{day}"].errors for name in names):
                continue
            problem = hours.problem()
            if problem in HOURS_PROBLEMS:
                self[f"closes_{day}"].errors.append(HOURS_PROBLEMS[problem])
                valid = False
        return valid

    def errors_in_order(self):
        return [
            (self[f"{name}_{day}"].id, self[f"{name}_{day}"].errors[0])
            for day in WEEKDAYS
            for name in ("opens", "closes", "slot", "capacity")
            if self[f"{name}_{day}"].errors
        ]


for _day in WEEKDAYS:
    setattr(CollectionHoursForm, f"open_{_day}", BooleanField(_l("Open")))
    setattr(
        CollectionHoursForm,
        f"opens_{_day}",
        StringField(_l("Opens"), validators=[DataRequired(REQUIRED), _a_time]),
    )
    setattr(
        CollectionHoursForm,
        f"closes_{_day}",
        StringField(_l("Closes"), validators=[DataRequired(REQUIRED), _a_time]),
    )
    setattr(
        CollectionHoursForm,
        f"slot_{_day}",
        WholeNumberField(
            _l("Minutes per slot"),
            validators=[_number_range(MIN_SLOT_MINUTES, MAX_SLOT_MINUTES)],
        ),
    )
    setattr(
        CollectionHoursForm,
        f"capacity_{_day}",
        WholeNumberField(
            _l("People per slot"), validators=[_number_range(1, MAX_CAPACITY)]
        ),
    )


def slot_value(start):
    """A slot's value in the form: its office-local start, to the minute."""
    return start.strftime("%Y-%m-%dT%H:%M")


class BookingForm(FlaskForm):
    slot = StringField(_l("Time"), validators=[DataRequired(CHOOSE_A_TIME)])

    def validate_slot(self, field):
        try:
            field.start = dt.datetime.strptime(field.data.strip(), "%Y-%m-%dT%H:%M")
        except ValueError:
            raise ValidationError(CHOOSE_A_TIME) from None


class HandoverForm(FlaskForm):
    collector_name = StringField(
        _l("Name of the person collecting"),
        filters=[validation.clean_text],
        validators=[DataRequired(REQUIRED), _at_most(100)],
    )
    relation = ChoiceField(
        _l("Who is collecting"),
        choices=list(RELATION_LABELS.items()),
        default="self",
    )
    relation_other = StringField(
        _l("Relation to the applicant"),
        filters=[validation.clean_text],
        validators=[_at_most(60)],
    )

    def validate_relation_other(self, field):
        if self.relation.data == "other" and not field.data:
            raise ValidationError(
                _l("Say how this person is related to the applicant.")
            )

    def errors_in_order(self):
        return [
            (name, self[name].errors[0])
            for name in ("collector_name", "relation", "relation_other")
            if self[name].errors
        ]
