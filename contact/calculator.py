"""
A calculator result attached to an enquiry, in plain words, for the patient and the coordinator.

The stored data is `grading.handoff.CalculatorResult.as_data()`. It is read defensively here:
this runs when the admin shows an old enquiry, and the stored shape may change over time.
"""

import datetime

SMC_MEANING = {
    1: "the spasm is only around one eye",
    2: "the spasm has spread to other muscles on the same side of the face",
    3: "frequent, long spasms get in the way of seeing",
    4: "the spasms clearly change the look of the face",
}


def describe_result(data: dict) -> list[str]:
    """Short sentences on the SMC grade, the Jankovic score and the day it was worked out."""
    lines = []
    grade, roman = data.get("smc_grade"), data.get("smc_roman")
    if grade in SMC_MEANING:
        lines.append(f"SMC grade {roman}: {SMC_MEANING[grade]}.")
    else:
        lines.append("SMC grade: not graded (no current spasm reported).")
    total = data.get("jankovic_total")
    if total is not None:
        lines.append(
            f"Jankovic score {total} out of 8 (how strong: {data.get('jankovic_severity')} out of 4; "
            f"how often: {data.get('jankovic_frequency')} out of 4)."
        )
    try:
        day = datetime.date.fromisoformat(data.get("date", ""))
    except (TypeError, ValueError):
        day = None
    if day is not None:
        lines.append(f"Worked out with the calculator on {day.day} {day:%B %Y}.")
    return lines
