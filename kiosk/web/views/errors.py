"""Error pages: translated, in the site's layout, JSON under /api/."""

import math
import time

from flask import g, jsonify, render_template, request
from flask_babel import ngettext
from flask_wtf.csrf import CSRFError
from peewee import PeeweeException
from werkzeug.exceptions import (
    BadHost,
    HTTPException,
    InternalServerError,
    SecurityError,
)

from kiosk.domain import qr
from kiosk.services import security_log
from kiosk.web import caches, security_events
from kiosk.web.i18n import is_api_request
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.security import limiter

TITLES = {
    400: _l("Something in the request was not right"),
    403: _l("You do not have access to this page"),
    404: _l("Page not found"),
    405: _l("This action is not possible here"),
    413: _l("What you sent is too large"),
    429: _l("Too many requests"),
    500: _l("Sorry, something went wrong on our side"),
}
MESSAGES = {
    400: _l("Go back, check what you entered and try again."),
    403: _l("If you think you should have access, ask the office administrator."),
    404: _l("Check the address, or start again from the home page."),
    405: _l("Go back and use the buttons on the page."),
    413: _l("Shorten the text and try again."),
    429: _l(
        "You have made many requests in a short time. Wait a moment, then try again."
    ),
    500: _l(
        "Try again in a few minutes. If you were sending an application and did "
        "not get a tracking number, it has not been sent."
    ),
}
CSRF_MESSAGE = _l(
    "The form had expired or was sent from another page. Go back, reload the "
    "page and send it again."
)
UNKNOWN_HOST_MESSAGE = _l(
    "This site does not answer to the address that was asked for. Open it from "
    "the office's own address."
)

# The API's error codes are words, like its lookup errors ("typo", "not_found").
API_CODES = {
    400: "bad_request",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
    429: "rate_limited",
    500: "server_error",
}

# Headers of an HTTP error that the client needs (405 says what is allowed).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def _page_for(status):
    """The page to show for a status: its own, else the nearest general one."""
    if status in TITLES:
        return status
    return 500 if status >= 500 else 400


def _wait_hint():
    """How long a rate-limited client should wait, in words (None if unknown)."""
    current = limiter.current_limit
    if current is None or not current.breached:
        return None
    seconds = max(1, math.ceil(current.reset_at - time.time()))
    if seconds < 120:
        return ngettext(
            "You can try again in %(num)d second.",
            "You can try again in %(num)d seconds.",
            seconds,
        )
    return ngettext(
        "You can try again in %(num)d minute.",
        "You can try again in %(num)d minutes.",
        math.ceil(seconds / 60),
    )


def _render(status, message=None, headers=()):
    page = _page_for(status)
    message = str(message or MESSAGES[page])
    hint = _wait_hint() if status == 429 else None
    if is_api_request():
        if hint:
            message = f"{message} {hint}"
        code = API_CODES.get(status, "error")
        body = jsonify(error={"code": code, "status": status, "message": message})
        return body, status, list(headers)
    g.error_page = True
    if request.endpoint == "static" and g.get("office") is None:
        _load_office_for_static_error()
    html = render_template(
        "errors/error.html", status=status, title=TITLES[page], message=message,
        hint=hint,
    )  # fmt: skip
    return html, status, list(headers)


def _load_office_for_static_error():
    """The office's name for a missing file's page (file requests skip loading
    it); without a database the page is shown without it."""
    try:
        g.office = caches.office_settings()
    except PeeweeException:
        pass


def handle_http_error(error):
    if error.code is None or error.code < 400:
        return error  # redirects pass through unchanged
    if isinstance(error, (SecurityError, BadHost)):
        # A Host outside TRUSTED_HOSTS, or one that is no host name at all:
        # Flask builds no URLs for this request, so no page with links.
        if is_api_request():
            return _render(400, UNKNOWN_HOST_MESSAGE)
        page = render_template(
            "errors/unknown_host.html", title=TITLES[400], message=UNKNOWN_HOST_MESSAGE
        )
        return page, 400
    if error.code == 403:
        security_events.log(security_log.FORBIDDEN)
    kept = [(k, v) for k, v in error.get_headers() if k in KEPT_HEADERS]
    return _render(error.code, headers=kept)


def handle_csrf_error(error):
    security_events.log(security_log.CSRF_REFUSED)
    return _render(400, CSRF_MESSAGE)


def handle_unexpected(error):
    # Flask has logged the exception; the resident sees a calm page, never a
    # stack trace.
    return _render(500)


def handle_qr_too_long(error):
    # Only a forged Host header (with no public address configured) makes a
    # tracking address too long for a QR code.
    return _render(400)


def register_handlers(app):
    """Site-wide error pages (a blueprint's own handlers win over these)."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(qr.TooLong, handle_qr_too_long)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
