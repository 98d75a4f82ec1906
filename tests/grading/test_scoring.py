"""
The scoring module against /work/shared/grading-spec.md.

The expected values below are written out from the spec by hand (the SMC table) or by the spec's
arithmetic (Jankovic: severity + frequency); they are never built by calling grading.scoring.
"""

import dataclasses
import itertools
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, strategies as st

from grading.scoring import (
    Assessment,
    InconsistentAnswers,
    JankovicScore,
    ScoringError,
    SmcGrade,
    assess,
    jankovic_score,
    smc_grade,
)

INCONSISTENT = "inconsistent"

# (periocular, other_regions, vision_interference, disfiguring_asymmetry) -> grade, None (not
# graded) or INCONSISTENT. All 16 combinations, each reasoned from the spec's rules:
# - highest grade whose feature is present (eye I, spread II, vision III, distortion IV);
# - spread without eye involvement is at least II;
# - no spasm anywhere and nothing else: not graded;
# - no spasm anywhere but vision interference or distortion: inconsistent.
SMC_TABLE = [
    ((False, False, False, False), None),
    ((False, False, False, True), INCONSISTENT),
    ((False, False, True, False), INCONSISTENT),
    ((False, False, True, True), INCONSISTENT),
    ((False, True, False, False), 2),  # atypical onset away from the eye: at least II
    ((False, True, False, True), 4),
    ((False, True, True, False), 3),
    ((False, True, True, True), 4),
    ((True, False, False, False), 1),
    ((True, False, False, True), 4),  # distortion is IV whatever else is present
    ((True, False, True, False), 3),  # eye closure that blocks vision, no spread: III
    ((True, False, True, True), 4),
    ((True, True, False, False), 2),
    ((True, True, False, True), 4),
    ((True, True, True, False), 3),
    ((True, True, True, True), 4),
]
ROMAN = {None: None, 1: "I", 2: "II", 3: "III", 4: "IV"}
SMC_NAMES = ("periocular", "other_regions", "vision_interference", "disfiguring_asymmetry")
VALID_SMC = dict.fromkeys(SMC_NAMES, True)
VALID_JANKOVIC = {"severity": 2, "frequency": 3}


def test_the_smc_table_covers_all_16_combinations_once():
    assert sorted(answers for answers, _ in SMC_TABLE) == sorted(itertools.product([False, True], repeat=4))


@pytest.mark.parametrize(("answers", "expected"), SMC_TABLE, ids=lambda v: str(v))
def test_smc_grade_follows_the_spec_for_every_combination(answers, expected):
    kwargs = dict(zip(SMC_NAMES, answers, strict=True))
    if expected == INCONSISTENT:
        with pytest.raises(ScoringError, match="check the answers"):
            smc_grade(**kwargs)
    else:
        result = smc_grade(**kwargs)
        assert result == SmcGrade(grade=expected)
        assert result.grade == expected
        assert result.roman == ROMAN[expected]


JANKOVIC_TABLE = [(s, f, s + f) for s in range(5) for f in range(5)]


def test_the_jankovic_table_has_all_25_pairs():
    assert len(JANKOVIC_TABLE) == 25
    assert {(s, f) for s, f, _ in JANKOVIC_TABLE} == set(itertools.product(range(5), repeat=2))


@pytest.mark.parametrize(("severity", "frequency", "total"), JANKOVIC_TABLE)
def test_jankovic_score_reports_both_parts_and_their_sum(severity, frequency, total):
    result = jankovic_score(severity=severity, frequency=frequency)
    assert (result.severity, result.frequency, result.total) == (severity, frequency, total)
    assert 0 <= result.total <= 8


def test_jankovic_extremes_are_0_and_8():
    assert jankovic_score(severity=0, frequency=0).total == 0
    assert jankovic_score(severity=4, frequency=4).total == 8


def test_scoring_error_is_a_value_error():
    assert issubclass(ScoringError, ValueError)


def test_results_are_frozen():
    grade = smc_grade(**VALID_SMC)
    score = jankovic_score(**VALID_JANKOVIC)
    with pytest.raises(dataclasses.FrozenInstanceError):
        grade.grade = 1
    with pytest.raises(dataclasses.FrozenInstanceError):
        score.severity = 0
    assert dataclasses.fields(SmcGrade) and dataclasses.fields(JankovicScore)
    assert hash(grade) == hash(SmcGrade(grade=4))


def test_arguments_are_keyword_only():
    with pytest.raises(TypeError):
        smc_grade(True, True, True, True)  # type: ignore[misc]
    with pytest.raises(TypeError):
        jankovic_score(1, 2)  # type: ignore[misc]


