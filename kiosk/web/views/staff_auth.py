"""Staff sign-in (password, then a code for members with a second factor) and
sign-out; the member's own account pages are nested here (staff_account.py)."""

import datetime as dt

from flask import (
    Blueprint,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import format_timedelta, gettext

from kiosk.services import accounts, security_log
from kiosk.services import sign_in_delays as delays
from kiosk.web import auth, security_events, sign_in
from kiosk.web.forms.staff import CodeForm, LoginForm
from kiosk.web.security import limiter, rate_limit_key
from kiosk.web.views import staff_account

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")
# /staff/account/…: a blueprint of its own, registered through this one.
bp.register_blueprint(staff_account.bp)

# One budget per client for both steps (an IPv6 client: per /64); the delays
# per username are sign_in's.
limit_per_client = limiter.shared_limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    scope="login-client",
    key_func=rate_limit_key,
    methods=["POST"],
)


def _notice(reason):
    """Why the sign-in page is shown, when the console sent the clerk here."""
    if reason == auth.IDLE:
        return gettext(
            "You were signed out because the console was not used for %(minutes)d "
            "minutes. Sign in again to continue.",
            minutes=auth.idle_seconds() // 60,
        )
    if reason == auth.EXPIRED:
        return gettext(
            "You were signed out because a session lasts at most %(duration)s "
            "after signing in. Sign in again to continue.",
            duration=format_timedelta(
                dt.timedelta(seconds=auth.absolute_seconds()), threshold=1.0
            ),
        )
    if reason == "code_expired":
        return gettext(
            "The time to enter the code ran out. Sign in again with your password."
        )
    if reason == "signed_out":
        return gettext("You have signed out.")
    return None


def _login_page(form, **context):
    return render_template(
        "staff/login.html",
        form=form,
        free_attempts=delays.FREE_ATTEMPTS,
        longest_wait=delays.LONGEST_DELAY // 60,
        **context,
    )


@bp.route("/login", methods=["GET", "POST"])
@limit_per_client
def login():
    """Sign-in form; failures in a row make each further attempt wait longer."""
    form = LoginForm()
    if request.method == "GET":
        if auth.load_staff() is not None:
            return redirect(auth.safe_next(request.args.get("next")), 303)
        form.next.data = auth.checked_next(request.args.get("next"))
        return _login_page(form, notice=_notice(request.args.get("reason", "")))
    next_page = auth.safe_next(form.next.data)
    attempt = sign_in.attempt_password(
        form.username.data, form.password.data or "", next_page
    )
    if attempt.outcome == sign_in.SIGNED_IN:
        return redirect(next_page, 303)
    if attempt.outcome == sign_in.CODE_NEEDED:
        return redirect(url_for("staff_auth.login_code"), 303)
    form.password.data = ""
    form.next.data = auth.checked_next(form.next.data)
    return sign_in.refused(_login_page(form, error=sign_in.refusal(attempt)), attempt)


@bp.route("/login/code", methods=["GET", "POST"])
@limit_per_client
def login_code():
    """The second step for members with an authenticator app: its code."""
    under_way = sign_in.pending()
    if under_way is None:
        return redirect(url_for("staff_auth.login", reason="code_expired"), 303)
    member, next_page = under_way
    form = CodeForm()
    if request.method == "GET":
        return render_template("staff/login_code.html", form=form, member=member)
    attempt = sign_in.attempt_code(form.code.data)
    if attempt.outcome == sign_in.SIGNED_IN:
        return redirect(auth.safe_next(next_page), 303)
    if attempt.outcome == sign_in.EXPIRED:
        return redirect(url_for("staff_auth.login", reason="code_expired"), 303)
    form.code.data = ""
    page = render_template(
        "staff/login_code.html",
        form=form,
        member=member,
        error=sign_in.refusal(attempt),
    )
    return sign_in.refused(page, attempt)


@bp.post("/logout")
def logout():
    """Sign out: every session of this account ends, on every computer."""
    member = auth.load_staff()
    if member is not None:
        accounts.end_sessions(member)
        security_events.log(
            security_log.SIGNED_OUT, staff=member, subject=member.username
        )
    session.clear()
    g.staff = None
    return redirect(url_for("staff_auth.login", reason="signed_out"), 303)
