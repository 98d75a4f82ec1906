"""
A plain-language check for editors: the Flesch-Kincaid grade level of a piece of Markdown.

    grade = 0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59

Source: J. P. Kincaid, R. P. Fishburne, R. L. Rogers and B. S. Chissom (1975), "Derivation of new
readability formulas for Navy enlisted personnel", Research Branch Report 8-75. The grade is a US
school year; a reader's age is roughly the grade plus 5. We aim for grade 7 or below (a reading age
of about 12), the level UK and US health-information guidance recommends for patient material.

How the text is counted, so editors can predict the score:
- Markdown is reduced to its words first: link addresses, emphasis marks and list bullets do not
  count. Each heading and each list item counts as a sentence of its own (they rarely end with a
  full stop, and joining them would make one enormous "sentence").
- Sentences end at ".", "!" or "?" (or at the end of a heading, list item or paragraph).
- Texts under MIN_WORDS words get a grade but never a warning: the formula is meaningless there.
- Syllables are estimated from groups of vowels with the usual corrections for silent endings
  ("-e", "-es", "-ed"). The estimate is within one syllable for almost all everyday words, which is
  plenty for a warning; it is not a dictionary.

Pure Python, no Django imports: tested on its own in tests/conditions/test_readability.py.
"""

import re
from dataclasses import dataclass

TARGET_GRADE = 7.0
"""Grade 7 is a reading age of about 12: above it, the admin warns the editor."""

READING_AGE_OFFSET = 5

MIN_WORDS = 15
"""Below this many words the formula swings wildly (three long words can score grade 30), so a
short text gets a grade but no warning."""

_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](url) and ![alt](src): keep the text
_AUTOLINK = re.compile(r"<[^>\s]+>")  # <https://...> and stray tags
_BLOCK_MARK = re.compile(r"^\s{0,3}(?:#{1,6}\s+|>\s?|[-*+]\s+|\d+[.)]\s+)")
_INLINE_MARK = re.compile(r"[*_`~]+")
_SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)")
_WORD = re.compile(r"[A-Za-z]+(?:['\u2019-][A-Za-z]+)*|\d+(?:[.,]\d+)*")
_SILENT_ENDING = re.compile(r"(?:[^laeiouy]es|[^laeiouy]ed|[^laeiouy]e)$")
_VOWEL_GROUP = re.compile(r"[aeiouy]{1,2}")


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    grade: float

    @property
    def reading_age(self) -> int:
        return max(READING_AGE_OFFSET, round(self.grade) + READING_AGE_OFFSET)

    @property
    def long_enough(self) -> bool:
        return self.words >= MIN_WORDS

    @property
    def above_target(self) -> bool:
        return self.long_enough and self.grade > TARGET_GRADE


def count_syllables(word: str) -> int:
    """Estimated syllables in one word (numbers count as one)."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if not letters:
        return 1 if any(ch.isdigit() for ch in word) else 0
    if len(letters) <= 3:
        return 1
    letters = _SILENT_ENDING.sub("", letters)
    letters = re.sub(r"^y", "", letters)
    return max(1, len(_VOWEL_GROUP.findall(letters)))


def plain_sentences(markdown: str) -> list[str]:
    """The text of a Markdown body as sentences, without Markdown syntax."""
    sentences: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        text = " ".join(paragraph).strip()
        paragraph.clear()
        if text:
            sentences.extend(part.strip() for part in _SENTENCE_END.split(text) if part.strip())

    for raw_line in markdown.splitlines():
        line = _AUTOLINK.sub(" ", _LINK.sub(r"\1", raw_line))
        if not line.strip():
            flush()
            continue
        is_block_item = bool(_BLOCK_MARK.match(line)) and not line.lstrip().startswith(">")
        line = _INLINE_MARK.sub("", _BLOCK_MARK.sub("", line))
        if is_block_item:
            flush()
            paragraph.append(line)
            flush()
        else:
            paragraph.append(line)
    flush()
    return sentences


def assess(markdown: str) -> Readability | None:
    """The Flesch-Kincaid grade of a Markdown text, or None when it has no words."""
    sentences = [s for s in plain_sentences(markdown) if _WORD.search(s)]
    words = [w for s in sentences for w in _WORD.findall(s)]
    if not words:
        return None
    syllables = sum(count_syllables(w) for w in words)
    grade = 0.39 * (len(words) / len(sentences)) + 11.8 * (syllables / len(words)) - 15.59
    return Readability(words=len(words), sentences=len(sentences), syllables=syllables, grade=round(grade, 1))
