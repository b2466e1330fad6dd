"""Writing the security event log from a request: who (the signed-in staff
member), from where (the client's address) and which page (its path, never
its query string, which may hold a NIK someone searched for)."""

from flask import current_app, request, session
from peewee import PeeweeException

from kiosk.domain import search as search_text
from kiosk.services import security_log
from kiosk.web import auth
from kiosk.web.security import client_address, keyed_digest

_SIGNED_IN_STAFF = object()


def log(kind, *, staff=_SIGNED_IN_STAFF, subject="", details=None):
    """Record a security event for this request; `staff` defaults to whoever
    is signed in. A database failure is logged, never passed on: the log must
    not turn a refusal page into an error page."""
    if staff is _SIGNED_IN_STAFF:
        # A refusal may come before the page's own sign-in check ran (CSRF).
        staff = auth.load_staff()
    try:
        security_log.record(
            kind,
            staff=staff,
            address=client_address(),
            path=request.path,
            subject=subject,
            details=details,
        )
    except PeeweeException:
        current_app.logger.exception("Could not record security event %s", kind)


# Searches that look for a person rather than a tracking number.
RESIDENT_SEARCHES = frozenset(
    {
        search_text.SEARCH_NIK,
        search_text.SEARCH_PHONE,
        search_text.SEARCH_NAME,
        search_text.SEARCH_NUMBER_OR_NAME,
    }
)
# The session remembers (as a keyed digest: the session cookie is readable by
# its holder) the last search logged, so paging through its results or a
# refresh of the queue does not log it again.
LAST_SEARCH = "last_logged_search"


def log_resident_search(search):
    """Record a staff search for a resident (by NIK, phone or name): that it
    happened and how, never what was typed."""
    if search.kind not in RESIDENT_SEARCHES:
        return
    digest = keyed_digest(f"{search.kind}:{search.value}".encode()).hex()[:32]
    if session.get(LAST_SEARCH) == digest:
        return
    session[LAST_SEARCH] = digest
    log(security_log.RESIDENT_SEARCH, details={"search": search.kind})
