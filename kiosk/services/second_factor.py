"""The second sign-in step: 6-digit codes from an authenticator app (TOTP,
RFC 6238), one StaffSecondFactor row per member (no Flask request).

A code is accepted for its 30-second step and the steps either side (a phone's
clock may be a little off), and only once: the step of the last code accepted
is stored, and a code of that step or an earlier one is refused after it. The
secret is turned on only after the app has shown a code for it.
"""

import hmac
import re
import time

import pyotp

from kiosk.data.db import db, write_transaction
from kiosk.data.models import StaffSecondFactor, utcnow
from kiosk.services import audit

DIGITS = 6
INTERVAL = 30
DRIFT_STEPS = 1
_CODE = re.compile(rf"\d{{{DIGITS}}}")


def confirmed(member):
    """The member's second factor in use, or None."""
    return StaffSecondFactor.get_or_none(
        (StaffSecondFactor.staff == member.id)
        & StaffSecondFactor.confirmed_at.is_null(False)
    )


def is_on(member):
    return confirmed(member) is not None


def enrolment(member):
    """The secret being set up (not yet confirmed by a code), or None."""
    return StaffSecondFactor.get_or_none(
        (StaffSecondFactor.staff == member.id)
        & StaffSecondFactor.confirmed_at.is_null()
    )


def start_enrolment(member):
    """A new secret for the member to add to their app, replacing one not yet
    confirmed; None when a second factor is already on."""
    with write_transaction():
        if confirmed(member) is not None:
            return None
        StaffSecondFactor.delete().where(StaffSecondFactor.staff == member.id).execute()
        return StaffSecondFactor.create(staff=member.id, secret=pyotp.random_base32())


def provisioning_uri(factor, account, issuer):
    """The otpauth:// address an authenticator app reads from a QR code."""
    return _totp(factor.secret).provisioning_uri(name=account, issuer_name=issuer)


def code_for(secret, at=None):
    """The code an app shows for `secret` now (or at unix time `at`)."""
    return _totp(secret).at(time.time() if at is None else at)


def _totp(secret):
    return pyotp.TOTP(secret, digits=DIGITS, interval=INTERVAL)


def clean_code(text):
    """The code as typed ("123 456", "123-456") as six digits, or None."""
    code = re.sub(r"[\s-]", "", text or "")
    return code if _CODE.fullmatch(code) else None


def _matching_step(secret, code, at):
    """The time step whose code `code` is, near `at`, or None."""
    code = clean_code(code)
    if code is None:
        return None
    totp = _totp(secret)
    now_step = int(at // INTERVAL)
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * INTERVAL), code):
            return step
    return None


def confirm(member, code, at=None):
    """Turn the secret being set up on if `code` is one of its codes."""
    factor = enrolment(member)
    if factor is None:
        return False
    step = _matching_step(factor.secret, code, time.time() if at is None else at)
    if step is None:
        return False
    updated = (
        StaffSecondFactor.update(confirmed_at=utcnow(), last_used_step=step)
        .where(
            (StaffSecondFactor.id == factor.id)
            & StaffSecondFactor.confirmed_at.is_null()
        )
        .execute()
    )
    return updated == 1


def use_code(member, code, at=None):
    """True if `code` is a current code of the member's second factor and was
    not used before; it cannot be used again."""
    factor = confirmed(member)
    if factor is None:
        return False
    step = _matching_step(factor.secret, code, time.time() if at is None else at)
    if step is None:
        return False
    # Claimed in one statement: of two requests with the same code, one wins.
    unused = StaffSecondFactor.last_used_step.is_null() | (
        StaffSecondFactor.last_used_step < step
    )
    updated = (
        StaffSecondFactor.update(last_used_step=step)
        .where((StaffSecondFactor.id == factor.id) & unused)
        .execute()
    )
    return updated == 1


def remove(member):
    """Turn the member's second factor off (and drop one being set up)."""
    return bool(
        StaffSecondFactor.delete().where(StaffSecondFactor.staff == member.id).execute()
    )


def remove_by_admin(actor, member):
    """An administrator turns a member's second factor off (a lost phone);
    recorded in the audit trail. False if there was none."""
    with db.atomic():
        if not remove(member):
            return False
        audit.record_admin_change(actor, "staff.second_factor_remove", member.username)
    return True
