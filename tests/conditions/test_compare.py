"""Word-by-word comparison of two versions (conditions/compare.py)."""

import pytest

from conditions.compare import Change, part_diff, word_diff


def test_a_word_diff_keeps_the_text_and_marks_words_added_and_removed():
    changes = word_diff("Take the tablets twice a day.", "Take the new tablets once a day.")
    assert changes == [
        Change("equal", "Take the "),
        Change("insert", "new "),
        Change("equal", "tablets "),
        Change("delete", "twice "),
        Change("insert", "once "),
        Change("equal", "a day."),
    ]
    assert "".join(c.text for c in changes if c.kind != "delete") == "Take the new tablets once a day."


def test_a_new_paragraph_is_one_insertion_not_scattered_words():
    changes = word_diff("It gets worse.", "It gets worse.\n\nA new sentence today.")
    assert [c for c in changes if c.kind != "equal"] == [Change("insert", "A new sentence today.")]


@pytest.mark.parametrize(
    ("old", "new", "status", "added", "removed"),
    [
        ("Same text.", "Same text.", "unchanged", 0, 0),
        ("Line one.\nLine two.\n", "Line one.\r\nLine two.", "unchanged", 0, 0),  # line ends only
        ("one two three four", "one three four five six", "changed", 2, 1),
        (None, "A new section.", "added", 3, 0),
        ("An old section.", None, "removed", 0, 3),
    ],
)
def test_each_part_says_whether_it_changed_and_how_many_words(old, new, status, added, removed):
    diff = part_diff("Section", old, new)
    assert (diff.status, diff.words_added, diff.words_removed) == (status, added, removed)
