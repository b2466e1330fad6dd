"""The words of each document's own questions (domain/questions.py): labels,
hints, answer choices and error messages, and the form fields they are asked in."""

from flask_babel import format_date, gettext
from wtforms import Field, RadioField, StringField
from wtforms.widgets import TextInput

from kiosk.domain import questions, validation
from kiosk.web.i18n import lazy_gettext as _l

LABELS = {
    "kk_reason": _l("Why do you need a family card?"),
    "head_is_applicant": _l("Are you the head of the family?"),
    "head_name": _l("Full name of the head of the family"),
    "head_nik": _l("NIK of the head of the family"),
    "ktp_reason": _l("Why do you need a KTP-el?"),
    "ktp_recorded": _l(
        "Have you done the biometric recording (perekaman) for the KTP-el?"
    ),
    "child_name": _l("Child's full name"),
    "child_nik": _l("Child's NIK (if the child has one)"),
    "child_sex": _l("Child's sex"),
    "child_birth_date": _l("Child's date of birth"),
    "child_birth_place": _l("Place of birth"),
    "birth_order": _l("Which child of the mother is this?"),
    "parent_relation": _l("Your relation to the child"),
    "mother_name": _l("Mother's full name"),
    "father_name": _l("Father's full name"),
    "deceased_name": _l("Full name of the person who died"),
    "deceased_nik": _l("NIK of the person who died"),
    "death_date": _l("Date of death"),
    "death_place": _l("Place of death"),
    "reporter_relation": _l("Your relation to the person who died"),
    "destination_province": _l("Destination province"),
    "destination_regency": _l("Destination regency or city"),
    "destination_district": _l("Destination district (kecamatan)"),
    "destination_address": _l("Full destination address"),
    "move_reason": _l("Why are you moving?"),
    questions.MEMBERS: _l("Who is moving?"),
}

HINTS = {
    "kk_reason": None,
    "head_is_applicant": _l("The person named first on the family card."),
    "head_name": _l("Only if you are not the head of the family."),
    "head_nik": _l("Only if you are not the head of the family. 16 digits."),
    "ktp_recorded": _l(
        "Photo, fingerprints and signature taken at a Dukcapil office. Everyone "
        "does it once, for their first KTP-el."
    ),
    "child_name": _l("As it should be written on the document."),
    "child_nik": _l("16 digits, on the family card. Leave it empty if there is none."),
    "child_birth_date": _l("For example 27 3 2024."),
    "child_birth_place": _l("The town or regency, for example Muaro Sijunjung."),
    "birth_order": _l("1 for the first child, 2 for the second, and so on."),
    "father_name": _l("Leave it empty if the father is not to be named."),
    "deceased_nik": _l("16 digits, on the KTP-el or family card."),
    "death_date": _l("For example 27 3 2024."),
    "death_place": _l("The hospital, house or town, for example RSUD Sijunjung."),
    "destination_address": _l(
        "Street, house number, RT/RW, village and postcode, as far as you know them."
    ),
    questions.MEMBERS: _l(
        "Everyone on the family card who moves with this letter, yourself "
        "included if you move. Name and NIK as on the family card."
    ),
}

CHOICES = {
    "kk_reason": (
        ("new_family", _l("New family (after marriage)")),
        ("change", _l("Change of members or details (a birth, a death, a move)")),
        ("lost", _l("Lost or damaged card")),
        ("split", _l("Splitting from a family (starting your own card)")),
    ),
    "head_is_applicant": (("yes", _l("Yes")), ("no", _l("No"))),
    "ktp_reason": (
        ("first", _l("First card (at 17 or on marrying)")),
        ("change", _l("Change of details")),
        ("lost", _l("Lost card")),
        ("damaged", _l("Damaged card")),
    ),
    "ktp_recorded": (
        ("yes", _l("Yes, I have done it")),
        ("no", _l("No, not yet")),
    ),
    "child_sex": (("male", _l("Boy")), ("female", _l("Girl"))),
    "parent_relation": (
        ("mother", _l("Mother")),
        ("father", _l("Father")),
        ("guardian", _l("Guardian")),
    ),
    "reporter_relation": (
        ("spouse", _l("Husband or wife")),
        ("child", _l("Child")),
        ("parent", _l("Parent")),
        ("sibling", _l("Brother or sister")),
        ("other_family", _l("Other family")),
        ("other", _l("Other (for example a neighbour or the wali nagari)")),
    ),
    "move_reason": (
        ("work", _l("Work")),
        ("education", _l("Education")),
        ("family", _l("Family")),
        ("housing", _l("Housing")),
        ("health", _l("Health")),
        ("security", _l("Safety")),
        ("other", _l("Other")),
    ),
}

# What to do about each answer left out, in words for that question.
MISSING = {
    "kk_reason": _l("Choose why you need a family card."),
    "head_is_applicant": _l("Choose whether you are the head of the family."),
    "head_name": _l("Enter the full name of the head of the family."),
    "head_nik": _l("Enter the NIK of the head of the family."),
    "ktp_reason": _l("Choose why you need a KTP-el."),
    "ktp_recorded": _l("Choose whether you have done the biometric recording."),
    "child_name": _l("Enter the child's full name."),
    "child_sex": _l("Choose the child's sex."),
    "child_birth_date": _l("Enter the child's date of birth."),
    "child_birth_place": _l("Enter the place of birth."),
    "birth_order": _l("Enter which child of the mother this is."),
    "parent_relation": _l("Choose your relation to the child."),
    "mother_name": _l("Enter the mother's full name."),
    "deceased_name": _l("Enter the full name of the person who died."),
    "deceased_nik": _l("Enter the NIK of the person who died."),
    "death_date": _l("Enter the date of death."),
    "death_place": _l("Enter the place of death."),
    "reporter_relation": _l("Choose your relation to the person who died."),
    "destination_province": _l("Enter the province you are moving to."),
    "destination_regency": _l("Enter the regency or city you are moving to."),
    "destination_district": _l("Enter the district you are moving to."),
    "destination_address": _l("Enter the address you are moving to."),
    "member_name": _l("Enter this person's full name, or clear the row."),
    "member_nik": _l("Enter this person's NIK, or clear the row."),
}

