"""Error pages: translated, in the site's layout, JSON under /api/."""

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

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
        "You have made many requests in a short time. Wait a moment, then try "
        "again."
    ),
    500: _l("Try again in a few minutes. What you sent before this was kept."),
}
CSRF_MESSAGE = _l(
    "The form had expired or was sent from another page. Go back, reload the "
    "page and send it again."
)


def _render(status, message=None):
    if request.path.startswith("/api/"):
        return jsonify(error={"code": status, "message": str(message or MESSAGES[status])}), status
    return (
        render_template(
            "errors/error.html",
            status=status,
            title=TITLES[status],
            message=message or MESSAGES[status],
        ),
        status,
    )


def handle_http_error(error):
    status = error.code if error.code in TITLES else None
    if status is None:
        return error  # redirects and other codes pass through unchanged
    return _render(status)


def handle_csrf_error(error):
    return _render(400, CSRF_MESSAGE)


def handle_unexpected(error):
    # Logged by Flask; the resident sees a calm page, never a stack trace.
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    return _render(500)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
