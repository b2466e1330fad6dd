"""How the audit trail reads: each action, field and value in the reader's language.

The trail stores field names and plain values (audit.py); the page shows them
with the labels of the forms the changes were made in.
"""

from dataclasses import dataclass

from flask_babel import gettext
from wtforms.fields.core import UnboundField

from kiosk.domain import search
from kiosk.services import queue
from kiosk.services.audit import details_of
from kiosk.web.forms import admin as admin_forms
from kiosk.web.forms import messages as message_forms
from kiosk.web.forms import tickets as ticket_forms
from kiosk.web.forms.collection import WEEKDAY_LABELS
from kiosk.web.i18n import CHANNEL_LABELS, STATUS_LABELS
from kiosk.web.i18n import lazy_gettext as _l

ACTION_LABELS = {
    "staff.create": _l("Account created"),
    "staff.update": _l("Account changed"),
    "staff.password_reset": _l("New password set"),
    "staff.unlock": _l("Account unlocked"),
    "staff.second_factor_remove": _l("Two-step sign-in turned off"),
    "document_type.create": _l("Document type added"),
    "document_type.update": _l("Document type changed"),
    "office.update": _l("Office settings changed"),
    "kiosk.create": _l("Kiosk registered"),
    "kiosk.deactivate": _l("Kiosk switched off"),
    "kiosk.activate": _l("Kiosk switched on"),
    "queue.export": _l("Requests exported as CSV"),
    "calendar.close": _l("Office closed on a day"),
    "calendar.reopen": _l("Office open again on a day"),
    "counter.create": _l("Counter added"),
    "counter.update": _l("Counter changed"),
    "counter_settings.update": _l("No-show time changed"),
    "collection.update": _l("Collection hours changed"),
    "notifications.update": _l("Message settings changed"),
}


def _form_labels(*forms):
    """{field name: label} from the forms' declared fields."""
    labels = {}
    for form in forms:
        for name in dir(form):
            field = getattr(form, name, None)
            if isinstance(field, UnboundField):
                label = field.args[0] if field.args else field.kwargs.get("label")
                if label is not None:
                    labels.setdefault(name, label)
    return labels


# By the part of the action before the dot: the same name ("active") can mean
# different things in different forms.
FIELD_LABELS = {
    "staff": _form_labels(admin_forms.StaffEditForm, admin_forms.StaffCreateForm),
    "document_type": _form_labels(admin_forms.DocumentTypeForm),
    "office": _form_labels(admin_forms.OfficeForm),
    "kiosk": {**_form_labels(admin_forms.KioskForm), "id": _l("Kiosk number")},
    "calendar": {
        "reason": _l("Reason"),
        "requests": _l("Requests with a new due date"),
    },
    "counter": {
        **_form_labels(ticket_forms.CounterForm),
        "services": _l("Services it calls"),
    },
    "counter_settings": _form_labels(ticket_forms.NoShowForm),
    "notifications": _form_labels(message_forms.MessageSettingsForm),
    "collection": {str(day): label for day, label in enumerate(WEEKDAY_LABELS)},
    "queue": {
        "status": _l("Status"),
        "document_type": _l("Document"),
        "channel": _l("Channel"),
        "date_from": _l("Received from"),
        "date_to": _l("Received until"),
        "overdue": _l("Only late requests"),
        "order": _l("Order"),
        "search": _l("Search"),
        "personal_data": _l("With NIK and phone numbers"),
    },
}

ROLE_LABELS = dict(admin_forms.ROLE_CHOICES)
SEARCH_KIND_LABELS = {
    search.SEARCH_NUMBER: _l("by tracking number"),
    search.SEARCH_NIK: _l("by NIK"),
    search.SEARCH_PHONE: _l("by phone number"),
    search.SEARCH_NAME: _l("by name"),
    search.SEARCH_NUMBER_OR_NAME: _l("by tracking number or name"),
    search.SEARCH_UNUSABLE: _l("text that could not be searched"),
}
ORDER_LABELS = {"newest": _l("Newest first"), "oldest": _l("Oldest first")}
VALUE_LABELS = {
    "role": ROLE_LABELS,
    "status": {**STATUS_LABELS, queue.OPEN: _l("Any open status")},
    "channel": CHANNEL_LABELS,
    "search": SEARCH_KIND_LABELS,
    "order": ORDER_LABELS,
    "services": ticket_forms.SERVICE_LABELS,
    "provider": message_forms.PROVIDER_LABELS,
}


@dataclass(frozen=True)
class Detail:
    label: str
    value: str = ""  # what was recorded, or
    before: str = ""  # a change: the old value
    after: str = ""  # and the new one
    changed: bool = False


def show_value(name, value):
    """A recorded value in words: yes/no, labels for codes, a dash for nothing."""
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, list):
        return "; ".join(show_value(name, item) for item in value)
    label = VALUE_LABELS.get(name, {}).get(value)
    return str(label) if label is not None else str(value)


def saved_meanwhile(kind, saved, submitted):
    """(label, value in words) for each field where what someone else saved
    differs from what this form sent (kind: "staff", "document_type", "office")."""
    labels = FIELD_LABELS[kind]
    return [
        (str(labels.get(name, name)), show_value(name, value))
        for name, value in saved.items()
        if value != submitted.get(name)
    ]


def details(event):
    """The event's details as Detail rows, by field name."""
    labels = FIELD_LABELS.get(event.action.partition(".")[0], {})
    rows = []
    for name, value in sorted(details_of(event).items()):
        label = str(labels.get(name, name))
        if (
            isinstance(value, list)
            and len(value) == 2
            and event.action.endswith(".update")
        ):
            before, after = (show_value(name, item) for item in value)
            rows.append(Detail(label, before=before, after=after, changed=True))
        else:
            rows.append(Detail(label, value=show_value(name, value)))
    return rows


def action_label(action):
    return ACTION_LABELS.get(action, action)
