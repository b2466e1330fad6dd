"""Helpers for tests of messages to residents: an app whose office sends
messages through a fake provider, and the outbox's rows."""

from kiosk.data.models import NotificationSettings, OutboxMessage

PUBLIC_BASE_URL = "https://disdukcapil.sijunjungkab.go.id"


def provider_config(url):
    """Settings that point every provider at the fake provider at `url`."""
    return {
        "PUBLIC_BASE_URL": PUBLIC_BASE_URL,
        "NOTIFY_WEBHOOK_URL": url + "/hook",
        "NOTIFY_WEBHOOK_SECRET": "hook-secret",
        "NOTIFY_GATEWAY_WHATSAPP_URL": url + "/gateway/whatsapp",
        "NOTIFY_GATEWAY_SMS_URL": url + "/gateway/sms",
        "NOTIFY_GATEWAY_TOKEN": "gateway-token",
        "NOTIFY_WHATSAPP_CLOUD_URL": url + "/v21.0",
        "NOTIFY_WHATSAPP_CLOUD_PHONE_ID": "1055",
        "NOTIFY_WHATSAPP_CLOUD_TOKEN": "meta-token",
    }


def choose_provider(name, quiet=(0, 0), **settings):
    """The admin's choice (inside an app context); no quiet hours unless asked."""
    NotificationSettings.update(
        provider=name, quiet_start=quiet[0], quiet_end=quiet[1], **settings
    ).execute()


def messages(submission=None):
    """The outbox, oldest first (of one request when given)."""
    query = OutboxMessage.select().order_by(OutboxMessage.id)
    if submission is not None:
        query = query.where(OutboxMessage.submission == submission.id)
    return list(query)
