"""
Hemifacial spasm severity scoring: pure Python, no Django, no I/O.

Two published clinician scales, asked of patients in the clinic's own words. Neither is validated
as a self-report, so every result is an estimate to discuss with a doctor, never a diagnosis.

1. SMC grade (primary result), I to IV. Samsung Medical Center grading: Lee JA, Jo KW, Kong DS,
   Park K. "Using the new clinical grading scale for quantification of the severity of hemifacial
   spasm: correlations with a quality of life scale." Stereotact Funct Neurosurg 2012;90(1):16-19.
   doi:10.1159/000330396.

   I    spasm limited to the area around the eye
   II   spread to other muscles on the same side (mouth, cheek, forehead or neck)
   III  frequent sustained spasms that interfere with vision
   IV   disfiguring asymmetry of the face

   The paper gives the grades; how answers combine is this site's policy:
   - the grade is the highest grade whose feature is present;
   - spread without eye involvement (atypical onset, about 2-3% of patients) is at least II;
   - no spasm anywhere and no other feature: not graded (None); the paper has no grade 0;
   - no spasm location but vision interference or distortion: inconsistent (rule E below).

2. Jankovic rating scale (secondary score), 0 to 8. Jankovic J, Orman J. "Botulinum A toxin for
   cranial-cervical dystonia: a double-blind, placebo-controlled study." Neurology
   1987;37(4):616-623. PMID 3561773. Severity 0-4 plus frequency 0-4 of the eyelid spasm.

Both scales describe the same face, so some answer sets contradict each other. `assess` scores
both scales together and refuses such sets with InconsistentAnswers, naming the questions that
disagree. The five rules are the site's own policy, reasoned from the scales' wording (the
clinical spec, "Answers that must agree across the two scales"):

   A  no spasm around the eye, but eyelid severity >= 2 or frequency >= 2: Jankovic 2 and above
      describe eyelid fluttering or spasm, which is spasm around the eye (1, more blinking than
      usual, fits either);
   B  spasm around the eye, but eyelid severity 0 and frequency 0;
   C  the eye kept shut more than half of waking time (frequency 4), but no vision interference;
   D  vision interference, but eyelid frequency 0 or 1 (flutters under a second, 2, are allowed:
      patients describe them as blurring their sight);
   E  no spasm location (neither around the eye nor elsewhere), but vision interference or
      distortion.
"""

from dataclasses import dataclass
from typing import Any

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
JANKOVIC_PART_RANGE = range(0, 5)


# The six answers, in the order the questions are asked (and InconsistentAnswers.fields lists them).
SMC_FIELDS = ("periocular", "other_regions", "vision_interference", "disfiguring_asymmetry")
JANKOVIC_FIELDS = ("severity", "frequency")
ANSWER_FIELDS = (*SMC_FIELDS, *JANKOVIC_FIELDS)


class ScoringError(ValueError):
    """Input that cannot be scored: wrong type, out of range, missing or inconsistent."""


@dataclass(frozen=True, slots=True)
class Disagreement:
    """One broken consistency rule ("A" to "E") and the questions it names, in question order."""

    rule: str
    fields: tuple[str, ...]


class InconsistentAnswers(ScoringError):
    """Answers that are each valid but contradict each other.

    `fields` is the union of the questions named by every rule broken, in question order;
    `disagreements` says which rules were broken and what each one names.
    """

    def __init__(self, disagreements: tuple[Disagreement, ...]) -> None:
        self.disagreements = disagreements
        named = {name for disagreement in disagreements for name in disagreement.fields}
        self.fields: tuple[str, ...] = tuple(name for name in ANSWER_FIELDS if name in named)
        rules = ", ".join(disagreement.rule for disagreement in disagreements)
        super().__init__(
            f"These answers contradict each other (rule {rules}): {', '.join(self.fields)}. "
            "Please check the answers."
        )


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"


# The spec asks for a ScoringError (not Python's TypeError) when an answer is left out, so that
# callers passing **answers need to catch one exception only. The sentinel is never a valid answer.
_MISSING: Any = _Missing()


@dataclass(frozen=True, slots=True)
class SmcGrade:
    grade: int | None  # 1..4, or None when no current spasm is reported

    @property
    def roman(self) -> str | None:
        return ROMAN.get(self.grade) if self.grade is not None else None


@dataclass(frozen=True, slots=True)
class JankovicScore:
    severity: int  # 0..4
    frequency: int  # 0..4

    @property
    def total(self) -> int:
        return self.severity + self.frequency


def _require_bool(name: str, value: object) -> bool:
    if value is _MISSING:
        raise ScoringError(f"{name} is missing: every question needs an answer.")
    if type(value) is not bool:
        raise ScoringError(f"{name} must be True or False, not {value!r}.")
    return value


def _require_part(name: str, value: object) -> int:
    if value is _MISSING:
        raise ScoringError(f"{name} is missing: every question needs an answer.")
    # bool is a subclass of int, and a float is not a score: accept real ints only.
    if type(value) is not int:
        raise ScoringError(f"{name} must be a whole number from 0 to 4, not {value!r}.")
    if value not in JANKOVIC_PART_RANGE:
        raise ScoringError(f"{name} must be from 0 to 4, not {value}.")
    return value


