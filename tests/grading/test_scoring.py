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

from grading.scoring import JankovicScore, ScoringError, SmcGrade, jankovic_score, smc_grade

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
