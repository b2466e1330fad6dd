"""Signals sent after a change is committed, for whatever keeps copies of the
data (the web layer's caches) to forget them. Services do not know who listens."""

from blinker import Namespace

_signals = Namespace()

# A request was stored or changed status: counts per status are out of date.
requests_changed = _signals.signal("requests-changed")
# The office settings or the document types were saved.
office_changed = _signals.signal("office-changed")
document_types_changed = _signals.signal("document-types-changed")
# The office's own closures changed: working days and due dates are different.
calendar_changed = _signals.signal("calendar-changed")
# The admin saved how messages reach residents.
message_settings_changed = _signals.signal("message-settings-changed")

# Sent inside the transaction of a change, so that what a listener writes (a
# message to the resident, services/outbox.py) commits or rolls back with it.
# A request was stored (sender: the Submission; answers=the form's answers).
request_stored = _signals.signal("request-stored")
# A request is moving to another status (sender: the Submission as it was;
# target=, public_note=).
status_moving = _signals.signal("status-moving")
# A request's collection time was booked or moved (start=: office-local
# datetime) or cancelled (start=None); sender: the submission's id.
booking_changed = _signals.signal("booking-changed")
