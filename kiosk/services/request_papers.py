"""The files residents send for a request's requirements: keeping them,
attaching a draft's files to the request when it is sent, a clerk's decision
on each, and deleting them when their time is over.

A file is written to the store first and its row second; if the row cannot be
written the file is deleted again, so the store never holds a file no row
names for long (the draft sweep deletes what a crash left behind).
"""

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

import peewee as pw

from kiosk.data.compiled import Statement, python_values
from kiosk.data.db import db
from kiosk.data.models import RequestPaper, StaffMember, Submission, utcnow
from kiosk.data.public_record import note_change
from kiosk.domain import checklist
from kiosk.services import paper_store
from kiosk.services import requirements as checklist_marks

NEW, ACCEPTED, REFUSED = "new", "accepted", "refused"
STATES = (NEW, ACCEPTED, REFUSED)
VIA_APPLY, VIA_TRACKING = "apply", "tracking"
REASON_MAX = 500

# Refusals (codes the pages turn into sentences).
REQUEST_FULL = "request_full"
REQUEST_TOO_LARGE = "request_too_large"
ALREADY_SENT = "already_sent"


class PaperNotKept(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Requirement:
    """One line of a document's requirement list: its place (from 1), its
    Indonesian text (what identifies it) and its text in the reader's language."""

    position: int
    text_id: str
    label: str


def requirements(document_type, locale):
    """The document's requirements, each with the label in `locale` (the
    Indonesian one where the lists differ in length)."""
    own = document_type.requirements("id")
    shown = document_type.requirements(locale)
    if len(shown) != len(own):
        shown = own
    return [
        Requirement(n, text, label)
        for n, (text, label) in enumerate(zip(own, shown, strict=True), 1)
    ]


def _owner(submission_id=None, draft_key=None):
    if submission_id is not None:
        return RequestPaper.submission == submission_id
    return (RequestPaper.draft_key == draft_key) & RequestPaper.submission.is_null()


def listed(submission_id=None, draft_key=None):
    """The files of a request (or a draft), oldest first."""
    return list(
        RequestPaper.select(RequestPaper, StaffMember)
        .join(StaffMember, pw.JOIN.LEFT_OUTER, on=RequestPaper.decided_by)
        .where(_owner(submission_id, draft_key) & RequestPaper.erased_at.is_null())
        .order_by(RequestPaper.uploaded_at, RequestPaper.id)
    )


def keep(checked, requirement, *, via, limits, submission_id=None, draft_key=None):
    """Store a checked file (services/papers.Checked) for `requirement`.

    `limits`: (most files, most bytes) for the request. Refuses with
    PaperNotKept when the request holds enough, or already has this file.
    """
    most_files, most_bytes = limits
    store = paper_store.store()
    name = paper_store.new_id()
    store.put(name, checked.data)
    if checked.thumbnail:
        store.put(_thumbnail_name(name), checked.thumbnail)
    try:
        with db.atomic():
            held = listed(submission_id, draft_key)
            if len(held) >= most_files:
                raise PaperNotKept(REQUEST_FULL)
            if sum(p.size_bytes for p in held) + len(checked.data) > most_bytes:
                raise PaperNotKept(REQUEST_TOO_LARGE)
            if any(p.sha256 == checked.sha256 for p in held):
                raise PaperNotKept(ALREADY_SENT)
            if submission_id is not None:
                note_change(submission_id)
            return RequestPaper.create(
                submission=submission_id,
                draft_key=draft_key,
                requirement_position=requirement.position,
                requirement_text=requirement.text_id[:255],
                stored_id=name,
                kind=checked.kind,
                size_bytes=len(checked.data),
                width=checked.width,
                height=checked.height,
                pages=checked.pages,
                sha256=checked.sha256,
                has_thumbnail=checked.thumbnail is not None,
                uploaded_via=via,
            )
    except BaseException:
        _delete_files(store, name)
        raise


def _thumbnail_name(name):
    return f"{name}.thumb"


def _delete_files(store, name):
    store.delete(name)
    store.delete(_thumbnail_name(name))


def read(paper, thumbnail=False):
    """The stored bytes of a file (or of its thumbnail), None if gone."""
    name = paper.stored_id
    return paper_store.store().get(_thumbnail_name(name) if thumbnail else name)


def by_stored_id(stored_id):
    return RequestPaper.get_or_none(
        (RequestPaper.stored_id == stored_id) & RequestPaper.erased_at.is_null()
    )


def remove_from_draft(draft_key, stored_id):
    """Take a file out of a draft (the resident changed their mind)."""
    paper = RequestPaper.get_or_none(
        _owner(draft_key=draft_key) & (RequestPaper.stored_id == stored_id)
    )
    if paper is None:
        return False
    paper.delete_instance()
    _delete_files(paper_store.store(), paper.stored_id)
    return True


def attach_draft(draft_key, submission, document_requirements):
    """Give a sent request the files its draft held for its requirements;
    files for another document's requirements are deleted."""
    wanted = {(r.position, r.text_id) for r in document_requirements}
    for paper in listed(draft_key=draft_key):
        if (paper.requirement_position, paper.requirement_text) in wanted:
            RequestPaper.update(submission=submission.id, draft_key=None).where(
                RequestPaper.id == paper.id
            ).execute()
            note_change(submission.id)
        else:
            remove_from_draft(draft_key, paper.stored_id)


def decide(paper, state, staff, reason=""):
    """A clerk accepts a file (for its requirement) or refuses it with a reason.

    Accepting ticks the requirement on the request's checklist, as the clerk
    would on receiving the paper at the counter (recorded in the history under
    the clerk's name); a refusal leaves the checklist as it is.
    """
    if state not in (ACCEPTED, REFUSED):
        raise ValueError(state)
    with db.atomic():
        RequestPaper.update(
            state=state,
            refusal_reason=reason.strip()[:REASON_MAX] if state == REFUSED else "",
            decided_by=staff,
            decided_at=utcnow(),
        ).where(RequestPaper.id == paper.id).execute()
        if paper.submission_id:
            note_change(paper.submission_id)
        if state == ACCEPTED and paper.submission_id:
            submission = Submission.get_by_id(paper.submission_id)
            tick = {checklist.key(paper.requirement_text): True}
            checklist_marks.record(submission, tick, staff=staff)


# What the tracking page reads of a request's files, built once per SQL
# dialect (data/compiled.py): the peewee query cost about 0.7 ms to build on
# every page against well under 0.1 ms to run.
_PUBLIC_COLUMNS = (
    RequestPaper.id,
    RequestPaper.requirement_position,
    RequestPaper.requirement_text,
    RequestPaper.state,
    RequestPaper.refusal_reason,
    RequestPaper.decided_at,
)
_PLACEHOLDER = "number-placeholder"


def _build_public_query():
    return (
        RequestPaper.select(*_PUBLIC_COLUMNS)
        .join(Submission, on=RequestPaper.submission == Submission.id)
        .where((Submission.number == _PLACEHOLDER) & RequestPaper.erased_at.is_null())
        .order_by(RequestPaper.id)
    )


_PUBLIC = Statement(_build_public_query, _PLACEHOLDER)


def of_number(number):
    """What the public tracking page shows of a request's files (by its
    tracking number): requirement, state and the clerk's reason, no more."""
    names = [column.name for column in _PUBLIC_COLUMNS]
    return [
        SimpleNamespace(**dict(zip(names, python_values(_PUBLIC_COLUMNS, row))))
        for row in _PUBLIC.rows(number)
    ]


def grouped(requirements, papers):
    """[(requirement, its files)] in the list's order; files for a
    requirement no longer on the list come last, under their own text."""
    rows = []
    for requirement in requirements:
        key = (requirement.position, requirement.text_id)
        rows.append((requirement, [p for p in papers if _requirement_key(p) == key]))
    known = {(r.position, r.text_id) for r in requirements}
    for key in dict.fromkeys(_requirement_key(p) for p in papers):
        if key not in known:
            gone = Requirement(key[0], key[1], key[1])
            rows.append((gone, [p for p in papers if _requirement_key(p) == key]))
    return rows


def _requirement_key(paper):
    return (paper.requirement_position, paper.requirement_text)


def erase(submission_ids):
    """The purge: delete the requests' files and blank what could identify
    them (the digest, the clerk's reason); the rows stay for the figures."""
    papers = RequestPaper.select(RequestPaper.id, RequestPaper.stored_id).where(
        RequestPaper.submission.in_(list(submission_ids))
        & RequestPaper.erased_at.is_null()
    )
    # (The purge counts the public change of each request: retention.purge.)
    _erase_rows(list(papers))


def sweep_drafts(now=None, hours=24):
    """Delete files sent while applying whose request was never sent."""
    cutoff = (now or utcnow()) - dt.timedelta(hours=hours)
    stale = list(
        RequestPaper.select(RequestPaper.id, RequestPaper.stored_id).where(
            RequestPaper.submission.is_null() & (RequestPaper.uploaded_at < cutoff)
        )
    )
    if not stale:
        return 0
    store = paper_store.store()
    for paper in stale:
        _delete_files(store, paper.stored_id)
    RequestPaper.delete().where(RequestPaper.id.in_([p.id for p in stale])).execute()
    return len(stale)


def _erase_rows(papers):
    if not papers:
        return  # and no store needed: a purge may run outside the app
    store = paper_store.store()
    for paper in papers:
        _delete_files(store, paper.stored_id)
    RequestPaper.update(
        sha256="", refusal_reason="", has_thumbnail=False, erased_at=utcnow()
    ).where(RequestPaper.id.in_([p.id for p in papers])).execute()
