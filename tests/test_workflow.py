"""The status workflow, as a table of every pair of statuses."""

import itertools

import pytest

from kiosk.domain import workflow

ALLOWED = {
    ("submitted", "verifying"),
    ("submitted", "rejected"),
    ("verifying", "processing"),
    ("verifying", "needs_info"),
    ("verifying", "rejected"),
    ("needs_info", "verifying"),
    ("needs_info", "rejected"),
    ("processing", "ready"),
    ("processing", "needs_info"),
    ("ready", "completed"),
}


@pytest.mark.parametrize(
    ("current", "target"), list(itertools.product(workflow.STATUSES, repeat=2))
)
def test_move_is_allowed_exactly_as_specified(current, target):
    note = "Bawa KK asli"
    if (current, target) in ALLOWED:
        workflow.check_move(current, target, note)
        assert target in workflow.next_statuses(current)
    else:
        with pytest.raises(workflow.MoveRefused) as refused:
            workflow.check_move(current, target, note)
        assert refused.value.code == workflow.NOT_ALLOWED
        assert target not in workflow.next_statuses(current)


@pytest.mark.parametrize("target", ["rejected", "needs_info"])
@pytest.mark.parametrize("note", ["", "   ", None])
def test_rejecting_or_asking_for_more_needs_a_reason(target, note):
    with pytest.raises(workflow.MoveRefused) as refused:
        workflow.check_move("verifying", target, note)
    assert refused.value.code == workflow.REASON_MISSING


def test_unknown_target_status_is_refused():
    with pytest.raises(workflow.MoveRefused) as refused:
        workflow.check_move("submitted", "approved")
    assert refused.value.code == workflow.UNKNOWN_STATUS


def test_final_statuses_have_no_next_status():
    for status in workflow.FINAL:
        assert workflow.next_statuses(status) == ()
