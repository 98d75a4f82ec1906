"""
A calculator result attached to an enquiry, in the words the patient saw on the calculator
(grading.summary), for the enquiry form and for the coordinator.

The stored data is `grading.handoff.CalculatorResult.as_data()`. It is read defensively here:
this runs when the admin shows an old enquiry, and the stored shape may change over time.
"""

import datetime

from grading.forms import answer_summary
from grading.handoff import CalculatorResult, result_from_answers, result_path, sign_result
from grading.scoring import ANSWER_FIELDS, ScoringError
from grading.summary import day_in_words, eyelid_line, grade_line


def _stored_day(data: dict) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(data.get("date", ""))
    except (TypeError, ValueError):
        return None


def describe_result(data: dict) -> list[str]:
    """The grade, the eyelid score and the day it was worked out, as the patient saw them."""
    lines = [grade_line(data.get("smc_grade"), data.get("smc_roman"))]
    total, severity, frequency = (data.get(f"jankovic_{part}") for part in ("total", "severity", "frequency"))
    if None not in (total, severity, frequency):
        lines.append(eyelid_line(total=total, severity=severity, frequency=frequency))
    elif total is not None:
        lines.append(f"Eyelid score {total} out of 8.")
    day = _stored_day(data)
    if day is not None:
        lines.append(f"Worked out with the calculator on {day_in_words(day)}.")
    return lines


def _rescored(data: dict) -> CalculatorResult | None:
    """The stored answers and date scored again; None for an older shape without them, or for
    answers that today's consistency rules give no result for."""
    day = _stored_day(data)
    if day is None or any(name not in data for name in ANSWER_FIELDS):
        return None
    try:
        return result_from_answers(data, date=day)
    except ScoringError:
        return None


def answers_in_words(data: dict) -> list[tuple[str, str]]:
    """(question, answer in words) for each of the six questions, or [] if they cannot be read."""
    result = _rescored(data)
    return answer_summary(result.answers) if result is not None else []


def result_page_path(data: dict) -> str:
    """The address of the result page the patient saw (same answers, same date), or "".

    Signed afresh each time: a result never expires, so every signature of the same answers and
    date shows the same page.
    """
    result = _rescored(data)
    return result_path(sign_result(result)) if result is not None else ""
