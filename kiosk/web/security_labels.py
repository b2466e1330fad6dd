"""How the security event log reads: each kind of event and its details in
the reader's language (the log stores codes, services/security_log.py)."""

from kiosk.services import security_log
from kiosk.services.audit import details_of
from kiosk.web.audit_labels import Detail, show_value
from kiosk.web.i18n import lazy_gettext as _l

KIND_LABELS = {
    security_log.SIGNED_IN: _l("Signed in"),
    security_log.SIGN_IN_FAILED: _l("Sign-in failed"),
    security_log.LOCKED_OUT: _l("Sign-in refused after too many failed attempts"),
    security_log.SIGNED_OUT: _l("Signed out"),
    security_log.PASSWORD_CHANGED: _l("Password changed"),
    security_log.SECOND_FACTOR_CHANGED: _l("Two-step sign-in changed"),
    security_log.FORBIDDEN: _l("Page refused (no access)"),
    security_log.CSRF_REFUSED: _l("Form refused (expired or from another site)"),
    security_log.RESIDENT_SEARCH: _l("Searched for a resident"),
    security_log.DETAILS_OPENED: _l("Opened a request's personal data"),
    security_log.LOST_NUMBER_ASKED: _l("Asked for a lost tracking number"),
    security_log.PAPER_OPENED: _l("Opened a resident's file"),
    security_log.PAPER_DECIDED: _l("Accepted or refused a resident's file"),
}
DETAIL_LABELS = {
    "search": _l("Search"),
    "reason": _l("Reason"),
    "by": _l("By"),
    "change": _l("Two-step sign-in"),
    "paper": _l("File"),
    "view": _l("Shown as"),
    "decision": _l("Decision"),
}
VALUE_LABELS = {
    "password": _l("wrong password"),
    "code": _l("wrong code"),
    "self": _l("the account holder"),
    "admin": _l("an administrator"),
    "enrolled": _l("turned on"),
    "removed": _l("turned off"),
    "thumbnail": _l("small picture"),
    "file": _l("whole file"),
    "accepted": _l("accepted"),
    "refused": _l("refused"),
}


def kind_label(kind):
    return KIND_LABELS.get(kind, kind)


def kind_choices():
    return [(kind, KIND_LABELS[kind]) for kind in security_log.KINDS]


def details(event):
    """The event's details as Detail rows."""
    rows = []
    for name, value in sorted(details_of(event).items()):
        label = str(DETAIL_LABELS.get(name, name))
        shown = VALUE_LABELS.get(value) if isinstance(value, str) else None
        rows.append(Detail(label, value=str(shown or show_value(name, value))))
    return rows
