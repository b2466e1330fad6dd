"""The security event log: sign-ins, refusals, searches for residents and
openings of their details, for administrators to review (ASVS V7).

Events hold who, when, from where and what, never a NIK, phone number or
password; they are kept for SECURITY_LOG_DAYS and then deleted by the purge.
"""

import datetime as dt
import json

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import SecurityEvent, StaffMember, utcnow
from kiosk.services import audit

PAGE_SIZE = 50

# What can happen, in the order the log's filter lists them.
SIGNED_IN = "signed_in"
SIGN_IN_FAILED = "sign_in_failed"
LOCKED_OUT = "locked_out"
SIGNED_OUT = "signed_out"
PASSWORD_CHANGED = "password_changed"
SECOND_FACTOR_CHANGED = "second_factor_changed"
FORBIDDEN = "forbidden"
CSRF_REFUSED = "csrf_refused"
RESIDENT_SEARCH = "resident_search"
DETAILS_OPENED = "details_opened"
# Someone asked for a lost tracking number (matched or not: never said).
LOST_NUMBER_ASKED = "lost_number_asked"
# A clerk looked at a resident's photo or PDF (or its thumbnail), or decided on it.
PAPER_OPENED = "paper_opened"
PAPER_DECIDED = "paper_decided"
KINDS = (
    SIGNED_IN,
    SIGN_IN_FAILED,
    LOCKED_OUT,
    SIGNED_OUT,
    PASSWORD_CHANGED,
    SECOND_FACTOR_CHANGED,
    FORBIDDEN,
    CSRF_REFUSED,
    RESIDENT_SEARCH,
    DETAILS_OPENED,
    LOST_NUMBER_ASKED,
    PAPER_OPENED,
    PAPER_DECIDED,
)


def record(kind, *, staff=None, address="", path="", subject="", details=None):
    """Add one event. Called outside the caller's transaction where it may
    roll back (a refused sign-in still leaves its trace)."""
    if kind not in KINDS:
        raise ValueError(f"unknown security event {kind!r}")
    return SecurityEvent.create(
        kind=kind,
        staff=staff,
        address=str(address)[:64],
        path=str(path)[:200],
        subject=str(subject)[:120],
        details=json.dumps(details or {}, ensure_ascii=False, sort_keys=True),
    )


def page(*, kind=None, staff_id=None, before_id=None, size=PAGE_SIZE):
    """Events newest first, `size` at a time below `before_id`, optionally of
    one kind or one staff member. Returns (events, the id to continue below)."""
    query = SecurityEvent.select(SecurityEvent, StaffMember).join(
        StaffMember, pw.JOIN.LEFT_OUTER, on=SecurityEvent.staff == StaffMember.id
    )
    if kind:
        query = query.where(SecurityEvent.kind == kind)
    if staff_id:
        query = query.where(SecurityEvent.staff == staff_id)
    return audit.newest_first(SecurityEvent, query, before_id, size)


def delete_older_than(days, now=None):
    """Delete events older than `days`; returns how many went."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    with db.atomic():
        return SecurityEvent.delete().where(SecurityEvent.created_at < cutoff).execute()
