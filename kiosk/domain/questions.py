"""What each document asks about the person or event it is for, so a clerk
can start work without phoning the applicant (pure, no Flask).

A question has a name (the form field and the stored key), a kind that says
how its answer is checked, and for people a role: the names and NIKs of
people go to their own table, where staff search finds them. Forms turn the
error codes raised here into translated messages.
"""

import datetime as dt
from dataclasses import dataclass

from kiosk.domain import validation

# Kinds of answer.
NAME = "name"
NIK = "nik"
TEXT = "text"
DATE = "date"
CHOICE = "choice"
NUMBER = "number"

PLACE_MAX = 60
ADDRESS_MAX = 200
BIRTH_ORDER_MAX = 20
# Oldest date a birth or death can be recorded for.
YEARS_BACK = 120
# A child ID card (KIA) is for children under 17; at 17 it is a KTP-el.
KIA_AGE_LIMIT = 17
# People moving with one relocation letter, on one form.
MEMBERS_MAX = 10


@dataclass(frozen=True)
class Question:
    name: str
    kind: str
    choices: tuple = ()
    required: bool = True
    # Asked only when another question has this answer: (question, answer).
    asked_when: tuple | None = None
    # For the name or NIK of a person: (role, "name" or "nik").
    person: tuple | None = None
    max_length: int = 0


def _q(name, kind, **options):
    return Question(name, kind, **options)


QUESTIONS = {
    q.name: q
    for q in (
        _q("kk_reason", CHOICE, choices=("new_family", "change", "lost", "split")),
        _q("head_is_applicant", CHOICE, choices=("yes", "no")),
        _q(
            "head_name",
            NAME,
            asked_when=("head_is_applicant", "no"),
            person=("head", "name"),
        ),
        _q(
            "head_nik",
            NIK,
            asked_when=("head_is_applicant", "no"),
            person=("head", "nik"),
        ),
        _q("ktp_reason", CHOICE, choices=("first", "change", "lost", "damaged")),
        _q("ktp_recorded", CHOICE, choices=("yes", "no")),
        _q("child_name", NAME, person=("child", "name")),
        _q("child_nik", NIK, required=False, person=("child", "nik")),
        _q("child_sex", CHOICE, choices=("male", "female")),
        _q("child_birth_date", DATE),
        _q("child_birth_place", TEXT, max_length=PLACE_MAX),
        _q("birth_order", NUMBER),
        _q("parent_relation", CHOICE, choices=("mother", "father", "guardian")),
        _q("mother_name", NAME, person=("mother", "name")),
        _q("father_name", NAME, required=False, person=("father", "name")),
        _q("deceased_name", NAME, person=("deceased", "name")),
        _q("deceased_nik", NIK, person=("deceased", "nik")),
        _q("death_date", DATE),
        _q("death_place", TEXT, max_length=PLACE_MAX),
        _q(
            "reporter_relation",
            CHOICE,
            choices=("spouse", "child", "parent", "sibling", "other_family", "other"),
        ),
        _q("destination_province", TEXT, max_length=PLACE_MAX),
        _q("destination_regency", TEXT, max_length=PLACE_MAX),
        _q("destination_district", TEXT, max_length=PLACE_MAX),
        _q("destination_address", TEXT, max_length=ADDRESS_MAX),
        _q(
            "move_reason",
            CHOICE,
            choices=(
                "work",
                "education",
                "family",
                "housing",
                "health",
                "security",
                "other",
            ),
        ),
    )
}

# The people moving with a relocation letter: rows of a name and a NIK, asked
# as member_1_name, member_1_nik, ... on forms.
MEMBERS = "members"
MEMBER_ROLE = "member"

