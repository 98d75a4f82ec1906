"""Files that hold patients' data are readable by the site's own user only: the SQLite database
with its -wal and -shm files (made new, or left world-readable by an older version), and uploads."""

import stat
import uuid
from pathlib import Path

from tests.contact.conftest import valid_post
from tests.hardening.live import manage, site_env


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_new_sqlite_database_is_created_owner_only(tmp_path):
    database = tmp_path / "new.sqlite3"
    manage(site_env(f"sqlite:///{database}", tmp_path / "media"), "migrate", "--noinput", "-v0")
    assert mode(database) == 0o600


def test_a_world_readable_database_and_its_wal_and_shm_files_are_made_owner_only(sqlite_database, start_site):
    database = Path(sqlite_database.removeprefix("sqlite:///"))
    database.chmod(0o644)  # as every database made before this change was
    site = start_site(sqlite_database)
    patient = site.browser()
    patient.get("/contact/")
    sent = patient.post("/contact/", valid_post(submission_id=str(uuid.uuid4())))
    assert sent.status == 302  # stored: the write-ahead log is in use
    files = [database, Path(f"{database}-wal"), Path(f"{database}-shm")]
    assert {path.name: mode(path) for path in files} == {path.name: 0o600 for path in files}
