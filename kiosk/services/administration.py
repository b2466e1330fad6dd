"""Admin changes: staff accounts, document types, office settings and kiosks.

Every change is written together with its audit row in one transaction, so the
trail never misses a change that happened nor records one that did not.
"""

import secrets

import peewee as pw

from kiosk.data.db import db
from kiosk.data.models import (
    DocumentType,
    KioskDevice,
    OfficeSettings,
    StaffMember,
    Submission,
)
from kiosk.domain import validation
from kiosk.services import accounts, audit, edit_guard, signals
from kiosk.services.accounts import AccountError


def _active_admins_other_than(member):
    query = StaffMember.select(StaffMember.id).where(
        (StaffMember.role == "admin") & StaffMember.active
    )
    if db.for_update:
        # PostgreSQL: lock the admin rows, so two admins demoting each other at
        # the same moment cannot both succeed. SQLite's write lock already does.
        query = query.for_update()
    return sum(1 for row in query if row.id != member.id)


def _guard_last_admin(member, *, role, active):
    """Refuse a change that would leave no active admin."""
    removes_admin = member.role == "admin" and member.active
    stays_admin = role == "admin" and active
    if removes_admin and not stays_admin and _active_admins_other_than(member) == 0:
        raise AccountError("last_admin")


def create_member(actor, username, password, *, role, display_name):
    """Create a staff account and note who created it."""
    with db.atomic():
        member = accounts.create_staff(
            username, password, role=role, display_name=display_name
        )
        audit.record_admin_change(
            actor,
            "staff.create",
            member.username,
            {"role": role, "display_name": member.display_name},
        )
    return member


def member_values(member):
    """What the account form edits, as saved."""
    return {
        "role": member.role,
        "active": member.active,
        "display_name": member.display_name,
    }


def update_member(actor, member, *, role, active, display_name, loaded=None):
    """Change an account's role, active flag or name (never the last admin away).

    `loaded`: the fingerprint of the values the form was filled from
    (edit_guard.EditConflict when someone saved others since)."""
    if role not in ("staff", "admin"):
        raise AccountError("role_invalid")
    display_name = (validation.clean_text(display_name) or member.username)[:120]
    with db.atomic():
        member = StaffMember.get_by_id(member.id)
        before = member_values(member)
        after = {"role": role, "active": active, "display_name": display_name}
        edit_guard.check(loaded, before, after)
        _guard_last_admin(member, role=role, active=active)
        changed = audit.changes(before, after)
        if not changed:
            return member
        StaffMember.update(**after).where(StaffMember.id == member.id).execute()
        if not active and member.active:
            accounts.end_sessions(member)
        audit.record_admin_change(actor, "staff.update", member.username, changed)
    return StaffMember.get_by_id(member.id)


def reset_password(actor, member, password):
    """Set a new password, unlock the account and end its sessions."""
    accounts.check_password_rules(password)
    with db.atomic():
        StaffMember.update(
            password_hash=accounts.hash_password(password),
            failed_logins=0,
            locked_until=None,
        ).where(StaffMember.id == member.id).execute()
        accounts.end_sessions(member)
        audit.record_admin_change(actor, "staff.password_reset", member.username)


def unlock(actor, member):
    """Lift a lock-out before its 15 minutes are over (nothing to record if
    it has already ended, say from a page loaded earlier)."""
    with db.atomic():
        if not StaffMember.get_by_id(member.id).is_locked:
            return
        StaffMember.update(failed_logins=0, locked_until=None).where(
            StaffMember.id == member.id
        ).execute()
        audit.record_admin_change(actor, "staff.unlock", member.username)


DOCUMENT_TYPE_FIELDS = (
    "name_id",
    "name_en",
    "requirements_id",
    "requirements_en",
    "service_days",
    "active",
    "position",
)


class DuplicateCode(ValueError):
    """A new document type's code is already used."""


def document_type_values(document_type):
    """What the document type form edits, as saved."""
    return {name: getattr(document_type, name) for name in DOCUMENT_TYPE_FIELDS}


