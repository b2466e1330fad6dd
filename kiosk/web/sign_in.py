"""Signing in: the password, then a code for members with a second factor,
and a signed-in member's password asked again; every attempt is claimed first
(services/sign_in_delays.py) and logged.

A username with no active account goes through the same steps as a real one
(a claim, a password hash checked, the same answers and delays), so the page
never tells which accounts exist.

The code step: a right password for a member with a second factor starts no
session but leaves a pending state in the (signed) session cookie, good for
PENDING_SECONDS, which the code then completes.
"""

import datetime as dt
import functools
import time
from dataclasses import dataclass

from flask import session
from flask_babel import format_timedelta, gettext
from werkzeug.security import check_password_hash

from kiosk.data.models import StaffMember, utcnow
from kiosk.services import accounts, second_factor, security_log
from kiosk.services import sign_in_delays as delays
from kiosk.web import auth, security_events
from kiosk.web.forms import INVALID_FORM
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.security import keyed_digest

# Outcomes.
SIGNED_IN = "signed_in"
CODE_NEEDED = "code_needed"
CONFIRMED = "confirmed"  # a signed-in member's password (and code) given again
WRONG = "wrong"
DELAYED = "delayed"  # refused unchecked: the wait after earlier failures is not over
EXPIRED = "expired"  # no code step under way (or it took too long)

# What was wrong (the log's "reason").
PASSWORD = "password"
CODE = "code"

PENDING = "sign_in_pending"
PENDING_SECONDS = 5 * 60


@dataclass(frozen=True)
class Attempt:
    outcome: str
    member: StaffMember | None = None
    wait: int = 0  # seconds before the next attempt may come
    wrong: str = ""  # PASSWORD or CODE


@functools.cache
def _dummy_hash():
    """A real hash to check unknown usernames against, so timing reveals nothing."""
    return accounts.hash_password("not-a-real-password-" + str(time.time()))


def name_key(username):
    """The keyed digest a username's failures are counted under when it names
    no active account."""
    return keyed_digest(b"sign-in-name/" + username.encode()).hex()


def _clean_username(username):
    return (username or "").strip().lower()[:64]


def attempt_password(username, password, next_page=""):
    """The sign-in form: a session, a code to ask for, or a refusal."""
    username = _clean_username(username)
    account = StaffMember.get_or_none(StaffMember.username == username)
    member = account if account is not None and account.active else None
    # Only a real account's name is logged: a password typed in the username
    # box must never be.
    subject = account.username if account is not None else ""
    now = utcnow()
    if member is not None:
        claim = delays.claim_for_member(member.id, now)
    else:
        claim = delays.claim_for_name(name_key(username), now)
    if not claim.granted:
        security_events.log(security_log.LOCKED_OUT, staff=member, subject=subject)
        return Attempt(DELAYED, wait=claim.wait_seconds(now), wrong=PASSWORD)
    if member is None:
        check_password_hash(_dummy_hash(), password)
        right = False
    else:
        right = accounts.password_matches(member, password)
    if not right:
        _log_failure(member, subject, PASSWORD)
        return Attempt(WRONG, wait=claim.wait_seconds(now), wrong=PASSWORD)
    if second_factor.is_on(member):
        delays.undo_claim(member.id, claim, now)
        session.clear()
        session[PENDING] = {
            "id": member.id,
            "version": member.session_version,
            "at": int(time.time()),
            "next": next_page,
        }
        return Attempt(CODE_NEEDED, member)
    return _signed_in(member)


def _log_failure(member, subject, reason):
    security_events.log(
        security_log.SIGN_IN_FAILED,
        staff=member,
        subject=subject,
        details={"reason": reason},
    )


def _signed_in(member):
    delays.signed_in(member.id)
    member = StaffMember.get_by_id(member.id)
    auth.start_session(member)
    security_events.log(security_log.SIGNED_IN, staff=member, subject=member.username)
    return Attempt(SIGNED_IN, member)


