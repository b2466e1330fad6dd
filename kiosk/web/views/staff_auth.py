"""Staff sign-in and sign-out."""

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
from flask_babel import gettext

from kiosk.services import accounts
from kiosk.web import auth
from kiosk.web.forms import INVALID_FORM
from kiosk.web.forms.staff import LoginForm
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.security import client_address, limiter

bp = Blueprint("staff_auth", __name__, url_prefix="/staff")

MESSAGES = {
    auth.WRONG: _l("The username or password is not right. Check them and try again."),
    auth.LOCKED: _l(
        "Too many failed sign-in attempts: this account is locked for "
        "%(minutes)d minutes. Try again later, or ask an administrator to unlock it.",
        minutes=auth.LOCK_MINUTES,
    ),
}


def _notice(reason):
    """Why the sign-in page is shown, when the console sent the clerk here."""
    if reason == "idle":
        return gettext(
            "You were signed out because the console was not used for %(minutes)d "
            "minutes. Sign in again to continue.",
            minutes=auth.idle_seconds() // 60,
        )
    if reason == "signed_out":
        return gettext("You have signed out.")
    return None


def _username_key():
    """Rate-limit key for the username being tried (whoever tries it)."""
    name = (request.form.get("username") or "").strip().lower()[:64]
    return "login-username/" + name


def _failed(response):
    return response.status_code != 303


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(
    lambda: current_app.config["LOGIN_RATE_LIMIT"],
    key_func=client_address,
    methods=["POST"],
    scope="login-client",
)
@limiter.limit(
    lambda: current_app.config["LOGIN_USERNAME_RATE_LIMIT"],
    key_func=_username_key,
    methods=["POST"],
    scope="login-username",
    deduct_when=_failed,
)
def login():
    """Sign-in form; five wrong passwords lock the account for 15 minutes."""
    form = LoginForm()
    if request.method == "GET":
        if auth.load_staff() is not None:
            return redirect(auth.safe_next(request.args.get("next")), 303)
        form.next.data = request.args.get("next", "")
        notice = _notice(request.args.get("reason", ""))
        return render_template("staff/login.html", form=form, notice=notice)
    attempt = auth.attempt_sign_in(form.username.data, form.password.data or "")
    if attempt.outcome != auth.SIGNED_IN:
        form.password.data = ""
        return (
            render_template(
                "staff/login.html", form=form, error=MESSAGES[attempt.outcome]
            ),
            INVALID_FORM,
        )
    auth.start_session(attempt.member)
    return redirect(auth.safe_next(form.next.data), 303)


@bp.post("/logout")
def logout():
    """Sign out: every session of this account ends, on every computer."""
    member = auth.load_staff()
    if member is not None:
        accounts.end_sessions(member)
    session.clear()
    g.staff = None
    return redirect(url_for("staff_auth.login", reason="signed_out"), 303)
