"""Models and their queries."""

import datetime as dt

import peewee as pw

from kiosk.data.db import db
from kiosk.domain import tracking, validation, workflow

CHANNELS = ("kiosk", "web", "counter", "whatsapp", "sms", "nagari", "app")
STAFF_CHANNELS = ("counter", "whatsapp", "sms", "nagari")
LANGUAGES = ("id", "en")
ROLES = ("staff", "admin")


def utcnow():
    """Naive UTC time; everything is stored in UTC and shown in the office zone."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


class DocumentType(BaseModel):
    code = pw.CharField(max_length=16, unique=True)
    name_id = pw.CharField(max_length=120)
    name_en = pw.CharField(max_length=120)
    requirements_id = pw.TextField(default="")  # one requirement per line
    requirements_en = pw.TextField(default="")
    service_days = pw.IntegerField(default=3)
    active = pw.BooleanField(default=True)
    position = pw.IntegerField(default=0)

    @classmethod
    def listed(cls):
        """Active types in display order."""
        return list(cls.select().where(cls.active).order_by(cls.position, cls.code))

    def name(self, locale):
        return self.name_en if locale == "en" else self.name_id

    def requirements(self, locale):
        text = self.requirements_en if locale == "en" else self.requirements_id
        return [line.strip() for line in text.splitlines() if line.strip()]


class StaffMember(BaseModel):
    username = pw.CharField(max_length=64, unique=True)
    display_name = pw.CharField(max_length=120)
    password_hash = pw.CharField(max_length=255)
    role = pw.CharField(max_length=16, default="staff")
    active = pw.BooleanField(default=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    last_login_at = pw.DateTimeField(null=True)
    # Bumped on sign-out and password change so older session cookies stop working.
    session_version = pw.IntegerField(default=0)
    created_at = pw.DateTimeField(default=utcnow)

    @property
    def is_admin(self):
        return self.role == "admin"

    @property
    def is_locked(self):
        """Locked out after too many wrong passwords, until locked_until."""
        return self.locked_until is not None and self.locked_until > utcnow()


class KioskDevice(BaseModel):
    """A registered touchscreen kiosk, identified by the token in its start URL."""

    PAPER_WIDTHS = (58, 80)  # thermal receipt paper, mm
    DEFAULT_PAPER_WIDTH = 80

    name = pw.CharField(max_length=80)
    token = pw.CharField(max_length=64, unique=True)
    paper_width = pw.IntegerField(default=DEFAULT_PAPER_WIDTH)
    active = pw.BooleanField(default=True)
    created_at = pw.DateTimeField(default=utcnow)

    @classmethod
    def by_token(cls, token):
        if not token or len(token) > 64:
            return None
        return cls.get_or_none((cls.token == token) & cls.active)


class Submission(BaseModel):
    number = pw.CharField(max_length=tracking.LENGTH, unique=True)
    document_type = pw.ForeignKeyField(DocumentType, backref="submissions")
    applicant_name = pw.CharField(max_length=100)
    nik = pw.CharField(max_length=16, index=True)
    phone = pw.CharField(max_length=20, null=True, index=True)
    kecamatan = pw.CharField(max_length=60)
    nagari = pw.CharField(max_length=60)
    channel = pw.CharField(max_length=16)
    language = pw.CharField(max_length=2, default="id")
    note = pw.TextField(default="")
    status = pw.CharField(max_length=16, default=workflow.SUBMITTED)
    created_at = pw.DateTimeField(default=utcnow)
    updated_at = pw.DateTimeField(default=utcnow)
    due_date = pw.DateField()
    recorded_by = pw.ForeignKeyField(StaffMember, null=True, backref="recorded")
    kiosk = pw.ForeignKeyField(KioskDevice, null=True, backref="submissions")
    # Lower-cased name (validation.name_key). Staff search by the name's
    # words, kept in NameWord.
    name_key = pw.CharField(max_length=100, default="")
    # Counts status changes; a change posted from an older version is a conflict.
    version = pw.IntegerField(default=0)
    # Digest of the creating form's one-time token and its answers
    # (submissions.sent_form_key), so a form sent twice stores one request.
    form_token = pw.CharField(max_length=64, null=True, unique=True)
    # Set when the personal data was erased after the retention period.
    purged_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("created_at", "id"), False),
            (("status", "created_at", "id"), False),
            (("document_type", "created_at", "id"), False),
            (("channel", "created_at", "id"), False),
            (("status", "due_date"), False),
            # Staff queue: finished requests counted over a recent window, and
            # the day's "ready for collection" list in the order they became ready.
            (("status", "updated_at"), False),
        )

    @classmethod
    def by_number(cls, number):
        return (
            cls.select(cls, DocumentType)
            .join(DocumentType)
            .where(cls.number == number)
            .get_or_none()
        )

    @property
    def display_number(self):
        return tracking.display(self.number)

    def is_overdue(self, today):
        """Late: past its due date while the office's clock runs (not while
        waiting for the resident, never once ready); `today`: the office's date."""
        return workflow.is_late(self.status, self.due_date, today)

    def timeline(self):
        """Status events oldest first, with the staff member who made each."""
        return (
            StatusEvent.select(StatusEvent, StaffMember)
            .join(StaffMember, pw.JOIN.LEFT_OUTER)
            .where(StatusEvent.submission == self)
            .order_by(StatusEvent.created_at, StatusEvent.id)
        )


