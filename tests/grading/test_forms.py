import itertools

import pytest

from grading.forms import SeverityForm, answer_summary, initial_from_answers

VALID = {
    "periocular": "yes",
    "other_regions": "no",
    "vision_interference": "yes",
    "disfiguring_asymmetry": "no",
    "severity": "3",
    "frequency": "2",
}


def test_valid_answers_clean_to_real_bools_and_ints():
    form = SeverityForm(VALID)
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {
        "periocular": True,
        "other_regions": False,
        "vision_interference": True,
        "disfiguring_asymmetry": False,
        "severity": 3,
        "frequency": 2,
    }
    assert type(form.cleaned_data["periocular"]) is bool
    assert type(form.cleaned_data["severity"]) is int


@pytest.mark.parametrize("name", list(VALID))
def test_each_question_is_required(name):
    form = SeverityForm({key: value for key, value in VALID.items() if key != name})
    assert not form.is_valid()
    assert form.has_error(name, code="required")
    assert form.is_only_incomplete()
    assert not form.has_foreign_values()
    assert form.answered_count() == 5
    [(href, message)] = form.unanswered()
    assert href == f"#id_{name}_0"
    assert "Answer question" in message


def test_an_empty_form_has_six_unanswered_questions_linked_in_order():
    form = SeverityForm({})
    assert not form.is_valid()
    assert form.answered_count() == 0
    assert [href for href, _ in form.error_links()] == [f"#id_{name}_0" for name in VALID]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("severity", "5"),
        ("severity", "-1"),
        ("frequency", "2.0"),
        ("frequency", "two"),
        ("periocular", "true"),
        ("other_regions", "1"),
    ],
)
def test_a_value_the_page_does_not_offer_is_invalid_and_flagged_as_foreign(name, value):
    form = SeverityForm({**VALID, name: value})
    assert not form.is_valid()
    assert form.has_error(name, code="invalid_choice")
    assert form.has_foreign_values()
    assert not form.is_only_incomplete()


@pytest.mark.parametrize(
    ("vision", "distortion", "flagged"),
    [
        ("yes", "no", ["vision_interference"]),
        ("no", "yes", ["disfiguring_asymmetry"]),
        ("yes", "yes", ["vision_interference", "disfiguring_asymmetry"]),
    ],
)
def test_no_spasm_anywhere_with_vision_or_distortion_is_inconsistent(vision, distortion, flagged):
    data = {
        **VALID,
        "periocular": "no",
        "other_regions": "no",
        "vision_interference": vision,
        "disfiguring_asymmetry": distortion,
    }
    form = SeverityForm(data)
    assert not form.is_valid()
    for name in flagged:
        assert form.has_error(name, code="inconsistent")
        assert "questions 1 and 2" in form.errors[name][0]
    assert not form.is_only_incomplete()
    assert not form.has_foreign_values()


def test_no_spasm_at_all_is_valid_and_not_an_error():
    form = SeverityForm({**VALID, "periocular": "no", "other_regions": "no", "vision_interference": "no"})
    assert form.is_valid(), form.errors


def test_initial_from_answers_round_trips_through_the_form():
    for bools in itertools.product([True, False], repeat=2):
        answers = {
            "periocular": True,
            "other_regions": bools[0],
            "vision_interference": bools[1],
            "disfiguring_asymmetry": False,
            "severity": 4,
            "frequency": 0,
        }
        form = SeverityForm(initial_from_answers(answers))
        assert form.is_valid(), form.errors
        assert form.cleaned_data == answers


def test_answer_summary_lists_every_question_with_the_answer_in_words():
    summary = answer_summary(
        {
            "periocular": True,
            "other_regions": False,
            "vision_interference": False,
            "disfiguring_asymmetry": False,
            "severity": 0,
            "frequency": 4,
        }
    )
    assert len(summary) == 6
    assert summary[0] == (SeverityForm.base_fields["periocular"].label, "Yes")
    assert summary[1][1] == "No"
    assert summary[4][1].startswith("None")
    assert "cannot see on that side" in summary[5][1]
