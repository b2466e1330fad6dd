"""What residents are told, and when: the outbox's messages written from the
services' in-transaction signals (services/signals.py).

Each message is composed here, in the request's language, and stored in the
outbox by the same transaction as its event; the worker only delivers it. An
SMS is kept to one part (domain/sms.py): 160 characters of the 7-bit alphabet,
the note shortened if need be. WhatsApp gets the whole note, and the template
values a provider such as Meta's Cloud API fills its approved template with.
"""

import datetime as dt
import json
import logging

from flask import current_app, g, has_app_context, has_request_context
from flask_babel import force_locale, format_time, gettext

from kiosk.data.models import (
    MESSAGE_CHANNELS,
    MessageChoice,
    OfficeSettings,
    OutboxMessage,
    Submission,
    utcnow,
)
from kiosk.domain import sms, workflow
from kiosk.services import delivery, message_queue, outbox, providers, signals
from kiosk.web import caches
from kiosk.web.i18n import STATUS_LABELS
from kiosk.web.i18n import lazy_gettext as _l
from kiosk.web.templating import public_url

log = logging.getLogger(__name__)

# Statuses a resident is always told of: they need the resident, or end the
# request. The others only when the office chooses (NotificationSettings).
NEEDS_RESIDENT = (workflow.NEEDS_INFO, workflow.READY, workflow.REJECTED)
OPTIONAL = (workflow.VERIFYING, workflow.PROCESSING, workflow.COMPLETED)
STATUS = "status"
# The evening before a collection, office time.
REMINDER_AT = dt.time(17, 0)
# Open requests whose numbers one lost-number request sends, at most.
LOST_NUMBER_MOST = 3
# Lost-number messages one request gets in a day, however often it is asked.
LOST_NUMBER_PER_DAY = 3
_STRETCH = "\x00"  # where the part an SMS may shorten goes

# Each kind's message, and its values in the order a template provider (the
# WhatsApp Cloud API) fills its approved template with them (README); the
# sender, first, is written into the template itself.
TEXTS = {
    outbox.SUBMITTED: (
        _l("%(sender)s: request received, number %(number)s. Follow it at %(url)s"),
        ("sender", "number", "url"),
    ),
    workflow.NEEDS_INFO: (
        _l("%(sender)s: request %(number)s needs more from you: %(note)s. See %(url)s"),
        ("sender", "number", "note", "url"),
    ),
    workflow.READY: (
        _l(
            "%(sender)s: your document (%(number)s) is ready. Bring your KTP-el. "
            "Book a time: %(url)s"
        ),
        ("sender", "number", "url"),
    ),
    workflow.REJECTED: (
        _l("%(sender)s: request %(number)s cannot be processed: %(note)s. See %(url)s"),
        ("sender", "number", "note", "url"),
    ),
    STATUS: (
        _l('%(sender)s: request %(number)s is now "%(status)s". See %(url)s'),
        ("sender", "number", "status", "url"),
    ),
    outbox.REMINDER: (
        _l(
            "%(sender)s: collect %(number)s tomorrow at %(time)s. Bring your KTP-el. "
            "Details: %(url)s"
        ),
        ("sender", "number", "time", "url"),
    ),
    outbox.LOST_NUMBER: (
        _l(
            "%(sender)s: the tracking number of your %(note)s request is "
            "%(number)s. Follow it at %(url)s"
        ),
        ("sender", "note", "number", "url"),
    ),
}


def compose(kind, channel, language, values):
    """(text, template values as JSON) of one message in `language`.

    An SMS is written in the 7-bit alphabet and its "note" shortened so that
    the whole fits one part; WhatsApp gets everything."""
    template, order = TEXTS[kind]
    with force_locale(language):
        pattern = str(template)
    if channel == "sms":
        plain = {name: sms.to_gsm7(str(value)) for name, value in values.items()}
        head, _, tail = (pattern % {**plain, "note": _STRETCH}).partition(_STRETCH)
        text = sms.fit(sms.to_gsm7(head), plain.get("note", ""), sms.to_gsm7(tail))
    else:
        text = pattern % values
    # The sender is written into a registered template, not filled in.
    params = json.dumps([str(values.get(name, "")) for name in order[1:]])
    return text, params


