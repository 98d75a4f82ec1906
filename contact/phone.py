"""
Phone numbers as patients type them, checked and written one way for storage. Pure Python.

Singapore numbers have eight digits and start with 3 (internet lines), 6 (fixed lines), 8 or 9
(mobiles). Patients write them with or without the country code (+65 or 65) and with spaces,
dashes, dots or brackets. A number from another country must start with + and its country code
(E.164: at most 15 digits; we ask for at least 8). Everything is stored in E.164 form, e.g.
"+6591234567", so one number is always written the same way and can be searched for.
"""

import re
import unicodedata

SEPARATORS = re.compile(r"[\s\-.()/]")
SINGAPORE_LOCAL = re.compile(r"[3689][0-9]{7}")
INTERNATIONAL = re.compile(r"[1-9][0-9]{7,14}")  # digits after the +, country code first
SINGAPORE_CODE = "65"

HELP = (
    "Enter a Singapore number like 9123 4567, or an overseas number starting with + and the "
    "country code, like +60 12 345 6789."
)


class PhoneNumberError(ValueError):
    """A phone number that is neither a Singapore number nor an international one."""


def normalise_phone(raw: str) -> str:
    """The number in E.164 form ("+6591234567"); raises PhoneNumberError with a plain message."""
    # NFKC turns full-width digits and plus signs (typed with a Chinese input method) into ASCII.
    text = SEPARATORS.sub("", unicodedata.normalize("NFKC", raw))
    if not text:
        raise PhoneNumberError("Enter a phone number.")
    if text.startswith("+"):
        digits = text[1:]
        if digits.startswith(SINGAPORE_CODE):
            if SINGAPORE_LOCAL.fullmatch(digits[2:]):
                return f"+{digits}"
            raise PhoneNumberError(
                "A Singapore number has 8 digits after +65 and starts with 3, 6, 8 or 9, like +65 9123 4567."
            )
        if INTERNATIONAL.fullmatch(digits):
            return f"+{digits}"
        raise PhoneNumberError(HELP)
    if SINGAPORE_LOCAL.fullmatch(text):
        return f"+{SINGAPORE_CODE}{text}"
    if text.startswith(SINGAPORE_CODE) and SINGAPORE_LOCAL.fullmatch(text[2:]):
        return f"+{text}"
    raise PhoneNumberError(HELP)


def looks_like_phone(text: str) -> bool:
    """Whether a search term is probably a phone number (digits, maybe a + and separators)."""
    compact = SEPARATORS.sub("", text)
    return len(compact) >= 4 and re.fullmatch(r"\+?[0-9]+", compact) is not None
