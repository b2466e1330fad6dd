"""Storing and reading a request's answers to its document's own questions."""

from kiosk.data import compiled
from kiosk.data.models import (
    DocumentType,
    NameWord,
    RequestAnswer,
    RequestPerson,
    Submission,
)
from kiosk.domain import questions, search


def store(submission_id, answers):
    """Write `answers` (questions.clean's) inside the caller's transaction,
    with the words of each person's name for staff search."""
    plain = questions.plain_answers(answers)
    _INSERT_ANSWERS.insert([(submission_id, name, text) for name, text in plain])
    people = questions.people(answers)
    if not people:
        return
    _INSERT_PEOPLE.insert([(submission_id, *person) for person in people])
    words = []
    for _, _, name, _ in people:
        words.extend(w for w in search.name_words(name) if w not in words)
    _INSERT_NAME_WORDS.insert([(submission_id, word) for word in words])


# Written with every request stored: built once per SQL dialect and number of
# rows (data/compiled.py).
_INSERT_ANSWERS = compiled.InsertRows(
    RequestAnswer,
    [RequestAnswer.submission, RequestAnswer.question, RequestAnswer.value],
)
_INSERT_PEOPLE = compiled.InsertRows(
    RequestPerson,
    [
        RequestPerson.submission,
        RequestPerson.role,
        RequestPerson.position,
        RequestPerson.name,
        RequestPerson.nik,
    ],
)
_INSERT_NAME_WORDS = compiled.InsertRows(
    NameWord,
    [NameWord.submission, NameWord.word],
    finish=lambda query: query.on_conflict_ignore(),
)


def read(submission_id):
    """The answers stored for a request (empty for one made before its
    document asked anything, or purged)."""
    plain = RequestAnswer.select(RequestAnswer.question, RequestAnswer.value).where(
        RequestAnswer.submission == submission_id
    )
    people = RequestPerson.select(
        RequestPerson.role,
        RequestPerson.position,
        RequestPerson.name,
        RequestPerson.nik,
    ).where(RequestPerson.submission == submission_id)
    return questions.from_rows(plain.tuples(), people.tuples())


def awaits_recording(number):
    """Whether a KTP-el request's applicant said the biometric recording
    (perekaman) is still to be done: the receipt tells them to come for it."""
    submission = (
        Submission.select(Submission.id)
        .join(DocumentType)
        .where(Submission.number == number, DocumentType.code == "KTP")
        .first()
    )
    return submission is not None and read(submission.id).get("ktp_recorded") == "no"


def with_subject_nik(nik):
    """Ids of the requests naming someone with this NIK (the nik index serves it)."""
    return RequestPerson.select(RequestPerson.submission).where(
        RequestPerson.nik == nik
    )


# Whom a document is for, when it is not the applicant: named beside the
# applicant in the staff queue and the CSV export.
SUBJECT_ROLES = ("child", "deceased")


def subject_names(submission_ids):
    """{request id: the name of the child or the deceased it is for}."""
    rows = RequestPerson.select(RequestPerson.submission, RequestPerson.name).where(
        RequestPerson.submission.in_(list(submission_ids))
        & RequestPerson.role.in_(SUBJECT_ROLES)
    )
    return dict(rows.tuples())


def erase(submission_ids):
    """Delete the answers of purged requests (inside the caller's transaction)."""
    RequestAnswer.delete().where(RequestAnswer.submission.in_(submission_ids)).execute()
    RequestPerson.delete().where(RequestPerson.submission.in_(submission_ids)).execute()
