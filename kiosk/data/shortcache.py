"""Values each process keeps for a few seconds instead of reading them again.

For what is read on almost every request but changes rarely (the office
settings, the document types) or may lag a little (the queue's counts per
status). A change made through this process forgets the copy at once; other
processes see it when their copy expires. The copy belongs to the database it
was read from, so tests that switch databases never see another one's rows.
"""

import time

from kiosk.data.db import db


class ShortLived:
    def __init__(self, load, seconds=5.0):
        self._load = load
        self.seconds = seconds
        self._kept = None  # (database object, expiry, value)

    def get(self):
        kept = self._kept
        now = time.monotonic()
        if kept and kept[0] is db.obj and kept[1] > now:
            return kept[2]
        value = self._load()
        if self.seconds > 0:
            self._kept = (db.obj, now + self.seconds, value)
        return value

    def forget(self):
        self._kept = None
