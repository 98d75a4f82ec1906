"""
The signed hand-off of a calculator result to the enquiry form.

The calculator signs the patient's answers and the date it worked them out with
django.core.signing; the result page and the enquiry form verify the signature and re-score the
answers, so a result can be neither forged nor edited on the way, and the patient never retypes
it. Nothing is stored until the patient sends an enquiry.

A result never expires: its address shows the same result, with the date it was worked out, for
as long as anyone keeps it (a printout, a bookmark, a link in an enquiry). Only a token that was
not signed with our key, or was changed after signing, is refused.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.core import signing
from django.urls import reverse

from grading.scoring import ANSWER_FIELDS, JankovicScore, ScoringError, SmcGrade, assess

SALT = "grading.hemifacial-spasm.result.v1"


class HandoffError(ValueError):
    """A signed result that is missing, forged, edited or unreadable."""


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
    """Score a full set of answers with grading.scoring.assess.

    Raises ScoringError if any answer is missing or invalid, and its subclass InconsistentAnswers
    if the answers contradict each other: no result exists for those.
    """
    missing = [name for name in ANSWER_FIELDS if name not in answers]
    if missing:
        raise ScoringError(f"Missing answers: {', '.join(missing)}.")
    clean = {name: answers[name] for name in ANSWER_FIELDS}
    assessment = assess(**clean)
    return CalculatorResult(answers=clean, smc=assessment.smc, jankovic=assessment.jankovic, date=date)


def sign_result(result: CalculatorResult) -> str:
    """A URL-safe token carrying the answers and the date, signed with SECRET_KEY."""
    return signing.dumps({**result.answers, "date": result.date.isoformat()}, salt=SALT, compress=True)


def result_path(token: str) -> str:
    """The address of the result page for a token from sign_result() (no fragment)."""
    return f"{reverse('grading:calculator')}?{urlencode({'result': token})}"


def load_result(token: str) -> CalculatorResult:
    """Verify a token from sign_result() and re-score it. Raises HandoffError if it is not genuine.

    No max_age: the signature's timestamp is not checked, so a result lasts (the date it was
    worked out travels in the payload and is shown with it).
    """
    try:
        data = signing.loads(token, salt=SALT)
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
