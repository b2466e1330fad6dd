"""Which Host names the site answers to: secure by default.

Absolute addresses (receipts, QR codes, redirects) are built from the request's
Host header when no public address is set, so a forged header must never reach
a page. With KIOSK_TRUSTED_HOSTS set, Flask itself refuses other hosts. Without
it, the site answers only to the host of its public address (KIOSK_PUBLIC_BASE_URL
or the office setting) and to this computer (localhost), so a fresh install is
safe before anyone has configured it.
"""

import ipaddress
from urllib.parse import urlsplit

from flask import current_app, g, request
from werkzeug.exceptions import BadHost
from werkzeug.sansio.utils import host_is_trusted

from kiosk.web import caches

# Monitoring may probe by address: the health check builds no URLs.
ANY_HOST_ENDPOINTS = frozenset({"public.healthz"})


def _is_this_computer(host):
    try:
        name = urlsplit("//" + host).hostname
    except ValueError:  # "[", an unclosed IPv6 address
        return False
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name or "").is_loopback
    except ValueError:
        return False


def public_hosts():
    """The host names of the site's configured public addresses."""
    office = g.get("office") or caches.office_settings()
    bases = (current_app.config.get("PUBLIC_BASE_URL"), office.public_base_url)
    return [urlsplit(base).hostname for base in bases if base]


def refuse_unknown_host():
    """before_request: a 400 page for a Host the site was not set up to answer to."""
    if current_app.config.get("TRUSTED_HOSTS"):
        return  # Flask checks the list as it reads request.host
    if request.endpoint in ANY_HOST_ENDPOINTS:
        return
    host = request.host
    if _is_this_computer(host):
        return
    known = [name for name in public_hosts() if name]
    if not known or not host_is_trusted(host, known):
        raise BadHost()