class WordField(pw.CharField):
    """Text compared character code by character code on both databases.

    SQLite always does; on PostgreSQL the column gets COLLATE "C", so that a
    range from "ami" up to "amj" holds exactly the words starting with "ami"
    under any database locale, and its index serves the range.
    """

    def ddl(self, ctx):
        node = super().ddl(ctx)
        if isinstance(db.obj, pw.PostgresqlDatabase):
            node.nodes.append(pw.SQL('COLLATE "C"'))
        return node


class NameWord(BaseModel):
    """One word of a request's applicant name (search.name_words), so staff
    find a request by any word of the name.

    Written in the same transaction as the request (submissions.create),
    erased with the name (retention), and filled on start for requests stored
    before the table existed (migrations).
    """

    submission = pw.ForeignKeyField(
        Submission, backref="name_words", on_delete="CASCADE", index=False
    )
    word = WordField(max_length=validation.NAME_MAX)

    class Meta:
        # (submission, word): the words of one request, to test or erase them;
        # (word, submission): the requests with words in a range, for a search.
        primary_key = pw.CompositeKey("submission", "word")
        indexes = ((("word", "submission"), False),)


class MigrationMark(BaseModel):
    """How far a migration that fills a table in batches has come."""

    name = pw.CharField(max_length=40, primary_key=True)
    value = pw.BigIntegerField(default=0)


class StatusEvent(BaseModel):
    """One status change; append-only, so the timeline is also the audit trail."""

    submission = pw.ForeignKeyField(Submission, backref="events", on_delete="CASCADE")
    from_status = pw.CharField(max_length=16, null=True)
    to_status = pw.CharField(max_length=16)
    public_note = pw.TextField(default="")
    internal_note = pw.TextField(default="")
    staff = pw.ForeignKeyField(StaffMember, null=True, backref="events")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("submission", "created_at"), False),
            (("to_status", "created_at"), False),
        )


class RequirementMark(BaseModel):
    """A clerk ticked (received) or unticked one requirement of a request's
    checklist (services/requirements.py). Append-only: the newest row per
    requirement is its state, and all rows are its history.

    The requirement's texts and line are kept as they were, because the admin
    may edit the document type's list later: a tick stays with the words it
    was given for. No personal data (the purge keeps these rows).
    """

    kind = "requirement"  # told apart from status events in the history

    submission = pw.ForeignKeyField(
        Submission, backref="requirement_marks", on_delete="CASCADE", index=False
    )
    position = pw.SmallIntegerField()  # the line in the list, from 0
    text_id = pw.TextField()
    text_en = pw.TextField(default="")
    received = pw.BooleanField()
    staff = pw.ForeignKeyField(StaffMember, null=True, backref="requirement_marks")
    created_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("submission", "id"), False),)


