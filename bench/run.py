"""
`make bench` (python -m bench.run): load-test the site under gunicorn with production settings, against the framework's
floor measured in the same run.

It prepares a fresh database (SQLite in a temporary folder by default; DATABASE_URL and REDIS_URL
are used when set), seeds the content, collects static files, starts gunicorn on 127.0.0.1 with
gunicorn.conf.py and bench.settings (the production settings plus the floor view), and drives it
with wrk on loopback. Each scenario runs right after a floor run (a bare view returning a constant
page as large as the condition page), and is reported as req/s, p50 and p99 latency and its ratio
to the mean of the floor runs either side of it: figures on a shared 2-core machine move a lot from
minute to minute, ratios much less. It prints a Markdown table, writes it to bench/results/, stops
everything it started and exits non-zero if any request failed or got an error response.
"""

import argparse
import datetime
import http.cookiejar
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua" / "request.lua"
PYTHON = sys.executable
CSRF = "benchCsrfSecretToken0123456789ab"  # 32 characters: Django accepts an unmasked secret
CALCULATOR_ANSWERS = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}
# {uuid} becomes a fresh one-time form token per request (bench/lua/request.lua), as a browser's would.
ENQUIRY = {
    "name": "Benchmark Patient",
    "email": "bench@example.sg",
    "phone": "+65 9123 4567",
    "preferred_contact": "email",
    "message": "A benchmark enquiry: my left eye has been twitching for a year.",
    "consent": "on",
    "submission_id": "{uuid}",
    "website": "",
}


@dataclass
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    expect_status: int | None = None  # checked once before the load run


@dataclass
class Result:
    name: str
    concurrency: int
    rps: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int
    ratio: float | None = None


def wait_for(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"the site did not answer at {url} within {timeout:.0f}s")


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(base: str, scenario: Scenario, concurrency: int, duration: int) -> Result:
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
    command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{duration}s", "--latency", "-s", str(LUA)]
    output = subprocess.run(
        [*command, base + scenario.path], env=env, capture_output=True, text=True, timeout=duration + 60
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    p50 = to_ms(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = to_ms(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in match.groups())
    return Result(scenario.name, concurrency, rps, p50, p99, requests, errors)


def worker_memory_mb(master_pid: int) -> list[float]:
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        ppid = int(re.search(r"^PPid:\s+(\d+)", text, re.M).group(1))
        rss = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
        if ppid == master_pid and rss:
            sizes.append(int(rss.group(1)) / 1024)
    return sorted(sizes)


def build_scenarios(base: str) -> tuple[list[Scenario], int]:
    """The scenarios, and the size of the condition page (the floor's size). Form bodies follow
    the site's real forms."""
    status, headers, body = fetch(base + "/conditions/hemifacial-spasm/")
    if status != 200:
        raise SystemExit(f"the condition page answered {status}")
    css = re.search(rb'href="(/static/css/site[^"]*\.css)"', body).group(1).decode()
    scenarios = [
        Scenario("home", "/"),
        Scenario("conditions list", "/conditions/"),
        Scenario("condition page", "/conditions/hemifacial-spasm/"),
        Scenario("calculator page", "/grading/hemifacial-spasm/"),
        Scenario(
            "calculator htmx POST (partial)",
            "/grading/hemifacial-spasm/",
            method="POST",
            headers={"HX-Request": "true", "HX-Target": "result"},
            body=urllib.parse.urlencode({**CALCULATOR_ANSWERS, "csrfmiddlewaretoken": CSRF}),
        ),
        Scenario(
            "enquiry POST (database write)",
            "/contact/",
            method="POST",
            body=urllib.parse.urlencode({**ENQUIRY, "csrfmiddlewaretoken": CSRF}, safe="{}"),
        ),
        Scenario("static CSS (brotli)", css, headers={"Accept-Encoding": "br, gzip"}),
    ]
    if etag := headers.get("ETag", ""):
        scenarios.insert(
            3,
            Scenario(
                "condition page, conditional GET (304)",
                "/conditions/hemifacial-spasm/",
                headers={"If-None-Match": etag},
                expect_status=304,
            ),
        )
    return scenarios, len(body)


def markdown(results: list[Result], memory: list[float], meta: str) -> str:
    lines = [
        f"Benchmark {meta}",
        "",
        "| scenario | concurrency | req/s | p50 ms | p99 ms | ratio to floor | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "(floor)"
        lines.append(
            f"| {r.name} | {r.concurrency} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {ratio} | {r.requests:,} | {r.errors} |"
        )
    lines += ["", "Worker resident memory after the run: " + ", ".join(f"{m:.0f} MB" for m in memory)]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 6)))
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_CONCURRENCY", "16,64"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument("--only", default="", help="comma-separated scenario names")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does this as root)")

    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "k" * 50,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",  # one log line per request would measure the terminal
        "DJANGO_CONTACT_RATE_LIMIT": "100000000",  # the benchmark posts far more than any patient
        "PYTHONPATH": str(ROOT),
    }
    env.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    database = env["DATABASE_URL"].split("://", 1)[0]
    cache = "redis" if env.get("REDIS_URL") or env.get("CACHE_URL") else "local memory"
    manage = [PYTHON, str(ROOT / "manage.py")]
    for step in (["migrate", "--noinput", "-v0"], ["seed_content"], ["collectstatic", "--noinput", "-v0"]):
        subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{args.port}",
            "clinic.wsgi",
        ],
        env={**env, "GUNICORN_ACCESSLOG": ""},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    results: list[Result] = []
    try:
        wait_for(base + "/healthz")
        scenarios, page_size = build_scenarios(base)
        floor = Scenario("floor (constant page)", f"/bench/floor/{page_size}/")
        wanted = {name.strip() for name in args.only.split(",") if name.strip()}
        scenarios = [s for s in scenarios if not wanted or s.name in wanted]
        for scenario in scenarios:
            if scenario.expect_status is not None:
                status, _, _ = (
                    fetch(base + scenario.path, scenario.headers)
                    if scenario.method == "GET"
                    else (None, 0, 0)
                )
                if status is not None and status != scenario.expect_status:
                    raise SystemExit(f"{scenario.name}: expected HTTP {scenario.expect_status}, got {status}")
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            floors = [run_wrk(base, floor, concurrency, args.duration)]
            results.append(floors[0])
            for scenario in scenarios:
                result = run_wrk(base, scenario, concurrency, args.duration)
                floors.append(run_wrk(base, floor, concurrency, args.duration))
                result.ratio = result.rps / statistics.mean(f.rps for f in floors[-2:])
                results.append(result)
            results.append(
                Result(
                    floor.name + " (mean)",
                    concurrency,
                    statistics.mean(f.rps for f in floors),
                    statistics.median(f.p50_ms for f in floors),
                    statistics.median(f.p99_ms for f in floors),
                    sum(f.requests for f in floors),
                    sum(f.errors for f in floors),
                )
            )
            results.remove(floors[0])
        memory = worker_memory_mb(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(workdir, ignore_errors=True)

    workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count())
    meta = (
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, gunicorn {workers} sync workers, "
        f"database {database}, cache {cache}, {args.duration}s per run, wrk on loopback"
    )
    table = markdown(results, memory, meta)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}.md").write_text(table)
    failed = [r for r in results if r.errors]
    if failed:
        print(
            "FAILED: error responses or failed requests in: "
            + ", ".join(f"{r.name} @{r.concurrency}" for r in failed)
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
