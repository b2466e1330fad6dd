"""A resident who lost their receipt gets the tracking number sent again, to
the phone number given when applying, never shown on screen.

The answer is the same whether or not anything matched (the same page, the
same status, the same work: every request writes a security event in the
transaction that may also queue the message), so the page tells nobody whether
a NIK has a request. Limited per client and per NIK.
"""

from flask import Blueprint, current_app, redirect, render_template, request, url_for

from kiosk.data.db import write_transaction
from kiosk.domain import validation
from kiosk.services import security_log
from kiosk.web import notifications, security
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.lost_number import LostNumberForm

bp = Blueprint("lost_number", __name__)


def _client_limit():
    return current_app.config["LOST_NUMBER_RATE_LIMIT"]


def _nik_limit():
    return current_app.config["LOST_NUMBER_NIK_RATE_LIMIT"]


def _nik_key():
    """A keyed digest of the NIK asked for (the limiter's storage never holds
    the NIK itself); the client's key when the NIK cannot be read."""
    try:
        nik = validation.nik(request.form.get("nik", ""))
    except validation.Invalid:
        return "lost-number-unreadable:" + security.rate_limit_key()
    return "lost-number-nik:" + security.keyed_digest(nik.encode()).hex()


@bp.route("/lost-number", methods=["GET", "POST"])
@security.limiter.limit(_client_limit, methods=["POST"], scope="lost-number")
@security.limiter.limit(
    _nik_limit, key_func=_nik_key, methods=["POST"], scope="lost-number-nik"
)
def lost_number():
    """Enter NIK and phone; the number goes to that phone if they match."""
    sending = notifications.offered_channels()
    form = LostNumberForm()
    if not form.is_submitted() or not sending:
        return render_template("public/lost_number.html", form=form, sending=sending)
    if not form.validate():
        page = render_template("public/lost_number.html", form=form, sending=sending)
        return page, INVALID_FORM
    with write_transaction():
        notifications.send_lost_numbers(form.nik.data, form.phone.data)
        security_log.record(
            security_log.LOST_NUMBER_ASKED,
            address=security.client_address(),
            path=request.path,
        )
    return redirect(url_for("lost_number.asked"), 303)


@bp.get("/lost-number/sent")
def asked():
    """What happens next, the same whatever was found."""
    return render_template("public/lost_number_sent.html")
