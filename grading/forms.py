"""
The calculator's questions: the clinic's own plain wording of the two published scales.

The form validates and normalises only: radio answers become real bools and ints for
grading.scoring, and a ScoringError (answers that contradict each other) becomes a friendly field
error. Scoring itself stays in grading.scoring.
"""

from django import forms
from django.core.exceptions import ValidationError

from grading.handoff import JANKOVIC_FIELDS, SMC_FIELDS
from grading.scoring import ScoringError, smc_grade

QUESTION_COUNT = len(SMC_FIELDS) + len(JANKOVIC_FIELDS)
YES_NO = [("yes", "Yes"), ("no", "No")]
INVALID_CHOICE = "That answer is not one of the choices on this page. Please choose one of the answers shown."

# Jankovic rating scale anchors (Jankovic and Orman 1987), reworded for patients.
SEVERITY_CHOICES = [
    ("0", "None: no spasm of the eyelid"),
    (
        "1",
        "Very slight: I blink more than usual, but only with things like bright light, wind, reading or driving",
    ),
    (
        "2",
        "Mild: my eyelid flutters on its own, without a full spasm. People may notice and it can be "
        "embarrassing, but it does not stop me doing things",
    ),
    ("3", "Moderate: clear eyelid spasms that people easily see. They make some things a bit harder to do"),
    ("4", "Severe: eyelid spasms (maybe with other face muscles) that stop me doing everyday things"),
]
FREQUENCY_CHOICES = [
    ("0", "Never: no extra blinking or spasm"),
    ("1", "I blink a little more often than normal"),
    ("2", "My eyelid flutters, for less than a second each time"),
    ("3", "Spasms last longer than a second, but my eye is open for more than half of the time I am awake"),
    ("4", "Spasms keep my eye shut for more than half of the time I am awake, so I cannot see on that side"),
]

# Shown on the field that contradicts "no spasm anywhere" (questions 1 and 2 both answered No).
INCONSISTENT = {
    "vision_interference": (
        "You answered No to questions 1 and 2, so a spasm cannot be closing your eye. "
        "Please check this answer and questions 1 and 2."
    ),
    "disfiguring_asymmetry": (
        "You answered No to questions 1 and 2, so a spasm cannot be pulling your face out of shape. "
        "Please check this answer and questions 1 and 2."
    ),
}


def _is_yes(value: str) -> bool:
    return value == "yes"


class YesNoField(forms.TypedChoiceField):
    """A required yes/no radio question; cleans to a real bool (a checkbox cannot say "not answered")."""

    def __init__(self, *, number: int, **kwargs) -> None:
        super().__init__(
            choices=YES_NO,
            coerce=_is_yes,
            widget=forms.RadioSelect,
            error_messages={
                "required": f"Answer question {number}: choose Yes or No.",
                "invalid_choice": INVALID_CHOICE,
            },
            **kwargs,
        )


class ScoreField(forms.TypedChoiceField):
    """A required 0-4 radio question; cleans to a real int."""

    def __init__(self, *, number: int, **kwargs) -> None:
        super().__init__(
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={
                "required": f"Answer question {number}: choose the answer that fits you best.",
                "invalid_choice": INVALID_CHOICE,
            },
            **kwargs,
        )


class SeverityForm(forms.Form):
    periocular = YesNoField(
        number=1,
        label="Do the muscles around one eye twitch or squeeze shut on their own?",
        help_text="For example, your eyelid flutters or closes tight without you meaning it to.",
    )
    other_regions = YesNoField(
        number=2,
        label="On the same side of your face, does the spasm also reach your mouth, cheek, forehead or neck?",
        help_text="For example, the corner of your mouth pulls up, or your cheek or chin twitches.",
    )
    vision_interference = YesNoField(
        number=3,
        label="Do spasms often keep your eye shut, or nearly shut, long enough to get in the way of seeing?",
        help_text="For example, you cannot see well on that side while reading, walking or crossing a road.",
    )
    disfiguring_asymmetry = YesNoField(
        number=4,
        label="Do the spasms pull your face clearly out of shape, so that other people can easily see it?",
        help_text="For example, one side of your face is drawn up or twisted, and the two sides look very different.",
    )
    severity = ScoreField(
        number=5,
        choices=SEVERITY_CHOICES,
        label="How strong is the spasm of your eyelid?",
        help_text="Think of the eyelid on the side with the spasm. If your eye is not affected, choose None.",
    )
    frequency = ScoreField(
        number=6,
        choices=FREQUENCY_CHOICES,
        label="How often does your eyelid blink, flutter or close with spasm?",
        help_text="Think of a usual day. If your eye is not affected, choose Never.",
    )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if all(name in cleaned_data for name in SMC_FIELDS):
            try:
                smc_grade(**{name: cleaned_data[name] for name in SMC_FIELDS})
            except ScoringError as error:
                contradicting = [name for name in INCONSISTENT if cleaned_data[name]]
                for name in contradicting:
                    self.add_error(name, ValidationError(INCONSISTENT[name], code="inconsistent"))
                if not contradicting:  # not reachable with today's rules; never swallow an error
                    raise ValidationError(str(error), code="inconsistent") from error
        return cleaned_data

    def error_links(self) -> list[tuple[str, str]]:
        """(href, message) for an error summary: each field error links to the question's first answer."""
        links = [("#questions", str(message)) for message in self.non_field_errors()]
        for bound_field in self:
            for message in bound_field.errors:
                links.append((f"#{bound_field.auto_id}_0", str(message)))
        return links

    def unanswered(self) -> list[tuple[str, str]]:
        """(href, message) for the questions still without an answer."""
        return [
            (f"#{self[name].auto_id}_0", str(errors[0].message))
            for name, errors in self.errors.as_data().items()
            if name in self.fields and any(error.code == "required" for error in errors)
        ]

    def answered_count(self) -> int:
        return QUESTION_COUNT - len(self.unanswered())

    def is_only_incomplete(self) -> bool:
        """True when every error is a missing answer (the patient is still filling the form in)."""
        return all(error.code == "required" for errors in self.errors.as_data().values() for error in errors)

    def has_foreign_values(self) -> bool:
        """True when an answer is not one the page offers: the request was made up or edited."""
        return any(self.has_error(name, code="invalid_choice") for name in self.fields)


def initial_from_answers(answers: dict) -> dict:
    """Form initial data from scored answers, so a result page shows the answers it came from."""
    initial = {name: "yes" if answers[name] else "no" for name in SMC_FIELDS}
    initial.update({name: str(answers[name]) for name in JANKOVIC_FIELDS})
    return initial


def answer_summary(answers: dict) -> list[tuple[str, str]]:
    """(question, answer in words) for each question, for the printed result."""
    form = SeverityForm(initial=initial_from_answers(answers))
    summary = []
    for bound_field in form:
        labels = dict(bound_field.field.choices)
        summary.append((bound_field.label, labels[bound_field.initial]))
    return summary
