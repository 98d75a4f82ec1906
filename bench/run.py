"""
`make bench` (python -m bench.run): load-test the site under gunicorn with production settings,
against the framework's floor measured in the same run.

It prepares a fresh database (SQLite in a temporary folder by default; with DATABASE_URL set to a
PostgreSQL server it creates a throwaway database there, and with REDIS_URL it uses Redis under a
key prefix of its own), seeds the content, collects static files and starts gunicorn with
gunicorn.conf.py and bench.settings (the production settings plus the floor view) on 127.0.0.1:
one server as configured, and a second one without any cache for the "cold" condition page. wrk
drives them on loopback.

Each scenario runs between two floor runs (a bare Django view behind the same middleware that
returns a constant page as large as the condition page), and is reported as req/s, p50 and p99
latency, its ratio to the mean of the floor runs either side of it, and the workers' CPU time per
request: on a shared 2-core machine figures move a lot from minute to minute, ratios and CPU time
much less. All scenarios run in rounds (`--repeat`, 2 by default) and each row gives the medians. Every response must have the
scenario's expected status, and every enquiry wrk saw accepted (302) must be in the database
with its own reference and its notifications sent (by the task worker, `manage.py db_worker`, a
separate process as in production, which is given time to catch up after the runs). It also reports the first-load weight of a
condition page and each worker's resident memory, prints a Markdown table, writes it to
bench/results/, stops everything it started and exits non-zero on any failed check.
"""

import argparse
import datetime
import gzip
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
LUA = ROOT / "bench" / "lua" / "request.lua"
PYTHON = sys.executable
CSRF = "benchCsrfSecretToken0123456789ab"  # 32 characters: Django accepts an unmasked secret
CONDITION = "/conditions/hemifacial-spasm/"
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
WEIGHT_LIMIT_KB = 50
WORKER_NICE = 19
DRAIN_TIMEOUT = 300  # seconds for the task worker to catch up after the runs


