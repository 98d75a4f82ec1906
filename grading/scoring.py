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
   - no spasm location but vision interference or distortion: inconsistent, ScoringError.

2. Jankovic rating scale (secondary score), 0 to 8. Jankovic J, Orman J. "Botulinum A toxin for
   cranial-cervical dystonia: a double-blind, placebo-controlled study." Neurology
   1987;37(4):616-623. PMID 3561773. Severity 0-4 plus frequency 0-4 of the eyelid spasm.
"""

from dataclasses import dataclass
from typing import Any

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
JANKOVIC_PART_RANGE = range(0, 5)


class ScoringError(ValueError):
    """Input that cannot be scored: wrong type, out of range, missing or inconsistent."""


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
    answer, or when vision interference or facial distortion is
    reported with no spasm anywhere (the answers contradict each other).
    """
    periocular = _require_bool("periocular", periocular)
    other_regions = _require_bool("other_regions", other_regions)
    vision_interference = _require_bool("vision_interference", vision_interference)
    disfiguring_asymmetry = _require_bool("disfiguring_asymmetry", disfiguring_asymmetry)

    if not (periocular or other_regions):
        if vision_interference or disfiguring_asymmetry:
            raise ScoringError(
                "Spasm that affects sight or the shape of the face was reported, but no place "
                "where the spasm happens. Please check the answers."
            )
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