class OfficeSettings(BaseModel):
    """The office's details: one row, edited by the admin."""

    office_name = pw.CharField(max_length=160)
    office_name_en = pw.CharField(max_length=160, default="")
    address = pw.TextField(default="")
    opening_hours_id = pw.TextField(default="")
    opening_hours_en = pw.TextField(default="")
    phone = pw.CharField(max_length=32, default="")
    whatsapp = pw.CharField(max_length=32, default="")
    public_base_url = pw.CharField(max_length=200, default="")
    timezone = pw.CharField(max_length=64, default="Asia/Jakarta")
    retention_days = pw.IntegerField(default=90)
    areas = pw.TextField(default="")  # kecamatan, one per line
    distancing_notice_id = pw.TextField(default="")
    distancing_notice_en = pw.TextField(default="")
    kiosk_idle_warning_seconds = pw.IntegerField(default=60)
    kiosk_idle_reset_seconds = pw.IntegerField(default=90)

    @classmethod
    def saved(cls):
        """The settings row as stored now (web/caches.py keeps a copy)."""
        return cls.select().order_by(cls.id).get()

    def area_list(self):
        return [line.strip() for line in self.areas.splitlines() if line.strip()]

    def localized(self, field, locale):
        """The English variant of a field when there is one, else the Indonesian."""
        if locale == "en":
            value = getattr(self, f"{field}_en", "")
            if value:
                return value
        return getattr(self, f"{field}_id", None) or getattr(self, field, "")


class AdminEvent(BaseModel):
    """One change made by an admin (or the command line); append-only audit trail."""

    staff = pw.ForeignKeyField(StaffMember, null=True, backref="admin_events")
    action = pw.CharField(max_length=40)
    target = pw.CharField(max_length=120, default="")
    details = pw.TextField(default="")  # JSON: what changed, never secrets
    created_at = pw.DateTimeField(default=utcnow)

    def save(self, *args, **kwargs):
        # Rows are only ever added: an existing row is never written again.
        if self.id is not None and not kwargs.get("force_insert"):
            raise TypeError("admin events are append-only")
        return super().save(*args, **kwargs)

    def delete_instance(self, *args, **kwargs):
        raise TypeError("admin events are append-only")

    @classmethod
    def update(cls, *args, **kwargs):
        raise TypeError("admin events are append-only")

    @classmethod
    def delete(cls):
        raise TypeError("admin events are append-only")


class StaffSecondFactor(BaseModel):
    """A staff member's authenticator app (TOTP, services/second_factor.py).

    Asked for at sign-in only once `confirmed_at` is set: a code from the app
    proved it was set up. `last_used_step` is the time step of the last code
    accepted, so a code cannot be used twice.
    """

    staff = pw.ForeignKeyField(
        StaffMember, unique=True, backref="second_factors", on_delete="CASCADE"
    )
    secret = pw.CharField(max_length=64)
    created_at = pw.DateTimeField(default=utcnow)
    confirmed_at = pw.DateTimeField(null=True)
    last_used_step = pw.BigIntegerField(null=True)


class SignInDelay(BaseModel):
    """Failed sign-ins in a row with a username that names no active account,
    counted like StaffMember.failed_logins/locked_until (services/sign_in_delays.py)
    so that such a name is delayed exactly like a real one.

    `key` is a keyed digest of the name: what was typed (perhaps a password in
    the wrong box) is never stored. A row is deleted once its count would be
    forgotten anyway.
    """

    key = pw.CharField(max_length=64, unique=True)
    failed_logins = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True, index=True)


class SecurityEvent(BaseModel):
    """One security-relevant event (services/security_log.py): a sign-in, a
    refusal, a search by NIK or name, an opening of a resident's details.

    Holds who, when, from where and what, never a NIK, phone or password:
    `subject` is a tracking number or an account name, `details` a small JSON
    object of labels. Append-only; rows older than the retention setting are
    deleted by the purge.
    """

    kind = pw.CharField(max_length=32)
    staff = pw.ForeignKeyField(
        StaffMember,
        null=True,
        backref="security_events",
        on_delete="SET NULL",
        index=False,  # (staff, created_at) below serves it
    )
    address = pw.CharField(max_length=64, default="")
    path = pw.CharField(max_length=200, default="")
    subject = pw.CharField(max_length=120, default="")
    details = pw.TextField(default="")
    created_at = pw.DateTimeField(default=utcnow, index=True)

    class Meta:
        indexes = (
            (("kind", "created_at"), False),
            (("staff", "created_at"), False),
        )


