import pytest

from conditions.readability import TARGET_GRADE, Readability, assess, count_syllables, plain_sentences


@pytest.mark.parametrize(
    ("word", "syllables"),
    [
        ("cat", 1),
        ("face", 1),
        ("nerve", 1),
        ("spasm", 1),
        ("doctor", 2),
        ("muscles", 2),
        ("table", 2),
        ("treatment", 2),
        ("injection", 3),
        ("surgery", 3),
        ("botulinum", 4),
        ("decompression", 4),
        ("microvascular", 5),
        ("2026", 1),
    ],
)
def test_count_syllables_is_right_for_everyday_and_medical_words(word, syllables):
    assert count_syllables(word) == syllables


def test_grade_follows_the_flesch_kincaid_formula():
    result = assess("The cat sat on the mat. The dog ran to the big red door. Nobody was there.")
    # 17 words in 3 sentences; every word has one syllable except "nobody" (3).
    assert (result.words, result.sentences, result.syllables) == (17, 3, 19)
    assert result.grade == round(0.39 * 17 / 3 + 11.8 * 19 / 17 - 15.59, 1) == -0.2


def test_markdown_syntax_and_link_addresses_are_not_counted():
    sentences = plain_sentences("Read **our** [guide to treatment](https://example.com/very/long/address).")
    assert sentences == ["Read our guide to treatment"]


def test_list_items_and_headings_count_as_sentences_of_their_own():
    sentences = plain_sentences(
        "### Signs\n\nYou may notice:\n\n- twitching\n- a pulled mouth\n1. a closed eye"
    )
    assert sentences == ["Signs", "You may notice:", "twitching", "a pulled mouth", "a closed eye"]


def test_short_plain_sentences_are_within_the_target():
    result = assess("Your face twitches on one side. It often starts near the eye. It is not painful.")
    assert not result.above_target
    assert result.reading_age <= 12


def test_long_sentences_of_long_words_are_above_the_target():
    result = assess(
        "Microvascular decompression constitutes a neurosurgical intervention demonstrating considerable "
        "therapeutic effectiveness, notwithstanding the associated perioperative complications."
    )
    assert result.above_target
    assert result.grade > TARGET_GRADE


def test_reading_age_is_the_grade_plus_five_and_never_below_five():
    assert Readability(words=10, sentences=1, syllables=12, grade=7.4).reading_age == 12
    assert Readability(words=6, sentences=1, syllables=6, grade=-1.4).reading_age == 5


def test_short_texts_get_a_grade_but_never_a_warning():
    result = assess("About microvascular decompression.")
    assert result.grade > TARGET_GRADE
    assert not result.long_enough
    assert not result.above_target


@pytest.mark.parametrize("text", ["", "   \n\n", "- \n### "])
def test_text_without_words_has_no_score(text):
    assert assess(text) is None
