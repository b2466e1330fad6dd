"""Locale selection and the translated labels of statuses, channels and errors."""

from functools import cached_property

from babel.support import NullTranslations
from flask import g, has_app_context, request
from flask_babel import Babel, Domain, get_locale
from flask_babel.speaklater import LazyString
from markupsafe import Markup

from kiosk.domain import tracking, workflow

LOCALES = ("id", "en")
DEFAULT_LOCALE = "id"
LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"id": "Bahasa Indonesia", "en": "English"}


def _g_values():
    """The request's `g` as a dict ({} outside an app context), read once
    instead of through the `g` proxy for each name."""
    return vars(g._get_current_object()) if has_app_context() else {}


def _held_locale(g_values):
    """The locale flask-babel holds for this request (force_locale() puts its
    own there too), or None before it has chosen one.

    Read from flask-babel's state on `g`: its get_locale() goes through the
    `g` proxy three times (about 5 µs), and a page asks with every message.
    """
    return getattr(g_values.get("_flask_babel"), "babel_locale", None)


class _RequestDomain(Domain):
    """flask-babel's message domain, finding the request's catalog once.

    flask-babel looks the catalog up again on every message (request context,
    locale, cache key); a page with a table of statuses asks for hundreds of
    messages. The catalog is kept on `g` with the locale it belongs to, so
    force_locale() (a new locale object) still gets the right one.

    Kept for its measured gain (bench/reimplementations.py, against plain
    flask-babel; the same pages and labels, tests/test_reimplementations.py):
    a Jinja _() costs about 10 µs instead of 33, a lazy label 3 instead of
    20, which is about 0.9 ms (18 %) of a tracking page and 5 ms (21 %) of the
    staff queue's first page. The catalog and the locale are found from
    flask-babel's state on `g` read once (_held_locale), not through its
    get_locale().
    """

    def get_translations(self):
        g_values = _g_values()
        kept = g_values.get("_catalog")
        if kept is not None and kept[0] is _held_locale(g_values):
            return kept[1]
        locale = get_locale()
        if locale is None:
            return NullTranslations()
        translations = super().get_translations()
        g._catalog = (locale, translations)
        return translations


class _Babel(Babel):
    @cached_property
    def domain_instance(self):
        return _RequestDomain(domain=self.domain)


babel = _Babel()


def _catalog():
    """The request's translations (NullTranslations outside a request)."""
    return babel.domain_instance.get_translations()


def _translate(message, **values):
    text = _catalog().ugettext(message)
    return text % values if values else text


def lazy_gettext(message, **values):
    """flask-babel's lazy_gettext, asking the domain directly when shown.

    Status and channel labels are lazy and a queue page shows hundreds; this
    skips flask-babel's search for the domain on each one.
    """
    return LazyString(_translate, message, **values)


_l = lazy_gettext

# Each language named in the reader's language, inside a sentence
# ("a message in English"); LANGUAGE_NAMES are the names for choosing one.
LANGUAGES_IN_TEXT = {"id": _l("Indonesian"), "en": _l("English")}

STATUS_LABELS = {
    workflow.SUBMITTED: _l("Received"),
    workflow.VERIFYING: _l("Being checked"),
    workflow.NEEDS_INFO: _l("Action needed"),
    workflow.PROCESSING: _l("In progress"),
    workflow.READY: _l("Ready"),
    workflow.COMPLETED: _l("Completed"),
    workflow.REJECTED: _l("Rejected"),
}

STATUS_EXPLANATIONS = {
    workflow.SUBMITTED: _l(
        "We have received your request. It is waiting for staff to check the documents."
    ),
    workflow.VERIFYING: _l("Staff are checking your documents."),
    workflow.NEEDS_INFO: _l(
        "Your documents are incomplete. Read the staff note below, then send or "
        "bring what is missing."
    ),
    workflow.PROCESSING: _l("Your document is being made."),
    workflow.READY: _l(
        "Your document is ready. Collect it at the office during service hours "
        "and bring your receipt."
    ),
    workflow.COMPLETED: _l("The document has been handed over. Thank you."),
    workflow.REJECTED: _l("Your request cannot be processed. Read the reason below."),
}

# What the resident should do now, per status.
STATUS_NEXT_STEPS = {
    workflow.SUBMITTED: _l("You do not need to do anything yet. Check again later."),
    workflow.VERIFYING: _l("You do not need to do anything yet. Check again later."),
    workflow.NEEDS_INFO: _l(
        "Send the missing documents by WhatsApp or bring them to the office, and "
        "mention your tracking number."
    ),
    workflow.PROCESSING: _l("You do not need to do anything yet. Check again later."),
    workflow.READY: _l(
        "Bring your KTP-el or family card too. If you have lost the receipt, "
        "show your KTP-el or give your NIK at the counter: staff find your "
        "request by it."
    ),
    workflow.COMPLETED: _l("Nothing more is needed."),
    workflow.REJECTED: _l(
        "If you have questions, contact the office and mention your tracking number."
    ),
}