class CollectionHours(BaseModel):
    """One weekday's collection hours, set by the admin (services/collection.py);
    a weekday without a row has domain/collection_hours.DEFAULT_HOURS.

    `opens` and `closes` are minutes after midnight on the office's clock
    (office-local time of day, not UTC).
    """

    weekday = pw.SmallIntegerField(unique=True)  # 0 Monday ... 6 Sunday
    is_open = pw.BooleanField(default=True)
    opens = pw.SmallIntegerField()
    closes = pw.SmallIntegerField()
    slot_minutes = pw.SmallIntegerField(default=30)
    capacity = pw.SmallIntegerField(default=6)


class CollectionSlot(BaseModel):
    """How many people booked one collection slot. The row is inserted with
    the first booking; `booked` only moves by conditional UPDATEs, so two
    residents racing for the last place never both get it.

    `start` is office-local: the office's date and time of day, naive, unlike
    the UTC timestamps elsewhere (a slot at 08:30 is 08:30 at the counter).
    """

    start = pw.DateTimeField(unique=True)
    booked = pw.IntegerField(default=0)


class CollectionBooking(BaseModel):
    """A request's collection appointment (one per request) and, once handed
    over, who collected it. The collector's name and the relation's text are
    personal data: erased by the purge (services/retention.py)."""

    submission = pw.ForeignKeyField(
        Submission, unique=True, backref="collection_bookings", on_delete="CASCADE"
    )
    slot = pw.ForeignKeyField(CollectionSlot, backref="bookings")
    state = pw.CharField(max_length=12, default="expected")
    booked_at = pw.DateTimeField(default=utcnow)
    collector_name = pw.CharField(max_length=100, default="")
    collector_relation = pw.CharField(max_length=12, default="")
    collector_relation_other = pw.CharField(max_length=60, default="")
    handled_by = pw.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")
    handled_at = pw.DateTimeField(null=True)


class OfficeClosure(BaseModel):
    """A day the office is closed besides weekends and national holidays (a
    local holiday, an office event): due dates skip it (services/calendar.py)."""

    day = pw.DateField(unique=True)
    reason = pw.CharField(max_length=160, default="")
    created_by = pw.ForeignKeyField(StaffMember, null=True, on_delete="SET NULL")
    created_at = pw.DateTimeField(default=utcnow)


class DailyTally(BaseModel):
    """How many things happened on one office day, kept current in the same
    transaction as the change (services/tallies.py), so that the statistics
    read a few hundred rows for a year instead of every request.

    `dimension` says what `key` is: a document type id ("type"), a kecamatan,
    a channel, a staff id ("clerk"), a status ("outcome": the current status
    of the requests received that day) or a document type id whose document
    became ready after `days` working days ("days"). `measure` is what was
    counted (received, ready, on_time, completed, rejected, or a status).
    """

    day = pw.DateField()
    dimension = pw.CharField(max_length=12)
    key = pw.CharField(max_length=60)
    measure = pw.CharField(max_length=16)
    days = pw.IntegerField(default=0)
    count = pw.IntegerField(default=0)

    class Meta:
        primary_key = pw.CompositeKey("dimension", "day", "key", "measure", "days")


# Queue tickets (services/tickets.py, services/counters.py): what a resident
# comes for, and the letter of its tickets.
TICKET_SERVICES = {"collection": "A", "counter": "B", "recording": "C"}


class QueueSettings(BaseModel):
    """The queue's one row of settings (seeded with the counters)."""

    no_show_minutes = pw.IntegerField(default=5)


class ServiceCounter(BaseModel):
    """A counter (loket) and the services its clerk calls tickets for."""

    number = pw.IntegerField(unique=True)
    name = pw.CharField(max_length=40, default="")
    services = pw.CharField(max_length=64, default=",".join(TICKET_SERVICES))
    active = pw.BooleanField(default=True)

    @property
    def service_list(self):
        return [code for code in self.services.split(",") if code in TICKET_SERVICES]


class TicketSequence(BaseModel):
    """The last ticket number given per office day and service: one row each,
    raised by one UPDATE, so that check-ins at the same moment take turns."""

    day = pw.DateField()
    service = pw.CharField(max_length=16)
    last_number = pw.IntegerField(default=0)

    class Meta:
        indexes = ((("day", "service"), True),)