def smc_grade(
    *,
    periocular: bool = _MISSING,
    other_regions: bool = _MISSING,
    vision_interference: bool = _MISSING,
    disfiguring_asymmetry: bool = _MISSING,
) -> SmcGrade:
    """The SMC grade (I-IV, or None for no current spasm) from four yes/no answers.

    Every answer is required (no partial scoring). Raises ScoringError for a missing or non-bool
    answer, and its subclass InconsistentAnswers (rule E) when vision interference or facial
    distortion is reported with no spasm anywhere.
    """
    periocular = _require_bool("periocular", periocular)
    other_regions = _require_bool("other_regions", other_regions)
    vision_interference = _require_bool("vision_interference", vision_interference)
    disfiguring_asymmetry = _require_bool("disfiguring_asymmetry", disfiguring_asymmetry)

    if broken := _no_location_but_effects(
        periocular, other_regions, vision_interference, disfiguring_asymmetry
    ):
        raise InconsistentAnswers((broken,))
    if not (periocular or other_regions):
        return SmcGrade(grade=None)
    if disfiguring_asymmetry:
        return SmcGrade(grade=4)
    if vision_interference:
        return SmcGrade(grade=3)
    if other_regions:
        return SmcGrade(grade=2)
    return SmcGrade(grade=1)


def jankovic_score(*, severity: int = _MISSING, frequency: int = _MISSING) -> JankovicScore:
    """The Jankovic rating: severity (0-4) and frequency (0-4) of eyelid spasm, total 0-8.

    Both parts are required and must be real ints (not bools or floats) from 0 to 4; anything else
    raises ScoringError. There are no published mild/moderate/severe bands for the total.
    """
    return JankovicScore(
        severity=_require_part("severity", severity),
        frequency=_require_part("frequency", frequency),
    )


@dataclass(frozen=True, slots=True)
class Assessment:
    """Both scales, worked out from one consistent set of answers."""

    smc: SmcGrade
    jankovic: JankovicScore


def _no_location_but_effects(
    periocular: bool, other_regions: bool, vision_interference: bool, disfiguring_asymmetry: bool
) -> Disagreement | None:
    """Rule E: an effect of the spasm (on sight or on the face's shape) without any spasm."""
    if periocular or other_regions or not (vision_interference or disfiguring_asymmetry):
        return None
    effects = (("vision_interference", vision_interference), ("disfiguring_asymmetry", disfiguring_asymmetry))
    return Disagreement("E", ("periocular", "other_regions", *(name for name, said in effects if said)))


def _disagreements(
    *,
    periocular: bool,
    other_regions: bool,
    vision_interference: bool,
    disfiguring_asymmetry: bool,
    severity: int,
    frequency: int,
) -> tuple[Disagreement, ...]:
    """Every consistency rule (A to E) that valid answers break, in rule order."""
    found = []
    eyelid_signs = tuple(
        name for name, part in (("severity", severity), ("frequency", frequency)) if part >= 2
    )
    if not periocular and eyelid_signs:
        found.append(Disagreement("A", ("periocular", *eyelid_signs)))
    if periocular and severity == 0 and frequency == 0:
        found.append(Disagreement("B", ("periocular", "severity", "frequency")))
    if frequency == 4 and not vision_interference:
        found.append(Disagreement("C", ("vision_interference", "frequency")))
    if vision_interference and frequency <= 1:
        found.append(Disagreement("D", ("vision_interference", "frequency")))
    if broken := _no_location_but_effects(
        periocular, other_regions, vision_interference, disfiguring_asymmetry
    ):
        found.append(broken)
    return tuple(found)


def assess(
    *,
    periocular: bool = _MISSING,
    other_regions: bool = _MISSING,
    vision_interference: bool = _MISSING,
    disfiguring_asymmetry: bool = _MISSING,
    severity: int = _MISSING,
    frequency: int = _MISSING,
) -> Assessment:
    """The SMC grade and the Jankovic score of one patient's six answers, which must agree.

    Every answer is checked first, exactly as smc_grade and jankovic_score check them: a missing,
    wrong-typed or out-of-range answer raises a plain ScoringError. Valid answers that break any
    of the rules A to E (module docstring) raise InconsistentAnswers, whose `fields` names every
    question involved; otherwise both scales are worked out.
    """
    answers = {
        "periocular": _require_bool("periocular", periocular),
        "other_regions": _require_bool("other_regions", other_regions),
        "vision_interference": _require_bool("vision_interference", vision_interference),
        "disfiguring_asymmetry": _require_bool("disfiguring_asymmetry", disfiguring_asymmetry),
        "severity": _require_part("severity", severity),
        "frequency": _require_part("frequency", frequency),
    }
    if broken := _disagreements(**answers):
        raise InconsistentAnswers(broken)
    return Assessment(
        smc=smc_grade(**{name: answers[name] for name in SMC_FIELDS}),
        jankovic=jankovic_score(**{name: answers[name] for name in JANKOVIC_FIELDS}),
    )
