import pytest

from contact.phone import PhoneNumberError, looks_like_phone, normalise_phone


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("91234567", "+6591234567"),
        ("9123 4567", "+6591234567"),
        ("8123-4567", "+6581234567"),
        ("6592 6871", "+6565926871"),
        ("3157 1234", "+6531571234"),
        ("+65 9123 4567", "+6591234567"),
        ("+65-9123-4567", "+6591234567"),
        ("(+65) 9123 4567", "+6591234567"),
        ("65 9123 4567", "+6591234567"),
        ("+6591234567", "+6591234567"),
        ("+60 12 345 6789", "+60123456789"),
        ("+44 20 7946 0958", "+442079460958"),
        ("+1 (415) 555-0100", "+14155550100"),
        ("+852 9123 4567", "+85291234567"),
        (
            "\uff19\uff11\uff12\uff13 \uff14\uff15\uff16\uff17",
            "+6591234567",
        ),  # full-width, from a Chinese IME
    ],
)
def test_singapore_and_international_numbers_are_stored_in_e164(typed, stored):
    assert normalise_phone(typed) == stored


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "1234 5678",  # Singapore numbers start with 3, 6, 8 or 9
        "5123 4567",
        "9123 456",  # seven digits
        "9123 45678",  # nine digits
        "+65 1234 5678",
        "+65 9123 456",
        "+44",
        "+0 1234 5678",  # country codes never start with 0
        "+1234567",  # too short
        "+1234567890123456",  # sixteen digits: longer than E.164 allows
        "0044 20 7946 0958",  # international numbers need the +
        "call me",
        "9123 4567 ext 2",
        "+65 9123 4567; DROP TABLE",
        "٩١٢٣٤٥٦٧",  # digits of another script are not a number we can dial
    ],
)
def test_anything_else_is_refused_with_a_plain_message(typed):
    with pytest.raises(PhoneNumberError) as error:
        normalise_phone(typed)
    assert str(error.value).startswith(("Enter", "A Singapore number"))


@pytest.mark.parametrize(
    ("term", "expected"),
    [("9123 4567", True), ("+65 9123", True), ("NAC-7KQ4", False), ("Tan", False), ("12", False)],
)
def test_search_terms_that_look_like_phone_numbers_are_recognised(term, expected):
    assert looks_like_phone(term) is expected
