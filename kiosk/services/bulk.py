"""Moving many requests to one status at once, each judged on its own."""

from dataclasses import dataclass

from kiosk.data.models import Submission
from kiosk.domain import workflow
from kiosk.services import submissions

MOVED = "moved"
NOT_FOUND = "not_found"


@dataclass(frozen=True)
class Outcome:
    number: str
    code: str  # MOVED, NOT_FOUND or a workflow refusal code
    target: str
    current: str | None = None  # the status the request has afterwards

    @property
    def moved(self):
        return self.code == MOVED


def move_many(picked, target, *, staff, public_note="", internal_note=""):
    """Move each (number, version) in `picked`; one transaction per request.

    A request someone changed after the clerk's list was loaded is refused as
    a conflict, exactly as on its own page.
    """
    outcomes = []
    for number, version in picked:
        submission = Submission.get_or_none(Submission.number == number)
        if submission is None:
            outcomes.append(Outcome(number, NOT_FOUND, target))
            continue
        try:
            moved = submissions.move(
                submission,
                target,
                version=version,
                staff=staff,
                public_note=public_note,
                internal_note=internal_note,
            )
        except workflow.MoveRefused as refused:
            outcomes.append(Outcome(number, refused.code, target, refused.current))
        else:
            outcomes.append(Outcome(number, MOVED, target, moved.status))
    return outcomes