class QueueTicket(BaseModel):
    """A queue ticket ("A-012"). No personal data: at most the request it is for."""

    day = pw.DateField()
    service = pw.CharField(max_length=16)
    number = pw.IntegerField()
    token = pw.CharField(max_length=32, unique=True)  # the resident's /q/ page
    status = pw.CharField(max_length=16, default="waiting")
    submission = pw.ForeignKeyField(Submission, null=True, on_delete="SET NULL")
    counter = pw.ForeignKeyField(ServiceCounter, null=True, on_delete="SET NULL")
    calls = pw.IntegerField(default=0)  # called, then recalled
    created_at = pw.DateTimeField(default=utcnow)
    called_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = (
            (("day", "service", "number"), True),
            (("day", "status", "service"), False),
        )

    @property
    def label(self):
        return f"{TICKET_SERVICES.get(self.service, '?')}-{self.number:03d}"


# Messages to residents (services/outbox.py): the channels a resident can
# choose, and the delivery providers an admin can choose from.
MESSAGE_CHANNELS = ("whatsapp", "sms")
PROVIDERS = ("none", "whatsapp_cloud", "gateway", "webhook")


class NotificationSettings(BaseModel):
    """How messages reach residents: one row, edited by the admin. The
    provider's address and secrets come from the configuration, never from here.

    Quiet hours are minutes after midnight on the office's clock; a message
    due inside them waits until they end.
    """

    provider = pw.CharField(max_length=16, default="none")
    sender_name = pw.CharField(max_length=20, default="Dukcapil")
    quiet_start = pw.SmallIntegerField(default=21 * 60)
    quiet_end = pw.SmallIntegerField(default=6 * 60)
    # Also tell residents of the steps that need nothing from them.
    other_statuses = pw.BooleanField(default=False)

    @classmethod
    def saved(cls):
        return cls.select().order_by(cls.id).get()


class MessageChoice(BaseModel):
    """How the resident asked to be told about their request (no row: not at
    all). Erased with the phone number by the purge."""

    submission = pw.ForeignKeyField(
        Submission, unique=True, backref="message_choices", on_delete="CASCADE"
    )
    channel = pw.CharField(max_length=10)


class OutboxMessage(BaseModel):
    """One message to a resident, written in the same transaction as the event
    that causes it, then delivered by the worker (services/delivery.py).

    `key` is the message's idempotency key, given to providers that accept one
    so that a message sent again after a crash reaches the resident once.
    The recipient and the text are personal data: blanked by the purge.
    """

    submission = pw.ForeignKeyField(
        Submission, null=True, backref="messages", on_delete="CASCADE", index=False
    )
    kind = pw.CharField(max_length=16)
    channel = pw.CharField(max_length=10)
    recipient = pw.CharField(max_length=20)  # E.164: +62...
    language = pw.CharField(max_length=2, default="id")
    text = pw.TextField()
    params = pw.TextField(default="[]")  # JSON: a template provider's values
    key = pw.CharField(max_length=32, unique=True)
    state = pw.CharField(max_length=10, default="queued")
    attempts = pw.IntegerField(default=0)
    last_error = pw.CharField(max_length=300, default="")
    provider = pw.CharField(max_length=16, default="")
    provider_message_id = pw.CharField(max_length=128, default="")
    created_at = pw.DateTimeField(default=utcnow)
    # Not sent before this (quiet hours, a reminder's day, a retry's backoff).
    next_attempt_at = pw.DateTimeField(default=utcnow)
    claimed_at = pw.DateTimeField(null=True)  # when a worker started sending
    sent_at = pw.DateTimeField(null=True)
    updated_at = pw.DateTimeField(default=utcnow)

    class Meta:
        indexes = (
            (("state", "next_attempt_at"), False),
            (("submission", "created_at"), False),
        )


ALL_MODELS = [
    DocumentType,
    StaffMember,
    KioskDevice,
    Submission,
    StatusEvent,
    OfficeSettings,
    AdminEvent,
]
# Tables the app fills from the others when it starts (migrations.migrate): a
# backup made before one of them existed is still whole, and a restore of it
# gets the table back at the next start. (A restore requires every table of
# ALL_MODELS and accepts these two lists' tables missing: data/schema_check.py.)
REBUILT_MODELS = [NameWord, MigrationMark, DailyTally]