# Each document's questions, a page (one topic) at a time, in order. A type
# the admin adds asks nothing more than the applicant's details.
PAGES = {
    "KK": (
        ("kk_reason", ("kk_reason",)),
        ("kk_head", ("head_is_applicant", "head_name", "head_nik")),
    ),
    "KTP": (
        ("ktp_reason", ("ktp_reason",)),
        ("ktp_recording", ("ktp_recorded",)),
    ),
    "KIA": (
        ("kia_child", ("child_name", "child_nik", "child_birth_date")),
        ("kia_parent", ("parent_relation",)),
    ),
    "AKL": (
        (
            "birth_child",
            (
                "child_name",
                "child_sex",
                "child_birth_date",
                "child_birth_place",
                "birth_order",
            ),
        ),
        ("birth_parents", ("mother_name", "father_name")),
    ),
    "AKM": (
        ("death", ("deceased_name", "deceased_nik", "death_date", "death_place")),
        ("death_reporter", ("reporter_relation",)),
    ),
    "PINDAH": (
        (
            "move_destination",
            (
                "destination_province",
                "destination_regency",
                "destination_district",
                "destination_address",
            ),
        ),
        ("move_reason", ("move_reason",)),
        ("move_members", (MEMBERS,)),
    ),
}

# Every page name, whichever document asks it.
PAGE_NAMES = tuple(name for pages in PAGES.values() for name, _ in pages)


def pages(document_code):
    """(page name, question names) of a document's own questions, in order."""
    return PAGES.get(document_code, ())


def asked(document_code):
    """The question names a document asks, in order (MEMBERS for the list)."""
    return [name for _, names in pages(document_code) for name in names]


def member_fields(position):
    """The form fields of the `position`th person moving (1-based)."""
    return f"member_{position}_name", f"member_{position}_nik"


MEMBER_FIELDS = tuple(
    field for position in range(1, MEMBERS_MAX + 1) for field in member_fields(position)
)


def form_fields(document_code):
    """The form fields a document's questions are answered in, in order."""
    fields = []
    for name in asked(document_code):
        fields.extend(MEMBER_FIELDS if name == MEMBERS else (name,))
    return fields


def is_asked(question, answers):
    """Whether `question` applies given the other `answers` (raw or clean)."""
    condition = QUESTIONS[question].asked_when
    return condition is None or answers.get(condition[0]) == condition[1]


def clean(document_code, raw, today):
    """Check a document's answers (`raw`: field name → text).

    Returns (answers, errors): the clean answers by question name (the
    members as a list of (name, NIK)), and error codes by form field name.
    Questions that do not apply (asked_when) are left out.
    """
    answers, errors = {}, {}
    for name in asked(document_code):
        if name == MEMBERS:
            members, member_errors = _clean_members(raw)
            answers[MEMBERS] = members
            errors.update(member_errors)
            continue
        if not is_asked(name, raw):
            continue
        try:
            value = clean_one(name, raw.get(name, ""), today)
        except validation.Invalid as error:
            errors[name] = error.code
            continue
        if value not in ("", None):
            answers[name] = value
    if document_code == "KIA" and "child_birth_date" in answers:
        if _age(answers["child_birth_date"], today) >= KIA_AGE_LIMIT:
            errors["child_birth_date"] = "kia_too_old"
            del answers["child_birth_date"]
    return answers, errors


def clean_one(name, text, today):
    """One answer checked by its question's kind ("" for an optional blank)."""
    question = QUESTIONS[name]
    text = validation.clean_text(text)
    if not text:
        if question.required:
            raise validation.Invalid("missing")
        return ""
    if question.kind == NAME:
        return _name(text)
    if question.kind == NIK:
        return validation.nik(text)
    if question.kind == CHOICE:
        if text not in question.choices:
            raise validation.Invalid("missing")
        return text
    if question.kind == DATE:
        return _past_date(text, today)
    if question.kind == NUMBER:
        number = validation.plain_int(text, max_digits=2)
        if number is None or not 1 <= number <= BIRTH_ORDER_MAX:
            raise validation.Invalid("order_invalid")
        return number
    if len(text) > question.max_length:
        raise validation.Invalid("too_long")
    return text


def _name(text):
    try:
        return validation.name(text)
    except validation.Invalid as error:
        # name_missing cannot happen here: the text is not blank.
        raise validation.Invalid(error.code.removeprefix("name_")) from None


