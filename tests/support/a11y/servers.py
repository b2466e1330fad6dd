"""The accessibility tests' servers: one live server with seeded data per module.

Kiosk imports happen inside functions: importing this module builds nothing.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from tests.support.live import LiveServer, server_environment

SIZES = {"phone": (390, 844), "kiosk": (1080, 1920), "desktop": (1366, 768)}
LANGS = ("id", "en")
BROWSER_LOCALES = {"id": "id-ID", "en": "en-GB"}
ADMIN = "a11y-admin"
CLERK = "a11y-clerk"
PASSWORD = "correct horse battery"
KIOSK_MIN_TARGET = 48  # px, issue 7 (the kiosk's own CSS aims at 64)

# GET routes that are not HTML pages: files, images, JSON, CSV.
NOT_PAGES = {
    "/static/<path:filename>",
    "/t/<number>/qr.svg",
    "/t/<number>/qr.png",
    "/t/<number>/receipt.png",
    "/healthz",
    "/api/v1/track/<number>",
    "/api/v1/openapi.json",
    "/api/v1/stats",
    "/stats.csv",
    "/staff/admin/export.csv",
    # Residents' files and their thumbnails, for signed-in staff.
    "/staff/papers/<stored_id>",
    "/staff/papers/<stored_id>/thumbnail",
}

# The shared server keeps rate limiting on, with limits a test run cannot
# reach; the 429 page comes from a second server with a tiny lookup limit.
SHARED_SERVER_CONFIG = {
    "LOOKUP_RATE_LIMIT": "100000 per minute",
    "SUBMIT_RATE_LIMIT": "100000 per minute",
    "QR_RATE_LIMIT": "100000 per minute",
    "LOGIN_RATE_LIMIT": "100000 per minute",
    "LOST_NUMBER_RATE_LIMIT": "100000 per minute",
    "LOST_NUMBER_NIK_RATE_LIMIT": "100000 per minute",
    # The office sends messages (its webhook is never reached: no worker runs),
    # so the pages that ask and show them are checked too.
    "NOTIFY_WEBHOOK_URL": "http://127.0.0.1:9/hook",
    "NOTIFY_WEBHOOK_SECRET": "a11y",
}
LIMITED_SERVER_CONFIG = {"LOOKUP_RATE_LIMIT": "1 per minute"}


# -- the servers and their data ------------------------------------------------


@dataclass
class Site:
    """A live server with seeded data, shared by one test module."""

    server: LiveServer
    limited: LiveServer | None  # same app, lookups limited to 1 a minute
    database_url: str
    rules: list  # (rule, methods) of every URL rule of the in-process app
    numbers: dict  # status -> tracking number of a request in that status
    recorded: str  # a request recorded by staff (for /staff/new/<number>)
    movable: list  # requests in "submitted", one for each test that moves one
    typo: str  # a number with a wrong check symbol
    unknown: str  # a well-formed number nobody has
    admin_id: int
    type_id: int
    kiosk_token: str
    ticket_token: str = ""  # a waiting queue ticket (/q/, /kiosk/ticket/)

    @property
    def url(self) -> str:
        return self.server.url

    def stop(self) -> None:
        for server in (self.server, self.limited):
            if server is not None:
                server.stop()

    def log_tail(self) -> str:
        return "\n".join(s.log_text()[-4000:] for s in (self.server, self.limited) if s)


def start_server(folder: Path, database_url=None, config_overrides=None):
    """tests/support/live.py's server (what the live_server fixture starts)."""
    folder.mkdir(parents=True, exist_ok=True)
    server = LiveServer(
        server_environment(folder / "instance", database_url, config_overrides, None),
        log_path=folder / "server.log",
    )
    return server.start()


