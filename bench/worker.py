"""The process that sends the enquiries' mails, started beside the servers as in production."""

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from bench.server import PYTHON, ROOT, process_cpu_seconds

NICE = 19  # mail can wait a few seconds; patients' pages cannot


@dataclass
class Worker:
    process: subprocess.Popen
    log: Path
    nice: int = NICE

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.process.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_worker(env: dict[str, str], workdir: Path) -> Worker:
    """`manage.py db_worker`, the task worker that sends the enquiries' mails, at low CPU priority."""
    log = workdir / "task-worker.log"
    command = [PYTHON, str(ROOT / "manage.py"), "db_worker", "--interval", "1", "--no-reload"]
    with log.open("w") as stream:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=stream,
            stderr=subprocess.STDOUT,
            preexec_fn=lambda: os.nice(NICE),
        )
    return Worker(process, log)
