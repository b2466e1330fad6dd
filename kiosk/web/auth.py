"""Staff sign-in, lock-out after failed attempts, idle sessions and roles.

A signed-in session holds the member's id, their session version and the time
of their last request. Signing out (or an admin resetting the password or
deactivating the account) bumps the version in the database, so every older
session cookie of that member stops working, wherever it is.
"""

import datetime as dt
import functools
import hashlib
import time
from dataclasses import dataclass

from flask import current_app, g, redirect, request, session, url_for
from limits import RateLimitItemPerDay, RateLimitItemPerMinute, strategies
from limits.errors import StorageError
from limits.storage import MemoryStorage, storage_from_string
from peewee import Case
from werkzeug.exceptions import Forbidden, HTTPException
from werkzeug.security import check_password_hash

from kiosk.data.models import StaffMember, utcnow
from kiosk.services import accounts
from kiosk.web.views import htmx

MAX_FAILED_LOGINS = 5
LOCK_MINUTES = 15

# Session keys.
STAFF_ID = "staff_id"
VERSION = "staff_version"
SEEN = "staff_seen"

# Outcomes of a sign-in attempt.
SIGNED_IN = "signed_in"
WRONG = "wrong"
LOCKED = "locked"

# Unknown usernames lock exactly like real ones (5 failures, then 15 minutes),
# counted in the rate-limit storage, so the page never tells them apart.
_UNKNOWN_FAILURES = RateLimitItemPerDay(MAX_FAILED_LOGINS)
_UNKNOWN_LOCK = RateLimitItemPerMinute(1, LOCK_MINUTES)


@dataclass(frozen=True)
class Attempt:
    outcome: str
    member: StaffMember | None = None


@functools.cache
def _dummy_hash():
    """A real hash to check unknown usernames against, so timing reveals nothing."""
    return accounts.hash_password("not-a-real-password-" + str(time.time()))


def _unknown_key(username):
    return "login-unknown/" + hashlib.sha256(username.encode()).hexdigest()[:32]


def _unknown_limiter():
    return current_app.extensions["login_lockout"]


def _unknown_attempt(username, password):
    """An unknown username's attempt, counted in the shared store; while that
    store is down, in this process's memory (as the rate limits then are)."""
    try:
        return _count_unknown_attempt(_unknown_limiter(), username, password)
    except StorageError:
        current_app.logger.warning(
            "Rate-limit store unavailable; counting sign-in attempts in memory"
        )
        fallback = current_app.extensions["login_lockout_fallback"]
        return _count_unknown_attempt(fallback, username, password)


def _record_failure(member):
    """Count a failed attempt in one UPDATE, so parallel guesses are all counted."""
    now = utcnow()
    expired = StaffMember.locked_until.is_null(False) & (
        StaffMember.locked_until <= now
    )
    count = Case(None, [(expired, 1)], StaffMember.failed_logins + 1)
    lock_until = Case(
        None,
        [(count >= MAX_FAILED_LOGINS, now + dt.timedelta(minutes=LOCK_MINUTES))],
        None,
    )
    StaffMember.update(failed_logins=count, locked_until=lock_until).where(
        StaffMember.id == member.id
    ).execute()
    return StaffMember.get_by_id(member.id)


def attempt_sign_in(username, password):
    """Check a username and password; count failures and lock as needed."""
    username = (username or "").strip().lower()[:64]
    member = StaffMember.get_or_none(
        (StaffMember.username == username) & StaffMember.active
    )
    if member is None:
        return _unknown_attempt(username, password)
    if member.is_locked:
        return Attempt(LOCKED)
    if not accounts.password_matches(member, password):
        member = _record_failure(member)
        return Attempt(LOCKED if member.is_locked else WRONG)
    StaffMember.update(
        failed_logins=0, locked_until=None, last_login_at=utcnow()
    ).where(StaffMember.id == member.id).execute()
    return Attempt(SIGNED_IN, StaffMember.get_by_id(member.id))


def _count_unknown_attempt(limiter, username, password):
    key = _unknown_key(username)
    if not limiter.test(_UNKNOWN_LOCK, key):
        return Attempt(LOCKED)
    check_password_hash(_dummy_hash(), password)
    limiter.hit(_UNKNOWN_FAILURES, key)
    if limiter.get_window_stats(_UNKNOWN_FAILURES, key).remaining == 0:
        limiter.hit(_UNKNOWN_LOCK, key)
        limiter.clear(_UNKNOWN_FAILURES, key)
        return Attempt(LOCKED)
    return Attempt(WRONG)


def start_session(member):
    """Begin a fresh session for `member` (nothing from before sign-in survives)."""
    session.clear()
    session.permanent = True
    session[STAFF_ID] = member.id
    session[VERSION] = member.session_version
    session[SEEN] = int(time.time())


def idle_seconds():
    """How long a session may sit unused before it ends."""
    return int(current_app.permanent_session_lifetime.total_seconds())


def load_staff():
    """Set g.staff from the session, or None; note why a session ended."""
    if "staff" in g:
        return g.staff
    g.staff = None
    g.session_expired = False
    staff_id = session.get(STAFF_ID)
    if staff_id is None:
        return None
    now = int(time.time())
    member = StaffMember.get_or_none((StaffMember.id == staff_id) & StaffMember.active)
    if now - session.get(SEEN, 0) > idle_seconds():
        g.session_expired = True
        member = None
    if member is None or member.session_version != session.get(VERSION):
        for key in (STAFF_ID, VERSION, SEEN):
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
    reason = "idle" if g.get("session_expired") else None
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


def safe_next(target):
    """Only a path inside the staff console is a place to return to after sign-in."""
    if (
        target
        and target.startswith("/staff")
        and not target.startswith("//")
        and "\\" not in target
        and not target.startswith("/staff/login")
    ):
        return target
    return url_for("staff.queue_page")


def init_app(app):
    storage = storage_from_string(
        app.config["RATELIMIT_STORAGE_URL"], wrap_exceptions=True
    )
    app.extensions["login_lockout"] = strategies.MovingWindowRateLimiter(storage)
    # Used while the shared store (Redis, Memcached) does not answer.
    app.extensions["login_lockout_fallback"] = strategies.MovingWindowRateLimiter(
        MemoryStorage()
    )
    app.jinja_env.globals["signed_in_staff"] = lambda: g.get("staff")