@dataclass
class Scenario:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    expect: int = 200  # every response must have this status
    server: str = "main"  # "cold": the server without a cache


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
    ratio: float | None = None


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def wait_for(server: Server, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise SystemExit(f"gunicorn ({server.name}) exited:\n{tail(server.log)}")
        try:
            if fetch(server.base + "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"the {server.name} server did not answer within {timeout:.0f}s:\n{tail(server.log)}")


def tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def to_ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def run_wrk(server: Server, scenario: Scenario, concurrency: int, duration: int) -> Result:
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
    command += ["-s", str(LUA)]
    cpu_before = worker_cpu_seconds(server.process.pid)
    completed = subprocess.run(
        [*command, server.base + scenario.path],
        env=env,
        capture_output=True,
        text=True,
        timeout=duration + 60,
    )
    cpu = worker_cpu_seconds(server.process.pid) - cpu_before
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


def worker_cpu_seconds(master_pid: int) -> float:
    """CPU time (user and system) used so far by the server's workers."""
    total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == master_pid:  # fields[1] is the parent's pid
            total += int(fields[11]) + int(fields[12])  # utime, stime in clock ticks
    return total / os.sysconf("SC_CLK_TCK")


def worker_memory_mb(master_pid: int) -> list[tuple[float, float]]:
    """Each worker's resident memory and its proportional share (PSS: pages shared with the
    master and the other workers, thanks to preload_app, counted once between them), in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
            rollup = (status.parent / "smaps_rollup").read_text()
        except OSError:
            continue
        ppid = int(re.search(r"^PPid:\s+(\d+)", text, re.M).group(1))
        rss = re.search(r"^Rss:\s+(\d+) kB", rollup, re.M)
        pss = re.search(r"^Pss:\s+(\d+) kB", rollup, re.M)
        if ppid == master_pid and rss and pss:
            sizes.append((int(rss.group(1)) / 1024, int(pss.group(1)) / 1024))
    return sorted(sizes)


def build_scenarios(base: str) -> tuple[list[Scenario], int]:
    """The scenarios, and the size of the condition page (the floor's size). Form bodies follow
    the site's real forms; each scenario is tried once, and must answer as expected, before any
    load is put on it."""
    status, headers, body = fetch(base + CONDITION)
    if status != 200:
        raise SystemExit(f"the condition page answered {status}")
    css = re.search(rb'href="(/static/css/site[^"]*\.css)"', body).group(1).decode()
    scenarios = [
        Scenario("home", "/"),
        Scenario("conditions list", "/conditions/"),
        Scenario("condition page, warm", CONDITION),
        Scenario("condition page, cold (no cache)", CONDITION, server="cold"),
        Scenario(
            "condition page, conditional GET",
            CONDITION,
            headers={"If-None-Match": headers["ETag"]},
            expect=304,
        ),
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
            expect=302,
        ),
        Scenario("static CSS (brotli)", css, headers={"Accept-Encoding": "br, gzip"}),
    ]
    return scenarios, len(body)


def check_once(base: str, scenario: Scenario) -> None:
    """One request of the scenario, which must answer as expected (and warms any cache)."""
    headers = dict(scenario.headers)
    data = None
    if scenario.method == "POST":
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={CSRF}"}
        data = scenario.body.replace("{uuid}", str(uuid.uuid4())).encode()
    request = urllib.request.Request(base + scenario.path, data=data, headers=headers, method=scenario.method)

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        status = urllib.request.build_opener(NoRedirect).open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != scenario.expect:
        raise SystemExit(f"{scenario.name}: expected HTTP {scenario.expect}, got {status}")


def page_weight(base: str) -> tuple[list[tuple[str, int]], list[str]]:
    """What a first visit to a condition page downloads before anything below the fold, compressed:
    the HTML (gzip, as the proxy in front would send it), and the CSS, JS and images it names
    (lazy-loaded figures excluded) as whitenoise serves them. Also checks that static files come
    with hashed names and a one-year cache."""
    _, _, html = fetch(base + CONDITION)
    items = [("HTML (gzip -6)", len(gzip.compress(html, 6)))]
    problems = []
    text = html.decode()
    urls = re.findall(r'<link rel="(?:stylesheet|icon)" href="([^"]+)"', text)
    urls += re.findall(r'<script[^>]+src="([^"]+)"', text)
    urls += [src for tag in re.findall(r"<img[^>]+>", text) if 'loading="lazy"' not in tag
             for src in re.findall(r'src="([^"]+)"', tag)]  # fmt: skip
    for url in dict.fromkeys(urls):
        status, headers, body = fetch(base + url, {"Accept-Encoding": "br, gzip"})
        if status != 200:
            problems.append(f"{url} answered {status}")
            continue
        encoding = headers.get("Content-Encoding", "none")
        items.append((f"{url.rsplit('/', 1)[-1]} ({encoding})", len(body)))
        cache_control = headers.get("Cache-Control", "")
        max_age = re.search(r"max-age=(\d+)", cache_control)
        if url.startswith("/static/") and not (max_age and int(max_age.group(1)) >= 365 * 24 * 3600):
            problems.append(f"{url} is not cached for a year ({cache_control!r})")
        if url.startswith("/static/") and not re.search(r"\.[0-9a-f]{12}\.", url):
            problems.append(f"{url} has no content hash in its name")
        if url.endswith((".css", ".js")) and encoding not in ("br", "gzip"):
            problems.append(f"{url} is not served compressed")
    return items, problems


def enquiry_counts(env: dict[str, str]) -> tuple[int, int, int]:
    """Enquiries stored, distinct references, and enquiries with both notifications sent."""
    script = (
        "import django; django.setup()\n"
        "from contact.models import Enquiry\n"
        "rows = Enquiry.objects.all()\n"
        "print(rows.count(), rows.values('reference').distinct().count(),"
        " rows.filter(coordinator_mail='sent', acknowledgement_mail='sent').count())\n"
    )
    output = subprocess.run(
        [PYTHON, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    stored, unique, notified = (int(n) for n in output.stdout.split())
    return stored, unique, notified


def enquiry_check(
    env: dict[str, str], accepted: int, in_flight: int, worker: "Worker | None"
) -> tuple[str, bool]:
    """Every enquiry wrk saw accepted (302) is stored, with its own reference, and notified.

    wrk stops counting when its time is up, while the server still completes the requests it has
    already read (at most one per connection), so up to `in_flight` more may be stored than wrk
    saw accepted; fewer would mean a lost enquiry. The task worker may still be sending
    the mails of the last run: it is given up to DRAIN_TIMEOUT seconds to catch up.
    """
    deadline = time.monotonic() + DRAIN_TIMEOUT
    waited = time.monotonic()
    while True:
        stored, unique, notified = enquiry_counts(env)
        if (
            worker is None
            or notified >= stored
            or time.monotonic() > deadline
            or worker.process.poll() is not None
        ):
            break
        time.sleep(1)
    waited = time.monotonic() - waited
    accepted += 1  # the check request before the runs
    ok = accepted <= stored <= accepted + in_flight and stored == unique == notified
    text = (
        f"Enquiries: {accepted:,} accepted (302) as counted by wrk, {stored:,} stored (at most {in_flight} "
        f"more can be requests still in flight when wrk stopped counting), {unique:,} unique references, "
        f"{notified:,} with both notifications sent: {'every accepted enquiry stored' if ok else 'MISMATCH'}. "
    )
    if worker is not None:
        cpu_ms = worker.cpu_seconds() * 1000 / max(notified, 1)
        text += (
            f"The task worker (`manage.py db_worker`, a separate process at nice {WORKER_NICE}, as in production: see "
            f"docs/operations.md, Deployment) sent the mails at {cpu_ms:.1f} ms CPU per enquiry and had caught up "
            f"{waited:.0f} s after all scenarios were done."
        )
    return text, ok


def prepare_database(env: dict[str, str], workdir: Path) -> tuple[str, object]:
    """A fresh database: SQLite in the work folder, or a throwaway PostgreSQL database next to the
    one DATABASE_URL names (that one is never touched). Returns its engine and a cleanup."""
    url = env.get("DATABASE_URL", "")
    if not url:
        env["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
        return "sqlite", lambda: None
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("DATABASE_URL must be a PostgreSQL URL (or unset for SQLite)")
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"clinic_bench_{os.getpid()}"
    admin_url = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    env["DATABASE_URL"] = urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))
    return "postgresql", drop


def forget_cache_keys(env: dict[str, str]) -> None:
    url = env.get("CACHE_URL") or env.get("REDIS_URL")
    if not url:
        return
    import redis

    client = redis.Redis.from_url(url)
    for key in client.scan_iter(match=f"{env['BENCH_CACHE_PREFIX']}:*", count=1000):
        client.delete(key)


def start_server(name: str, port: int, env: dict[str, str], workdir: Path) -> Server:
    log = workdir / f"gunicorn-{name}.log"
    command = [PYTHON, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py")]
    command += ["--bind", f"127.0.0.1:{port}", "--no-control-socket", "clinic.wsgi"]
    with log.open("w") as stream:
        # Output goes to a file, never to a pipe nobody reads (a full pipe would stall the workers).
        process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=stream, stderr=subprocess.STDOUT)
    return Server(name, port, process, log)


@dataclass
class Worker:
    """`manage.py db_worker`, the task worker, which sends the enquiries' mails."""

    process: subprocess.Popen
    log: Path

    def cpu_seconds(self) -> float:
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_worker(env: dict[str, str], workdir: Path) -> Worker:
    log = workdir / "task-worker.log"
    command = [PYTHON, str(ROOT / "manage.py"), "db_worker", "--interval", "1", "--no-reload"]
    with log.open("w") as stream:
        process = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=stream,
            stderr=subprocess.STDOUT,
            # Mail can wait a few seconds; patients' pages cannot.
            preexec_fn=lambda: os.nice(WORKER_NICE),
        )
    return Worker(process, log)


def stop(server: Server | Worker) -> None:
    if server.process.poll() is None:
        server.process.send_signal(signal.SIGTERM)
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def combine(runs: list[Result], name: str = "") -> Result:
    """Repeated runs of one scenario as one row: medians (the ratio too), totals of requests and
    errors. The floor's req/s is its mean."""
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


def markdown(results: list[Result], notes: list[str], meta: str) -> str:
    lines = [
        f"Benchmark {meta}",
        "",
        "| scenario | concurrency | req/s | p50 ms | p99 ms | ratio to floor | worker CPU ms/req | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "(floor)"
        lines.append(
            f"| {r.name} | {r.concurrency} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {ratio} "
            f"| {r.cpu_ms:.2f} | {r.requests:,} | {r.errors} |"
        )
    return "\n".join([*lines, "", *notes]) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 4)))
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_CONCURRENCY", "16,64"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument(
        "--repeat",
        type=int,
        default=int(os.environ.get("BENCH_REPEAT", 2)),
        help="rounds of all scenarios (medians)",
    )
    parser.add_argument("--only", default="", help="comma-separated scenario names (or name starts)")
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
        # Both notices are really sent (to the console mailer, whose output goes to a log file), by
        # the task worker, as in production (docs/operations.md, Deployment).
        "DJANGO_COORDINATOR_EMAILS": "coordinator@example.sg",
        "BENCH_CACHE_PREFIX": f"clinic-bench-{os.getpid()}",
        "GUNICORN_ACCESSLOG": "",
        "PYTHONPATH": str(ROOT),
    }
    servers: list[Server] = []
    worker: Worker | None = None
    database, drop_database = prepare_database(env, workdir)
    cache = "redis" if env.get("REDIS_URL") or env.get("CACHE_URL") else "local memory (per worker)"
    load_before = os.getloadavg()[0]
    try:
        manage = [PYTHON, str(ROOT / "manage.py")]
        for step in (
            ["migrate", "--noinput", "-v0"],
            ["seed_content"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run([*manage, *step], env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        servers = [
            start_server("main", args.port, env, workdir),
            start_server("cold", args.port + 1, {**env, "BENCH_CACHE": "none"}, workdir),
        ]
        main_server, cold_server = servers
        worker = start_worker(env, workdir)
        for server in servers:
            wait_for(server)
        scenarios, page_size = build_scenarios(main_server.base)
        floor = Scenario("floor (constant page)", f"/bench/floor/{page_size}/")
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        scenarios = [s for s in scenarios if not wanted or any(s.name.startswith(w) for w in wanted)]
        for scenario in [floor, *scenarios]:
            check_once((cold_server if scenario.server == "cold" else main_server).base, scenario)

        results: list[Result] = []
        accepted = in_flight = 0
        for concurrency in [int(c) for c in args.concurrency.split(",")]:
            floors = [run_wrk(main_server, floor, concurrency, args.duration)]
            rounds: dict[str, list[Result]] = {}
            for _ in range(args.repeat):
                for scenario in scenarios:
                    server = cold_server if scenario.server == "cold" else main_server
                    result = run_wrk(server, scenario, concurrency, args.duration)
                    floors.append(run_wrk(main_server, floor, concurrency, args.duration))
                    result.ratio = result.rps / statistics.mean(f.rps for f in floors[-2:])
                    rounds.setdefault(scenario.name, []).append(result)
                    if scenario.expect == 302:
                        accepted += result.statuses.get(302, 0)
                        in_flight += concurrency
            results += [combine(runs) for runs in rounds.values()]
            results.append(combine(floors, name=floor.name + ", mean of runs"))
        memory = worker_memory_mb(main_server.process.pid)
        weights, weight_problems = page_weight(main_server.base)
        enquiry_note, enquiries_ok = (
            enquiry_check(env, accepted, in_flight, worker)
            if any(s.expect == 302 for s in scenarios)
            else ("", True)
        )
    finally:
        for server in servers:
            stop(server)
        if worker is not None:
            stop(worker)
        forget_cache_keys(env)
        drop_database()
        logs = {server.name: tail(server.log) for server in servers}
        if worker is not None:
            logs["task worker"] = tail(worker.log)
        shutil.rmtree(workdir, ignore_errors=True)

    total_kb = sum(size for _, size in weights) / 1024
    workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count())
    meta = (
        f"{datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"gunicorn {workers} sync workers, database {database}, cache {cache}, {args.duration}s per run, "
        f"{args.repeat} round(s), "
        f"wrk on loopback (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    notes = [
        "Ratio: the scenario's req/s over the mean of the floor runs just before and after it (median over",
        "the rounds). Worker CPU: the gunicorn workers' CPU time (user + system) per request, which other",
        "load on the machine moves much less than req/s.",
        "",
        f"First load of a condition page: {total_kb:.1f} KB compressed "
        f"({', '.join(f'{name} {size / 1024:.1f} KB' for name, size in weights)}); "
        f"{'within' if total_kb <= WEIGHT_LIMIT_KB else 'OVER'} the {WEIGHT_LIMIT_KB} KB budget.",
        *(f"- {problem}" for problem in weight_problems),
        "",
        "Worker memory after the run: "
        + ", ".join(f"{rss:.0f} MB resident ({pss:.0f} MB proportional)" for rss, pss in memory)
        + ".",
    ]
    if enquiry_note:
        notes += ["", enquiry_note]
    table = markdown(results, notes, meta)
    print(table)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}.md").write_text(table)
    failed = [r for r in results if r.errors]
    if failed:
        print(
            "FAILED: unexpected responses or failed requests in: "
            + ", ".join(f"{r.name} @{r.concurrency} {r.statuses}" for r in failed)
        )
    if not enquiries_ok:
        print("FAILED: not every accepted enquiry was stored and notified.")
    if failed or not enquiries_ok:
        for name, log in logs.items():
            print(f"--- {name} log, last lines ---\n{log}")
    if weight_problems:
        print("FAILED: static files are not served as they should be.")
    return 1 if failed or not enquiries_ok or weight_problems else 0


if __name__ == "__main__":
    sys.exit(main())
