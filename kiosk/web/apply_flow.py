"""The web application form as question pages (the GOV.UK pattern): one topic
a page, the answers kept in the session until the request is sent, "check
your answers" with a link back to each page.

Every page is reached by GET and every accepted answer is a POST followed by
a redirect, so Back and reload never send a form again.
"""

from flask import session, url_for
from werkzeug.datastructures import MultiDict

from kiosk.domain import questions
from kiosk.web.i18n import lazy_gettext as _l

SESSION_KEY = "apply"
# Kept as the whole date (2024-03-27), not as the three boxes it is typed in.
DATE_FIELDS = frozenset(
    n for n, q in questions.QUESTIONS.items() if q.kind == questions.DATE
)
# The request sent last from this browser: Back to the check page shows its
# receipt instead of an empty form.
SENT_KEY = "apply_sent"

DOCUMENT_PAGE = "document"
CHECK_PAGE = "check"
# The applicant's own pages, after the document's; (page, fields).
APPLICANT_PAGES = (
    ("applicant", ("applicant_name", "nik")),
    ("contact", ("phone", "notify")),
    ("address", ("kecamatan", "nagari")),
    ("extra", ("note", "language")),
)

TITLES = {
    DOCUMENT_PAGE: _l("Which document do you need?"),
    "kk_reason": _l("Why do you need a family card?"),
    "kk_head": _l("The head of the family"),
    "ktp_reason": _l("Why do you need a KTP-el?"),
    "ktp_recording": _l("Biometric recording"),
    "kia_child": _l("About the child"),
    "kia_parent": _l("Your relation to the child"),
    "birth_child": _l("About the child"),
    "birth_parents": _l("The child's parents"),
    "death": _l("About the person who died"),
    "death_reporter": _l("Your relation to the person who died"),
    "move_destination": _l("Where are you moving to?"),
    "move_reason": _l("Why are you moving?"),
    "move_members": _l("Who is moving?"),
    "applicant": _l("Your name and NIK"),
    "contact": _l("How can we reach you?"),
    "address": _l("Where do you live?"),
    "extra": _l("Anything else?"),
}

# Pages that ask one question: its label is the page's heading, not repeated.
SINGLE_QUESTION = frozenset(
    {"kk_reason", "ktp_reason", "kia_parent", "death_reporter", "move_reason"}
)


def pages(document_code):
    """(page, fields) in order for a document ("" before one is chosen)."""
    own = [
        (page, tuple(_fields(names))) for page, names in questions.pages(document_code)
    ]
    return [(DOCUMENT_PAGE, ("document_type",)), *own, *APPLICANT_PAGES]


def _fields(names):
    for name in names:
        if name == questions.MEMBERS:
            yield from questions.MEMBER_FIELDS
        else:
            yield name


def page_fields(document_code, page):
    """The fields asked on `page`, or None when the document has no such page."""
    return dict(pages(document_code)).get(page)


def draft():
    """The answers given so far ({field: text}), the form's one-time token,
    the kiosk reference and whether files may have been sent with it
    ("papers", see may_hold_papers), kept in the session."""
    return session.get(SESSION_KEY) or {"answers": {}, "token": "", "via": ""}


def may_hold_papers():
    """Whether the draft may hold files: only once the resident has opened its
    papers page. A session begun before drafts said so counts as one that may."""
    return draft().get("papers", True)


def save(answers=None, **values):
    current = draft()
    if answers is not None:
        current = {**current, "answers": answers}
    session[SESSION_KEY] = {**current, **values}
    session.pop(SENT_KEY, None)


def forget(sent_number):
    """The request was sent: drop its answers, remember its number."""
    session.pop(SESSION_KEY, None)
    session[SENT_KEY] = sent_number


def sent_number():
    return session.get(SENT_KEY)


def formdata(answers, posted=None):
    """The stored answers with what was just posted on top, as a form reads them."""
    data = MultiDict(answers)
    if posted is not None:
        for name in posted:
            data.setlist(name, posted.getlist(name))
    return data


def kept_answers(form, document_code):
    """The answers worth keeping from a form: the fields the document asks
    (answers to another document's questions are dropped with it)."""
    names = [name for _, fields in pages(document_code) for name in fields]
    kept = {}
    for name in names:
        field = form[name]
        value = field._value() if name in DATE_FIELDS else field.data
        if value not in (None, ""):
            kept[name] = str(value)
    return kept


def page_is_complete(form, fields):
    """Whether the answers on a page's fields pass their checks (errors are
    left on the form)."""
    fine = True
    for name in fields:
        fine = form.validate_field(name) and fine
    return fine


def first_incomplete(form, document_code, after=None):
    """The first page (after `after`) whose answers do not pass, or None."""
    started = after is None
    for page, fields in pages(document_code):
        if not started:
            started = page == after
            continue
        if not page_is_complete(form, asked_fields(form, fields)):
            return page
    return None


def asked_fields(form, fields):
    """A page's fields less those the office does not ask."""
    return [name for name in fields if name != "notify" or form.asks_notify]


def members_shown(answers):
    """How many rows of people moving a page shows: those filled and one more."""
    filled = 0
    for position in range(1, questions.MEMBERS_MAX + 1):
        if any(answers.get(field) for field in questions.member_fields(position)):
            filled = position
    return min(filled + 1, questions.MEMBERS_MAX)


def following(document_code, page):
    """The page after `page` in order, or the check page after the last."""
    order = [name for name, _ in pages(document_code)]
    position = order.index(page) if page in order else -1
    return order[position + 1] if position + 1 < len(order) else CHECK_PAGE


def preceding(document_code, page):
    order = [name for name, _ in pages(document_code)]
    position = order.index(page) if page in order else 0
    return order[position - 1] if position > 0 else None


def progress(document_code, page):
    """(position, total) of a page among the document's pages and the check page."""
    order = [name for name, _ in pages(document_code)] + [CHECK_PAGE]
    return order.index(page) + 1, len(order)


def change_links(document_code):
    """{answer: the address of the page that asks it, at its field} for the
    check page's "Change" links; they lead straight back to the check page."""
    links = {}
    for page, fields in pages(document_code):
        for name in fields:
            if page == DOCUMENT_PAGE:
                address = url_for("apply.start", change=1)
            else:
                address = url_for("apply.question", page=page, change=1)
            links.setdefault(name, f"{address}#{name}")
    links[questions.MEMBERS] = links.get(questions.member_fields(1)[0])
    return links