# Tables added after the first release that start empty: a backup made before
# one of them existed is still whole, and the next start creates it.
class RequestAnswer(BaseModel):
    """One answer to a document's own questions (domain/questions.py) that is
    not a person's name or NIK: a reason, a date, a place, an address."""

    submission = pw.ForeignKeyField(
        Submission, backref="answers", on_delete="CASCADE", index=False
    )
    question = pw.CharField(max_length=32)
    value = pw.CharField(max_length=255)

    class Meta:
        primary_key = pw.CompositeKey("submission", "question")


class RequestPerson(BaseModel):
    """Someone a request is about besides the applicant: the child, the
    deceased, the head of the family, the parents, each person moving. Their
    names are in NameWord and their NIKs indexed here, so staff find the
    request by either."""

    submission = pw.ForeignKeyField(
        Submission, backref="people", on_delete="CASCADE", index=False
    )
    role = pw.CharField(max_length=16)
    position = pw.IntegerField(default=1)
    name = pw.CharField(max_length=validation.NAME_MAX)
    nik = pw.CharField(max_length=16, null=True, index=True)

    class Meta:
        primary_key = pw.CompositeKey("submission", "role", "position")


ADDED_MODELS = [SecurityEvent, StaffSecondFactor, SignInDelay, OfficeClosure]
ADDED_MODELS += [QueueSettings, ServiceCounter, TicketSequence, QueueTicket]
ADDED_MODELS += [CollectionHours, CollectionSlot, CollectionBooking]
ADDED_MODELS += [NotificationSettings, MessageChoice, OutboxMessage]
ADDED_MODELS += [RequestAnswer, RequestPerson]
ADDED_MODELS += [RequirementMark]


class RequestPaper(BaseModel):
    """A photo or PDF of one of a request's requirements, sent by the resident.

    The file itself is in the paper store (services/paper_store.py) under
    `stored_id`, a random name; this row says what it is. Before the request
    is sent the file belongs to the session's draft (`draft_key`, a digest of
    the draft's token) and `submission` is empty. A requirement is known by
    its place in the document's list and its Indonesian text at upload time,
    so an edited list does not move a file to another requirement.
    """

    submission = pw.ForeignKeyField(
        Submission, null=True, backref="papers", on_delete="CASCADE"
    )
    draft_key = pw.CharField(max_length=64, null=True, index=True)
    requirement_position = pw.IntegerField()
    requirement_text = pw.CharField(max_length=255)
    stored_id = pw.CharField(max_length=64, unique=True)
    kind = pw.CharField(max_length=8)  # jpeg, png, pdf
    size_bytes = pw.IntegerField()
    width = pw.IntegerField(null=True)
    height = pw.IntegerField(null=True)
    pages = pw.IntegerField(null=True)
    sha256 = pw.CharField(max_length=64, default="")
    has_thumbnail = pw.BooleanField(default=False)
    uploaded_at = pw.DateTimeField(default=utcnow)
    uploaded_via = pw.CharField(max_length=16)  # apply, tracking
    state = pw.CharField(max_length=16, default="new")  # new, accepted, refused
    refusal_reason = pw.TextField(default="")
    decided_by = pw.ForeignKeyField(StaffMember, null=True, backref="papers_decided")
    decided_at = pw.DateTimeField(null=True)
    # Set when the purge deleted the file and what could identify it.
    erased_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("uploaded_at",), False),)


ADDED_MODELS += [RequestPaper]


class PublicChange(BaseModel):
    """How often what the public sees of a request changed other than by a
    status change or a moved due date (which the request's own row shows):
    a clerk's tick, a paper sent, decided or erased, a collection time booked,
    moved, cancelled or handled, the purge. Together with the request's
    version and due date it makes the tracking page's and the API's ETag
    (web/revalidation.py), read in one statement instead of rendering. A
    request without a row has had no such change since the table was made;
    the ETag also changes with each release, so a page from before it is
    never taken for current."""

    submission = pw.ForeignKeyField(
        Submission, primary_key=True, backref="public_change", on_delete="CASCADE"
    )
    changes = pw.IntegerField(default=0)
    changed_at = pw.DateTimeField(default=utcnow)


ADDED_MODELS += [PublicChange]
