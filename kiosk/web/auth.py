"""Staff sessions: starting one, their idle and absolute time limits, role
guards, and where to return after signing in (sign_in.py checks passwords).

A signed-in session holds the member's id, their session version, when they
signed in and the time of their last request. Signing out (or an admin
resetting the password or deactivating the account) bumps the version in the
database, so every older session cookie of that member stops working, wherever
it is. A session ends after PERMANENT_SESSION_LIFETIME without use, and
SESSION_ABSOLUTE_SECONDS after signing in however busy it is.
"""

import time
from urllib.parse import unquote, urlsplit

from flask import current_app, g, redirect, request, session, url_for
from werkzeug.exceptions import Forbidden, HTTPException

from kiosk.data.models import StaffMember
from kiosk.web.views import htmx

# Session keys.
STAFF_ID = "staff_id"
VERSION = "staff_version"
SEEN = "staff_seen"
SINCE = "staff_since"

# Why a session ended (the sign-in page's `reason`).
IDLE = "idle"
EXPIRED = "expired"


def start_session(member):
    """Begin a fresh session for `member` (nothing from before sign-in survives)."""
    session.clear()
    session.permanent = True
    now = int(time.time())
    session[STAFF_ID] = member.id
    session[VERSION] = member.session_version
    session[SEEN] = now
    session[SINCE] = now


def keep_session(member):
    """After the member's own password change ended their sessions: this one
    goes on."""
    session[VERSION] = member.session_version


def idle_seconds():
    """How long a session may sit unused before it ends."""
    return int(current_app.permanent_session_lifetime.total_seconds())


def absolute_seconds():
    """How long a session lasts after signing in, used or not."""
    return int(current_app.config["SESSION_ABSOLUTE_SECONDS"])


def load_staff():
    """Set g.staff from the session, or None; note why a session ended."""
    if "staff" in g:
        return g.staff
    g.staff = None
    g.session_ended = None
    staff_id = session.get(STAFF_ID)
    if staff_id is None:
        return None
    now = int(time.time())
    member = StaffMember.get_or_none((StaffMember.id == staff_id) & StaffMember.active)
    # A session from before the sign-in time was kept counts as too old.
    if now - session.get(SINCE, 0) > absolute_seconds():
        g.session_ended = EXPIRED
        member = None
    elif now - session.get(SEEN, 0) > idle_seconds():
        g.session_ended = IDLE
        member = None
    if member is None or member.session_version != session.get(VERSION):
        for key in (STAFF_ID, VERSION, SEEN, SINCE):
            session.pop(key, None)
        return None
    session[SEEN] = now
    g.staff = member
    return member


def _page_to_return_to():
    """Where to go after signing in again: this page; for a form sent to an
    address that has no page (…/move, /staff/bulk), the nearest page above it,
    since the browser returns with a GET."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    adapter = current_app.create_url_adapter(request)
    path = request.path
    while path.startswith("/staff/"):
        try:
            adapter.match(path, method="GET")
            return path
        except HTTPException:  # no page here (or only a POST)
            path = path.rsplit("/", 1)[0]
    return url_for("staff.queue_page")


def _refuse_anonymous():
    reason = g.get("session_ended")
    login = url_for("staff_auth.login", next=_page_to_return_to(), reason=reason)
    if htmx.is_htmx_request():
        # htmx follows HX-Redirect with a full page load.
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = login
        return response
    return redirect(login, 303)


def require_staff():
    """before_request guard: any active, signed-in staff member."""
    if load_staff() is None:
        return _refuse_anonymous()
    return None


def require_admin():
    """before_request guard: signed in, and with the admin role (403 otherwise)."""
    if load_staff() is None:
        return _refuse_anonymous()
    if not g.staff.is_admin:
        raise Forbidden()
    return None


def _is_control(text):
    return any(ord(c) < 0x20 or ord(c) == 0x7F for c in text)


def checked_next(target):
    """`target` if it is a page of the staff console to return to after
    signing in, else "".

    Nothing that could leave the site (//host, a scheme, a backslash some
    browsers read as a slash), and no control character, written plainly or
    percent-encoded: in a Location header a line break would start a header.
    """
    if not target or len(target) > 2000:
        return ""
    decoded = unquote(target)
    if _is_control(target) or _is_control(decoded) or "\\" in decoded:
        return ""
    parts = urlsplit(target)
    path = parts.path
    if parts.scheme or parts.netloc or target.startswith("//"):
        return ""
    if not (path == "/staff" or path.startswith("/staff/")):
        return ""
    if "/.." in unquote(path) or path.startswith("/staff/login"):
        return ""
    return target


def safe_next(target):
    """Where to go after signing in: `target` if checked_next accepts it,
    else the queue."""
    return checked_next(target) or url_for("staff.queue_page")


def init_app(app):
    app.jinja_env.globals["signed_in_staff"] = lambda: g.get("staff")
