"""Staff accounts: creation and password rules (database, no Flask request)."""

import re

import peewee as pw
from werkzeug.security import check_password_hash, generate_password_hash

from kiosk.data.db import db
from kiosk.data.models import ROLES, StaffMember
from kiosk.domain import validation

MIN_PASSWORD_LENGTH = 10
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


def check_password_rules(password):
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password_too_short")


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
    check_password_rules(password)
    try:
        with db.atomic():
            return StaffMember.create(
                username=username,
                display_name=(validation.clean_text(display_name) or username)[:120],
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
