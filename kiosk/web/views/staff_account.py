"""A member's own account: a new password, and two-step sign-in (a code from
an authenticator app) turned on or off. Every change asks for the current
password first, so a session left open is not enough to take the account."""

import re

from flask import (
    Blueprint,
    flash,
    g,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext
from markupsafe import Markup

from kiosk.domain import qr
from kiosk.services import accounts, second_factor, security_log
from kiosk.web import auth, security_events, sign_in
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.staff import (
    CodeForm,
    ConfirmPasswordForm,
    PasswordChangeForm,
    SecondFactorOffForm,
)
from kiosk.web.i18n import lazy_gettext as _l

bp = Blueprint("account", __name__, url_prefix="/account")
bp.before_request(auth.require_staff)

# Field ids of the second-factor forms stay apart from the password form's.
FACTOR = "factor"

WRONG_HERE = {
    sign_in.PASSWORD: _l("The current password is not right."),
    sign_in.CODE: sign_in.WRONG_ON_SIGN_IN[sign_in.CODE],
}
CURRENT_MISSING = _l("Enter your current password.")
ENROL_CODE_WRONG = _l(
    "The code is not right. Check that the app was set up with this QR code or "
    "key, and enter the code it shows now."
)


def _page(password_form=None, factor_form=None, status=200):
    member = g.staff
    on = second_factor.is_on(member)
    if factor_form is None:
        form_class = SecondFactorOffForm if on else ConfirmPasswordForm
        factor_form = form_class(formdata=None, prefix=FACTOR)
    page = render_template(
        "staff/account.html",
        member=member,
        password_form=password_form or PasswordChangeForm(formdata=None),
        factor_form=factor_form,
        second_factor_on=on,
    )
    return page, status


def _identity_refused(form, field, attempt):
    field.errors = [sign_in.refusal(attempt, WRONG_HERE)]
    if attempt.wrong == sign_in.CODE:
        form.code.errors, field.errors = field.errors, []
    return attempt


@bp.get("")
def page():
    """Your account: change your password, turn two-step sign-in on or off."""
    return _page()


@bp.post("/password")
def change_password():
    """A new password; the account's other sessions end, this one goes on."""
    form = PasswordChangeForm()
    form.account = g.staff
    valid = form.validate()
    if not form.current_password.data:
        form.current_password.errors = [CURRENT_MISSING]
        return _page(password_form=form, status=INVALID_FORM)
    if not valid:
        return _page(password_form=form, status=INVALID_FORM)
    attempt = sign_in.confirm_identity(g.staff, form.current_password.data)
    if attempt.outcome != sign_in.CONFIRMED:
        _identity_refused(form, form.current_password, attempt)
        return sign_in.refused(_page(password_form=form)[0], attempt)
    member = accounts.change_password(g.staff, form.password.data)
    auth.keep_session(member)
    sign_in.clear_failures(member)
    security_events.log(
        security_log.PASSWORD_CHANGED,
        staff=member,
        subject=member.username,
        details={"by": "self"},
    )
    flash(
        gettext(
            "Your password has been changed. Any other computer signed in to "
            "your account has been signed out."
        ),
        "success",
    )
    return redirect(url_for(".page"), 303)


@bp.post("/second-factor")
def start_second_factor():
    """Begin setting up two-step sign-in (after the current password)."""
    form = ConfirmPasswordForm(prefix=FACTOR)
    if second_factor.is_on(g.staff):
        return redirect(url_for(".page"), 303)
    if not form.password.data:
        form.password.errors = [CURRENT_MISSING]
        return _page(factor_form=form, status=INVALID_FORM)
    attempt = sign_in.confirm_identity(g.staff, form.password.data)
    if attempt.outcome != sign_in.CONFIRMED:
        _identity_refused(form, form.password, attempt)
        return sign_in.refused(_page(factor_form=form)[0], attempt)
    second_factor.start_enrolment(g.staff)
    return redirect(url_for(".second_factor_setup"), 303)


def _setup_page(factor, form, status=200):
    uri = second_factor.provisioning_uri(
        factor, g.staff.username, g.office.office_name or "Dukcapil"
    )
    title = gettext("QR code to add this account to your authenticator app")
    code = Markup(qr.svg(uri, title=title).decode())
    key = " ".join(re.findall(".{1,4}", factor.secret))
    page = render_template(
        "staff/account_second_factor.html", form=form, qr_code=code, key=key
    )
    return page, status


@bp.get("/second-factor")
def second_factor_setup():
    """The QR code and key for the app, and the code that proves it works."""
    factor = second_factor.enrolment(g.staff)
    if factor is None:
        return redirect(url_for(".page"), 303)
    return _setup_page(factor, CodeForm(formdata=None))


@bp.post("/second-factor/confirm")
def confirm_second_factor():
    """Turn two-step sign-in on once the app's code is right."""
    factor = second_factor.enrolment(g.staff)
    if factor is None:
        return redirect(url_for(".page"), 303)
    form = CodeForm()
    if not second_factor.confirm(g.staff, form.code.data):
        form.code.errors = [ENROL_CODE_WRONG]
        form.code.data = ""
        return _setup_page(factor, form, INVALID_FORM)
    security_events.log(
        security_log.SECOND_FACTOR_CHANGED,
        subject=g.staff.username,
        details={"change": "enrolled", "by": "self"},
    )
    flash(
        gettext(
            "Two-step sign-in is on. From now on, signing in also asks for a "
            "code from your authenticator app."
        ),
        "success",
    )
    return redirect(url_for(".page"), 303)


@bp.post("/second-factor/off")
def second_factor_off():
    """Turn two-step sign-in off: the current password and a code first."""
    form = SecondFactorOffForm(prefix=FACTOR)
    if not second_factor.is_on(g.staff):
        return redirect(url_for(".page"), 303)
    if not form.password.data:
        form.password.errors = [CURRENT_MISSING]
        return _page(factor_form=form, status=INVALID_FORM)
    attempt = sign_in.confirm_identity(
        g.staff, form.password.data, code=form.code.data or ""
    )
    if attempt.outcome != sign_in.CONFIRMED:
        _identity_refused(form, form.password, attempt)
        return sign_in.refused(_page(factor_form=form)[0], attempt)
    second_factor.remove(g.staff)
    security_events.log(
        security_log.SECOND_FACTOR_CHANGED,
        subject=g.staff.username,
        details={"change": "removed", "by": "self"},
    )
    flash(gettext("Two-step sign-in is off."), "success")
    return redirect(url_for(".page"), 303)
