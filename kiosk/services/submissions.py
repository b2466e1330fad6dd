"""Creating requests and moving them through the workflow, one or many at once."""

import base64
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import peewee as pw

from kiosk.data import compiled
from kiosk.data.db import write_transaction
from kiosk.data.models import NameWord, StatusEvent, Submission, utcnow
from kiosk.domain import questions, search, tracking, validation, workflow
from kiosk.services import audit, request_details, signals
from kiosk.services.calendar import office_calendar

MAX_NUMBER_ATTEMPTS = 8

# What a resident answers to apply, in the order every form asks it: the web
# and kiosk forms, staff intake and "check your answers" all follow it.
ANSWERS = (
    "document_type",
    "applicant_name",
    "nik",
    "phone",
    "notify",
    "kecamatan",
    "nagari",
    "note",
    "language",
)

# Outcomes of one request in a bulk change, besides a workflow refusal code.
MOVED = "moved"
NOT_FOUND = "not_found"


class NumberSpaceExhausted(RuntimeError):
    """Several random numbers in a row collided: something is badly wrong."""


def sent_form_key(form_token, fields):
    """What makes a request "the same form sent again": its form and its answers.

    A form shown again from the browser's history keeps its one-time token; a
    resident who went back after the receipt and changed the answers is making
    a new request, which the token alone would answer with the first receipt.
    The fixed-length digest also fits the column whatever token was posted.
    """
    answers = [
        form_token,
        fields["document_type"].code,
        *(fields.get(name) or "" for name in ANSWERS[1:]),
        sorted(questions.to_form(fields.get("details") or {}).items()),
    ]
    digest = hashlib.sha256(json.dumps(answers).encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


# Every request stored builds the same two INSERTs (this and the status
# event's, services/audit.py): built once per SQL dialect (data/compiled.py).
_INSERT_SUBMISSION = compiled.Insert(Submission)
_INSERT_NAME_WORDS = compiled.InsertRows(NameWord, [NameWord.submission, NameWord.word])


def create(
    fields, *, channel, today, staff=None, kiosk=None, form_token=None, calendar=None
):
    """Store a request and its first status event in one transaction.

    `fields` holds the validated form values (document_type is a DocumentType,
    details the answers to its own questions, as questions.clean gives them).
    It is due `service_days` working days after `today` in the office's
    `calendar` (read afresh when none is given).
    A clash of tracking numbers is retried with a new number. When the same
    form (`form_token`) arrives again with the same answers, the request stored
    the first time is returned instead.
    """
    # A form sent twice is caught by the unique key when it is inserted, not by
    # reading first: every request would pay for that read.
    document_type = fields["document_type"]
    calendar = calendar or office_calendar(today)
    due_date = calendar.add(today, document_type.service_days)
    sent_key = sent_form_key(form_token, fields) if form_token else None
    for _ in range(MAX_NUMBER_ATTEMPTS):
        number = tracking.generate()
        try:
            with write_transaction():
                submission = _INSERT_SUBMISSION.create(
                    number=number,
                    document_type=document_type,
                    applicant_name=fields["applicant_name"],
                    name_key=validation.name_key(fields["applicant_name"]),
                    nik=fields["nik"],
                    phone=fields.get("phone") or None,
                    kecamatan=fields["kecamatan"],
                    nagari=fields["nagari"],
                    channel=channel,
                    language=fields.get("language") or "id",
                    note=fields.get("note") or "",
                    due_date=due_date,
                    recorded_by=staff,
                    kiosk=kiosk,
                    form_token=sent_key,
                )
                store_name_words(submission.id, submission.applicant_name)
                request_details.store(submission.id, fields.get("details") or {})
                signals.request_stored.send(submission, answers=fields)
                audit.record_status_change(
                    submission,
                    None,
                    workflow.SUBMITTED,
                    staff=staff,
                    at=submission.created_at,
                )
            signals.requests_changed.send()
            return submission
        except pw.IntegrityError:
            if sent_key:
                existing = Submission.get_or_none(Submission.form_token == sent_key)
                if existing:  # the same form arrived twice
                    return existing
            if not Submission.select().where(Submission.number == number).exists():
                raise
    raise NumberSpaceExhausted()


def store_name_words(submission_id, name):
    """The words staff can find the request by (inside the caller's transaction)."""
    _INSERT_NAME_WORDS.insert([(submission_id, w) for w in search.name_words(name)])


def open_requests_like(fields, form_token=None, limit=5):
    """Requests still open for the same NIK and document: a clerk recording one
    more is probably recording the same request twice. (The request this very
    form stored, if it was sent before, is not one: sending it again is safe.)"""
    query = _open_for(fields["nik"], fields["document_type"])
    if form_token:
        sent_key = sent_form_key(form_token, fields)
        query = query.where(
            Submission.form_token.is_null() | (Submission.form_token != sent_key)
        )
    return list(query.order_by(Submission.created_at.desc()).limit(limit))


def other_open_requests(submission, limit=10):
    """The other requests still open for the same NIK and document as an
    open `submission`, newest first: most likely the same request made twice.
    None for a finished request, nor a purged one (its NIK is erased)."""
    if not submission.nik or submission.status not in workflow.OPEN:
        return []
    return list(
        _open_for(submission.nik, submission.document_type_id)
        .where(Submission.id != submission.id)
        .order_by(Submission.created_at.desc(), Submission.id.desc())
        .limit(limit)
    )


def _open_for(nik, document_type):
    """Requests still open for this NIK and document (the nik index serves it)."""
    return Submission.select().where(
        (Submission.nik == nik)
        & (Submission.document_type == document_type)
        & Submission.status.in_(workflow.OPEN)
    )


def move(
    submission,
    target,
    *,
    version,
    staff,
    public_note="",
    internal_note="",
    clock=None,
):
    """Move a request to `target`, refusing disallowed moves and stale versions.

    `version` is the version the clerk's page showed. The update only applies
    when the row still has that version, so a change made meanwhile by someone
    else is reported as a conflict instead of being overwritten. A request
    coming back from waiting for the resident is due later by the working days
    it waited (`clock`: the office's date, zone and calendar; UTC by default).
    """
    public_note = (public_note or "").strip()
    internal_note = (internal_note or "").strip()
    with write_transaction():
        current = Submission.get_by_id(submission.id)
        if current.version != version:
            raise workflow.MoveRefused(workflow.CONFLICT, current.status, target)
        workflow.check_move(current.status, target, public_note)
        now = utcnow()
        changes = {"status": target, "updated_at": now}
        if current.status == workflow.NEEDS_INFO and target in workflow.AWAITED:
            changes["due_date"] = _due_after_waiting(current, clock or Clock.utc())
        updated = (
            Submission.update(version=Submission.version + 1, **changes)
            .where((Submission.id == current.id) & (Submission.version == version))
            .execute()
        )
        if updated != 1:
            raise workflow.MoveRefused(workflow.CONFLICT, current.status, target)
        signals.status_moving.send(current, target=target, public_note=public_note)
        audit.record_status_change(
            current,
            current.status,
            target,
            staff=staff,
            at=now,
            public_note=public_note,
            internal_note=internal_note,
        )
    signals.requests_changed.send()  # after the commit: new counts are read
    return Submission.by_number(current.number)


@dataclass(frozen=True)
class Clock:
    """The office's date, time zone and working days, for due dates."""

    today: dt.date
    zone: dt.tzinfo
    calendar: object

    @classmethod
    def utc(cls):
        today = utcnow().date()
        return cls(today, dt.UTC, office_calendar(today))

    def date_of(self, stored):
        """The office's date of a stored (naive UTC) time."""
        return stored.replace(tzinfo=dt.UTC).astimezone(self.zone).date()


def _due_after_waiting(current, clock):
    """The due date pushed on by the working days spent waiting for the resident."""
    asked = (
        StatusEvent.select(pw.fn.MAX(StatusEvent.created_at))
        .where(
            (StatusEvent.submission == current.id)
            & (StatusEvent.to_status == workflow.NEEDS_INFO)
        )
        .scalar()
    )
    if asked is None:
        return current.due_date
    waited = clock.calendar.working_days_between(clock.date_of(asked), clock.today)
    return clock.calendar.add(current.due_date, waited)


@dataclass(frozen=True)
class Outcome:
    number: str
    code: str  # MOVED, NOT_FOUND or a workflow refusal code
    target: str
    current: str | None = None  # the status the request has afterwards

    @property
    def moved(self):
        return self.code == MOVED


def move_many(picked, target, *, staff, public_note="", internal_note="", clock=None):
    """Move each (number, version) in `picked`; one transaction per request.

    A request someone changed after the clerk's list was loaded is refused as
    a conflict, exactly as on its own page.
    """
    outcomes = []
    for number, version in picked:
        submission = Submission.get_or_none(Submission.number == number)
        if submission is None:
            outcomes.append(Outcome(number, NOT_FOUND, target))
            continue
        try:
            moved = move(
                submission,
                target,
                version=version,
                staff=staff,
                public_note=public_note,
                internal_note=internal_note,
                clock=clock,
            )
        except workflow.MoveRefused as refused:
            outcomes.append(Outcome(number, refused.code, target, refused.current))
        else:
            outcomes.append(Outcome(number, MOVED, target, moved.status))
    return outcomes
