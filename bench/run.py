"""
`make bench` (python -m bench.run): load-test the site under gunicorn with production settings,
against two floors measured in the same run, and check the targets (bench/README.md).

A fresh database (bench/database.py) is migrated and seeded, static files are collected, and three
gunicorn servers start with gunicorn.conf.py and bench.settings (bench/server.py): the site as
configured, the same without any cache (the cold condition page), and the same with no middleware
at all (the bare floor). The task worker (`manage.py db_worker`) runs beside them, as in
production (bench/worker.py). wrk drives each scenario (bench/scenarios.py, bench/load.py) between two runs
of the site floor: a constant page as large as the condition page behind the site's whole
middleware stack. Rows give req/s, p50 and p99, the ratio to the site floor runs either side, and
the workers' CPU time per request; scenarios run in rounds (`--repeat`) and rows are medians.

The run fails (exit 1), naming what failed, when any response has an unexpected status, an
accepted enquiry is not stored and notified, static files are not served as they should be, or a
target in bench/checks.py is missed. `--middleware` instead measures what each of the site's
middleware adds to the floor page; `--data-scale` (bench/datascale.py) and `--staff-scale`
(bench/staffscale.py) instead measure pages and staff tasks at 1,000 articles and 100,000 enquiries.
"""

import argparse
import datetime
import os
import platform
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

from bench import checks, datascale, report, staffscale
from bench.database import forget_cache_keys, prepare_database
from bench.load import Result, combine, run_wrk
from bench.scenarios import Scenario, check_once, floors, site_scenarios
from bench.server import ROOT, Gunicorn, manage, tail
from bench.worker import Worker, start_worker

RESULTS = ROOT / "bench" / "results"
MIDDLEWARE_PAGE_SIZE = 20_000  # about a condition page


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    parser.add_argument("--duration", type=int, default=int(os.environ.get("BENCH_DURATION", 4)))
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_CONCURRENCY", "16,64"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("BENCH_PORT", 8765)))
    parser.add_argument(
        "--repeat", type=int, default=int(os.environ.get("BENCH_REPEAT", 2)), help="rounds (medians)"
    )
    parser.add_argument("--only", default="", help="comma-separated scenario names (or name starts)")
    parser.add_argument(
        "--middleware", action="store_true", help="measure each middleware's share of the floor page instead"
    )
    parser.add_argument(
        "--data-scale",
        action="store_true",
        help="instead: the public pages at 2 and at 1,000 articles, back to back (bench/datascale.py)",
    )
    parser.add_argument(
        "--staff-scale",
        action="store_true",
        help="instead: the admin's history, publish and coordinator inbox at scale (bench/staffscale.py)",
    )
    return parser.parse_args()


def base_env(workdir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY") or "bench-" + "k" * 50,
        "DJANGO_HTTPS": "0",
        "DJANGO_DEBUG": "0",
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_LOG_LEVEL": "WARNING",  # one log line per request would measure the terminal
        # Enquiries come from many client addresses (bench/lua/request.lua), as from many patients
        # behind the site's proxy, so the rate limit (5 per address) is counted as in production.
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        # Both notices are really sent (to the console mailer, whose output goes to a log file).
        "DJANGO_COORDINATOR_EMAILS": "coordinator@example.sg",
        "BENCH_CACHE_PREFIX": f"clinic-bench-{os.getpid()}",
        "GUNICORN_ACCESSLOG": "",
        "PYTHONPATH": str(ROOT),
    }


def start(name: str, port: int, env: dict[str, str], workdir: Path) -> Gunicorn:
    return Gunicorn(env=env, port=port, log=workdir / f"gunicorn-{name}.log")


def measure(
    args, servers: dict[str, Gunicorn], scenarios: list[Scenario], site_floor: Scenario, bare_floor: Scenario
):
    """Every scenario at every concurrency, each between two site-floor runs; then the floors' rows."""
    results: list[Result] = []
    floor_rows: dict[int, Result] = {}
    accepted = in_flight = 0
    for concurrency in [int(c) for c in args.concurrency.split(",")]:
        floor_runs = [run_wrk(servers["main"], site_floor, concurrency, args.duration)]
        rounds: dict[str, list[Result]] = {}
        for _ in range(args.repeat):
            for scenario in [*scenarios, bare_floor]:
                result = run_wrk(servers[scenario.server], scenario, concurrency, args.duration)
                floor_runs.append(run_wrk(servers["main"], site_floor, concurrency, args.duration))
                result.ratio = result.rps / statistics.mean(f.rps for f in floor_runs[-2:])
                rounds.setdefault(scenario.name, []).append(result)
                if scenario.expect == 302:
                    accepted += result.statuses.get(302, 0)
                    in_flight += concurrency
        results += [combine(runs) for runs in rounds.values()]
        floor_rows[concurrency] = combine(floor_runs, name=site_floor.name + ", mean of runs")
        results.append(floor_rows[concurrency])
    return results, floor_rows, accepted, in_flight


def middleware_shares(args, env: dict[str, str], workdir: Path) -> int:
    """The floor page's worker CPU per request with the first N of the site's middleware, N = 0..all."""
    script = "from django.conf import settings; print(' '.join(settings.MIDDLEWARE))"
    names = manage(env, "shell", "--verbosity", "0", "-c", script).splitlines()[-1].split()
    shares = []
    floor = floors(MIDDLEWARE_PAGE_SIZE)[0]
    for count in range(len(names) + 1):
        server = start(f"mw{count}", args.port, {**env, "BENCH_MIDDLEWARE_COUNT": str(count)}, workdir)
        try:
            server.wait_until_answering()
            check_once(server.url, floor)
            runs = [run_wrk(server, floor, 16, args.duration) for _ in range(args.repeat)]
            shares.append(
                ("(none)" if count == 0 else names[count - 1], statistics.median(r.cpu_ms for r in runs))
            )
        finally:
            server.stop()
    text = "\n".join(report.middleware_table(shares)) + "\n"
    print(text)
    return 0