def _public(endpoint, **values):
    """An absolute public address, also outside a request (a command)."""
    if has_request_context():
        return public_url(endpoint, **values)
    base = current_app.config.get("PUBLIC_BASE_URL") or (
        OfficeSettings.saved().public_base_url or "http://localhost"
    )
    with current_app.test_request_context(base_url=base):
        return public_url(endpoint, **values)


def _tracking_url(submission, endpoint="public.tracking_page"):
    # Indonesian is the default: an SMS spares the characters of "?lang=id".
    lang = submission.language if submission.language != "id" else None
    return _public(endpoint, number=submission.number, lang=lang)


def _settings():
    """The notification settings (kept by the app's cache, web/caches.py)."""
    return caches.message_settings()


def _queue(submission, kind, channel, values, not_before=None):
    """Write one message to the outbox (inside the event's transaction) and
    remember it, so the worker is woken once the transaction commits."""
    settings = _settings()
    text, params = compose(
        kind,
        channel,
        submission.language,
        {"sender": settings.sender_name, "number": submission.display_number, **values},
    )
    message = outbox.enqueue(
        submission_id=submission.id,
        kind=kind,
        channel=channel,
        recipient=submission.phone,
        language=submission.language,
        text=text,
        params=params,
        not_before=not_before,
        quiet=delivery.quiet_hours(settings),
    )
    if has_request_context():
        g.setdefault("queued_messages", []).append(message.id)
    return message


def _sending():
    """Whether messages go out at all (the admin chose a provider)."""
    return has_app_context() and _settings().provider != "none"


def offered_channels():
    """The channels a resident can choose now (none: the question is not asked)."""
    settings = _settings()
    provider = providers.build(settings.provider, current_app.config)
    return provider.channels if provider else ()


def on_request_stored(submission, answers=None, **_):
    """The resident's choice, and their tracking number by it."""
    channel = (answers or {}).get("notify")
    if channel not in MESSAGE_CHANNELS or not submission.phone or not _sending():
        return
    MessageChoice.create(submission=submission.id, channel=channel)
    _queue(submission, outbox.SUBMITTED, channel, {"url": _tracking_url(submission)})


def on_status_moving(submission, target=None, public_note="", **_):
    """A message for a status the resident needs to know of."""
    if not has_app_context():
        return
    if target != workflow.READY:
        outbox.cancel_waiting(submission.id, outbox.REMINDER)
    if not _sending() or not submission.phone:
        return
    choice = MessageChoice.get_or_none(MessageChoice.submission == submission.id)
    if choice is None:
        return
    if target in NEEDS_RESIDENT:
        kind = target
    elif target in OPTIONAL and _settings().other_statuses:
        kind = STATUS
    else:
        return
    endpoint = "collection.choose" if target == workflow.READY else None
    with force_locale(submission.language):
        status = str(STATUS_LABELS[target])
    values = {
        "url": _tracking_url(submission, endpoint or "public.tracking_page"),
        "note": public_note,
        "status": status,
    }
    _queue(submission, kind, choice.channel, values)


def current_status_text(submission, note, channel):
    """The message for the request's status now, as the outbox would send it
    (for a clerk's hand-sent SMS, web/whatsapp_links.py)."""
    status = submission.status
    with force_locale(submission.language):
        label = str(STATUS_LABELS[status])
    if status == workflow.SUBMITTED:
        kind = outbox.SUBMITTED
    elif status in NEEDS_RESIDENT and (note or status == workflow.READY):
        kind = status
    else:
        kind = STATUS
    endpoint = "collection.choose" if status == workflow.READY else None
    values = {
        "sender": _settings().sender_name,
        "number": submission.display_number,
        "url": _tracking_url(submission, endpoint or "public.tracking_page"),
        "note": note,
        "status": label,
    }
    return compose(kind, channel, submission.language, values)[0]