def pending():
    """(member, page to return to) of the code step under way, or None."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    if not 0 <= time.time() - state.get("at", 0) <= PENDING_SECONDS:
        session.pop(PENDING, None)
        return None
    member = StaffMember.get_or_none(
        (StaffMember.id == state.get("id")) & StaffMember.active
    )
    if member is None or member.session_version != state.get("version"):
        session.pop(PENDING, None)
        return None
    return member, state.get("next") or ""


def attempt_code(code):
    """The code step: the session starts when the code is right."""
    under_way = pending()
    if under_way is None:
        return Attempt(EXPIRED)
    member, _next_page = under_way
    now = utcnow()
    claim = delays.claim_for_member(member.id, now)
    if not claim.granted:
        security_events.log(
            security_log.LOCKED_OUT, staff=member, subject=member.username
        )
        return Attempt(DELAYED, member, wait=claim.wait_seconds(now), wrong=CODE)
    if not second_factor.use_code(member, code):
        _log_failure(member, member.username, CODE)
        return Attempt(WRONG, member, wait=claim.wait_seconds(now), wrong=CODE)
    return _signed_in(member)


def confirm_identity(member, password, code=None):
    """A signed-in member's password (and code, when `code` is not None)
    asked again before a change to their account; failures count as failed
    sign-ins, so a session left open is no way to guess the password."""
    now = utcnow()
    claim = delays.claim_for_member(member.id, now)
    if not claim.granted:
        security_events.log(
            security_log.LOCKED_OUT, staff=member, subject=member.username
        )
        return Attempt(DELAYED, member, wait=claim.wait_seconds(now))
    wrong = ""
    if not accounts.password_matches(member, password):
        wrong = PASSWORD
    elif code is not None and not second_factor.use_code(member, code):
        wrong = CODE
    if wrong:
        _log_failure(member, member.username, wrong)
        return Attempt(WRONG, member, wait=claim.wait_seconds(now), wrong=wrong)
    delays.password_confirmed(member.id)
    return Attempt(CONFIRMED, member)


def clear_failures(member):
    """Forget every failed attempt on the account and its name (an admin's
    unlock, a new password)."""
    delays.clear(member.id, name_key(member.username))


# -- what the pages say -------------------------------------------------------

WRONG_ON_SIGN_IN = {
    PASSWORD: _l("The username or password is not right. Check them and try again."),
    CODE: _l(
        "The code is not right. Enter the 6-digit code your authenticator app "
        "shows now."
    ),
}


def wait_text(seconds):
    """ "45 seconds", "2 minutes" … in the reader's language, never shorter
    than the real wait."""
    if seconds < 60:
        wait = dt.timedelta(seconds=max(seconds, 1))
    else:
        wait = dt.timedelta(minutes=-(-seconds // 60))
    return format_timedelta(wait, threshold=1.0)


def refusal(attempt, wrong_messages=WRONG_ON_SIGN_IN):
    """What the page says about a refused attempt: what was wrong, and how
    long to wait when the next attempt has to."""
    if attempt.outcome == DELAYED:
        return gettext(
            "Too many failed attempts in a row for this account. Wait "
            "%(duration)s, then try again. An administrator can unlock the "
            "account sooner.",
            duration=wait_text(attempt.wait),
        )
    message = str(wrong_messages[attempt.wrong])
    if attempt.wait:
        message += " " + gettext(
            "Wait %(duration)s before the next attempt: each failure in a row "
            "makes the wait longer.",
            duration=wait_text(attempt.wait),
        )
    return message


def refused(page, attempt):
    """The form shown again with what was wrong: 422, or 429 with Retry-After
    while attempts have to wait."""
    if attempt.outcome == DELAYED:
        return page, 429, {"Retry-After": str(max(attempt.wait, 1))}
    return page, INVALID_FORM
