"""WSGI entry point for servers started by the ``live_server`` fixture.

``waitress-serve tests.support.serve:app`` (cwd = repository root) builds the real
application exactly like ``wsgi:app`` does, except that the JSON object in the
environment variable KIOSK_TEST_CONFIG, when set, is passed to ``create_app`` as
config overrides. That lets a test set any config key (RATELIMIT_ENABLED,
WTF_CSRF_ENABLED, ...) for a server in another process, not only the ones that
kiosk/config.py reads from KIOSK_* variables.
"""

import json
import logging
import os

from kiosk import create_app

# Waitress warns about its task queue under load; that is expected in these tests.
logging.getLogger("waitress.queue").setLevel(logging.ERROR)

_overrides = json.loads(os.environ.get("KIOSK_TEST_CONFIG") or "{}")
if not isinstance(_overrides, dict):
    raise SystemExit("KIOSK_TEST_CONFIG must hold a JSON object")

# Tests change office settings in the database and expect the next page to show
# them, so test servers read the settings row on every request.
_overrides.setdefault("SETTINGS_CACHE_SECONDS", 0)
_overrides.setdefault("PAGE_CACHE_SECONDS", 0)
_overrides.setdefault("QUEUE_COUNTS_CACHE_SECONDS", 0)

app = create_app(_overrides)
