"""The application form, shared by the web, the kiosk and staff intake."""

import secrets

from flask_babel import gettext
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import ValidationError

from kiosk.data.models import LANGUAGES
from kiosk.domain import questions, validation
from kiosk.services import submissions
from kiosk.web import caches, notifications
from kiosk.web.dates import office_today
from kiosk.web.forms import details
from kiosk.web.i18n import LANGUAGE_NAMES
from kiosk.web.i18n import lazy_gettext as _l

MESSAGES = {
    "document_type_missing": _l("Choose the document you need."),
    "name_missing": _l("Enter the applicant's full name."),
    "name_too_long": _l("The name must be 100 characters or fewer."),
    "name_characters": details.NAME_CHARACTERS,
    "nik_missing": _l("Enter the applicant's NIK."),
    **details.NIK_ERRORS,
    "phone_format": _l(
        "Enter an Indonesian phone number, like 0812 3456 7890 or +62 812 3456 7890."
    ),
    "kecamatan_missing": _l("Choose the district (kecamatan)."),
    "nagari_missing": _l("Enter the village (nagari)."),
    "nagari_too_long": _l("The village name must be 60 characters or fewer."),
    "note_too_long": _l(
        "The note must be %(max)d characters or fewer.",
        max=validation.RESIDENT_NOTE_MAX,
    ),
    "text_characters": _l("Remove the special control characters from this text."),
    "language_missing": _l("Choose the language for messages about this request."),
    "notify_missing": _l("Choose how we should tell you about this request."),
    "notify_needs_phone": _l(
        "Enter a mobile number above to get messages, or choose no messages."
    ),
    "notify_needs_mobile": _l(
        "Messages can only go to a mobile number (starting 08). Enter one above, "
        "or choose no messages."
    ),
    "consent_missing": _l(
        "Confirm that the details are correct and that the office may use them "
        "to process this request."
    ),
}

NOTIFY_CHOICES = (("whatsapp", _l("By WhatsApp")), ("sms", _l("By SMS")))
NO_MESSAGES = _l("No messages: I will check the tracking page myself")

# Fields in page order; the error summary follows it. A document's own
# questions come right after the document (DETAIL_FIELDS: all documents').
FIELD_ORDER = (*submissions.ANSWERS, "consent")
DETAIL_FIELDS = tuple(details.form_fields())


def _checked_by(clean):
    """A WTForms validator that stores the cleaned value or reports its message."""

    def check(form, field):
        try:
            field.data = clean(field.data)
        except validation.Invalid as error:
            raise ValidationError(MESSAGES[error.code]) from None

    return check


# The fields ApplicationForm.__init__ sets up, bound on every page.
ALWAYS_BOUND = frozenset(
    ("document_type", "kecamatan", "language", "notify", "form_token")
)
_CLASSES_WITH_ONLY = {}  # frozenset of field names -> form class


def _field_names(form_class):
    return [
        name
        for name in dir(form_class)
        if hasattr(getattr(form_class, name, None), "_formfield")
    ]


