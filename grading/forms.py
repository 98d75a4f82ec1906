"""
The calculator's questions: the clinic's own plain wording of the two published scales.

The form validates and normalises only: radio answers become real bools and ints for
grading.scoring, and answers that contradict each other (grading.scoring.assess raises
InconsistentAnswers) become friendly errors on each question involved, with a summary that says
which questions disagree and why. Scoring itself, and the rules, stay in grading.scoring.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list

from grading.scoring import (
    ANSWER_FIELDS,
    JANKOVIC_FIELDS,
    SMC_FIELDS,
    Disagreement,
    InconsistentAnswers,
    assess,
)

QUESTION_COUNT = len(ANSWER_FIELDS)
QUESTION_NUMBER = {name: number for number, name in enumerate(ANSWER_FIELDS, start=1)}
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

# Why the answers named by each rule of grading.scoring disagree, in the patient's words. Rule E
# names what the patient reported: see `_reason`.
DISAGREEMENT_REASONS = {
    "A": "you said the muscles around your eye do not twitch or squeeze shut, but what you said about your "
    "eyelid describes fluttering or spasm of the eyelid, which is spasm around the eye.",
    "B": "you said the muscles around your eye twitch or squeeze shut, but also that your eyelid has no "
    "spasm and no extra blinking at all.",
    "C": "you said spasms keep your eye shut for more than half of the time you are awake, but also that "
    "they do not get in the way of seeing.",
    "D": "you said spasms get in the way of seeing, but also that your eyelid has no spasm, or only blinks "
    "a little more than usual.",
    "E": "you said there is no spasm around your eye or anywhere else on that side of your face, but also "
    "that spasms {effects}.",
}
EFFECTS = {
    "vision_interference": "get in the way of seeing",
    "disfiguring_asymmetry": "pull your face out of shape",
}


def _question_list(names: list[str], *, capital: bool = False) -> str:
    """ "question 1", "questions 1 and 5", "questions 1, 5 and 6"."""
    numbers = [str(QUESTION_NUMBER[name]) for name in names]
    words = "questions" if len(numbers) > 1 else "question"
    text = f"{words} {get_text_list(numbers, 'and')}"
    return text[0].upper() + text[1:] if capital else text


def _reason(disagreement: Disagreement) -> str:
    reason = DISAGREEMENT_REASONS[disagreement.rule]
    if disagreement.rule == "E":
        effects = [EFFECTS[name] for name in EFFECTS if name in disagreement.fields]
        reason = reason.format(effects=get_text_list(effects, "and"))
    return reason


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

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The consistency rules the answers break (grading.scoring), once the form is cleaned.
        self.disagreements: tuple[Disagreement, ...] = ()

    def clean(self) -> dict:
        cleaned_data = super().clean()
        if all(name in cleaned_data for name in ANSWER_FIELDS):
            try:
                assess(**{name: cleaned_data[name] for name in ANSWER_FIELDS})
            except InconsistentAnswers as error:
                # Each answer is valid on its own (the fields checked that), so only the rules
                # between them can fail: anything else from assess is a bug and is not caught.
                self.disagreements = error.disagreements
                for name in error.fields:
                    self.add_error(
                        name, ValidationError(self._disagreement_message(name), code="inconsistent")
                    )
        return cleaned_data

    def _disagreement_message(self, name: str) -> str:
        others = [
            other
            for other in ANSWER_FIELDS
            if other != name and any(name in d.fields and other in d.fields for d in self.disagreements)
        ]
        return (
            f"This answer does not agree with what you said in {_question_list(others)}. "
            "Please check them, and choose the answers that fit you best."
        )

    def _link(self, name: str) -> str:
        return f"#{self[name].auto_id}_0"

    def disagreement_summary(self) -> list[SafeString]:
        """One line per broken rule: which questions disagree (each a link to it) and why."""
        lines = []
        for disagreement in self.disagreements:
            links = [
                format_html(
                    '<a href="{}">{}</a>', self._link(name), _question_list([name], capital=not position)
                )
                for position, name in enumerate(disagreement.fields)
            ]
            # Every part is escaped by format_html; get_text_list only adds ", " and " and ".
            joined = mark_safe(get_text_list(links, "and"))  # noqa: S308
            lines.append(format_html("{} do not agree: {}", joined, _reason(disagreement)))
        return lines

    def error_summary(self) -> list[SafeString]:
        """Every problem as one line for the error summary, each linked to its question(s).

        Answers that disagree are one line per rule; the same answers' own field errors would
        repeat it, so they are left out here.
        """
        lines = [format_html('<a href="#questions">{}</a>', message) for message in self.non_field_errors()]
        lines += self.disagreement_summary()
        for name, errors in self.errors.as_data().items():
            if name in self.fields:
                lines += [
                    format_html('<a href="{}">{}</a>', self._link(name), message)
                    for error in errors
                    if error.code != "inconsistent"
                    for message in error.messages
                ]
        return lines

    def questions_to_check(self) -> str:
        """ "questions 1 and 5": every question named by a broken rule, for the live region."""
        return _question_list(
            [name for name in ANSWER_FIELDS if any(name in d.fields for d in self.disagreements)]
        )

    def unanswered(self) -> list[tuple[str, str]]:
        """(href, message) for the questions still without an answer."""
        return [
            (self._link(name), str(errors[0].message))
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
