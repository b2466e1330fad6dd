"""Staff accounts: creation and password rules (database, no Flask request)."""

import re

import peewee as pw
from werkzeug.security import check_password_hash, generate_password_hash

from kiosk.data.db import db
from kiosk.data.models import ROLES, StaffMember
from kiosk.domain import validation

MIN_PASSWORD_LENGTH = 12
# zxcvbn's score (0-4) below which a password is refused as common or easy to
# guess: 3 means at least 10^8 guesses, even knowing the username and name.
MIN_PASSWORD_SCORE = 3
# zxcvbn's own limit: it takes the longest time on long input.
_SCORED_LENGTH = 72
# A name shorter than this inside a password is no giveaway ("al", "ed").
_NAME_MIN = 3
USERNAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
PASSWORD_METHOD = "scrypt"


class AccountError(ValueError):
    """A refused account change; `code` says why."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def hash_password(password):
    return generate_password_hash(password, method=PASSWORD_METHOD)


def password_matches(member, password):
    return check_password_hash(member.password_hash, password)


def _letters_and_digits(text):
    return "".join(c for c in (text or "").casefold() if c.isalnum())


def check_password_rules(password, names=()):
    """Refuse a password that is short, contains one of `names` (the
    account's username and name), or is common or easy to guess.

    Only new passwords are checked: an older, shorter one still signs in.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")
    plain = _letters_and_digits(password)
    names = [name for name in names if name]
    for name in names:
        name = _letters_and_digits(name)
        if len(name) >= _NAME_MIN and name in plain:
            raise AccountError("password_has_name")
    words = [word for name in names for word in re.split(r"[\W_]+", name) if word]
    # Imported here: its word lists take about 12 MB, which a server process
    # that never sets a password should not carry.
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:_SCORED_LENGTH], user_inputs=names + words)
    if result["score"] < MIN_PASSWORD_SCORE:
        raise AccountError("password_too_common")


def normalise_username(username):
    username = (username or "").strip().lower()
    if not USERNAME_PATTERN.match(username):
        raise AccountError("username_invalid")
    return username


def create_staff(username, password, *, role="staff", display_name=None):
    """Create a staff member; refuses weak passwords and taken usernames."""
    username = normalise_username(username)
    if role not in ROLES:
        raise AccountError("role_invalid")
    display_name = (validation.clean_text(display_name) or username)[:120]
    check_password_rules(password, (username, display_name))
    try:
        with db.atomic():
            return StaffMember.create(
                username=username,
                display_name=display_name,
                password_hash=hash_password(password),
                role=role,
            )
    except pw.IntegrityError:
        raise AccountError("username_taken") from None


def end_sessions(member):
    """Invalidate every session of `member` (sign-out, password reset, deactivation)."""
    StaffMember.update(session_version=StaffMember.session_version + 1).where(
        StaffMember.id == member.id
    ).execute()


def names_of(member):
    """What a password of `member` must not contain."""
    return (member.username, member.display_name)


def change_password(member, password):
    """A member's own new password: checked, stored, and every session of the
    account ended (the caller keeps its own with the returned version)."""
    check_password_rules(password, names_of(member))
    with db.atomic():
        StaffMember.update(
            password_hash=hash_password(password),
            session_version=StaffMember.session_version + 1,
            failed_logins=0,
            locked_until=None,
        ).where(StaffMember.id == member.id).execute()
        return StaffMember.get_by_id(member.id)