@pytest.mark.parametrize("name", SMC_NAMES)
def test_a_missing_smc_answer_is_a_scoring_error_not_a_partial_grade(name):
    kwargs = {key: value for key, value in VALID_SMC.items() if key != name}
    with pytest.raises(ScoringError, match=f"{name} is missing"):
        smc_grade(**kwargs)


@pytest.mark.parametrize("name", ["severity", "frequency"])
def test_a_missing_jankovic_part_is_a_scoring_error_not_a_partial_score(name):
    kwargs = {key: value for key, value in VALID_JANKOVIC.items() if key != name}
    with pytest.raises(ScoringError, match=f"{name} is missing"):
        jankovic_score(**kwargs)


# --- Property-based: anything that is not a real bool / a real int 0..4 is refused ----------

not_a_bool = st.one_of(
    st.none(),
    st.integers(),  # 0 and 1 included: truthy is not True
    st.floats(allow_nan=True),
    st.text(),
    st.binary(),
    st.decimals(allow_nan=False),
    st.lists(st.booleans()),
    st.dictionaries(st.text(), st.booleans()),
)
not_an_int = st.one_of(
    st.none(),
    st.booleans(),  # bool is a subclass of int, but not a score
    st.floats(allow_nan=True),  # 2.0 is not an int either
    st.text(),
    st.decimals(allow_nan=False),
    st.fractions(),
    st.lists(st.integers(0, 4)),
    st.just(Decimal(2)),
    st.just(Fraction(2, 1)),
)
out_of_range = st.one_of(st.integers(max_value=-1), st.integers(min_value=5))


@given(name=st.sampled_from(SMC_NAMES), value=not_a_bool, others=st.tuples(*[st.booleans()] * 4))
def test_smc_grade_refuses_any_answer_that_is_not_a_real_bool(name, value, others):
    kwargs = dict(zip(SMC_NAMES, others, strict=True))
    kwargs[name] = value
    with pytest.raises(ScoringError):
        smc_grade(**kwargs)


@given(name=st.sampled_from(["severity", "frequency"]), value=not_an_int, other=st.integers(0, 4))
def test_jankovic_score_refuses_anything_but_a_real_int(name, value, other):
    kwargs = {"severity": other, "frequency": other, name: value}
    with pytest.raises(ScoringError):
        jankovic_score(**kwargs)


@given(name=st.sampled_from(["severity", "frequency"]), value=out_of_range, other=st.integers(0, 4))
def test_jankovic_score_refuses_ints_outside_0_to_4(name, value, other):
    kwargs = {"severity": other, "frequency": other, name: value}
    with pytest.raises(ScoringError, match="from 0 to 4"):
        jankovic_score(**kwargs)


@given(answers=st.tuples(*[st.booleans()] * 4))
def test_smc_grade_never_returns_anything_but_none_or_1_to_4(answers):
    kwargs = dict(zip(SMC_NAMES, answers, strict=True))
    try:
        result = smc_grade(**kwargs)
    except ScoringError:
        assert not (answers[0] or answers[1])  # only "no spasm anywhere" answers can contradict
    else:
        assert result.grade in {None, 1, 2, 3, 4}


# --- assess: answers that must agree across the two scales (spec, second version) ------------
# The rules, restated here from the spec's table (not imported), each with the questions it names.

ANSWER_NAMES = (*SMC_NAMES, "severity", "frequency")


def spec_rules(a: dict) -> dict[str, tuple[str, ...]]:
    """Every rule of the spec's table that the answers break, with the questions it names."""
    broken = {}
    if not a["periocular"] and (a["severity"] >= 2 or a["frequency"] >= 2):
        broken["A"] = ("periocular", *[n for n in ("severity", "frequency") if a[n] >= 2])
    if a["periocular"] and a["severity"] == 0 and a["frequency"] == 0:
        broken["B"] = ("periocular", "severity", "frequency")
    if a["frequency"] == 4 and not a["vision_interference"]:
        broken["C"] = ("vision_interference", "frequency")
    if a["vision_interference"] and a["frequency"] in (0, 1):
        broken["D"] = ("vision_interference", "frequency")
    if not (a["periocular"] or a["other_regions"]) and (
        a["vision_interference"] or a["disfiguring_asymmetry"]
    ):
        broken["E"] = (
            "periocular",
            "other_regions",
            *[n for n in ("vision_interference", "disfiguring_asymmetry") if a[n]],
        )
    return broken


def answers(periocular=True, other_regions=False, vision=False, distortion=False, severity=2, frequency=2):
    return {
        "periocular": periocular,
        "other_regions": other_regions,
        "vision_interference": vision,
        "disfiguring_asymmetry": distortion,
        "severity": severity,
        "frequency": frequency,
    }


EVERY_ANSWER_SET = [
    dict(zip(ANSWER_NAMES, (*bools, severity, frequency), strict=True))
    for bools in itertools.product([False, True], repeat=4)
    for severity in range(5)
    for frequency in range(5)
]

