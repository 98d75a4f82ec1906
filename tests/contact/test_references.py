import re

from contact.references import ALPHABET, new_reference


def test_a_reference_is_short_readable_and_uses_no_confusable_characters():
    reference = new_reference()
    assert re.fullmatch(r"NAC-[A-Z2-9]{4}-[A-Z2-9]{4}", reference)
    assert not set(reference[4:].replace("-", "")) - set(ALPHABET)
    assert not set("01ILOU") & set(ALPHABET)


def test_references_do_not_repeat():
    assert len({new_reference() for _ in range(2000)}) == 2000