def scale_modes(args) -> int:
    """`--data-scale` and/or `--staff-scale`: print and keep their reports; 1 if a target is missed."""
    lines: list[str] = []
    failures: list[str] = []
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    try:
        env = base_env(workdir)
        for wanted, mode in ((args.data_scale, datascale), (args.staff_scale, staffscale)):
            if wanted:
                mode_lines, mode_failures = mode.run(args, env)
                lines += [*mode_lines, ""]
                failures += mode_failures
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    text = f"Benchmark {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores\n\n" + "\n".join(
        lines
    )
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-scale-{datetime.datetime.now():%Y%m%d-%H%M%S}.md").write_text(text)
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


def main() -> int:
    args = arguments()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: `apt-get install wrk` (make bench does this as root)")
    if args.data_scale or args.staff_scale:
        return scale_modes(args)
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-"))
    env = base_env(workdir)
    database, drop_database = prepare_database(env, workdir)
    cache = "redis" if env.get("REDIS_URL") or env.get("CACHE_URL") else "local memory (per worker)"
    load_before = os.getloadavg()[0]
    servers: dict[str, Gunicorn] = {}
    worker: Worker | None = None
    try:
        for step in (
            ["migrate", "--noinput", "-v0"],
            ["seed_content"],
            ["collectstatic", "--noinput", "-v0"],
        ):
            manage(env, *step)
        if args.middleware:
            return middleware_shares(args, env, workdir)
        servers = {
            "main": start("main", args.port, env, workdir),
            "cold": start("cold", args.port + 1, {**env, "BENCH_CACHE": "none"}, workdir),
            "bare": start("bare", args.port + 2, {**env, "BENCH_MIDDLEWARE_COUNT": "0"}, workdir),
        }
        worker = start_worker(env, workdir)
        for server in servers.values():
            server.wait_until_answering()
        scenarios, page_size = site_scenarios(servers["main"].url)
        site_floor, bare_floor = floors(page_size)
        wanted = [name.strip() for name in args.only.split(",") if name.strip()]
        scenarios = [s for s in scenarios if not wanted or any(s.name.startswith(w) for w in wanted)]
        for scenario in [site_floor, bare_floor, *scenarios]:
            check_once(servers[scenario.server].url, scenario)

        results, floor_rows, accepted, in_flight = measure(args, servers, scenarios, site_floor, bare_floor)
        memory = servers["main"].worker_memory_mb()
        weights, weight_problems = checks.page_weight(servers["main"].url)
        enquiry_note, enquiries_ok = (
            checks.enquiry_check(env, accepted, in_flight, worker)
            if any(s.expect == 302 for s in scenarios)
            else ("", True)
        )
    finally:
        for server in servers.values():
            server.stop()
        if worker is not None:
            worker.stop()
        forget_cache_keys(env)
        drop_database()
        logs = {name: tail(server.log) for name, server in servers.items()}
        if worker is not None:
            logs["task worker"] = tail(worker.log)
        shutil.rmtree(workdir, ignore_errors=True)

    verdicts = checks.check_targets(results, floor_rows, database)
    total_kb = sum(size for _, size in weights) / 1024
    workers = os.environ.get("WEB_CONCURRENCY") or str(os.cpu_count())
    meta = (
        f"Benchmark {datetime.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, gunicorn {workers} workers, database {database}, cache {cache}, "
        f"{args.duration}s per run, {args.repeat} round(s), wrk on loopback "
        f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    lines = [meta, "", *report.table(results), ""]
    lines += [
        "Ratio: the scenario's req/s over the mean of the site-floor runs just before and after it (median",
        "over the rounds). Worker CPU: the gunicorn workers' CPU time (user + system) per request, which",
        "other load on the machine moves much less than req/s.",
        "",
        "Targets:",
        *(f"- {'met' if met else 'MISSED'}: {line}" for line, met in verdicts),
        "",
        f"First load of a condition page: {total_kb:.1f} KB compressed "
        f"({', '.join(f'{name} {size / 1024:.1f} KB' for name, size in weights)}).",
        *(f"- {problem}" for problem in weight_problems),
        "",
        "Worker memory after the run: "
        + ", ".join(f"{rss:.0f} MB resident ({pss:.0f} MB proportional)" for rss, pss in memory)
        + ".",
    ]
    if enquiry_note:
        lines += ["", enquiry_note]
    text = "\n".join(lines) + "\n"
    print(text)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"bench-{datetime.datetime.now():%Y%m%d-%H%M%S}.md").write_text(text)

    failures = [
        f"unexpected responses in {r.name} @{r.concurrency}: {r.statuses}" for r in results if r.errors
    ]
    failures += ["not every accepted enquiry was stored and notified"] * (not enquiries_ok)
    failures += [f"static files / first load: {problem}" for problem in weight_problems]
    failures += [f"target missed: {line}" for line, met in verdicts if not met]
    for failure in failures:
        print(f"FAILED: {failure}")
    if failures and (not enquiries_ok or any(r.errors for r in results)):
        for name, log in logs.items():
            print(f"--- {name} log, last lines ---\n{log}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
