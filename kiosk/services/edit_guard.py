"""Refusing a save from a form loaded before someone else saved the same thing.

An edit form carries a fingerprint of the values it was filled from. If the
saved values differ when it comes back, another administrator saved in
between: writing the form would silently undo their change.
"""

import hashlib
import json


class EditConflict(Exception):
    """The values were saved by someone else after the form was loaded."""

    def __init__(self, saved):
        super().__init__("edit conflict")
        self.saved = saved  # {field name: value} as saved now


def fingerprint(values):
    """A short digest of {field name: value}, the same for the same values."""
    text = json.dumps(values, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def check(loaded, saved, submitted):
    """Raise EditConflict unless the form was filled from `saved`, or what it
    sends is already saved (the same form sent twice, a double click). A form
    that names no fingerprint (sent by a script) is not checked."""
    if not loaded or loaded == fingerprint(saved):
        return
    if any(value != submitted.get(name) for name, value in saved.items()):
        raise EditConflict(saved)