# Instead of "you need not do anything" while the office has not received
# every requirement (the tracking page lists those still needed).
STILL_NEEDED_NEXT_STEP = _l(
    "The office has not yet received every document this request needs. "
    "Bring the documents listed below to the office, or send them by WhatsApp, "
    "and mention your tracking number."
)

# Instead of "you need not do anything" once a request is past its due date.
LATE_NEXT_STEP = _l(
    "We are sorry: your request is taking longer than we promised. You do not "
    "need to apply again, and we are still working on it. If you would like to "
    "know more, contact the office below and mention your tracking number."
)

CHANNEL_LABELS = {
    "kiosk": _l("Kiosk"),
    "web": _l("Website"),
    "counter": _l("Counter"),
    "whatsapp": _l("WhatsApp"),
    "sms": _l("SMS"),
    "nagari": _l("Village officials"),
    "app": _l("Phone app"),
}

# Messages to residents (services/outbox.py), as staff see them.
MESSAGE_STATE_LABELS = {
    "queued": _l("Waiting to be sent"),
    "sending": _l("Being sent"),
    "sent": _l("Sent"),
    "failed": _l("Not sent"),
    "cancelled": _l("Withdrawn"),
}
MESSAGE_KIND_LABELS = {
    "submitted": _l("Tracking number"),
    "needs_info": _l("More needed from the resident"),
    "ready": _l("Ready to collect"),
    "rejected": _l("Cannot be processed"),
    "status": _l("New status"),
    "reminder": _l("Collection reminder"),
    "lost_number": _l("Lost number sent again"),
}
MESSAGE_ERROR_LABELS = {
    "timeout": _l("The provider did not answer in time."),
    "unreachable": _l("The provider could not be reached."),
    "server_error": _l("The provider had a fault."),
    "rate_limited": _l("The provider asked us to send fewer messages."),
    "refused": _l("The provider refused the message."),
    "no_provider": _l("No way of sending messages is set up."),
    "channel_unavailable": _l("The provider cannot send by this channel."),
}

NUMBER_ERRORS = {
    tracking.EMPTY: _l("Enter your tracking number."),
    tracking.MALFORMED: _l(
        "A tracking number has 9 letters and digits, like 7KQ-4M2-XP9. "
        "Check the number on your receipt."
    ),
    tracking.TYPO: _l(
        "This number has a typing mistake. Read it again from your receipt and "
        "try once more."
    ),
}

NOT_FOUND = _l(
    "We could not find a request with this number. Check the number on your "
    "receipt, or contact the office."
)


def is_api_request():
    """A call to the JSON API. A bot or app asks per call (?lang= or
    Accept-Language) for many residents: no language cookie is kept for it,
    nor read from it, and its errors are JSON."""
    return request.path.startswith("/api/")


def select_locale():
    """Explicit choice (?lang= or cookie), then Accept-Language, then Indonesian."""
    chosen = request.args.get("lang")
    if chosen in LOCALES:
        g.chosen_locale = chosen
        return chosen
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in LOCALES and not is_api_request():
        return cookie
    # "in" is the old code for Indonesian, still sent by some older phones.
    best = request.accept_languages.best_match((*LOCALES, "in"))
    return "id" if best == "in" else best or DEFAULT_LOCALE


def select_timezone():
    """The office's time zone, from its settings."""
    settings = g.get("office")
    return settings.timezone if settings else None


def current_locale():
    """The request's language code: 'id' or 'en'."""
    # Every locale offered is a bare language, so its language is its code.
    locale = _held_locale(_g_values()) or get_locale()
    return locale.language if locale else DEFAULT_LOCALE  # None outside a request


def remember_choice(response):
    """Keep an explicit ?lang= choice in a cookie for the next visits."""
    chosen = g.get("chosen_locale")
    if (
        chosen
        and request.cookies.get(LANGUAGE_COOKIE) != chosen
        and not is_api_request()
    ):
        response.set_cookie(
            LANGUAGE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            httponly=True,
            secure=request.is_secure,
        )
    return response


def _install_jinja_gettext(app):
    """Templates ask the domain directly, skipping flask-babel's lookup of it.

    `_` is installed on its own as well: Jinja's `_` forwards each call to
    `gettext` through a second context call, which a page full of labels feels.
    Like Jinja's newstyle gettext, the translation is markup and the values put
    into it are escaped.
    """

    def gettext(message, **values):
        # As Jinja's own: always formatted, so "%%" means "%" with or without values.
        return Markup(_catalog().ugettext(message)) % values

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["_"] = gettext


def init_app(app):
    babel.init_app(
        app, locale_selector=select_locale, timezone_selector=select_timezone
    )
    _install_jinja_gettext(app)
    app.jinja_env.globals.update(
        current_locale=current_locale,
        STATUS_LABELS=STATUS_LABELS,
        CHANNEL_LABELS=CHANNEL_LABELS,
        LANGUAGE_NAMES=LANGUAGE_NAMES,
        LANGUAGES_IN_TEXT=LANGUAGES_IN_TEXT,
        MESSAGE_STATE_LABELS=MESSAGE_STATE_LABELS,
        MESSAGE_KIND_LABELS=MESSAGE_KIND_LABELS,
        MESSAGE_ERROR_LABELS=MESSAGE_ERROR_LABELS,
    )
