"""Growing delays after failed sign-ins with one username (no Flask request).

The first FREE_ATTEMPTS failures in a row cost nothing; after that each attempt
must wait longer than the one before (30 s, 1, 2, 4, 8 minutes, then 15 minutes
each), so guessing stays hopeless while the account's holder is never kept out
for long. A failure is forgotten a day after its wait ended, and a sign-in
clears the count.

An attempt is claimed before its password (or code) is checked, in one UPDATE
that counts it and sets the next allowed time, only where the wait is over: of
attempts sent at the same moment, exactly as many get through as the schedule
allows, on SQLite and PostgreSQL alike. The count is kept on the account
(StaffMember.failed_logins, locked_until) or, for a name with no active
account, in a SignInDelay row under a keyed digest of the name: the same
statements, the same answers.
"""

import datetime as dt
import math
from dataclasses import dataclass

from peewee import Case

from kiosk.data.db import write_transaction
from kiosk.data.models import SignInDelay, StaffMember, utcnow

FREE_ATTEMPTS = 5
FIRST_DELAY = 30  # seconds, after the first failure past the free ones
LONGEST_DELAY = 15 * 60
FORGET_AFTER = dt.timedelta(days=1)
# A failure with no wait is stored as this much before its time, so attempts
# sent together are not refused for reaching the database in another order.
_NO_WAIT = dt.timedelta(seconds=5)


def delay_after(failures):
    """Seconds to wait after `failures` failures in a row."""
    if failures < FREE_ATTEMPTS:
        return 0
    return min(FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS), LONGEST_DELAY)


# From this many failures on, every wait is the longest.
_LONGEST_FROM = next(
    n for n in range(FREE_ATTEMPTS, 64) if delay_after(n) >= LONGEST_DELAY
)


@dataclass(frozen=True)
class Claim:
    """An attempt claimed (`granted`: check the password now) or refused;
    `not_before`: when the next attempt may come (None: at once)."""

    granted: bool
    not_before: dt.datetime | None

    def wait_seconds(self, now=None):
        """Whole seconds until the next attempt may come (0: at once)."""
        if self.not_before is None:
            return 0
        left = (self.not_before - (now or utcnow())).total_seconds()
        return max(0, math.ceil(left))


def _claim(model, where, now):
    forgotten = model.locked_until.is_null(False) & (
        model.locked_until <= now - FORGET_AFTER
    )
    count = Case(None, [(forgotten, 1)], model.failed_logins + 1)
    waits = [
        (count >= n, now + dt.timedelta(seconds=delay_after(n)))
        for n in range(_LONGEST_FROM, FREE_ATTEMPTS - 1, -1)
    ]
    not_before = Case(None, waits, now - _NO_WAIT)
    open_now = model.locked_until.is_null() | (model.locked_until <= now)
    granted = (
        model.update(failed_logins=count, locked_until=not_before)
        .where(where & open_now)
        .execute()
    )
    row = model.select(model.locked_until).where(where).get_or_none()
    until = row.locked_until if row is not None else None
    return Claim(bool(granted), until if until is not None and until > now else None)


def claim_for_member(member_id, now=None):
    """Claim one attempt for an active account."""
    now = now or utcnow()
    with write_transaction():
        claim = _claim(StaffMember, StaffMember.id == member_id, now)
        _forget_old_names(now)
    return claim


def claim_for_name(key, now=None):
    """Claim one attempt for a username with no active account (`key`: its
    keyed digest)."""
    now = now or utcnow()
    with write_transaction():
        SignInDelay.insert(key=key).on_conflict_ignore().execute()
        claim = _claim(SignInDelay, SignInDelay.key == key, now)
        _forget_old_names(now)
    return claim


def _forget_old_names(now):
    """Rows whose count would start again at 1 hold nothing worth keeping."""
    SignInDelay.delete().where(SignInDelay.locked_until <= now - FORGET_AFTER).execute()


def undo_claim(member_id, claim, now=None):
    """The password was right and a code follows: that attempt was no failure.
    The count goes back, and the wait the claim set (unless another attempt
    has set one since) is lifted, so it does not hold up the code."""
    now = now or utcnow()
    values = {StaffMember.failed_logins: StaffMember.failed_logins - 1}
    if claim.not_before is not None:
        values[StaffMember.locked_until] = Case(
            None,
            [(StaffMember.locked_until == claim.not_before, now - _NO_WAIT)],
            StaffMember.locked_until,
        )
    StaffMember.update(values).where(
        (StaffMember.id == member_id) & (StaffMember.failed_logins > 0)
    ).execute()


def signed_in(member_id):
    """A full sign-in: the count starts again."""
    StaffMember.update(
        failed_logins=0, locked_until=None, last_login_at=utcnow()
    ).where(StaffMember.id == member_id).execute()


def password_confirmed(member_id):
    """A signed-in member gave their password again: the count starts again."""
    StaffMember.update(failed_logins=0, locked_until=None).where(
        StaffMember.id == member_id
    ).execute()


def clear(member_id=None, key=None):
    """Forget every failure of an account and of its name (admin's unlock,
    a new password)."""
    with write_transaction():
        if member_id is not None:
            password_confirmed(member_id)
        if key is not None:
            SignInDelay.delete().where(SignInDelay.key == key).execute()
