"""Which registered kiosk (if any) a request comes from.

A kiosk's start URL carries its token (`/kiosk?k=TOKEN`); the token is then
kept in a long-lived HttpOnly cookie so every later page of that browser is
known to come from the kiosk.
"""

from flask import g, request

from kiosk.data.models import KioskDevice

COOKIE = "kiosk_token"
QUERY_PARAMETER = "k"


def identify():
    """Set g.kiosk_device from the start URL's token or the kiosk cookie."""
    g.kiosk_device = None
    g.kiosk_token_from_url = None
    if request.endpoint == "static":
        return
    token = request.args.get(QUERY_PARAMETER)
    if token:
        device = KioskDevice.by_token(token)
        if device is not None:
            g.kiosk_token_from_url = token
            g.kiosk_device = device
            return
    g.kiosk_device = KioskDevice.by_token(request.cookies.get(COOKIE))


def remember(response):
    """Store a token that arrived in the start URL in the kiosk's cookie."""
    token = g.get("kiosk_token_from_url")
    if token and request.cookies.get(COOKIE) != token:
        response.set_cookie(
            COOKIE,
            token,
            max_age=10 * 365 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure,
        )
    return response
