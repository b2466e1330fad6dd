"""Delivering the outbox: what the worker does with each message that is due.

A message is claimed (queued -> sending, in its own transaction), handed to
the provider, and marked with the outcome. A worker that dies after the
provider took a message but before marking it leaves the message "sending";
after the lease it is taken again. Providers that take an idempotency key (the
webhook, gateways that know the header) then deliver it once; others may
deliver it twice, which tests/test_delivery.py measures and the README states.
"""

import datetime as dt
import logging
import zoneinfo

from kiosk.data.models import (
    NotificationSettings,
    OfficeSettings,
    OutboxMessage,
    utcnow,
)
from kiosk.services import outbox, providers

log = logging.getLogger(__name__)


def quiet_hours(settings=None, office=None):
    """The office's quiet hours as outbox.QuietHours."""
    settings = settings or NotificationSettings.saved()
    office = office or OfficeSettings.saved()
    try:
        zone = zoneinfo.ZoneInfo(office.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("Asia/Jakarta")
    return outbox.QuietHours(settings.quiet_start, settings.quiet_end, zone)


def _lease(config):
    return dt.timedelta(seconds=config.get("NOTIFY_SENDING_LEASE_SECONDS", 300))


def deliver(message_id, config, now=None, quiet=None, provider=None):
    """Try one message if it is due; returns its state afterwards (None when
    it was not ours to send: not due, or another worker has it)."""
    now = now or utcnow()
    if not outbox.claim(message_id, now, _lease(config)):
        return None
    message = OutboxMessage.get_by_id(message_id)
    if provider is None:
        settings = NotificationSettings.saved()
        provider = providers.build(settings.provider, config)
    quiet = quiet or quiet_hours()
    if message.kind not in outbox.RESIDENT_ASKED:
        allowed = quiet.next_allowed(now)
        if allowed > now:
            outbox.postpone(message_id, now, allowed)
            return outbox.QUEUED
    if provider is None:
        outbox.mark_unsent(message_id, now, code="no_provider")
        return OutboxMessage.get_by_id(message_id).state
    if message.channel not in provider.channels:
        outbox.mark_unsent(message_id, now, code="channel_unavailable", temporary=False)
        return outbox.FAILED
    try:
        provider_id = provider.send(message)
    except providers.DeliveryError as error:
        log.warning("message %s not delivered: %s", message_id, error)
        outbox.mark_unsent(
            message_id,
            now,
            code=error.code,
            detail=error.detail,
            temporary=error.temporary,
        )
        return OutboxMessage.get_by_id(message_id).state
    outbox.mark_sent(
        message_id, now, provider=provider.name, provider_message_id=provider_id
    )
    return outbox.SENT


def deliver_due(config, now=None):
    """Try every message that is due; returns how many were sent."""
    now = now or utcnow()
    due = outbox.due(now, _lease(config))
    settings = NotificationSettings.saved()
    quiet = quiet_hours(settings)
    provider = providers.build(settings.provider, config)
    sent = 0
    for message_id in due:
        state = deliver(message_id, config, now=now, quiet=quiet, provider=provider)
        sent += state == outbox.SENT
    return sent
