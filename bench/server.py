"""
The site under gunicorn, as production runs it: `gunicorn.conf.py`, the production settings
(DEBUG off, whitenoise, the manifest static storage), on 127.0.0.1.

One helper for everything that needs a real server: `make bench`, the hardening fault tests
(tests/hardening/live.py) and the two-server scale-out test (tests/scaleout/).
"""

import os
import random
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
# Variables of the caller's environment that would point a server at something else.
SITE_VARIABLES = ("DJANGO_", "DATABASE_URL", "REDIS_URL", "CACHE_URL", "GUNICORN_", "WEB_CONCURRENCY")


def production_env(*, database_url: str, media_root: Path, **extra: str) -> dict[str, str]:
    """The environment of a production deployment on plain HTTP, pointed at this database and
    nothing else the caller's environment names; `extra` adds or overrides variables."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(SITE_VARIABLES)}
    env |= {
        "DJANGO_SETTINGS_MODULE": "clinic.settings",
        "DJANGO_SECRET_KEY": "live-server-" + "k" * 50,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_LOG_LEVEL": "INFO",
        "DJANGO_MEDIA_ROOT": str(media_root),
        "DJANGO_COORDINATOR_EMAILS": "coordinators@clinic.example.sg",
        "DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
        "PYTHONUNBUFFERED": "1",
    }
    return env | extra


def manage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run a manage.py command; its output, or RuntimeError with everything it printed."""
    result = subprocess.run(
        [PYTHON, str(ROOT / "manage.py"), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def collect_static(env: dict[str, str]) -> None:
    """collectstatic, unless the manifest is newer than every static source (the production
    settings' manifest storage needs it)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    # The project's static files and the apps' own (e.g. conditions/static/: the admin's script).
    sources = [
        path for path in [*(ROOT / "static").rglob("*"), *ROOT.glob("*/static/**/*")] if path.is_file()
    ]
    if manifest.exists() and all(path.stat().st_mtime <= manifest.stat().st_mtime for path in sources):
        return
    manage(env, "collectstatic", "--noinput", "-v0")


def free_port(ports: range) -> int:
    """A port in `ports` that nothing listens on right now."""
    candidates = list(ports)
    random.shuffle(candidates)
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {ports.start}-{ports.stop - 1}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def process_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Gunicorn:
    """A gunicorn server started with gunicorn.conf.py. Its output goes to files, never to a pipe
    nobody reads (a full pipe would stall the workers): stderr (the logs) to `log`, stdout
    (where the console mailer writes) to `stdout` if given, else to `log` too."""

    def __init__(
        self,
        *,
        env: dict[str, str],
        port: int,
        log: Path,
        stdout: Path | None = None,
        workers: int | None = None,
        app: str = "clinic.wsgi",
    ) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.log = log
        command = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
        command += ["--bind", f"127.0.0.1:{port}"]
        if workers is not None:
            command += ["--workers", str(workers)]
        with log.open("w") as errors, (stdout or log).open("a") as output:
            # A session of its own, so stop() can end the workers with the master.
            self.process = subprocess.Popen(
                [*command, app], cwd=ROOT, env=env, stdout=output, stderr=errors, start_new_session=True
            )

    def wait_until_answering(self, timeout: float = 60) -> None:
        """Until /healthz answers 200; RuntimeError with the log if gunicorn exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{tail(self.log)}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.1)
        self.stop(graceful=False)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f}s:\n{tail(self.log)}")

    def worker_pids(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:  # fields[1] is the parent's pid
                pids.append(int(stat.parent.name))
        return pids

    def worker_cpu_seconds(self) -> float:
        """CPU time (user and system) used so far by the workers."""
        return sum(process_cpu_seconds(pid) for pid in self.worker_pids())

    def worker_memory_mb(self) -> list[tuple[float, float]]:
        """Each worker's resident memory and its proportional share (PSS: pages shared with the
        master and the other workers, thanks to preload_app, counted once between them), in MB."""
        sizes = []
        for pid in self.worker_pids():
            try:
                rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            rss = int(rollup.split("Rss:", 1)[1].split()[0])
            pss = int(rollup.split("Pss:", 1)[1].split()[0])
            sizes.append((rss / 1024, pss / 1024))
        return sorted(sizes)

    def stop(self, *, graceful: bool = True) -> None:
        """SIGTERM and wait (graceful), or end the master and workers at once."""
        if self.process.poll() is not None:
            return
        if graceful:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
                return
            except subprocess.TimeoutExpired:
                pass
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
