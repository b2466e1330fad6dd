"""Which registered kiosk (if any) a request comes from.

A kiosk's start URL carries its token (`/kiosk?k=TOKEN`); the token is then
kept in an HttpOnly cookie for a year, renewed each time the start screen
shows, so every later page of that browser is known to come from the kiosk.
Only the start URL reads a token from the address: anywhere else it would
end up in logs and histories.

The kiosk's "continue on your phone" QR code credits the kiosk with a signed
reference (`/apply?via=ID.SIGNATURE`), so nobody can list the kiosks or credit
one by guessing its number; switching a kiosk off and on again gives it a new
token, which ends its old cookie and its old phone references.
"""

import base64
import hmac

from flask import g, request

from kiosk.data.models import KioskDevice
from kiosk.domain import validation
from kiosk.web.security import keyed_digest

COOKIE = "kiosk_token"
COOKIE_SECONDS = 365 * 24 * 3600
QUERY_PARAMETER = "k"
START_ENDPOINT = "kiosk.start"


def identify():
    """Set g.kiosk_device from the start URL's token or the kiosk cookie."""
    g.kiosk_device = None
    g.kiosk_token_from_url = None
    if request.endpoint == "static":
        return
    token = request.args.get(QUERY_PARAMETER) if _is_start() else None
    if token:
        device = KioskDevice.by_token(token)
        if device is not None:
            g.kiosk_token_from_url = token
            g.kiosk_device = device
            return
    g.kiosk_device = KioskDevice.by_token(request.cookies.get(COOKIE))


def _is_start():
    return request.endpoint == START_ENDPOINT


def remember(response):
    """Keep the kiosk's token in its cookie: a token from the start URL, and
    on every start screen a renewal of the year the cookie lasts."""
    device = g.get("kiosk_device")
    if device is not None and _is_start():
        response.set_cookie(
            COOKIE,
            device.token,
            max_age=COOKIE_SECONDS,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response


def _signature(kiosk_id, token):
    digest = keyed_digest(f"kiosk-via:{kiosk_id}:{token}".encode())[:9]
    return base64.urlsafe_b64encode(digest).decode()


def via_reference(device):
    """The signed reference a kiosk's phone QR code carries (short: the code
    stays easy to scan)."""
    return f"{device.id}.{_signature(device.id, device.token)}"


def kiosk_from_reference(text):
    """The active kiosk a signed reference names, or None (unsigned, forged,
    or from before the kiosk's token changed)."""
    kiosk_id, _, signature = (text or "").partition(".")
    kiosk_id = validation.plain_int(kiosk_id)
    if kiosk_id is None or not signature or len(signature) > 16:
        return None
    device = KioskDevice.get_or_none((KioskDevice.id == kiosk_id) & KioskDevice.active)
    if device is None:
        return None
    expected = _signature(device.id, device.token)
    return device if hmac.compare_digest(signature, expected) else None