def save_document_type(actor, document_type, values, loaded=None):
    """Create (document_type None) or update a document type from cleaned values
    (`loaded` as for update_member)."""
    try:
        return _save_document_type(actor, document_type, values, loaded)
    finally:
        # After the commit: a thread reloading in between would keep the old list.
        signals.document_types_changed.send()


def _save_document_type(actor, document_type, values, loaded):
    with db.atomic():
        if document_type is None:
            try:
                with db.atomic():
                    created = DocumentType.create(**values)
            except pw.IntegrityError:
                raise DuplicateCode(values["code"]) from None
            audit.record_admin_change(
                actor, "document_type.create", created.code, values
            )
            return created
        current = DocumentType.get_by_id(document_type.id)
        before = document_type_values(current)
        after = {name: values[name] for name in DOCUMENT_TYPE_FIELDS}
        edit_guard.check(loaded, before, after)
        changed = audit.changes(before, after)
        if changed:
            DocumentType.update(**after).where(DocumentType.id == current.id).execute()
            audit.record_admin_change(
                actor, "document_type.update", current.code, changed
            )
    return DocumentType.get_by_id(document_type.id)


OFFICE_FIELDS = (
    "office_name",
    "office_name_en",
    "address",
    "opening_hours_id",
    "opening_hours_en",
    "phone",
    "whatsapp",
    "public_base_url",
    "timezone",
    "retention_days",
    "areas",
    "distancing_notice_id",
    "distancing_notice_en",
    "kiosk_idle_warning_seconds",
    "kiosk_idle_reset_seconds",
)


def office_values(office):
    """What the office settings form edits, as saved."""
    return {name: getattr(office, name) for name in OFFICE_FIELDS}


def save_office(actor, values, loaded=None):
    """Update the office's details from cleaned values; returns what changed
    (`loaded` as for update_member)."""
    with db.atomic():
        # A fresh row, not the per-process cached one other threads are reading.
        office = OfficeSettings.saved()
        before = office_values(office)
        after = {name: values[name] for name in OFFICE_FIELDS}
        edit_guard.check(loaded, before, after)
        changed = audit.changes(before, after)
        if changed:
            for name, value in after.items():
                setattr(office, name, value)
            office.save()
            audit.record_admin_change(actor, "office.update", "", changed)
    signals.office_changed.send()  # after the commit, as for document types
    return changed


def register_kiosk(actor, name, paper_width):
    """Register a kiosk with a fresh random token for its start URL."""
    if paper_width not in KioskDevice.PAPER_WIDTHS:
        raise ValueError("paper width")
    with db.atomic():
        kiosk = KioskDevice.create(
            name=name.strip()[:80],
            token=secrets.token_urlsafe(24),
            paper_width=paper_width,
        )
        audit.record_admin_change(
            actor,
            "kiosk.create",
            kiosk.name,
            {"id": kiosk.id, "paper_width": paper_width},
        )
    return kiosk


def set_kiosk_active(actor, kiosk, active):
    """Switch a kiosk off (its start URL stops working) or back on with a new
    token: a start address, cookie or phone QR code from before stays dead."""
    values = {"active": active}
    if active:
        values["token"] = secrets.token_urlsafe(24)
    with db.atomic():
        updated = (
            KioskDevice.update(**values)
            .where((KioskDevice.id == kiosk.id) & (KioskDevice.active != active))
            .execute()
        )
        if updated:
            action = "kiosk.activate" if active else "kiosk.deactivate"
            audit.record_admin_change(actor, action, kiosk.name, {"id": kiosk.id})
    return KioskDevice.get_by_id(kiosk.id)


def kiosks_with_counts():
    """Every kiosk, with how many requests came through it."""
    counts = dict(
        Submission.select(Submission.kiosk, pw.fn.COUNT(Submission.id))
        .where(Submission.kiosk.is_null(False))
        .group_by(Submission.kiosk)
        .tuples()
    )
    kiosks = list(
        KioskDevice.select().order_by(KioskDevice.active.desc(), KioskDevice.name)
    )
    return [(kiosk, counts.get(kiosk.id, 0)) for kiosk in kiosks]
