"""The kiosk flow's order (on a real form, as the screens post it) and the
kiosk's settings."""

import pytest
from werkzeug.datastructures import MultiDict

from kiosk.web import kiosk_flow
from kiosk.web.forms.apply import FIELD_ORDER, ApplicationForm
from tests.support.factories import form_data


@pytest.fixture
def form_of(app):
    """form_of(**answers): the application form as a kiosk screen posts it."""
    with app.test_request_context():

        def build(**answers):
            return ApplicationForm(formdata=MultiDict(answers), locale="en")

        yield build


def test_the_flow_visits_every_screen_once_then_stays_on_check(form_of):
    form = form_of(**form_data())
    step, seen = kiosk_flow.FIRST_STEP, []
    while step not in seen:
        seen.append(step)
        step = kiosk_flow.following(form, step)
    assert seen == [
        "document_type",
        "requirements",
        "kk_reason",
        "head_is_applicant",
        *kiosk_flow.APPLICANT_STEPS[:3],
        *kiosk_flow.APPLICANT_STEPS[4:],  # no messages sent: "notify" not asked
        "check",
    ]
    assert seen == kiosk_flow.steps(form)


def test_questions_whose_condition_is_not_met_are_skipped(form_of):
    head = kiosk_flow.steps(form_of(**form_data(head_is_applicant="yes")))
    other = kiosk_flow.steps(form_of(**form_data(head_is_applicant="no")))
    assert "head_name" not in head and "head_nik" not in head
    assert other[3:6] == ["head_is_applicant", "head_name", "head_nik"]
    assert kiosk_flow.progress(form_of(**form_data()), "check") == (len(head),) * 2


def test_back_walks_the_same_way_in_reverse(form_of):
    form = form_of(**form_data(head_is_applicant="no"))
    steps = kiosk_flow.steps(form)
    for earlier, later in zip(steps, steps[1:]):
        assert kiosk_flow.previous(form, later) == earlier
    assert kiosk_flow.previous(form, kiosk_flow.FIRST_STEP) == kiosk_flow.FIRST_STEP


@pytest.mark.parametrize(
    "step", [s for s in kiosk_flow.CHANGEABLE[1:] if s in kiosk_flow.STEPS]
)
def test_a_changed_answer_returns_straight_to_check(form_of, step):
    form = form_of(**form_data())
    assert kiosk_flow.following(form, step, kiosk_flow.CHANGING) == "check"
    assert kiosk_flow.previous(form, step, kiosk_flow.CHANGING) == "check"


def test_a_changed_answer_that_asks_more_goes_through_the_new_questions(form_of):
    form = form_of(**form_data(head_is_applicant="no"))
    changing = kiosk_flow.CHANGING
    assert kiosk_flow.following(form, "head_is_applicant", changing) == "head_name"
    form = form_of(**form_data(head_is_applicant="no", head_name="Rahmat"))
    assert kiosk_flow.following(form, "head_name", changing) == "head_nik"


def test_a_changed_document_shows_its_requirements_and_questions_first(form_of):
    form = form_of(**form_data(document_type="AKM"))
    mode = kiosk_flow.screen_mode("document_type", kiosk_flow.CHANGING)
    assert kiosk_flow.following(form, "document_type", mode) == "requirements"
    mode = kiosk_flow.screen_mode("requirements", mode)
    assert mode == kiosk_flow.NEW_DOCUMENT
    assert kiosk_flow.following(form, "requirements", mode) == "deceased_name"
    assert kiosk_flow.following(form, "reporter_relation", mode) == "check"


def test_every_screen_carries_the_other_answers(form_of):
    form = form_of(**form_data())
    asked = set(kiosk_flow.CHOICE_STEPS) | set(kiosk_flow.TEXT_STEPS)
    assert asked == set(FIELD_ORDER) - {"consent"}
    own = {"kk_reason", "head_is_applicant", "head_name", "head_nik"}
    for step in (*kiosk_flow.TEXT_STEPS, "kk_reason"):
        carried = kiosk_flow.carried_fields(form, step)
        assert step not in carried and "consent" not in carried
        assert set(carried) | {step, "consent"} == set(FIELD_ORDER) | own
    check = set(kiosk_flow.carried_fields(form, "check"))
    assert check == (set(FIELD_ORDER) | own) - {"consent"}


def test_only_our_screens_are_accepted():
    assert kiosk_flow.posted_step("nik") == "nik"
    assert kiosk_flow.posted_step("language") == "language"
    assert kiosk_flow.posted_step("death_date") == "death_date"
    assert kiosk_flow.posted_step("member_3") == "member_3"
    assert kiosk_flow.posted_step("member_11") is None
    assert kiosk_flow.posted_step("consent") is None
    assert kiosk_flow.posted_step(None) is None


def test_progress_counts_the_linear_screens_only(form_of):
    form = form_of(**form_data())
    total = len(kiosk_flow.steps(form))
    assert kiosk_flow.progress(form, "document_type") == (1, total)
    assert kiosk_flow.progress(form, "check") == (total, total)
    assert kiosk_flow.progress(form, "language") is None


class _Device:
    def __init__(self, paper_width):
        self.paper_width = paper_width


@pytest.mark.parametrize("width, expected", [(58, 58), (80, 80), (57, 80), (None, 80)])
def test_paper_width_falls_back_to_80_mm(width, expected):
    assert kiosk_flow.paper_width(_Device(width)) == expected
    assert kiosk_flow.paper_width(None) == 80
