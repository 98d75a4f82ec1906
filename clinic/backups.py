"""
Encryption of database backups (`backup_database`, `restore_database`).

A backup holds every patient's message and contact details, and copies of it travel (off the
machine, to other storage), so it is encrypted when DJANGO_BACKUP_KEY is set: with Fernet from the
`cryptography` package (AES-128 in CBC mode with an HMAC-SHA256 over the whole file, so a changed or
cut-short file is refused rather than restored wrong). The key is 32 random bytes in URL-safe
base64; make one with

    python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"

Several keys may be listed, comma-separated: the first encrypts, any of them decrypts, so a new key
can be introduced while older backups still restore. Fernet works on the whole file in memory: a
backup needs about three times its size in RAM for a moment, plenty for this site's database.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# Every Fernet token starts with its version byte, 0x80, which base64 writes as "gA".
FERNET_START = b"gA"


class BackupKeyError(ValueError):
    """No key, or no key that opens this backup."""


def keys() -> MultiFernet | None:
    if not settings.BACKUP_KEYS:
        return None
    try:
        return MultiFernet([Fernet(key.encode()) for key in settings.BACKUP_KEYS])
    except ValueError:
        raise ImproperlyConfigured(
            "DJANGO_BACKUP_KEY must be Fernet keys (32 bytes in URL-safe base64), comma-separated; see "
            "docs/operations.md, Backups."
        ) from None


def is_encrypted(data: bytes) -> bool:
    return data.startswith(FERNET_START)


def encrypt(data: bytes) -> bytes:
    fernet = keys()
    if fernet is None:
        raise BackupKeyError("DJANGO_BACKUP_KEY is not set.")
    return fernet.encrypt(data)


def decrypt(data: bytes) -> bytes:
    fernet = keys()
    if fernet is None:
        raise BackupKeyError("This backup is encrypted: set DJANGO_BACKUP_KEY to the key it was made with.")
    try:
        return fernet.decrypt(data)
    except InvalidToken:
        raise BackupKeyError(
            "None of the keys in DJANGO_BACKUP_KEY opens this backup, or the file was changed or cut short."
        ) from None
