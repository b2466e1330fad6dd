"""What each app process keeps for a while instead of reading or rendering again.

Every copy lives in one `Cache` per kind, built by create_app from the
configuration and kept in `app.extensions["caches"]`: nothing is shared between
two apps in one process (the tests build many). A change made through this
process is forgotten at once (the services' signals); other processes see it
when their copy expires.

| kind           | what                                         | kept for                   |
|----------------|----------------------------------------------|----------------------------|
| office         | the office settings row                      | SETTINGS_CACHE_SECONDS     |
| document_types | the document types residents can choose      | SETTINGS_CACHE_SECONDS     |
| queue_counts   | the staff queue's counts per status          | QUEUE_COUNTS_CACHE_SECONDS |
| pages          | rendered public tracking pages, by version   | PAGE_CACHE_SECONDS         |
| statistics     | the statistics, by period and office day     | STATS_CACHE_SECONDS        |
| qr             | rendered QR images, by what they encode      | QR_CACHE_SECONDS           |
| calendar       | the office's working days, by year           | SETTINGS_CACHE_SECONDS     |
| public_digest  | a digest of what public pages show of the    | SETTINGS_CACHE_SECONDS     |
|                | settings (web/revalidation.py)               |                            |
"""

import threading
import time
from collections import OrderedDict

from flask import current_app, has_app_context

from kiosk.data.models import (
    DocumentType,
    NotificationSettings,
    OfficeSettings,
    utcnow,
)
from kiosk.domain import qr
from kiosk.services import calendar, queue, signals, stats

# kind: (setting that says how long, most entries kept)
KINDS = {
    "office": ("SETTINGS_CACHE_SECONDS", 1),
    "document_types": ("SETTINGS_CACHE_SECONDS", 1),
    "queue_counts": ("QUEUE_COUNTS_CACHE_SECONDS", 1),
    # A resident reloading their own page gets a 304 (web/revalidation.py):
    # a few hundred pages serve those that several people open at once.
    "pages": ("PAGE_CACHE_SECONDS", 256),
    "statistics": ("STATS_CACHE_SECONDS", 64),
    # A browser keeps each image and revalidates without drawing (304).
    "qr": ("QR_CACHE_SECONDS", 1024),
    "calendar": ("SETTINGS_CACHE_SECONDS", 2),
    "public_digest": ("SETTINGS_CACHE_SECONDS", 1),
    "message_settings": ("SETTINGS_CACHE_SECONDS", 1),
}


class Cache:
    """Values by key for `seconds` (0 keeps nothing), at most `size` of them,
    the least recently used dropped first. Safe to share between threads; two
    threads missing the same key at once both load it, and the later one wins."""

    def __init__(self, seconds, size):
        self.seconds = float(seconds)
        self.size = size
        self._entries = OrderedDict()  # key -> (expiry, value)
        self._lock = threading.Lock()

    def get(self, key, load):
        """The value kept under `key`, or load() kept under it."""
        if self.seconds <= 0:
            return load()
        now = time.monotonic()
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry[0] > now:
                self._entries.move_to_end(key)
                return entry[1]
        value = load()
        with self._lock:
            self._entries[key] = (now + self.seconds, value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return value

    def forget(self):
        with self._lock:
            self._entries.clear()


def _cache(kind):
    return current_app.extensions["caches"][kind]


def office_settings():
    """The office settings row."""
    return _cache("office").get(None, OfficeSettings.saved)


def message_settings():
    """How messages reach residents (read by every application form)."""
    return _cache("message_settings").get(None, NotificationSettings.saved)


def document_types():
    """Active document types in display order."""
    return _cache("document_types").get(None, DocumentType.listed)


def document_type(code):
    """The DocumentType row of `code`: the copy of the active types, or the
    database for one no longer offered (None when there is none)."""
    found = next((t for t in document_types() if t.code == code), None)
    return found or DocumentType.get_or_none(DocumentType.code == code)


def queue_counts():
    """Requests per status for the staff queue (queue.count_now)."""
    return _cache("queue_counts").get(None, lambda: queue.count_now(utcnow()))


def statistics(period, today):
    """The statistics of `period` as of the office's `today`."""
    return _cache("statistics").get(
        (period, today), lambda: stats.compute(period, today)
    )


def statistics_first_day(today):
    """The first office day with a request (None before the first)."""
    return _cache("statistics").get(("first", today), stats.first_day)


def page(key, render):
    """A rendered page that holds no personal data, cookie or token."""
    return _cache("pages").get(key, render)


def qr_svg(data, title=""):
    """The QR code of `data` as SVG bytes (a code never changes)."""
    return _cache("qr").get(("svg", data, title), lambda: qr.svg(data, title=title))


def qr_png(data):
    """The QR code of `data` as PNG bytes."""
    return _cache("qr").get(("png", data), lambda: qr.png(data))


def public_settings_digest(load):
    """The digest of the settings public pages show, made by load()."""
    return _cache("public_digest").get(None, load)


def office_calendar(today):
    """The office's working days around `today` (holidays, leave, closures)."""
    return _cache("calendar").get(today.year, lambda: calendar.office_calendar(today))


def _forgetting(*kinds):
    def forget(sender=None, **extra):
        # Services also run outside a request (commands, tests' set-up).
        if has_app_context() and "caches" in current_app.extensions:
            for kind in kinds:
                _cache(kind).forget()

    return forget


# Module-level receivers: blinker keeps one connection per function, however
# many apps connect them.
_forget_counts = _forgetting("queue_counts")
_forget_office = _forgetting("office", "pages", "public_digest")
_forget_document_types = _forgetting("document_types", "pages", "public_digest")
_forget_calendar = _forgetting("calendar", "pages")
_forget_message_settings = _forgetting("message_settings")


def init_app(app):
    app.extensions["caches"] = {
        kind: Cache(app.config[setting], size)
        for kind, (setting, size) in KINDS.items()
    }
    signals.requests_changed.connect(_forget_counts)
    signals.office_changed.connect(_forget_office)
    signals.document_types_changed.connect(_forget_document_types)
    signals.calendar_changed.connect(_forget_calendar)
    signals.message_settings_changed.connect(_forget_message_settings)
