"""Configuration: defaults -> instance/config.py -> KIOSK_* environment -> test config."""

import os
import secrets
import tempfile
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent

DEFAULTS = {
    "DATABASE_URL": None,  # None: SQLite file in the instance folder
    "PUBLIC_BASE_URL": None,  # None: the request's own scheme and host
    "RATELIMIT_STORAGE_URL": "memory://",
    "HTTPS": False,
    # Client networks never rate-limited (the office LAN), comma-separated CIDRs.
    "RATELIMIT_EXEMPT_NETWORKS": "",
    "TRUSTED_PROXIES": 0,
    # Host names the site answers to (None: any). Without a public base URL the
    # QR codes carry the request's own host, which a forged Host header sets.
    "TRUSTED_HOSTS": None,
    "LOOKUP_RATE_LIMIT": "60 per minute;600 per hour",
    "SUBMIT_RATE_LIMIT": "10 per minute;60 per hour",
    "QR_RATE_LIMIT": "120 per minute;1000 per hour",
    "LOGIN_RATE_LIMIT": "10 per minute",
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # How long each process reuses the office settings and the document types
    # before reading them again (changes made through it show at once).
    "SETTINGS_CACHE_SECONDS": 5.0,
    # How long the staff queue's counts per status may lag (a clerk's own
    # status changes show at once): counting reads much of a large table.
    "QUEUE_COUNTS_CACHE_SECONDS": 10.0,
    # How long a rendered public tracking page is reused (its status changes
    # start a new entry at once; this bounds staleness of office details).
    "PAGE_CACHE_SECONDS": 60.0,
    # How long the public statistics are reused (they count a large table).
    "STATS_CACHE_SECONDS": 600.0,
    # How long a rendered QR image is reused (the code for an address never
    # changes; this only bounds the memory of codes no longer asked for).
    "QR_CACHE_SECONDS": 24 * 3600.0,
    # How long the security event log keeps an event (the purge deletes older ones).
    "SECURITY_LOG_DAYS": 365,
    "PERMANENT_SESSION_LIFETIME": 30 * 60,
    # A staff session ends this long after signing in, however busy (the line
    # above ends one left unused).
    "SESSION_ABSOLUTE_SECONDS": 12 * 3600,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,  # the token lives as long as the session
    "BABEL_DEFAULT_LOCALE": "id",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Jakarta",
    "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
    # The worker's task queue (kiosk/worker.py): None, a SQLite file in the
    # instance folder; redis://... or postgresql://... when several servers run.
    "QUEUE_URL": None,
    # Delivery providers' addresses and secrets (services/providers.py); the
    # admin chooses the provider, these say how to reach it.
    "NOTIFY_WHATSAPP_CLOUD_URL": "https://graph.facebook.com/v21.0",
    "NOTIFY_WHATSAPP_CLOUD_PHONE_ID": "",
    "NOTIFY_WHATSAPP_CLOUD_TOKEN": "",
    "NOTIFY_WHATSAPP_TEMPLATE_PREFIX": "dukcapil_",
    "NOTIFY_GATEWAY_WHATSAPP_URL": "",
    "NOTIFY_GATEWAY_SMS_URL": "",
    "NOTIFY_GATEWAY_TOKEN": "",
    "NOTIFY_WEBHOOK_URL": "",
    "NOTIFY_WEBHOOK_SECRET": "",
    # A message a worker took this long ago without finishing is taken again.
    "NOTIFY_SENDING_LEASE_SECONDS": 300,
    "LOST_NUMBER_RATE_LIMIT": "5 per hour",
    "LOST_NUMBER_NIK_RATE_LIMIT": "3 per day",
    # Residents' photos and PDFs of their papers (services/paper_store.py):
    # a folder (None: instance/uploads), or an S3-compatible bucket when
    # UPLOAD_S3_BUCKET is set (MinIO, Ceph, AWS S3: the endpoint's address).
    "UPLOAD_PATH": None,
    "UPLOAD_S3_ENDPOINT": "",
    "UPLOAD_S3_BUCKET": "",
    "UPLOAD_S3_PREFIX": "",
    "UPLOAD_S3_REGION": "",
    "UPLOAD_S3_ACCESS_KEY": "",
    "UPLOAD_S3_SECRET_KEY": "",
    # At most this much a file as sent, and all of one request's files together.
    "UPLOAD_FILE_MAX_BYTES": 10 * 1024 * 1024,
    "UPLOAD_REQUEST_MAX_BYTES": 30 * 1024 * 1024,
    # At most this many files one request may hold.
    "UPLOAD_REQUEST_MAX_FILES": 20,
    # Files sent while applying and never attached (the form was not sent)
    # are deleted this long after they came.
    "UPLOAD_DRAFT_HOURS": 24,
    # Uploads per client, and per request (its tracking number or draft).
    "UPLOAD_RATE_LIMIT": "20 per hour;60 per day",
    "UPLOAD_REQUEST_RATE_LIMIT": "30 per day",
}