# One row per rule and per boundary: (answers, expected fields, or None for a valid result).
RULE_TABLE = [
    # A: no spasm around the eye, eyelid 2+ in either part; 1 fits either answer.
    pytest.param(answers(periocular=False, other_regions=True, severity=2, frequency=1), ("periocular", "severity"), id="A-severity-2"),
    pytest.param(answers(periocular=False, other_regions=True, severity=1, frequency=2), ("periocular", "frequency"), id="A-frequency-2"),
    pytest.param(answers(periocular=False, other_regions=True, severity=4, frequency=3), ("periocular", "severity", "frequency"), id="A-both"),
    pytest.param(answers(periocular=False, other_regions=True, severity=1, frequency=1), None, id="A-boundary-1-1-allowed"),
    pytest.param(answers(periocular=False, other_regions=True, severity=0, frequency=0), None, id="A-away-from-eye-no-eyelid"),
    # B: spasm around the eye with no eyelid sign at all.
    pytest.param(answers(periocular=True, severity=0, frequency=0), ("periocular", "severity", "frequency"), id="B"),
    pytest.param(answers(periocular=True, severity=1, frequency=0), None, id="B-boundary-severity-1"),
    pytest.param(answers(periocular=True, severity=0, frequency=1), None, id="B-boundary-frequency-1"),
    # C: eye shut more than half of waking time, but no vision interference.
    pytest.param(answers(frequency=4, vision=False), ("vision_interference", "frequency"), id="C"),
    pytest.param(answers(frequency=3, vision=False), None, id="C-boundary-frequency-3"),
    pytest.param(answers(frequency=4, vision=True), None, id="C-with-vision"),
    # D: vision interference with no eyelid spasm or mere extra blinking.
    pytest.param(answers(vision=True, frequency=0, severity=2), ("vision_interference", "frequency"), id="D-frequency-0"),
    pytest.param(answers(vision=True, frequency=1), ("vision_interference", "frequency"), id="D-frequency-1"),
    pytest.param(answers(vision=True, frequency=2), None, id="D-frequency-2-with-vision-allowed"),
    pytest.param(answers(vision=True, frequency=3), None, id="D-boundary-frequency-3"),
    # E: no spasm location but vision interference or distortion.
    pytest.param(answers(periocular=False, distortion=True, severity=0, frequency=0), ("periocular", "other_regions", "disfiguring_asymmetry"), id="E-distortion"),
    # Vision interference with no spasm anywhere always breaks A or D as well (frequency 2+ or 0-1).
    pytest.param(
        answers(periocular=False, vision=True, severity=1, frequency=2),
        ("periocular", "other_regions", "vision_interference", "frequency"),
        id="E-vision-with-A",
    ),
    pytest.param(
        answers(periocular=False, vision=True, severity=1, frequency=1),
        ("periocular", "other_regions", "vision_interference", "frequency"),
        id="E-vision-with-D",
    ),
    pytest.param(answers(periocular=False, severity=0, frequency=0), None, id="no-spasm-at-all-is-not-graded"),
    # Several rules at once: the union of their questions, in question order.
    pytest.param(
        answers(periocular=False, vision=False, distortion=True, severity=4, frequency=4),
        ("periocular", "other_regions", "vision_interference", "disfiguring_asymmetry", "severity", "frequency"),
        id="A+C+E",
    ),
    pytest.param(
        answers(periocular=True, vision=True, severity=0, frequency=0),
        ("periocular", "vision_interference", "severity", "frequency"),
        id="B+D",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("given_answers", "fields"), RULE_TABLE)
def test_assess_follows_each_agreement_rule_and_its_boundaries(given_answers, fields):
    if fields is None:
        result = assess(**given_answers)
        assert isinstance(result, Assessment)
    else:
        with pytest.raises(InconsistentAnswers) as caught:
            assess(**given_answers)
        assert caught.value.fields == fields


def test_the_issue_s_three_contradictions_get_no_result():
    # From the issue: "No spasm" everywhere with severe eyelid and eye shut; "no eye spasm" with
    # eyelid 4+4; "eye shut enough to stop you seeing" with eyelid 1+1.
    with pytest.raises(InconsistentAnswers):
        assess(**answers(periocular=False, severity=4, frequency=4))
    with pytest.raises(InconsistentAnswers):
        assess(**answers(periocular=False, other_regions=True, severity=4, frequency=4, vision=True))
    with pytest.raises(InconsistentAnswers):
        assess(**answers(periocular=True, vision=True, severity=1, frequency=1))


@pytest.mark.parametrize(
    "given_answers", EVERY_ANSWER_SET, ids=lambda a: "".join(str(int(v)) for v in a.values())
)
def test_assess_on_every_one_of_the_400_answer_sets(given_answers):
    broken = spec_rules(given_answers)
    if broken:
        with pytest.raises(InconsistentAnswers) as caught:
            assess(**given_answers)
        named = {name for names in broken.values() for name in names}
        assert caught.value.fields == tuple(name for name in ANSWER_NAMES if name in named)
        assert {d.rule for d in caught.value.disagreements} == set(broken)
    else:
        result = assess(**given_answers)
        assert result.smc == smc_grade(**{name: given_answers[name] for name in SMC_NAMES})
        assert result.jankovic == jankovic_score(
            severity=given_answers["severity"], frequency=given_answers["frequency"]
        )


def test_about_half_of_all_answer_sets_are_consistent():
    # A guard on the table above: the rules leave real results to give (and refuse real contradictions).
    consistent = [a for a in EVERY_ANSWER_SET if not spec_rules(a)]
    assert 0 < len(consistent) < len(EVERY_ANSWER_SET)


def test_inconsistent_answers_is_a_scoring_error_and_a_value_error():
    assert issubclass(InconsistentAnswers, ScoringError)
    with pytest.raises(ValueError, match="check the answers"):
        assess(**answers(periocular=True, severity=0, frequency=0))


def test_assessment_is_frozen_and_keyword_only():
    result = assess(**answers())
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.smc = SmcGrade(grade=4)
    with pytest.raises(TypeError):
        assess(True, False, False, False, 2, 2)  # type: ignore[misc]


@pytest.mark.parametrize("name", ANSWER_NAMES)
def test_assess_with_a_missing_answer_is_a_plain_scoring_error(name):
    given_answers = {
        key: value for key, value in answers(periocular=False, vision=True).items() if key != name
    }
    with pytest.raises(ScoringError, match=f"{name} is missing") as caught:
        assess(**given_answers)
    assert not isinstance(caught.value, InconsistentAnswers)


# Answers that break rules A, C and E at once if only the wrong value were read as an answer.
CONTRADICTORY = answers(periocular=False, distortion=True, severity=4, frequency=4)


@given(name=st.sampled_from(SMC_NAMES), value=not_a_bool)
def test_assess_refuses_a_non_bool_with_a_plain_scoring_error_even_among_contradictions(name, value):
    with pytest.raises(ScoringError) as caught:
        assess(**{**CONTRADICTORY, name: value})
    assert not isinstance(caught.value, InconsistentAnswers)


@given(name=st.sampled_from(["severity", "frequency"]), value=st.one_of(not_an_int, out_of_range))
def test_assess_refuses_a_bad_score_with_a_plain_scoring_error_even_among_contradictions(name, value):
    with pytest.raises(ScoringError) as caught:
        assess(**{**CONTRADICTORY, name: value})
    assert not isinstance(caught.value, InconsistentAnswers)


valid_answers = st.fixed_dictionaries(
    {
        **{name: st.booleans() for name in SMC_NAMES},
        "severity": st.integers(0, 4),
        "frequency": st.integers(0, 4),
    }
)


@given(given_answers=valid_answers)
def test_assess_never_returns_a_result_for_which_any_rule_holds(given_answers):
    try:
        assess(**given_answers)
    except InconsistentAnswers:
        assert spec_rules(given_answers)
    else:
        assert not spec_rules(given_answers)


@given(given_answers=valid_answers)
def test_inconsistent_fields_are_the_union_of_the_broken_rules_questions_in_order(given_answers):
    try:
        assess(**given_answers)
    except InconsistentAnswers as error:
        assert error.fields == tuple(
            name for name in ANSWER_NAMES if any(name in d.fields for d in error.disagreements)
        )
        assert set(error.fields) == {name for names in spec_rules(given_answers).values() for name in names}
        assert list(error.fields) == sorted(error.fields, key=ANSWER_NAMES.index)
        assert len(set(error.fields)) == len(error.fields)


@given(given_answers=valid_answers)
def test_assess_agrees_with_smc_grade_and_jankovic_score_when_consistent(given_answers):
    try:
        result = assess(**given_answers)
    except InconsistentAnswers:
        return
    assert result == Assessment(
        smc=smc_grade(**{name: given_answers[name] for name in SMC_NAMES}),
        jankovic=jankovic_score(severity=given_answers["severity"], frequency=given_answers["frequency"]),
    )
    if given_answers["periocular"]:
        assert result.jankovic.total >= 1  # rule B: spasm around the eye always shows on the eyelid


def test_smc_grade_names_the_questions_of_rule_e_too():
    with pytest.raises(InconsistentAnswers) as caught:
        smc_grade(periocular=False, other_regions=False, vision_interference=True, disfiguring_asymmetry=True)
    assert caught.value.fields == (
        "periocular",
        "other_regions",
        "vision_interference",
        "disfiguring_asymmetry",
    )
