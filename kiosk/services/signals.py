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
