import itertools
import re

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
    assert [re.search(r'href="([^"]+)"', line).group(1) for line in form.error_summary()] == [
        f"#id_{name}_0" for name in VALID
    ]


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


# Each of the spec's agreement rules, as radio answers: (rule, answers changed from VALID, questions named).
RULES = [
    pytest.param({"periocular": "no", "other_regions": "yes", "vision_interference": "no", "severity": "1", "frequency": "2"}, ["periocular", "frequency"], id="A"),
    pytest.param({"severity": "0", "frequency": "0", "vision_interference": "no"}, ["periocular", "severity", "frequency"], id="B"),
    pytest.param({"vision_interference": "no", "frequency": "4"}, ["vision_interference", "frequency"], id="C"),
    pytest.param({"frequency": "1"}, ["vision_interference", "frequency"], id="D"),
    pytest.param(
        {"periocular": "no", "other_regions": "no", "vision_interference": "no", "disfiguring_asymmetry": "yes", "severity": "1", "frequency": "1"},
        ["periocular", "other_regions", "disfiguring_asymmetry"],
        id="E",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "named"), RULES)
def test_each_agreement_rule_puts_an_error_on_every_question_it_names(changes, named):
    form = SeverityForm({**VALID, **changes})
    assert not form.is_valid()
    assert sorted(form.errors) == sorted(named)
    for name in named:
        assert form.has_error(name, code="inconsistent")
        others = [str(n) for n, field in enumerate(VALID, start=1) if field in named and field != name]
        assert all(number in form.errors[name][0] for number in others)
    assert not form.is_only_incomplete()
    assert not form.has_foreign_values()


@pytest.mark.parametrize(("changes", "named"), RULES)
def test_the_error_summary_names_the_disagreeing_questions_each_linked_and_says_why(changes, named):
    form = SeverityForm({**VALID, **changes})
    form.is_valid()
    [line] = form.error_summary()  # one line per broken rule, not one per question
    assert " do not agree: you said " in line
    hrefs = re.findall(r'<a href="([^"]+)">[Qq]uestion (\d)</a>', line)
    assert [href for href, _ in hrefs] == [f"#id_{name}_0" for name in named]
    assert [int(number) for _, number in hrefs] == [list(VALID).index(name) + 1 for name in named]


def test_several_broken_rules_give_one_summary_line_each():
    form = SeverityForm({**VALID, "periocular": "no", "other_regions": "no", "vision_interference": "no",
                         "disfiguring_asymmetry": "yes", "severity": "4", "frequency": "4"})  # fmt: skip
    form.is_valid()
    assert len(form.error_summary()) == 3  # A, C and E
    assert form.questions_to_check() == "questions 1, 2, 3, 4, 5 and 6"


def test_eyelid_flutters_with_blurred_sight_are_allowed():
    # Frequency 2 with vision interference: the spec allows it (flutters blur sight).
    form = SeverityForm({**VALID, "vision_interference": "yes", "frequency": "2"})
    assert form.is_valid(), form.errors


def test_a_missing_answer_is_reported_not_a_contradiction_among_the_others():
    data = {**VALID, "frequency": "4", "vision_interference": "no"}
    del data["severity"]
    form = SeverityForm(data)
    assert not form.is_valid()
    assert list(form.errors) == ["severity"]
    assert form.is_only_incomplete()


def test_no_spasm_at_all_is_valid_and_not_an_error():
    no_spasm = {
        "periocular": "no",
        "other_regions": "no",
        "vision_interference": "no",
        "severity": "0",
        "frequency": "1",
    }
    form = SeverityForm({**VALID, **no_spasm})
    assert form.is_valid(), form.errors


def test_initial_from_answers_round_trips_through_the_form():
    for bools in itertools.product([True, False], repeat=2):
        answers = {
            "periocular": True,
            "other_regions": bools[0],
            "vision_interference": bools[1],
            "disfiguring_asymmetry": False,
            "severity": 4,
            "frequency": 3,
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
