"""A request's answers to its document's own questions as the clerk reads
them on the request's page: who the request is about, when, where, why.

The questions are worded for the resident ("Why are you moving?"); here they
read as facts about the applicant. NIKs are shown whole, as the applicant's
is on the same page, so that the clerk can copy them into the register.
"""

from flask_babel import gettext

from kiosk.domain import questions
from kiosk.services import request_details
from kiosk.web.forms import details
from kiosk.web.i18n import lazy_gettext as _l

LABELS = {
    "kk_reason": _l("Reason for the family card"),
    "head_is_applicant": _l("The applicant is the head of the family"),
    "ktp_reason": _l("Reason for the KTP-el"),
    "ktp_recorded": _l("Biometric recording (perekaman) done"),
    "parent_relation": _l("The applicant's relation to the child"),
    "reporter_relation": _l("The applicant's relation to the person who died"),
    "move_reason": _l("Reason for moving"),
}

ANSWERS = {
    "ktp_recorded": {
        "yes": _l("Yes"),
        "no": _l("Not yet: the resident must come to the office for it"),
    },
}


def rows(submission):
    """(label, answer in words, people moving or None) for each question the
    request's document asks; [] when it asks none. A request made before its
    document asked anything says "Not asked" on every row."""
    code = submission.document_type.code
    if not questions.asked(code):
        return []
    answers = request_details.read(submission.id)
    shown = []
    for name, label, text, members in details.answer_rows(
        code, answers, not_asked=gettext("Not asked")
    ):
        value = answers.get(name)
        if members:
            members = list(answers[name])  # whole NIKs
        elif value and questions.QUESTIONS[name].kind == questions.NIK:
            text = value
        elif value in ANSWERS.get(name, {}):
            text = str(ANSWERS[name][value])
        shown.append((str(LABELS.get(name, label)), text, members))
    return shown