def _clean_members(raw):
    """The people moving: rows with a name or a NIK, each needing both."""
    members, errors = [], {}
    for position in range(1, MEMBERS_MAX + 1):
        name_field, nik_field = member_fields(position)
        name_text = validation.clean_text(raw.get(name_field, ""))
        nik_text = validation.clean_text(raw.get(nik_field, ""))
        if not name_text and not nik_text:
            continue
        row = []
        for field, text, check in (
            (name_field, name_text, _name),
            (nik_field, nik_text, validation.nik),
        ):
            try:
                if not text:
                    raise validation.Invalid("missing")
                row.append(check(text))
            except validation.Invalid as error:
                errors[field] = error.code
        if len(row) == 2:
            members.append(tuple(row))
    if not members and not errors:
        errors[member_fields(1)[0]] = "members_missing"
    niks = [nik for _, nik in members]
    for position, (_, nik) in enumerate(members, start=1):
        if niks.count(nik) > 1 and niks.index(nik) != position - 1:
            errors[member_fields(position)[1]] = "member_twice"
    return members, errors


def parse_date(text):
    """A date typed as 2024-03-01, 1-3-2024 or 01/03/2024; None when it is not one."""
    text = text.strip().replace("/", "-").replace(".", "-")
    parts = text.split("-")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() for p in parts):
        return None
    if len(parts[0]) == 4:
        year, month, day = parts
    else:
        day, month, year = parts
    if len(year) != 4:
        return None
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def _past_date(text, today):
    day = parse_date(text)
    if day is None:
        raise validation.Invalid("date_invalid")
    if day > today:
        raise validation.Invalid("date_future")
    if day < earliest_date(today):
        raise validation.Invalid("date_too_old")
    return day


def earliest_date(today):
    """The first day a birth or death can be recorded for."""
    try:
        return today.replace(year=today.year - YEARS_BACK)
    except ValueError:  # 29 February
        return today.replace(year=today.year - YEARS_BACK, day=28)


def _age(born, today):
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def as_text(name, value):
    """An answer as it is stored and carried in forms: dates as ISO, numbers as digits."""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def to_form(answers):
    """Clean answers back to form field values (name → text)."""
    fields = {}
    for name, value in answers.items():
        if name == MEMBERS:
            for position, (member_name, nik) in enumerate(value, start=1):
                name_field, nik_field = member_fields(position)
                fields[name_field], fields[nik_field] = member_name, nik
        else:
            fields[name] = as_text(name, value)
    return fields


def people(answers):
    """(role, position, name, NIK or None) of the people named in `answers`."""
    found = {}
    for name, value in answers.items():
        person = name in QUESTIONS and QUESTIONS[name].person
        if person:
            role, part = person
            found.setdefault(role, {"name": "", "nik": None})[part] = value
    rows = [(role, 1, p["name"], p["nik"]) for role, p in found.items()]
    rows += [
        (MEMBER_ROLE, position, member_name, nik)
        for position, (member_name, nik) in enumerate(answers.get(MEMBERS, ()), 1)
    ]
    return rows


def plain_answers(answers):
    """(question, stored text) of the answers that are not a person's name or NIK."""
    return [
        (name, as_text(name, value))
        for name, value in answers.items()
        if name != MEMBERS and not QUESTIONS[name].person
    ]


def from_rows(plain_rows, people_rows):
    """Answers read back from storage: (question, text) and
    (role, position, name, NIK) rows."""
    answers = {}
    for name, text in plain_rows:
        question = QUESTIONS.get(name)
        if question is None:
            continue
        if question.kind == DATE:
            answers[name] = dt.date.fromisoformat(text)
        elif question.kind == NUMBER:
            answers[name] = int(text)
        else:
            answers[name] = text
    by_role = {q.person: q.name for q in QUESTIONS.values() if q.person}
    members = []
    for role, _, person_name, nik in sorted(people_rows, key=lambda r: (r[0], r[1])):
        if role == MEMBER_ROLE:
            members.append((person_name, nik))
            continue
        if (role, "name") in by_role:
            answers[by_role[(role, "name")]] = person_name
        if nik and (role, "nik") in by_role:
            answers[by_role[(role, "nik")]] = nik
    if members:
        answers[MEMBERS] = members
    return answers
