"""Security headers, CSRF protection and rate limits, set up in one place."""

import ipaddress

from flask import current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'none'",
        "object-src 'none'",
    )
)
PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=()"
)


def client_address():
    """The client's address (the proxy chain is trusted only as configured)."""
    return request.remote_addr or "unknown"


def is_rate_limit_exempt():
    """Registered kiosks and the office LAN are never rate-limited."""
    if g.get("kiosk_device") is not None:
        return True
    networks = current_app.extensions.get("exempt_networks", ())
    try:
        address = ipaddress.ip_address(client_address())
    except ValueError:
        return False
    return any(address in network for network in networks)


limiter = Limiter(key_func=client_address, headers_enabled=True, default_limits=[])
limiter.request_filter(is_rate_limit_exempt)


def lookup_limit():
    return current_app.config["LOOKUP_RATE_LIMIT"]


def submit_limit():
    return current_app.config["SUBMIT_RATE_LIMIT"]


# One budget for all the ways to look a number up, so spreading guesses over
# /track, /t/… and the API gains nothing.
limit_lookups = limiter.shared_limit(lookup_limit, scope="lookup")
limit_submissions = limiter.shared_limit(submit_limit, scope="submit", methods=["POST"])


def set_security_headers(response):
    """Headers every response carries."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if current_app.config.get("HTTPS"):
        headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    if request.endpoint != "static" and "Cache-Control" not in headers:
        # Pages can hold personal data (staff, kiosk receipts): never store them.
        headers["Cache-Control"] = "no-store"
    return response


def refuse_nul_bytes():
    """NUL cannot be stored in PostgreSQL text: refuse such input up front (400)."""
    from flask import abort

    if "\x00" in request.path or "%00" in request.query_string.decode("latin-1"):
        abort(400)
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        for values in request.form.listvalues():
            if any("\x00" in v for v in values):
                abort(400)


def init_app(app):
    csrf.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    app.extensions["exempt_networks"] = _exempt_networks_from(app.config)
    limiter.init_app(app)
    app.before_request(refuse_nul_bytes)
    app.after_request(set_security_headers)


def _exempt_networks_from(config):
    text = config.get("RATELIMIT_EXEMPT_NETWORKS") or ""
    return [
        ipaddress.ip_network(part.strip(), strict=False)
        for part in text.split(",")
        if part.strip()
    ]
