"""The outbox: messages to residents, queued in the same transaction as the
event that causes them, and the states of their delivery.

A message exists if and only if its event committed: it is inserted by the
event's own transaction (web/notifications.py listens inside it). The worker
(services/delivery.py) moves each message queued -> sending -> sent, or back to
queued with a later `next_attempt_at`, or to failed once retrying has gone on
long enough. Every move is a conditional UPDATE, so two workers never both
take the same message.
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from kiosk.data.db import write_transaction
from kiosk.data.models import OutboxMessage, utcnow

QUEUED, SENDING, SENT, FAILED, CANCELLED = (
    "queued",
    "sending",
    "sent",
    "failed",
    "cancelled",
)
STATES = (QUEUED, SENDING, SENT, FAILED, CANCELLED)

# What a message is about: a status it reached, or one of these.
SUBMITTED = "submitted"
REMINDER = "reminder"
LOST_NUMBER = "lost_number"
# Asked for by the resident a moment ago: sent at once, even in quiet hours.
RESIDENT_ASKED = frozenset({SUBMITTED, LOST_NUMBER})

# Retries: one minute, doubling up to two hours, for a day; then failed.
FIRST_RETRY = dt.timedelta(minutes=1)
LONGEST_RETRY = dt.timedelta(hours=2)
GIVE_UP_AFTER = dt.timedelta(hours=24)
# A message left "sending" this long belongs to a worker that died: it is
# taken again (and may reach the resident twice, see the README).
SENDING_LEASE = dt.timedelta(minutes=5)

# Why a message is not sent yet, or failed (shown to staff in words).
ERROR_CODES = (
    "timeout",
    "unreachable",
    "server_error",
    "rate_limited",
    "refused",
    "no_provider",
    "channel_unavailable",
)


@dataclass(frozen=True)
class QuietHours:
    """The office's night: no message that can wait goes out between `start`
    and `end` (minutes after midnight, office time)."""

    start: int
    end: int
    zone: dt.tzinfo

    def next_allowed(self, at):
        """`at` (naive UTC), or when the quiet hours around it end."""
        local = at.replace(tzinfo=dt.UTC).astimezone(self.zone)
        minute = local.hour * 60 + local.minute
        if self.start == self.end:
            return at
        if self.start < self.end:
            quiet = self.start <= minute < self.end
        else:  # across midnight, as 21:00-06:00
            quiet = minute >= self.start or minute < self.end
        if not quiet:
            return at
        end = local.replace(
            hour=self.end // 60, minute=self.end % 60, second=0, microsecond=0
        )
        if end <= local:
            end += dt.timedelta(days=1)
        return end.astimezone(dt.UTC).replace(tzinfo=None)


def enqueue(
    *,
    submission_id,
    kind,
    channel,
    recipient,
    language,
    text,
    params="[]",
    not_before=None,
    quiet=None,
):
    """Queue one message, inside the caller's transaction."""
    now = utcnow()
    at = max(now, not_before or now)
    if quiet is not None and kind not in RESIDENT_ASKED:
        at = quiet.next_allowed(at)
    return OutboxMessage.create(
        submission=submission_id,
        kind=kind,
        channel=channel,
        recipient=recipient,
        language=language,
        text=text,
        params=params,
        key=secrets.token_hex(16),
        next_attempt_at=at,
        created_at=now,
        updated_at=now,
    )


def due(now, lease=SENDING_LEASE, limit=100):
    """Ids of messages to send now: queued and due, or left sending by a worker
    that stopped (the (state, next_attempt_at) index serves both)."""
    queued = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.state == QUEUED) & (OutboxMessage.next_attempt_at <= now)
    )
    stale = OutboxMessage.select(OutboxMessage.id).where(
        (OutboxMessage.state == SENDING) & (OutboxMessage.claimed_at < now - lease)
    )
    ids = [
        row.id for row in queued.order_by(OutboxMessage.next_attempt_at).limit(limit)
    ]
    return ids + [row.id for row in stale.limit(limit)]


def claim(message_id, now, lease=SENDING_LEASE):
    """Take a message for sending; False when it is not due or someone else has it."""
    with write_transaction():
        taken = (
            OutboxMessage.update(
                state=SENDING,
                attempts=OutboxMessage.attempts + 1,
                claimed_at=now,
                updated_at=now,
            )
            .where(
                (OutboxMessage.id == message_id)
                & (
                    (
                        (OutboxMessage.state == QUEUED)
                        & (OutboxMessage.next_attempt_at <= now)
                    )
                    | (
                        (OutboxMessage.state == SENDING)
                        & (OutboxMessage.claimed_at < now - lease)
                    )
                )
            )
            .execute()
        )
    return taken == 1


def _finish(message_id, now, **changes):
    with write_transaction():
        OutboxMessage.update(updated_at=now, **changes).where(
            (OutboxMessage.id == message_id) & (OutboxMessage.state == SENDING)
        ).execute()


def mark_sent(message_id, now, *, provider, provider_message_id=""):
    _finish(
        message_id,
        now,
        state=SENT,
        sent_at=now,
        provider=provider,
        provider_message_id=(provider_message_id or "")[:128],
        last_error="",
    )


def mark_unsent(message_id, now, *, code, detail="", temporary=True):
    """A try that did not deliver: tried again later, or failed for good when
    the error is permanent or the message has waited long enough."""
    message = OutboxMessage.get_by_id(message_id)
    error = f"{code}|{detail}"[:300]
    retry_at = now + retry_delay(message.attempts)
    if temporary and retry_at - message.created_at <= GIVE_UP_AFTER:
        _finish(
            message_id, now, state=QUEUED, next_attempt_at=retry_at, last_error=error
        )
    else:
        _finish(message_id, now, state=FAILED, last_error=error)


def postpone(message_id, now, until):
    """Put back a message taken inside quiet hours, as if never tried."""
    _finish(
        message_id,
        now,
        state=QUEUED,
        next_attempt_at=until,
        attempts=OutboxMessage.attempts - 1,
    )


def retry_delay(attempts):
    """The wait after the `attempts`-th failed try."""
    delay = FIRST_RETRY * (2 ** max(attempts - 1, 0))
    return min(delay, LONGEST_RETRY)


def send_again(message_id, submission_id):
    """A failed message queued again as a new message (the failed one stays
    in the history); None when it is not a failed message of this request."""
    with write_transaction():
        failed = OutboxMessage.get_or_none(
            (OutboxMessage.id == message_id)
            & (OutboxMessage.submission == submission_id)
            & (OutboxMessage.state == FAILED)
        )
        if failed is None:
            return None
        return enqueue(
            submission_id=submission_id,
            kind=failed.kind,
            channel=failed.channel,
            recipient=failed.recipient,
            language=failed.language,
            text=failed.text,
            params=failed.params,
        )


def cancel_waiting(submission_id, kind):
    """Cancel a request's queued messages of one kind (a reminder for a
    booking that moved or was cancelled), inside the caller's transaction."""
    return (
        OutboxMessage.update(state=CANCELLED, updated_at=utcnow())
        .where(
            (OutboxMessage.submission == submission_id)
            & (OutboxMessage.kind == kind)
            & (OutboxMessage.state == QUEUED)
        )
        .execute()
    )


def of_request(submission_id):
    """A request's messages, newest first."""
    return list(
        OutboxMessage.select()
        .where(OutboxMessage.submission == submission_id)
        .order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc())
    )


def error_of(message):
    """(code, detail) of a message's last error, or (None, "")."""
    if not message.last_error:
        return None, ""
    code, _, detail = message.last_error.partition("|")
    return code, detail
