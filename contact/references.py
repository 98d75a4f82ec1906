"""
Enquiry reference numbers: short enough to read out on the phone, impossible to guess.

"NAC-7KQ4-M2XD": eight characters from 30 that cannot be confused with each other when read or
heard (no 0/O, 1/I/L or U), chosen with `secrets`, so about 6.6e11 possibilities. A reference is
never the database id, and the database's unique constraint settles the rare collision.
"""

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "NAC"
LENGTH = len(PREFIX) + 1 + 4 + 1 + 4


def new_reference() -> str:
    """A fresh random reference such as "NAC-7KQ4-M2XD"."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{PREFIX}-{chars[:4]}-{chars[4:]}"
