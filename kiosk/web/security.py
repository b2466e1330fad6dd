"""Security headers, CSRF protection and rate limits, set up in one place."""

import hashlib
import hmac
import ipaddress

from flask import abort, current_app, g, request
from flask_limiter import Limiter
from flask_wtf.csrf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

csrf = CSRFProtect()

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "img-src 'self'",
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
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)
HSTS = "max-age=31536000; includeSubDomains"


def keyed_digest(message):
    """HMAC-SHA256 of `message` (bytes) under the app's secret key: a value
    that stands for something (a name, a NIK) without revealing it."""
    key = current_app.config["SECRET_KEY"]
    key = key.encode() if isinstance(key, str) else key
    return hmac.new(key, message, hashlib.sha256).digest()


def client_address():
    """The client's address; ProxyFix has already taken it from trusted proxies."""
    return request.remote_addr or "unknown"


def rate_limit_key():
    """Whom a rate limit counts: an IPv4 address, or an IPv6 client's /64.

    An IPv6 phone or home line is given a whole /64 and may take any address in
    it, so counting addresses would let it start afresh at will. An IPv4 address
    written as IPv6 (::ffff:1.2.3.4) is that IPv4 address.
    """
    text = client_address()
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return text
    if address.version == 6:
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def is_rate_limit_exempt():
    """Registered kiosks and the office LAN are never rate-limited."""
    if g.get("kiosk_device") is not None:
        return True
    networks = current_app.extensions.get("exempt_networks", ())
    if not networks:
        return False
    try:
        address = ipaddress.ip_address(client_address())
    except ValueError:
        return False
    if address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # a dual-stack socket's view of IPv4
    return any(address in network for network in networks)


limiter = Limiter(key_func=rate_limit_key, headers_enabled=True, default_limits=[])
limiter.request_filter(is_rate_limit_exempt)


def lookup_limit():
    return current_app.config["LOOKUP_RATE_LIMIT"]


def submit_limit():
    return current_app.config["SUBMIT_RATE_LIMIT"]


def qr_limit():
    return current_app.config["QR_RATE_LIMIT"]


# One budget for all the ways to look a number up, so spreading guesses over
# /track, /t/… and the API gains nothing.
limit_lookups = limiter.shared_limit(lookup_limit, scope="lookup")
# QR images reveal nothing (any well-formed number has one) and are cached,
# but each first rendering costs CPU: a generous budget of their own.
limit_qr_images = limiter.shared_limit(qr_limit, scope="qr")


def _stores_nothing():
    """Only the POST that stores a request (step=confirm) counts against the
    budget: checks in place, the check page and going back to change answers
    store nothing, and a resident needs several of them for one request."""
    return request.form.get("step") != "confirm"


def upload_limit():
    return current_app.config["UPLOAD_RATE_LIMIT"]


def upload_request_limit():
    return current_app.config["UPLOAD_REQUEST_RATE_LIMIT"]


# Files sent by one client, over every request it sends them for.
limit_uploads = limiter.shared_limit(upload_limit, scope="upload", methods=["POST"])


def takes_files(view):
    """Mark a view that receives files: its body may be as large as a
    request's files together (allow_file_bodies)."""
    view.takes_files = True
    return view


def allow_file_bodies():
    """before_request, before anything reads the body: a view marked with
    takes_files may receive UPLOAD_REQUEST_MAX_BYTES (and a little for the
    form's other fields) instead of the 1 MB every other page takes."""
    view = current_app.view_functions.get(request.endpoint)
    if getattr(view, "takes_files", False):
        request.max_content_length = (
            current_app.config["UPLOAD_REQUEST_MAX_BYTES"] + 64 * 1024
        )


limit_submissions = limiter.shared_limit(
    submit_limit, scope="submit", methods=["POST"], exempt_when=_stores_nothing
)


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
        headers["Strict-Transport-Security"] = HSTS
        _mark_cookies_secure(headers)
    static_file = request.endpoint == "static" and response.status_code < 400
    if not static_file and "Cache-Control" not in headers:
        # Pages can hold personal data (staff, kiosk receipts): never store them.
        # Nor an error page, even for a file under /static/.
        headers["Cache-Control"] = "no-store"
    return response


def _mark_cookies_secure(headers):
    """Behind HTTPS no cookie may travel in clear, whoever set it.

    Code that sets a cookie usually asks request.is_secure, which is wrong when
    TLS ends at a proxy that does not say so; the HTTPS setting is the truth.
    """
    cookies = headers.getlist("Set-Cookie")
    if not cookies:
        return
    headers.remove("Set-Cookie")
    for cookie in cookies:
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        if "secure" not in attributes:
            cookie += "; Secure"
        headers.add("Set-Cookie", cookie)


def _has_nul(values):
    return any("\x00" in value for value in values)


def refuse_nul_bytes():
    """Refuse NUL in the address and cookies (400) before anything reads them.

    PostgreSQL text cannot hold NUL, so a NUL reaching a query (a kiosk token
    cookie, a tracking number) would fail there with a 500; no honest client
    sends one.
    """
    if "\x00" in request.path or b"\x00" in request.query_string:
        abort(400)
    if _has_nul(request.cookies.keys()) or _has_nul(request.cookies.values()):
        abort(400)
    args = request.args
    if _has_nul(args.keys()) or any(_has_nul(v) for v in args.listvalues()):
        abort(400)


def refuse_nul_in_forms():
    """The same for posted forms; reading the body also enforces the 1 MB limit.

    It runs after the kiosk is identified, so a kiosk's too-large form gets
    the kiosk's own error screen.
    """
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        form = request.form
        # A multipart part whose name cannot be parsed arrives with the name None.
        if None in form:
            abort(400)
        if _has_nul(form.keys()) or any(_has_nul(v) for v in form.listvalues()):
            abort(400)


def trust_proxies(app):
    """Behind nginx the socket peer is the proxy: take the client's address and
    scheme from the last TRUSTED_PROXIES X-Forwarded-* entries only, which the
    proxies themselves wrote (anything earlier may be forged)."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)


def init_limiter(app):
    """Rate limits: a check before each request, their headers after it."""
    config = app.config
    config["RATELIMIT_STORAGE_URI"] = config["RATELIMIT_STORAGE_URL"]
    # The limiter object is shared by every app built in one process (tests):
    # state the setting explicitly so one app's choice never leaks into the next.
    config.setdefault("RATELIMIT_ENABLED", True)
    # If Redis/Memcached goes down, each server keeps limiting in its own memory
    # rather than failing every request.
    config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    app.extensions["exempt_networks"] = _exempt_networks_from(config)
    limiter.init_app(app)
    _skip_the_check_without_defaults(app, config)


def _skip_the_check_without_defaults(app, config):
    """Take out the limiter's check before every request while no default
    or application-wide limit is set: it then only finds that nothing
    applies, at about 0.05 ms a request (a tenth of the lightest page); the
    decorated limits are checked by their decorators. (flask-limiter installs
    that check as a bound method: tests/test_rate_limits.py pins it.)"""
    if config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"):
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [hook for hook in hooks if hook != limiter._check_request_limit]


def _exempt_networks_from(config):
    text = config.get("RATELIMIT_EXEMPT_NETWORKS") or ""
    networks = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        try:
            networks.append(ipaddress.ip_network(part, strict=False))
        except ValueError:
            # Refuse to start rather than silently limit (or exempt) the wrong people.
            raise ValueError(
                f"KIOSK_RATELIMIT_EXEMPT_NETWORKS: {part!r} is not a network "
                "such as 192.168.10.0/24"
            ) from None
    return networks