def on_booking_changed(submission_id, start=None, **_):
    """A reminder the evening before the collection time (none when that
    evening has passed); a moved or cancelled booking's reminder is withdrawn."""
    if not has_app_context():
        return
    outbox.cancel_waiting(submission_id, outbox.REMINDER)
    if start is None or not _sending():
        return
    choice = MessageChoice.get_or_none(MessageChoice.submission == submission_id)
    submission = Submission.get_by_id(submission_id)
    if choice is None or not submission.phone:
        return
    zone = delivery.quiet_hours(_settings()).zone
    evening = dt.datetime.combine(
        start.date() - dt.timedelta(days=1), REMINDER_AT, tzinfo=zone
    )
    remind_at = evening.astimezone(dt.UTC).replace(tzinfo=None)
    if remind_at <= utcnow():
        return
    with force_locale(submission.language):
        time = format_time(start.time(), "short")  # "08.30", "8:30 AM"
    values = {"time": time, "url": _tracking_url(submission)}
    _queue(submission, outbox.REMINDER, choice.channel, values, not_before=remind_at)


def send_lost_numbers(nik, phone):
    """Queue the numbers of the open requests made with this NIK and phone
    number, to that phone; returns how many. Inside the caller's transaction."""
    if not _sending():
        return 0
    channels = offered_channels()
    found = (
        Submission.select()
        .where(
            (Submission.nik == nik)
            & (Submission.phone == phone)
            & Submission.status.in_(workflow.OPEN)
        )
        .order_by(Submission.created_at.desc())
        .limit(LOST_NUMBER_MOST)
    )
    count = 0
    day_ago = utcnow() - dt.timedelta(days=1)
    for submission in found:
        already = (
            OutboxMessage.select()
            .where(
                (OutboxMessage.submission == submission.id)
                & (OutboxMessage.kind == outbox.LOST_NUMBER)
                & (OutboxMessage.created_at > day_ago)
            )
            .count()
        )
        if already >= LOST_NUMBER_PER_DAY:  # spare the phone a flood
            continue
        choice = MessageChoice.get_or_none(MessageChoice.submission == submission.id)
        channel = choice.channel if choice else (channels[0] if channels else None)
        if channel is None:
            continue
        _queue(
            submission,
            outbox.LOST_NUMBER,
            channel,
            {
                "note": submission.document_type.name(submission.language),
                "url": _tracking_url(submission),
            },
        )
        count += 1
    return count


def wake_worker(response):
    """after_request: hand the messages this request queued to the worker at
    once (its sweep finds any it misses, within a minute)."""
    queued = g.pop("queued_messages", None)
    if queued:
        try:
            tasks = message_queue.tasks_of(current_app._get_current_object())
            for message_id in queued:
                tasks.deliver(message_id)
        except Exception:  # the queue's storage is down: the sweep will send
            log.exception("could not wake the message worker")
    return response


def init_app(app):
    """Listen to the services' in-transaction signals (once per process)."""
    signals.request_stored.connect(on_request_stored)
    signals.status_moving.connect(on_status_moving)
    signals.booking_changed.connect(on_booking_changed)


def template_bodies(language, sender):
    """[(template name suffix, body)] as a WhatsApp template is registered:
    the sender written out, each other value a numbered placeholder ({{1}} the
    first), and a closing line, since Meta refuses a body that starts or ends
    with a placeholder (README, admin page)."""
    bodies = []
    with force_locale(language):
        closing = gettext("This message was sent automatically.")
        for kind, (template, order) in TEXTS.items():
            numbered = {name: f"{{{{{i}}}}}" for i, name in enumerate(order)}
            numbered["sender"] = sender
            bodies.append((kind, f"{str(template) % numbered}\n\n{closing}"))
    return bodies
