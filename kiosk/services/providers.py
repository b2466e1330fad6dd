"""Delivery providers: where the worker hands a message over, over HTTPS.

Three kinds an Indonesian office meets: the WhatsApp Business Cloud API
(template messages, as business-initiated messages must be), a local WhatsApp
or SMS gateway of the common "POST a token, a target and a message" kind, and a
generic JSON webhook for anything else. Addresses and secrets come from the
configuration (NOTIFY_* settings, config.py), never from the database.

Thin adapters over the standard library's HTTP client rather than a general
notification library: the outbox needs each provider's message id, the reason
for a refusal, and to tell an error worth retrying (a timeout, a 5xx, a 429)
from one that is not (a 4xx), which such libraries reduce to True or False.
"""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from urllib.parse import urlencode

TIMEOUT_SECONDS = 15


class DeliveryError(Exception):
    """A message the provider did not take; `temporary` ones are tried again."""

    def __init__(self, code, detail="", temporary=True):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        self.temporary = temporary


def _post(url, body, headers):
    """POST and return (status, JSON answer or None); DeliveryError when no
    answer came or the answer is an error."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            status, raw = response.status, response.read(65536)
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read(4096)
    except TimeoutError:
        raise DeliveryError("timeout", f"no answer in {TIMEOUT_SECONDS} s") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError):
            raise DeliveryError(
                "timeout", f"no answer in {TIMEOUT_SECONDS} s"
            ) from None
        raise DeliveryError("unreachable", str(reason)[:200]) from None
    try:
        answer = json.loads(raw) if raw else None
    except ValueError:
        answer = None
    if status == 429:
        raise DeliveryError("rate_limited", f"HTTP {status}")
    if status >= 500 or status == 408:
        raise DeliveryError("server_error", f"HTTP {status}")
    if status >= 400:
        raise DeliveryError("refused", f"HTTP {status}: {_reason(answer)}", False)
    return status, answer


def _reason(answer):
    """A provider's own words for a refusal, when it gave any."""
    if isinstance(answer, dict):
        error = answer.get("error")
        if isinstance(error, dict):
            return str(error.get("message", ""))[:200]
        for key in ("reason", "message", "detail", "error"):
            if answer.get(key):
                return str(answer[key])[:200]
    return ""


def _digits(recipient):
    """+6281234567890 as gateways and Meta want it: 6281234567890."""
    return recipient.lstrip("+")


class WhatsAppCloud:
    """Meta's WhatsApp Business Cloud API: a template per kind of message,
    named TEMPLATE_PREFIX + kind, in the request's language, filled with the
    message's values in order (README: the templates to register)."""

    name = "whatsapp_cloud"
    channels = ("whatsapp",)
    # Meta takes no idempotency key: a message sent again after a crash
    # reaches the resident twice (README, "Messages").
    idempotent = False

    def __init__(self, config):
        self.url = config["NOTIFY_WHATSAPP_CLOUD_URL"].rstrip("/")
        self.phone_id = config["NOTIFY_WHATSAPP_CLOUD_PHONE_ID"]
        self.token = config["NOTIFY_WHATSAPP_CLOUD_TOKEN"]
        self.prefix = config["NOTIFY_WHATSAPP_TEMPLATE_PREFIX"]

    def send(self, message):
        values = json.loads(message.params or "[]")
        body = {
            "messaging_product": "whatsapp",
            "to": _digits(message.recipient),
            "type": "template",
            "template": {
                "name": self.prefix + message.kind,
                "language": {"code": message.language},
                "components": [
                    {
                        "type": "body",
                        "parameters": [{"type": "text", "text": v} for v in values],
                    }
                ],
            },
        }
        _, answer = _post(
            f"{self.url}/{self.phone_id}/messages",
            json.dumps(body).encode(),
            {
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
        )
        try:
            return str(answer["messages"][0]["id"])
        except (KeyError, IndexError, TypeError):
            return ""


class Gateway:
    """A local gateway: a form POST of target and message with the account's
    token in the Authorization header, one address per channel."""

    name = "gateway"
    idempotent = False

    def __init__(self, config):
        self.urls = {
            "whatsapp": config["NOTIFY_GATEWAY_WHATSAPP_URL"],
            "sms": config["NOTIFY_GATEWAY_SMS_URL"],
        }
        self.token = config["NOTIFY_GATEWAY_TOKEN"]
        self.channels = tuple(channel for channel, url in self.urls.items() if url)

    def send(self, message):
        url = self.urls.get(message.channel)
        if not url:
            raise DeliveryError("channel_unavailable", message.channel, False)
        body = urlencode(
            {"target": _digits(message.recipient), "message": message.text}
        ).encode()
        _, answer = _post(
            url,
            body,
            {
                "Authorization": self.token,
                "Content-Type": "application/x-www-form-urlencoded",
                # Ignored by gateways that do not know it; spares a second
                # message with those that do.
                "Idempotency-Key": message.key,
            },
        )
        if isinstance(answer, dict) and answer.get("status") is False:
            raise DeliveryError("refused", _reason(answer), False)
        return _message_id(answer)


class Webhook:
    """A JSON POST of the whole message to the office's own service, signed
    with HMAC-SHA256 of the body; the message's key is its idempotency key."""

    name = "webhook"
    channels = ("whatsapp", "sms")
    idempotent = True

    def __init__(self, config):
        self.url = config["NOTIFY_WEBHOOK_URL"]
        self.secret = (config["NOTIFY_WEBHOOK_SECRET"] or "").encode()

    def send(self, message):
        body = json.dumps(
            {
                "id": message.key,
                "channel": message.channel,
                "to": message.recipient,
                "language": message.language,
                "kind": message.kind,
                "text": message.text,
                "values": json.loads(message.params or "[]"),
            }
        ).encode()
        signature = hmac.new(self.secret, body, hashlib.sha256).hexdigest()
        _, answer = _post(
            self.url,
            body,
            {
                "Content-Type": "application/json",
                "Idempotency-Key": message.key,
                "X-Signature-SHA256": signature,
            },
        )
        return _message_id(answer)


def _message_id(answer):
    if not isinstance(answer, dict):
        return ""
    for key in ("id", "message_id"):
        value = answer.get(key)
        if isinstance(value, list) and value:
            value = value[0]
        if value:
            return str(value)
    return ""


KINDS = {"whatsapp_cloud": WhatsAppCloud, "gateway": Gateway, "webhook": Webhook}
# The settings each provider cannot work without.
REQUIRED = {
    "whatsapp_cloud": (
        "NOTIFY_WHATSAPP_CLOUD_URL",
        "NOTIFY_WHATSAPP_CLOUD_PHONE_ID",
        "NOTIFY_WHATSAPP_CLOUD_TOKEN",
    ),
    "gateway": ("NOTIFY_GATEWAY_TOKEN",),
    "webhook": ("NOTIFY_WEBHOOK_URL", "NOTIFY_WEBHOOK_SECRET"),
}


def missing_settings(name, config):
    """The configuration a provider still needs (empty: ready to send)."""
    missing = [key for key in REQUIRED.get(name, ()) if not config.get(key)]
    if name == "gateway" and not (
        config.get("NOTIFY_GATEWAY_WHATSAPP_URL")
        or config.get("NOTIFY_GATEWAY_SMS_URL")
    ):
        missing.append("NOTIFY_GATEWAY_WHATSAPP_URL / NOTIFY_GATEWAY_SMS_URL")
    return missing


def build(name, config):
    """The provider called `name`, or None ("none", or not configured)."""
    if name not in KINDS or missing_settings(name, config):
        return None
    return KINDS[name](config)
