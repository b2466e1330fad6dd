"""The kiosk flow's order and settings (pure functions, no database)."""

import pytest

from kiosk.web import kiosk_flow
from kiosk.web.forms.apply import FIELD_ORDER


def test_the_flow_visits_every_screen_once_then_stays_on_check():
    step, seen = kiosk_flow.FIRST_STEP, []
    while step not in seen:
        seen.append(step)
        step = kiosk_flow.following(step)
    assert seen == list(kiosk_flow.STEPS)
    assert seen[-1] == "check"


def test_back_walks_the_same_way_in_reverse():
    steps = list(kiosk_flow.STEPS)
    for earlier, later in zip(steps, steps[1:]):
        assert kiosk_flow.previous(later) == earlier
    assert kiosk_flow.previous(kiosk_flow.FIRST_STEP) == kiosk_flow.FIRST_STEP


@pytest.mark.parametrize(
    "step", [s for s in kiosk_flow.CHANGEABLE if s != "document_type"]
)
def test_a_changed_answer_returns_straight_to_check(step):
    assert kiosk_flow.following(step, returning=True) == "check"
    assert kiosk_flow.previous(step, returning=True) == "check"


def test_a_changed_document_shows_its_requirements_first():
    assert kiosk_flow.following("document_type", returning=True) == "requirements"
    assert kiosk_flow.following("requirements", returning=True) == "check"


def test_every_answer_has_a_screen_and_every_screen_carries_the_rest():
    asked = set(kiosk_flow.CHOICE_STEPS) | set(kiosk_flow.TEXT_STEPS)
    assert asked == set(FIELD_ORDER) - {"consent"}
    for step in kiosk_flow.TEXT_STEPS:
        carried = kiosk_flow.carried_fields(step)
        assert step not in carried and "consent" not in carried
        assert set(carried) | {step, "consent"} == set(FIELD_ORDER)
    assert set(kiosk_flow.carried_fields("check")) == set(FIELD_ORDER) - {"consent"}


def test_only_our_screens_are_accepted():
    assert kiosk_flow.posted_step("nik") == "nik"
    assert kiosk_flow.posted_step("language") == "language"
    assert kiosk_flow.posted_step("consent") is None
    assert kiosk_flow.posted_step(None) is None


def test_progress_counts_the_linear_screens_only():
    assert kiosk_flow.progress("document_type") == (1, len(kiosk_flow.STEPS))
    assert kiosk_flow.progress("check") == (len(kiosk_flow.STEPS),) * 2
    assert kiosk_flow.progress("language") is None


class _Device:
    def __init__(self, paper_width):
        self.paper_width = paper_width


@pytest.mark.parametrize("width, expected", [(58, 58), (80, 80), (57, 80), (None, 80)])
def test_paper_width_falls_back_to_80_mm(width, expected):
    assert kiosk_flow.paper_width(_Device(width)) == expected
    assert kiosk_flow.paper_width(None) == 80
