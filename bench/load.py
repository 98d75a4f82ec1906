"""Load from wrk, and what it measured: one `Result` per scenario run."""

import os
import re
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from bench.scenarios import CSRF, Scenario
from bench.server import Gunicorn

LUA = Path(__file__).resolve().parent / "lua" / "request.lua"


@dataclass
class Result:
    name: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    cpu_ms: float = 0.0  # the workers' CPU time per request
    statuses: dict[int, int] = field(default_factory=dict)
    ratio: float | None = None  # req/s over the site floor's, measured around it


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(server: Gunicorn, scenario: Scenario, concurrency: int, duration: int) -> Result:
    """wrk against one scenario; every response must have the scenario's status."""
    headers = {**scenario.headers}
    if scenario.method == "POST":
        headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        headers["Cookie"] = f"csrftoken={CSRF}"
    env = {
        **os.environ,
        "BENCH_METHOD": scenario.method,
        "BENCH_BODY": scenario.body,
        "BENCH_HEADERS": "\n".join(f"{k}: {v}" for k, v in headers.items()),
    }
    threads = min(2, concurrency)
    # A slow response is measured, not counted as failed: wrk's own timeout is 2 s.
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--timeout", "10s", "--latency"]
    command += ["-s", str(LUA), server.url + scenario.path]
    cpu_before = server.worker_cpu_seconds()
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=duration + 60)
    cpu = server.worker_cpu_seconds() - cpu_before
    output = completed.stdout
    try:
        rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
        requests = int(re.search(r"(\d+) requests in", output).group(1))
        p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
        p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    except AttributeError:
        raise SystemExit(
            f"could not read wrk's output for {scenario.name}:\n{output}\n{completed.stderr}"
        ) from None
    statuses = {int(code): int(count) for code, count in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
    errors = sum(count for code, count in statuses.items() if code != scenario.expect)
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    cpu_ms = cpu * 1000 / max(requests, 1)
    return Result(scenario.name, concurrency, rps, p50, p99, requests, errors, cpu_ms, statuses)


def combine(runs: list[Result], name: str = "") -> Result:
    """Repeated runs of one scenario as one row: medians (the ratio too), totals of requests and
    errors. Given a `name`, the rows are floor runs and req/s is their mean."""
    first = runs[0]
    ratios = [run.ratio for run in runs if run.ratio is not None]
    return Result(
        name or first.name,
        first.concurrency,
        statistics.mean(run.rps for run in runs) if name else statistics.median(run.rps for run in runs),
        statistics.median(run.p50_ms for run in runs),
        statistics.median(run.p99_ms for run in runs),
        sum(run.requests for run in runs),
        sum(run.errors for run in runs),
        statistics.median(run.cpu_ms for run in runs),
        {
            code: sum(run.statuses.get(code, 0) for run in runs)
            for code in {c for r in runs for c in r.statuses}
        },
        statistics.median(ratios) if ratios else None,
    )