# Said of any name or NIK, the applicant's as well (forms/apply.py).
NAME_CHARACTERS = _l(
    "The name can only contain letters, spaces, full stops, apostrophes and hyphens."
)
NIK_ERRORS = {
    "nik_length": _l("The NIK must be exactly 16 digits."),
    "nik_area": _l(
        "The first 6 digits of the NIK are not a valid area code. Check the "
        "NIK on the KTP-el or family card."
    ),
    "nik_birth_date": _l(
        "Digits 7 to 12 of the NIK are not a valid birth date. Check the NIK "
        "on the KTP-el or family card."
    ),
    "nik_serial": _l("The last 4 digits of the NIK cannot all be zero."),
}

ERRORS = {
    "characters": NAME_CHARACTERS,
    **NIK_ERRORS,
    "date_invalid": _l("Enter a real date: day, month and year, like 27 3 2024."),
    "date_future": _l("The date cannot be in the future."),
    "kia_too_old": _l(
        "A KIA is for children under 17. At 17 a child applies for a KTP-el."
    ),
    "members_missing": _l("Enter at least one person who moves."),
    "member_twice": _l("This NIK is already in the list."),
}


def message(field_name, code, today):
    """The translated message for an error `code` on a form field."""
    if code == "missing":
        key = field_name
        if field_name.startswith("member_"):
            key = "member_nik" if field_name.endswith("_nik") else "member_name"
        return str(MISSING[key])
    if code == "too_long":
        question = questions.QUESTIONS.get(field_name)
        limit = question.max_length if question else 0
        return gettext(
            "The answer must be %(max)d characters or fewer.",
            max=limit or validation.NAME_MAX,
        )
    if code == "order_invalid":
        return gettext(
            "Enter a number from 1 to %(max)d.", max=questions.BIRTH_ORDER_MAX
        )
    if code == "date_too_old":
        first = format_date(questions.earliest_date(today), "long")
        return gettext("The date must be after %(date)s.", date=first)
    return str(ERRORS[code])


class DateInput(TextInput):
    """Drawn by the date_input macro (day, month, year); this is its fallback."""


class DatePartsField(Field):
    """A date asked as three boxes (day, month, year; the GOV.UK pattern):
    typed on any phone or touch screen, without a calendar to scroll through.
    It also takes the whole date in one value (2024-03-27), as forms that
    carry answers on send it. `data` is the date's text; questions.clean checks it."""

    widget = DateInput()

    def process(self, formdata, data=None, extra_filters=None):
        super().process(formdata, data, extra_filters)
        self.parts = ("", "", "")
        if formdata is None:
            return
        parts = tuple(
            formdata.get(f"{self.name}-{p}", "") for p in ("day", "month", "year")
        )
        if any(part.strip() for part in parts):
            self.parts = tuple(part.strip()[:4] for part in parts)
            self.data = "-".join(self.parts)
        elif self.data:
            day = questions.parse_date(self.data)
            if day:
                self.parts = (str(day.day), str(day.month), str(day.year))

    def process_formdata(self, valuelist):
        self.data = valuelist[0] if valuelist else ""

    def _value(self):
        day = questions.parse_date(self.data or "")
        return day.isoformat() if day else (self.data or "")


def form_fields():
    """{field name: unbound field} for every document's questions."""
    fields = {}
    for name, question in questions.QUESTIONS.items():
        if question.kind == questions.CHOICE:
            fields[name] = RadioField(
                LABELS[name], choices=list(CHOICES[name]), validate_choice=False
            )
        elif question.kind == questions.DATE:
            fields[name] = DatePartsField(LABELS[name])
        else:
            fields[name] = StringField(LABELS[name])
    for position in range(1, questions.MEMBERS_MAX + 1):
        name_field, nik_field = questions.member_fields(position)
        fields[name_field] = StringField(_l("Full name"))
        fields[nik_field] = StringField(_l("NIK"))
    return fields


def answer_text(name, value):
    """An answer in words, as the check page and the clerk read it."""
    question = questions.QUESTIONS[name]
    if question.kind == questions.CHOICE:
        return str(dict(CHOICES[name]).get(value, value))
    if question.kind == questions.DATE:
        return format_date(value, "long")
    if question.kind == questions.NIK:
        return validation.nik_display(value)
    return str(value)


def answer_rows(document_code, answers, *, not_asked=None):
    """(question name, label, answer in words, members or None) for each of a
    document's questions; questions left unanswered say "Not given" (or
    `not_asked` for a request made before they were asked)."""
    rows = []
    blank = not_asked if not_asked and not answers else gettext("Not given")
    for name in questions.asked(document_code):
        if name == questions.MEMBERS:
            members = [
                (person, validation.nik_display(nik))
                for person, nik in answers.get(name, ())
            ]
            rows.append((name, str(LABELS[name]), "" if members else blank, members))
            continue
        if not questions.is_asked(name, answers) and answers:
            continue
        value = answers.get(name)
        text = answer_text(name, value) if value not in (None, "") else blank
        rows.append((name, str(LABELS[name]), text, None))
    return rows