# Settings read from the environment, with how to turn the text into a value.
ENVIRONMENT = {
    "DATABASE_URL": str,
    "SECRET_KEY": str,
    "PUBLIC_BASE_URL": str,
    "RATELIMIT_STORAGE_URL": str,
    "HTTPS": lambda v: v.strip().lower() in {"1", "true", "yes", "on"},
    "RATELIMIT_EXEMPT_NETWORKS": str,
    "TRUSTED_PROXIES": int,
    "TRUSTED_HOSTS": lambda v: [h.strip() for h in v.split(",") if h.strip()] or None,
    "SESSION_ABSOLUTE_SECONDS": int,
    "QUEUE_URL": str,
    "NOTIFY_WHATSAPP_CLOUD_URL": str,
    "NOTIFY_WHATSAPP_CLOUD_PHONE_ID": str,
    "NOTIFY_WHATSAPP_CLOUD_TOKEN": str,
    "NOTIFY_WHATSAPP_TEMPLATE_PREFIX": str,
    "NOTIFY_GATEWAY_WHATSAPP_URL": str,
    "NOTIFY_GATEWAY_SMS_URL": str,
    "NOTIFY_GATEWAY_TOKEN": str,
    "NOTIFY_WEBHOOK_URL": str,
    "NOTIFY_WEBHOOK_SECRET": str,
    "NOTIFY_SENDING_LEASE_SECONDS": int,
    "UPLOAD_PATH": str,
    "UPLOAD_S3_ENDPOINT": str,
    "UPLOAD_S3_BUCKET": str,
    "UPLOAD_S3_PREFIX": str,
    "UPLOAD_S3_REGION": str,
    "UPLOAD_S3_ACCESS_KEY": str,
    "UPLOAD_S3_SECRET_KEY": str,
    "UPLOAD_FILE_MAX_BYTES": int,
    "UPLOAD_REQUEST_MAX_BYTES": int,
    "UPLOAD_REQUEST_MAX_FILES": int,
    "UPLOAD_DRAFT_HOURS": int,
    "UPLOAD_RATE_LIMIT": str,
    "UPLOAD_REQUEST_RATE_LIMIT": str,
}


def instance_path():
    """Where the database, secret key and local config live."""
    return str(Path(os.environ.get("KIOSK_INSTANCE_PATH", "instance")).resolve())


def load(app, test_config=None):
    """Fill app.config in precedence order and make sure a secret key exists."""
    app.config.from_mapping(DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    # The environment wins over instance/config.py, which may give a setting as
    # text as the environment does: "host1,host2" is a list of hosts, and "0"
    # does not mean on.
    for name, convert in ENVIRONMENT.items():
        value = os.environ.get(f"KIOSK_{name}", app.config.get(name))
        if isinstance(value, str):
            app.config[name] = convert(value)
    if test_config:
        app.config.update(test_config)
    if app.config["HTTPS"]:
        app.config["SESSION_COOKIE_SECURE"] = True
        app.config["PREFERRED_URL_SCHEME"] = "https"
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _stored_secret_key(Path(app.instance_path))


def _stored_secret_key(folder):
    """Read the instance's secret key, creating it (owner-readable only) on first use.

    The key is written to a temporary file, flushed to disk and only then linked
    under its name: a server process starting at the same moment never reads a
    half-written key, and a power cut cannot leave an empty one.
    """
    path = folder / "secret_key"
    if not path.exists():
        # The folder also holds config.py (which may hold passwords): owner only.
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".secret_key.")
        try:
            with os.fdopen(descriptor, "w") as out:
                out.write(secrets.token_hex(32))
                out.flush()
                os.fsync(out.fileno())
            try:
                os.link(temporary, path)
            except FileExistsError:  # another server process made it first
                pass
        finally:
            os.unlink(temporary)
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(
            f"{path} is empty. Restore it from a backup (sessions and forms depend "
            "on it), or delete it to have a new one made."
        )
    return key
