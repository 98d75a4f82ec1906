"""
The signed hand-off of a calculator result to the enquiry form.

The calculator signs the patient's answers with django.core.signing; the enquiry form verifies the
signature and re-scores the answers, so a result can be neither forged nor edited on the way, and
the patient never retypes it. Nothing is stored until the patient sends an enquiry.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.core import signing

from grading.scoring import JankovicScore, ScoringError, SmcGrade, jankovic_score, smc_grade

SALT = "grading.hemifacial-spasm.result.v1"
SMC_FIELDS = ("periocular", "other_regions", "vision_interference", "disfiguring_asymmetry")
JANKOVIC_FIELDS = ("severity", "frequency")


class HandoffError(ValueError):
    """A signed result that is missing, forged, edited, expired or unreadable."""


@dataclass(frozen=True, slots=True)
class CalculatorResult:
    answers: dict  # the four SMC booleans and the two Jankovic ints, by field name
    smc: SmcGrade
    jankovic: JankovicScore
    date: datetime.date  # the day the patient used the calculator

    def as_data(self) -> dict:
        """JSON-ready structured data, e.g. for storing with an enquiry."""
        return {
            **self.answers,
            "smc_grade": self.smc.grade,
            "smc_roman": self.smc.roman,
            "jankovic_severity": self.jankovic.severity,
            "jankovic_frequency": self.jankovic.frequency,
            "jankovic_total": self.jankovic.total,
            "date": self.date.isoformat(),
        }


def result_from_answers(answers: dict, *, date: datetime.date) -> CalculatorResult:
    """Score a full set of answers; raises ScoringError if any is missing or invalid."""
    missing = [name for name in (*SMC_FIELDS, *JANKOVIC_FIELDS) if name not in answers]
    if missing:
        raise ScoringError(f"Missing answers: {', '.join(missing)}.")
    smc = smc_grade(**{name: answers[name] for name in SMC_FIELDS})
    jankovic = jankovic_score(**{name: answers[name] for name in JANKOVIC_FIELDS})
    clean = {name: answers[name] for name in (*SMC_FIELDS, *JANKOVIC_FIELDS)}
    return CalculatorResult(answers=clean, smc=smc, jankovic=jankovic, date=date)


def sign_result(result: CalculatorResult) -> str:
    """A URL-safe token carrying the answers and the date, signed with SECRET_KEY."""
    return signing.dumps({**result.answers, "date": result.date.isoformat()}, salt=SALT, compress=True)


def load_result(token: str, *, max_age: int | None = None) -> CalculatorResult:
    """Verify a token from sign_result() and re-score it. Raises HandoffError if it is not genuine."""
    if max_age is None:
        max_age = settings.GRADING_RESULT_MAX_AGE
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise HandoffError("This calculator result has expired. Please use the calculator again.") from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise HandoffError(
            "This calculator result could not be checked. Please use the calculator again."
        ) from error
    try:
        if not isinstance(data, dict):
            raise TypeError("payload is not an object")
        date = datetime.date.fromisoformat(data["date"])
        return result_from_answers(data, date=date)
    except (KeyError, TypeError, ValueError) as error:  # ScoringError is a ValueError
        raise HandoffError(
            "This calculator result could not be read. Please use the calculator again."
        ) from error
