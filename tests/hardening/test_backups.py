"""Back up, restore into a fresh database, and find everything again: the commands in docs/operations.md
("Backups and restore"), run as written, on SQLite and on PostgreSQL."""

import json
import shutil
import stat
import subprocess
import uuid

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command

from tests.hardening.conftest import drop_postgres_database, postgres_url
from tests.hardening.live import manage, site_env

WRITE = """
import uuid
from django.contrib.auth.models import User
from conditions.models import PublishedVersion
from contact.models import EnquiryNote
from contact.services import enquiry_submit
messages = ["My left eye twitches. 😣", "面肌痉挛 مرحبا <b>not bold</b>", "Since March; it is worse when tired."]
for number, message in enumerate(messages):
    enquiry = enquiry_submit(
        submission_id=uuid.uuid4(), name=f"Patient {number}", email=f"p{number}@example.com", phone="",
        preferred_contact="email", condition=PublishedVersion.objects.published().first().condition, message=message,
        calculator_result=None, consent=True,
    )
EnquiryNote.objects.create(enquiry=enquiry, text="Called back; booked a consultation.")
"""

READ = """
import json
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from clinic.models import ClinicProfile
from conditions.models import Condition, PublishedVersion
from contact.models import Enquiry, EnquiryNote
executor = MigrationExecutor(connection)
print(json.dumps({
    "unapplied migrations": len(executor.migration_plan(executor.loader.graph.leaf_nodes())),
    "enquiries": sorted([e.reference, e.name, e.message, e.condition.slug] for e in Enquiry.objects.all()),
    "notes": list(EnquiryNote.objects.values_list("text", flat=True)),
    "published": sorted(PublishedVersion.objects.published().values_list("slug", flat=True)),
    "sections": sum(c.sections.count() for c in Condition.objects.all()),
    "clinic": ClinicProfile.objects.get().name,
}))
"""


def read_back(env: dict, *, first: str = "") -> dict:
    """What the database holds, as JSON (after running `first`, in the same process)."""
    return json.loads(manage(env, "shell", "-c", first + READ).strip().splitlines()[-1])


def restore_sqlite(backup, tmp_path) -> str:
    # docs/operations.md: stop the site, move the old files aside, copy the backup into place.
    fresh = tmp_path / "restored" / "db.sqlite3"
    fresh.parent.mkdir()
    shutil.copyfile(backup, fresh)
    return f"sqlite:///{fresh}"


def restore_postgresql(backup, request) -> str:
    # docs/operations.md: createdb, then pg_restore --no-owner into it.
    name = f"hardening_restored_{uuid.uuid4().hex[:8]}"
    request.addfinalizer(lambda: drop_postgres_database(name))
    server = ["--host=127.0.0.1", "--port=5432", "--username=postgres"]
    subprocess.run(["createdb", *server, name], check=True, capture_output=True)
    subprocess.run(
        ["pg_restore", *server, "--no-owner", f"--dbname={name}", str(backup)],
        check=True,
        capture_output=True,
    )
    return postgres_url(name)


@pytest.mark.parametrize("database", ["sqlite_database", "postgres_database"])
def test_a_backup_restored_into_a_fresh_database_has_every_article_and_enquiry(request, database, tmp_path):
    if database == "postgres_database" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    database_url = request.getfixturevalue(database)
    env = site_env(database_url, tmp_path / "media")
    original = read_back(env, first=WRITE)  # the articles come from seed_content, in the template
    assert len(original["enquiries"]) == 3 and len(original["published"]) == 2

    backup = tmp_path / ("backup.sqlite3" if database == "sqlite_database" else "backup.dump")
    assert "Backed up the" in manage(env, "backup_database", str(backup))
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600  # personal data: the owner only
    assert [
        path.name for path in tmp_path.iterdir() if path.name.startswith(".")
    ] == []  # no partial file left

    restored_url = (
        restore_sqlite(backup, tmp_path)
        if database == "sqlite_database"
        else restore_postgresql(backup, request)
    )
    restored = read_back(site_env(restored_url, tmp_path / "media"))
    assert restored == original
    assert restored["unapplied migrations"] == 0
    assert [e[2] for e in restored["enquiries"] if "😣" in e[2]] == ["My left eye twitches. 😣"]


def test_a_backup_never_overwrites_a_file_nor_writes_into_a_missing_folder(db, tmp_path):
    existing = tmp_path / "keep.sqlite3"
    existing.write_text("an older backup")
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_database", str(existing))
    assert existing.read_text() == "an older backup"
    with pytest.raises(CommandError, match="does not exist"):
        call_command("backup_database", str(tmp_path / "no-such-folder" / "backup.sqlite3"))


KEY, OTHER_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


@pytest.mark.parametrize("database", ["sqlite_database", "postgres_database"])
def test_an_encrypted_backup_holds_no_readable_data_and_restores_with_its_key(request, database, tmp_path):
    if database == "postgres_database" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump and pg_restore are not installed (Debian: postgresql-client)")
    env = site_env(request.getfixturevalue(database), tmp_path / "media", DJANGO_BACKUP_KEY=KEY)
    original = read_back(env, first=WRITE)

    backup = tmp_path / "backup.enc"
    assert "encrypted" in manage(env, "backup_database", str(backup))
    data = backup.read_bytes()
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert not data.startswith((b"SQLite format 3", b"PGDMP"))
    for secret in [b"Patient 0", b"p1@example.com", "面肌痉挛".encode(), b"Called back"]:
        assert secret not in data

    # The wrong key: refused, and nothing written.
    wrong = site_env("sqlite://:memory:", tmp_path / "media", DJANGO_BACKUP_KEY=OTHER_KEY)
    with pytest.raises(AssertionError, match="None of the keys"):
        manage(wrong, "restore_database", str(backup), str(tmp_path / "nope"))
    assert not (tmp_path / "nope").exists()

    # A new key first, the old one still listed: the old backup restores.
    keys = site_env("sqlite://:memory:", tmp_path / "media", DJANGO_BACKUP_KEY=f"{OTHER_KEY},{KEY}")
    plain = tmp_path / ("restored.sqlite3" if database == "sqlite_database" else "restored.dump")
    assert "decrypted" in manage(keys, "restore_database", str(backup), str(plain))
    assert stat.S_IMODE(plain.stat().st_mode) == 0o600
    restored_url = (
        restore_sqlite(plain, tmp_path)
        if database == "sqlite_database"
        else restore_postgresql(plain, request)
    )
    assert read_back(site_env(restored_url, tmp_path / "media")) == original
