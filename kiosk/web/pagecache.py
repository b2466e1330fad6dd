"""A small in-process cache of rendered public pages.

The tracking page of a request only changes when its status moves (its
`version` goes up), so the rendered HTML is kept per URL, language and
version. Entries also expire after a minute so edits to office details or
document types show without a restart. Only pages without personal data,
cookies or CSRF tokens may be cached here.
"""

import threading
import time
from collections import OrderedDict

MAX_ENTRIES = 1024
TTL_SECONDS = 60.0

_entries = OrderedDict()
_lock = threading.Lock()


def configure(seconds):
    """Set how long entries live (0 turns the cache off); clears it."""
    global TTL_SECONDS
    TTL_SECONDS = float(seconds)
    clear()


def get_or_render(key, render):
    """The cached text for `key`, or render() stored under it."""
    if TTL_SECONDS <= 0:
        return render()
    now = time.monotonic()
    with _lock:
        entry = _entries.get(key)
        if entry and entry[0] > now:
            _entries.move_to_end(key)
            return entry[1]
    text = render()
    with _lock:
        _entries[key] = (now + TTL_SECONDS, text)
        _entries.move_to_end(key)
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return text


def clear():
    with _lock:
        _entries.clear()
