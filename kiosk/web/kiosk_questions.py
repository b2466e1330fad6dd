"""The chosen document's own questions at the kiosk (domain/questions.py), one
screen each: which screens a document asks given the answers so far, which of
them still lack a good answer, and the people moving with a relocation letter,
one person a screen.

A screen is named after its question (kk_reason, death_date, ...); the people
moving are member_1, member_2, ... so each person has a screen of their own.
"""

from kiosk.domain import questions, validation
from kiosk.web.dates import office_today
from kiosk.web.forms import details

MEMBER_PREFIX = "member_"
MEMBER_STEPS = tuple(
    f"{MEMBER_PREFIX}{position}" for position in range(1, questions.MEMBERS_MAX + 1)
)
# Every screen a document's question can have, whichever document asks it.
STEPS = (*questions.QUESTIONS, *MEMBER_STEPS)

# Which on-screen keyboard each kind of typed answer gets, its longest answer
# and the input mode a physical device would offer.
KEYBOARDS = {
    questions.NAME: ("letters", validation.NAME_MAX, "text"),
    questions.TEXT: ("text", None, "text"),
    questions.NIK: ("digits", 16, "numeric"),
    questions.NUMBER: ("digits", 2, "numeric"),
    questions.DATE: ("digits", 4, "numeric"),
}


def document_code(form):
    chosen = form.chosen_type
    return chosen.code if chosen else ""


def member_position(step):
    """The person a member_N screen asks about (1-based), or None."""
    if step in MEMBER_STEPS:
        return int(step.removeprefix(MEMBER_PREFIX))
    return None


def fields_of(step):
    """The form fields a screen asks."""
    position = member_position(step)
    if position:
        return questions.member_fields(position)
    return (step,)


def step_of(field):
    """The screen that asks a form field."""
    if field in questions.MEMBER_FIELDS:
        return MEMBER_PREFIX + field.split("_")[1]
    return field


def raw_answers(form):
    """The chosen document's answers as text ({field: text})."""
    return {
        name: str(form[name].data or "")
        for name in questions.form_fields(document_code(form))
    }


def members_given(form):
    """How many people moving have a name or NIK on the form (rows are kept
    in order without gaps: see close_gaps)."""
    given = 0
    for position in range(1, questions.MEMBERS_MAX + 1):
        if any(form[field].data for field in questions.member_fields(position)):
            given = position
    return given


def steps(form, current=None):
    """The chosen document's screens in order, given the answers so far:
    questions whose condition is not met are left out; one screen per person
    moving (at least one, and the one being added)."""
    raw = raw_answers(form)
    found = []
    for name in questions.asked(document_code(form)):
        if name == questions.MEMBERS:
            count = max(members_given(form), member_position(current) or 0, 1)
            found.extend(MEMBER_STEPS[:count])
        elif questions.is_asked(name, raw):
            found.append(name)
    return found


def incomplete(form):
    """The chosen document's screens whose answers do not pass yet, in order
    (the form's own errors are left alone)."""
    _, errors = questions.clean(document_code(form), raw_answers(form), office_today())
    wanted = {step_of(field) for field in errors}
    return [step for step in steps(form) if step in wanted]


def check_step(form, step):
    """Check a screen's answers, leaving messages on the form; True when fine."""
    fine = True
    for name in fields_of(step):
        fine = form.validate_field(name) and fine
    return fine


def close_gaps(form):
    """Move the people moving up over rows left empty (a person cleared when
    changing the list), so that positions stay 1, 2, 3, ..."""
    rows = []
    for position in range(1, questions.MEMBERS_MAX + 1):
        row = [form[field].data or "" for field in questions.member_fields(position)]
        if any(row):
            rows.append(row)
    for position in range(1, questions.MEMBERS_MAX + 1):
        row = rows[position - 1] if position <= len(rows) else ["", ""]
        for field, value in zip(questions.member_fields(position), row):
            form[field].data = value


def after_person(form, step, adding):
    """Check a person moving; returns (the screen to show next, or None for
    the flow's next one; whether the answers pass). Adding one more needs this
    person given first."""
    position = member_position(step)
    given = members_given(form)
    if adding and given < position:
        name_field = fields_of(step)[0]
        form[name_field].errors = [details.message(name_field, "missing", None)]
        return None, False
    if not check_step(form, step):
        return None, False
    if adding and given < questions.MEMBERS_MAX:
        return MEMBER_STEPS[given], True
    return None, True


def people_listed(form, step):
    """(screen, name, NIK) of the people moving given on other screens than
    `step`, for the list shown beside the person being asked about."""
    listed = []
    for position in range(1, members_given(form) + 1):
        other = MEMBER_STEPS[position - 1]
        name_field, nik_field = questions.member_fields(position)
        if other != step and (form[name_field].data or form[nik_field].data):
            nik = validation.nik_display(form[nik_field].data or "")
            listed.append((other, form[name_field].data or "", nik))
    return listed


def keyboard(step):
    """(keyboard kind, longest answer, input mode) of a typed question, or None."""
    if member_position(step):
        return KEYBOARDS[questions.NAME]
    question = questions.QUESTIONS.get(step)
    if question is None or question.kind not in KEYBOARDS:
        return None
    kind, longest, mode = KEYBOARDS[question.kind]
    return kind, longest or question.max_length, mode