class ApplicationForm(FlaskForm):
    """What a resident (or staff on their behalf) fills in to apply."""

    document_type = RadioField(_l("Document"), validate_choice=False)
    applicant_name = StringField(
        _l("Full name"), validators=[_checked_by(validation.name)]
    )
    nik = StringField(_l("NIK"), validators=[_checked_by(validation.nik)])
    phone = StringField(
        _l("Phone or WhatsApp number (optional)"),
        description=_l("We use it only to contact you about this request."),
        validators=[_checked_by(validation.phone)],
    )
    notify = RadioField(
        _l("Messages about this request"),
        description=_l(
            "We send your tracking number now, and a message when we need "
            "something from you, when your document is ready (with a reminder "
            "the day before the time you book to collect it) or if we cannot "
            "process it. Nothing else, and never advertising."
        ),
        validate_choice=False,
    )
    kecamatan = RadioField(_l("District (kecamatan)"), validate_choice=False)
    nagari = StringField(
        _l("Village (nagari)"), validators=[_checked_by(validation.nagari)]
    )
    note = TextAreaField(
        _l("Note for the office (optional)"), validators=[_checked_by(validation.note)]
    )
    language = RadioField(
        _l("Language for messages about this request"), validate_choice=False
    )
    consent = BooleanField(
        _l(
            "The details are correct and the office may use them to process this "
            "request."
        )
    )
    form_token = HiddenField()

    def __init__(self, *args, locale="id", **kwargs):
        super().__init__(*args, **kwargs)
        self.details = {}
        self.document_types = {t.code: t for t in caches.document_types()}
        self.document_type.choices = [
            (code, t.name(locale)) for code, t in self.document_types.items()
        ]
        self.areas = caches.office_settings().area_list()
        self.kecamatan.choices = [(a, a) for a in self.areas]
        self.language.choices = [("id", "Bahasa Indonesia"), ("en", "English")]
        channels = notifications.offered_channels()
        self.notify.choices = [
            (code, label) for code, label in NOTIFY_CHOICES if code in channels
        ]
        if self.notify.choices:
            self.notify.choices.append(("none", NO_MESSAGES))

    @classmethod
    def with_only(cls, names):
        """This form with only the fields `names` and those __init__ sets up:
        what one question page shows. Binding all of its sixty-odd fields
        cost each page about 1.3 ms, for the few it asks."""
        kept = frozenset(names) | ALWAYS_BOUND
        found = _CLASSES_WITH_ONLY.get(kept)
        if found is None:
            dropped = {name: None for name in _field_names(cls) if name not in kept}
            found = type(f"{cls.__name__}Part", (cls,), dropped)
            _CLASSES_WITH_ONLY[kept] = found  # one per page and document
        return found

    @classmethod
    def for_document(cls, code):
        """This form with the fields a request for document `code` is
        answered in: its own questions, not the other documents'."""
        return cls.with_only((*FIELD_ORDER, *questions.form_fields(code)))

    @property
    def asks_notify(self):
        """Whether residents choose how to be told (the office sends messages)."""
        return bool(self.notify.choices)

    def validate_document_type(self, field):
        if field.data not in self.document_types:
            raise ValidationError(MESSAGES["document_type_missing"])

    def validate_kecamatan(self, field):
        if field.data not in self.areas:
            raise ValidationError(MESSAGES["kecamatan_missing"])

    def validate_language(self, field):
        if field.data not in LANGUAGES:
            raise ValidationError(MESSAGES["language_missing"])

    def validate_notify(self, field):
        if not self.asks_notify:
            field.data = ""
            return
        if field.data not in dict(self.notify.choices):
            raise ValidationError(MESSAGES["notify_missing"])
        if field.data == "none" or self.phone.errors:
            return
        phone = self.phone.data or ""
        if not phone:
            raise ValidationError(MESSAGES["notify_needs_phone"])
        if not phone.startswith("+628"):
            raise ValidationError(MESSAGES["notify_needs_mobile"])

    def validate_consent(self, field):
        if not field.data:
            raise ValidationError(MESSAGES["consent_missing"])

    def ensure_token(self):
        """Give a newly shown form its one-time token (kept when sent back)."""
        if not self.form_token.data:
            self.form_token.data = secrets.token_urlsafe(24)

    @property
    def chosen_type(self):
        return self.document_types.get(self.document_type.data)

    @staticmethod
    def detail_kind(name):
        """The kind of a document's own question (None for other fields)."""
        question = questions.QUESTIONS.get(name)
        return question.kind if question else None

    @staticmethod
    def detail_hint(name):
        return details.HINTS.get(name)

    @staticmethod
    def detail_label(name):
        return details.LABELS[name]

    @property
    def detail_fields(self):
        """The form fields of the chosen document's own questions, in order."""
        chosen = self.chosen_type
        return questions.form_fields(chosen.code) if chosen else []

    def all_fields(self):
        """Every field the chosen document asks, in page order."""
        return [FIELD_ORDER[0], *self.detail_fields, *FIELD_ORDER[1:]]

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        return self.validate_details() and valid

    def validate_details(self, only=None):
        """Check the chosen document's own questions (all, or the fields in
        `only`); the clean answers go to `self.details`. True when fine."""
        self.details = {}
        chosen = self.chosen_type
        if chosen is None:
            return True
        raw = {name: self[name].data or "" for name in self.detail_fields}
        self.details, problems = questions.clean(chosen.code, raw, office_today())
        fine = True
        for name, code in problems.items():
            if only is None or name in only:
                self[name].errors = [details.message(name, code, office_today())]
                fine = False
        members_fine = not any(name in questions.MEMBER_FIELDS for name in problems)
        if members_fine:
            # The people moving, written back in order without the rows left
            # empty; while one is wrong, left as typed so each message stays
            # beside its own row.
            for name in set(self.detail_fields) & set(questions.MEMBER_FIELDS):
                self[name].data = ""
        for name, text in questions.to_form(self.details).items():
            if members_fine or name not in questions.MEMBER_FIELDS:
                self[name].data = text
        return fine

    def errors_in_order(self):
        """(field name, first message) for each field with an error, in page order."""
        return [
            (name, self[name].errors[0])
            for name in self.all_fields()
            if name in self._fields and self[name].errors
        ]

    def validate_field(self, name):
        """Validate one field alone (for in-place checks); True when it is fine."""
        if name in DETAIL_FIELDS:
            return self.validate_details(only=(name,))
        field = self[name]
        # From the class: WTForms calls extra validators as validator(form, field).
        extra = getattr(type(self), f"validate_{name}", None)
        return field.validate(self, [extra] if extra else [])

    def answer_rows(self, locale):
        """(field name, label, answer in words) for "check your answers"."""
        chosen = self.chosen_type
        phone = validation.phone_display(self.phone.data or "")
        in_words = {
            "document_type": (
                gettext("Document"),
                chosen.name(locale) if chosen else "",
            ),
            "nik": (self.nik.label.text, validation.nik_display(self.nik.data or "")),
            "phone": (
                gettext("Phone or WhatsApp number"),
                phone or gettext("Not given"),
            ),
            "note": (gettext("Note for the office"), self.note.data or gettext("None")),
            "language": (
                gettext("Language for messages"),
                LANGUAGE_NAMES.get(self.language.data, ""),
            ),
            "notify": (
                gettext("Messages about this request"),
                dict(self.notify.choices).get(self.notify.data, ""),
            ),
        }
        rows = [
            (name, *in_words.get(name, (self[name].label.text, self[name].data)))
            for name in submissions.ANSWERS
            if name != "notify" or self.asks_notify
        ]
        if chosen:
            own = details.answer_rows(chosen.code, self.details)
            rows[1:1] = [
                (name, label, people or text) for name, label, text, people in own
            ]
        # Text, or a list of (name, NIK) for the people moving.
        return [
            (name, label, value if isinstance(value, list) else str(value or ""))
            for name, label, value in rows
        ]

    def cleaned(self):
        """The validated answers, ready for submissions.create()."""
        answers = {name: self[name].data for name in submissions.ANSWERS}
        answers["document_type"] = self.chosen_type
        answers["details"] = self.details
        return answers


# Every document's own questions (shown only for the chosen document).
for _name, _field in details.form_fields().items():
    setattr(ApplicationForm, _name, _field)
