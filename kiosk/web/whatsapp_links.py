"""WhatsApp click-to-chat and SMS links that tell a resident about their request.

The message is in the resident's language, whatever language the clerk's
console is in, and links to the tracking page in that language too.
"""

from urllib.parse import quote, urlencode

from flask import g
from flask_babel import force_locale, gettext

from kiosk.web import notifications
from kiosk.web.i18n import STATUS_LABELS
from kiosk.web.templating import public_url


def _chat_link(submission, compose):
    """wa.me with the message compose(language) wrote in the resident's
    language; None when the request has no phone number."""
    if not submission.phone:
        return None
    language = submission.language
    with force_locale(language):
        message = compose(language)
    return (
        "https://wa.me/"
        + submission.phone.lstrip("+")
        + "?"
        + urlencode({"text": message})
    )


def _tracking_url(submission):
    return public_url(
        "public.tracking_page", number=submission.number, lang=submission.language
    )


def recorded_link(submission):
    """The tracking number of a request just recorded."""

    def compose(language):
        return gettext(
            "%(office)s: your request for %(document)s has been recorded. "
            "Tracking number: %(number)s. Follow its progress at %(url)s",
            office=g.office.localized("office_name", language),
            document=submission.document_type.name(language),
            number=submission.display_number,
            url=_tracking_url(submission),
        )

    return _chat_link(submission, compose)


def status_link(submission, note=""):
    """The request's status now, with the office's note for it if there is one."""

    def compose(language):
        message = gettext(
            "%(office)s: your request %(number)s for %(document)s is now "
            "“%(status)s”. Details: %(url)s",
            office=g.office.localized("office_name", language),
            number=submission.display_number,
            document=submission.document_type.name(language),
            status=str(STATUS_LABELS[submission.status]),
            url=_tracking_url(submission),
        )
        if note:
            message += "\n\n" + gettext("Note from the office: %(note)s", note=note)
        return message

    return _chat_link(submission, compose)


def sms_status_link(submission, note=""):
    """An sms: link with the status message written as the outbox's SMS would
    be (one part), for when no gateway sends SMS; None without a mobile number
    or when the office's provider sends SMS itself."""
    if not (submission.phone or "").startswith("+628"):
        return None
    if "sms" in notifications.offered_channels():
        return None
    text = notifications.current_status_text(submission, note, "sms")
    return f"sms:{submission.phone}?body={quote(text)}"
