"""What the office head's monthly report adds to the public statistics: the
work each clerk did and the requests late today."""

from kiosk.data.models import DocumentType, StaffMember, Submission
from kiosk.domain import workflow
from kiosk.services import stats

OVERDUE_LIMIT = 100
# The columns of the workload table: the moves a clerk makes, in workflow order.
WORK = (
    workflow.SUBMITTED,
    workflow.VERIFYING,
    workflow.NEEDS_INFO,
    workflow.PROCESSING,
    workflow.READY,
    workflow.COMPLETED,
    workflow.REJECTED,
)


def workload(period):
    """[(staff member, {status: moves}, total)] for the period, busiest first."""
    moves = stats.clerk_workload(period)
    members = {
        m.id: m for m in StaffMember.select().where(StaffMember.id.in_(list(moves)))
    }
    rows = [
        (members[staff_id], counts, sum(counts.values()))
        for staff_id, counts in moves.items()
        if staff_id in members
    ]
    return sorted(rows, key=lambda row: (-row[2], row[0].display_name))


def overdue(today, limit=OVERDUE_LIMIT):
    """(the first `limit` requests late today, oldest due date first; how
    many are late). Late as everywhere else: past the due date while the
    office's clock runs. The (status, due_date) index serves both."""
    late = Submission.status.in_(workflow.CLOCK_RUNNING) & (Submission.due_date < today)
    rows = list(
        Submission.select(
            Submission.number,
            Submission.status,
            Submission.created_at,
            Submission.due_date,
            DocumentType.code,
        )
        .join(DocumentType)
        .where(late)
        .order_by(Submission.due_date, Submission.id)
        .limit(limit)
        .dicts()
    )
    return rows, Submission.select().where(late).count()
