"""
A calculator result in the words the patient saw: for the result page, the plain-text copy, the
enquiry form and the coordinator's view of an enquiry.

One wording everywhere, so a patient who sends a result reads the same "Grade II" and "eyelid
score" on the enquiry form as on the calculator, and the coordinator sees what the patient saw.
The grade meanings paraphrase Lee et al. 2012 (see grading.scoring); the words are the clinic's.
"""

import datetime

from grading.handoff import CalculatorResult

# The SMC grades in a few words, for the I-IV picture.
GRADE_STEPS = [
    (1, "I", "Around one eye"),
    (2, "II", "Spread on one side of the face"),
    (3, "III", "Gets in the way of seeing"),
    (4, "IV", "Face pulled out of shape"),
]
GRADE_MEANING = {
    1: "The spasm stays in the area around one eye.",
    2: "The spasm has spread to other muscles on the same side of the face, such as the mouth, cheek, "
    "forehead or neck.",
    3: "Spasms often keep the eye shut, or nearly shut, and this gets in the way of seeing.",
    4: "The spasms pull the face clearly out of shape, so the two sides of the face look very different.",
}
NO_GRADE = "No grade: no spasm at the moment, and the scale starts at grade I."


def day_in_words(day: datetime.date) -> str:
    """21 November 2026: the date as the result page shows it."""
    return f"{day.day} {day:%B %Y}"


def grade_line(grade: int | None, roman: str | None) -> str:
    """The grade and what it means, in one line."""
    if grade not in GRADE_MEANING:
        return NO_GRADE
    return f"Grade {roman} on a scale from I to IV. {GRADE_MEANING[grade]}"


def eyelid_line(*, total: int, severity: int, frequency: int) -> str:
    return (
        f"Eyelid score {total} out of 8 (how strong: {severity} out of 4; how often: {frequency} out of 4)."
    )


def result_lines(result: CalculatorResult) -> list[str]:
    """The grade, the eyelid score and the day it was worked out, as short lines."""
    return [
        grade_line(result.smc.grade, result.smc.roman),
        eyelid_line(
            total=result.jankovic.total,
            severity=result.jankovic.severity,
            frequency=result.jankovic.frequency,
        ),
        f"Worked out with the calculator on {day_in_words(result.date)}.",
    ]


def result_as_text(
    result: CalculatorResult, *, answers: list[tuple[str, str]], address: str, clinic_name: str
) -> str:
    """The result and the answers as plain text, for "Copy result" (to paste into a message or notes)."""
    lines = [
        f"Hemifacial spasm severity calculator, {clinic_name}",
        "",
        *result_lines(result),
        "",
        "Your answers:",
    ]
    lines += [f"{number}. {question} {answer}" for number, (question, answer) in enumerate(answers, start=1)]
    lines += [
        "",
        "This is an estimate to talk over with your doctor. It is not a diagnosis.",
        f"See this result again: {address}",
    ]
    return "\n".join(lines)
