"""Status workflow of a request (pure, no Flask or database)."""

SUBMITTED = "submitted"
VERIFYING = "verifying"
NEEDS_INFO = "needs_info"
PROCESSING = "processing"
READY = "ready"
COMPLETED = "completed"
REJECTED = "rejected"

STATUSES = (SUBMITTED, VERIFYING, NEEDS_INFO, PROCESSING, READY, COMPLETED, REJECTED)
FINAL = frozenset({COMPLETED, REJECTED})
OPEN = tuple(s for s in STATUSES if s not in FINAL)
# The document is still awaited: it has a due date that means something.
AWAITED = (SUBMITTED, VERIFYING, NEEDS_INFO, PROCESSING)
# The office's clock runs: it can be late. Waiting for the resident pauses it
# (the due date moves on by the working days it waited), and a ready
# document is never late.
CLOCK_RUNNING = (SUBMITTED, VERIFYING, PROCESSING)
# Moves that change what the resident must do need a reason they can read.
REASON_REQUIRED = frozenset({NEEDS_INFO, REJECTED})

TRANSITIONS = {
    SUBMITTED: (VERIFYING, REJECTED),
    VERIFYING: (PROCESSING, NEEDS_INFO, REJECTED),
    NEEDS_INFO: (VERIFYING, REJECTED),
    PROCESSING: (READY, NEEDS_INFO),
    READY: (COMPLETED,),
    COMPLETED: (),
    REJECTED: (),
}

# Reasons a move is refused; views turn these codes into translated messages.
UNKNOWN_STATUS = "unknown_status"
NOT_ALLOWED = "not_allowed"
REASON_MISSING = "reason_missing"
CONFLICT = "conflict"


class MoveRefused(Exception):
    """A status change the workflow does not allow."""

    def __init__(self, code, current=None, target=None):
        super().__init__(code)
        self.code = code
        self.current = current
        self.target = target


def next_statuses(current):
    """Statuses a request in `current` may move to, in display order."""
    return TRANSITIONS.get(current, ())


def check_move(current, target, public_note=""):
    """Raise MoveRefused unless `current` -> `target` is allowed with this note."""
    if target not in TRANSITIONS:
        raise MoveRefused(UNKNOWN_STATUS, current, target)
    if target not in next_statuses(current):
        raise MoveRefused(NOT_ALLOWED, current, target)
    if target in REASON_REQUIRED and not (public_note or "").strip():
        raise MoveRefused(REASON_MISSING, current, target)


def is_late(status, due_date, today):
    """Past its due date while the office's clock runs (`today`: the office's date)."""
    return status in CLOCK_RUNNING and due_date < today
