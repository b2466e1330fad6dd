"""Template helpers: locale-aware filters, language links, public addresses."""

import hashlib
from collections import ChainMap
from urllib.parse import quote, urlencode

from flask import current_app, g, request, url_for
from flask.templating import Environment as FlaskEnvironment
from flask_babel import format_decimal

from kiosk.domain import tracking, validation
from kiosk.services import accounts
from kiosk.web import dates, paper_messages


class TemplateGlobals(ChainMap):
    """A template's globals over the environment's, as Jinja makes them, with
    keys() a set built in C.

    On every {% import %} and {% from ... import %} Jinja subtracts a
    template's globals' keys from the rendering context's; with ChainMap's own
    keys view that takes one Python-level lookup per global, about 35 µs an
    import with this app's forty (make bench-internals; a tracking page has
    three). The keys are read when asked, so globals added to the
    environment later are still seen.
    """

    def keys(self):
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    """Flask's Jinja environment, making each template's globals a
    TemplateGlobals (the hook Jinja documents for this: make_globals)."""

    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)


# Forms whose page, shown after a POST, can be shown again in the other
# language by sending the same answers back with step=check (which shows them,
# never stores them). No other form is sent again: a sign-in, a password.
RESENDABLE_FORMS = frozenset(
    {"apply.start", "apply.question", "apply.send", "staff_intake.new"}
)


def language_url(locale):
    """The current page in another language.

    A page shown after a POST is fetched again by GET where its address serves
    GET; a form in RESENDABLE_FORMS is posted again (see resent_answers);
    anything else goes to the home page.
    """
    rule = request.url_rule
    if rule is None or (
        request.method != "GET"
        and "GET" not in rule.methods
        and request.endpoint not in RESENDABLE_FORMS
    ):
        return url_for("public.home", lang=locale)
    args = request.args.to_dict()
    args["lang"] = locale
    return quote(request.path) + "?" + urlencode(args)


def resent_answers():
    """The fields a language switch posts to show this POSTed form again with
    the resident's answers, or None when the page is switched by a link."""
    if request.method != "POST" or request.endpoint not in RESENDABLE_FORMS:
        return None
    if g.get("error_page"):  # what was sent may be what failed (too large, say)
        return None
    fields = [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name != "step"
    ]
    step = "edit" if request.form.get("step") == "edit" else "check"
    return [*fields, ("step", step)]


def public_url(endpoint, **values):
    """An absolute URL built from the office's public base URL (or the request host)."""
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        g.office.public_base_url if g.get("office") else ""
    )
    if base:
        return base.rstrip("/") + url_for(endpoint, **values)
    return url_for(endpoint, _external=True, **values)


def public_address_missing():
    """True while neither KIOSK_PUBLIC_BASE_URL nor the office setting says
    where residents reach the site: QR codes then carry this request's host."""
    office = g.get("office")
    configured = current_app.config.get("PUBLIC_BASE_URL")
    return not configured and not (office and office.public_base_url)


def qr_image_url(number):
    """The address of a request's QR image, naming what the code holds.

    The image is cached for a year as immutable; when the office's public
    address changes, the code changes and so must the address it is kept under.
    """
    holds = public_url("public.tracking_page", number=number)
    version = hashlib.sha256(holds.encode()).hexdigest()[:10]
    return url_for("public.qr_svg", number=number, v=version)


def office_context():
    """The office's details for every template (the layout shows them)."""
    office = g.get("office")
    if office is None:
        return {"office": None, "office_name": ""}
    from kiosk.web.i18n import current_locale

    return {
        "office": office,
        "office_name": office.localized("office_name", current_locale()),
    }


def init_app(app):
    app.context_processor(office_context)
    app.jinja_env.filters.update(
        date=dates.format_date,
        datetime=dates.format_datetime,
        number=format_decimal,
        tracking=tracking.display,
        phone=validation.phone_display,
        nik=validation.nik_display,
        dial=validation.dial_string,
    )
    app.jinja_env.globals.update(
        language_url=language_url,
        public_url=public_url,
        qr_image_url=qr_image_url,
        public_address_missing=public_address_missing,
        resent_answers=resent_answers,
        PAPER_KINDS=paper_messages.KIND_LABELS,
        PAPER_STATES=paper_messages.STATE_LABELS,
        # Limits that hints state, from the code that enforces them.
        limits={
            "resident_note": validation.RESIDENT_NOTE_MAX,
            "staff_note": validation.STAFF_NOTE_MAX,
            "password": accounts.MIN_PASSWORD_LENGTH,
        },
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