@contextlib.contextmanager
def in_process_app(database_url: str, folder: Path):
    """The app built in this process on the live server's database.

    Used for its url_map (the list of pages) and to seed data through the
    app's own functions. The caller's KIOSK_* variables are hidden while it
    is built, as conftest's make_app does.
    """
    import pytest

    from kiosk import create_app
    from kiosk.services import accounts

    with pytest.MonkeyPatch.context() as patch:
        for name in list(os.environ):
            if name.startswith("KIOSK_") and not name.startswith("KIOSK_TEST_"):
                patch.delenv(name)
        patch.setenv("KIOSK_INSTANCE_PATH", str(folder / "instance"))
        # Cheap scrypt for the accounts made here; signing in is still scrypt.
        patch.setattr(accounts, "PASSWORD_METHOD", "scrypt:1024:8:1")
        app = create_app(
            {
                "TESTING": True,
                "DATABASE_URL": database_url,
                "SECRET_KEY": "a11y",
                "SETTINGS_CACHE_SECONDS": 0,
            }
        )
        try:
            yield app
        finally:
            database = app.extensions["database"]
            if hasattr(database, "close_all"):
                database.close_all()
            elif not database.is_closed():
                database.close()


STATUSES = (
    "submitted",
    "verifying",
    "needs_info",
    "processing",
    "ready",
    "completed",
    "rejected",
)


def _seed(app, movable_count):
    """Requests in every status, an admin and a clerk, a kiosk."""
    import secrets

    from kiosk.data.models import DocumentType, KioskDevice, NotificationSettings
    from kiosk.domain import tracking
    from kiosk.services import accounts
    from tests.support.factories import LONG_AGO, make_submission

    with app.app_context():
        NotificationSettings.update(provider="webhook").execute()
        admin = accounts.create_staff(
            ADMIN, PASSWORD, role="admin", display_name="Office Admin"
        )
        accounts.create_staff(CLERK, PASSWORD, display_name="Rina Clerk")
        # Received LONG_AGO: the queue and today's lists show their overdue marks.
        numbers = {}
        for status in STATUSES:
            made = make_submission(
                applicant_name=f"Warga {status}",
                status=status,
                staff=admin,
                today=LONG_AGO,
                notify="whatsapp",
            )
            numbers[status] = made.number
        recorded = make_submission(
            applicant_name="Budi Santoso",
            channel="counter",
            staff=admin,
            today=LONG_AGO,
        )
        movable = [
            make_submission(applicant_name=f"Pemohon {i}", today=LONG_AGO).number
            for i in range(movable_count)
        ]
        kiosk_token = secrets.token_urlsafe(24)
        KioskDevice.create(name="Lobby", token=kiosk_token, paper_width=80)
        from kiosk.services import tickets
        from kiosk.web.dates import office_today

        with app.test_request_context():
            ticket, _ = tickets.check_in("counter", office_today())
        number = numbers["submitted"]
        wrong = next(s for s in tracking.ALPHABET if s != number[-1])
        return {
            "numbers": numbers,
            "recorded": recorded.number,
            "movable": movable,
            "typo": number[:-1] + wrong,
            "unknown": tracking.generate(),
            "admin_id": admin.id,
            "type_id": DocumentType.get(DocumentType.code == "KK").id,
            "kiosk_token": kiosk_token,
            "ticket_token": ticket.token,
        }


def make_site(folder: Path, movable_count=8, limited=True) -> Site:
    """Build the database in-process, seed it, then serve it with waitress."""
    folder.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{folder}/kiosk.db"
    with in_process_app(database_url, folder) as app:
        rules = [
            (rule.rule, frozenset(rule.methods)) for rule in app.url_map.iter_rules()
        ]
        seeded = _seed(app, movable_count)
    server = start_server(folder / "main", database_url, SHARED_SERVER_CONFIG)
    second = None
    if limited:
        try:
            second = start_server(folder / "limited", None, LIMITED_SERVER_CONFIG)
        except Exception:
            server.stop()
            raise
    return Site(
        server=server,
        limited=second,
        database_url=database_url,
        rules=rules,
        **seeded,
    )


def get_page_rules(site: Site) -> set[str]:
    """Every GET rule that serves an HTML page."""
    return {r for r, methods in site.rules if "GET" in methods} - NOT_PAGES
