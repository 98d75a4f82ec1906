"""
`make bench BENCH_ARGS=--staff-scale`: what staff do, at 1,000 articles with 20 versions each and
at 100 and 100,000 enquiries (issue #13's and #16's targets, bench/checks.py).

One database (bench/database.py): migrated and seeded, then 1,000 published articles with 20
versions each and 100 enquiries (bench/datagen.py). The coordinators' list, the export and the
task worker's idle poll are measured; the enquiries are brought to 100,000 and the same is
measured again; then an article's history page and a publish. Each measurement runs in a Django
process of its own on that database with the production settings (bench/staffprobe.py).
"""

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

from bench import checks
from bench.database import forget_cache_keys, prepare_database
from bench.server import manage

ARTICLES = 1000
VERSIONS = 20
FEW, MANY = 100, 100_000


def probe(env: dict[str, str], name: str) -> dict:
    script = f"from bench.staffprobe import main; main([{name!r}])"
    output = manage(env, "shell", "-v0", "-c", script, timeout=1200)
    line = next(line for line in output.splitlines() if line.startswith("STAFFPROBE "))
    return json.loads(line.removeprefix("STAFFPROBE "))


def generate(env: dict[str, str], *args: str) -> str:
    script = f"from bench.datagen import main; main({list(args)!r})"
    return manage(env, "shell", "-v0", "-c", script, timeout=3600).strip()


def run(args, base_env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The staff-scale run: the report's lines and the failures (empty when every target is met)."""
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-staff-"))
    env = {
        **base_env,
        "DJANGO_MEDIA_ROOT": str(workdir / "media"),
        "DJANGO_ALLOWED_HOSTS": "testserver",  # Django's test client
        "BENCH_CACHE_PREFIX": f"{base_env['BENCH_CACHE_PREFIX']}-staff",
    }
    database, drop = prepare_database(env, workdir, name="staffscale")
    load_before = os.getloadavg()[0]
    notes = []
    try:
        manage(env, "collectstatic", "--noinput", "-v0")
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "seed_content")
        started = time.monotonic()
        notes.append(
            generate(env, "--articles", str(ARTICLES), "--versions", str(VERSIONS), "--enquiries", str(FEW))
        )
        few = {name: probe(env, name) for name in ("inbox", "export", "poll")}
        notes.append(generate(env, "--enquiries", str(MANY)))
        many = {name: probe(env, name) for name in ("inbox", "export", "poll", "articles")}
        elapsed = time.monotonic() - started
    finally:
        forget_cache_keys(env)
        drop()
        shutil.rmtree(workdir, ignore_errors=True)

    verdicts = checks.check_staff_scale(few, many)
    lines = [
        f"Staff scale: {ARTICLES:,} articles with {VERSIONS} versions each, {FEW:,} then {MANY:,} enquiries, "
        f"database {database}, Django's test client in one process, medians of {REPEAT_NOTE} "
        f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after; {elapsed:.0f} s)",
        "",
        *(f"- data: {note}" for note in notes),
        "",
        *table(few, many),
        "",
        "Targets:",
        *(f"- {'met' if met else 'MISSED'}: {line}" for line, met in verdicts),
    ]
    return lines, [f"target missed: {line}" for line, met in verdicts if not met]


REPEAT_NOTE = "15 requests (a publish: 8 articles, once each; the poll: 300 polls)"


def table(few: dict, many: dict) -> list[str]:
    lines = [
        f"| what | at {FEW:,} enquiries: rows shown | wall ms | CPU ms | at {MANY:,}: rows shown | wall ms "
        "| CPU ms | CPU ratio | CPU vs a full page at 100 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    # A list with 50 rows at 100 enquiries (the default view): separates what the rows on the page
    # cost from what the number of enquiries costs (a filter shows 0-3 rows at 100).
    full_page = few["inbox"]["views"]["default"]["cpu_ms"]
    for name, small in few["inbox"]["views"].items():
        large = many["inbox"]["views"][name]
        ratio = large["cpu_ms"] / max(small["cpu_ms"], 1e-9)
        lines.append(
            f"| coordinators' list, {name} | {small['rows']} | {small['wall_ms']:.1f} | {small['cpu_ms']:.1f} "
            f"| {large['rows']} | {large['wall_ms']:.1f} | {large['cpu_ms']:.1f} | {ratio:.2f}x "
            f"| {large['cpu_ms'] / max(full_page, 1e-9):.2f}x |"
        )
    small, large = few["poll"], many["poll"]
    lines.append(
        f"| task worker's idle poll | | {small['wall_ms']:.2f} | {small['cpu_ms']:.2f} "
        f"| | {large['wall_ms']:.2f} | {large['cpu_ms']:.2f} | {large['cpu_ms'] / max(small['cpu_ms'], 1e-9):.2f}x | |"
    )
    small, large = few["export"], many["export"]
    lines.append(
        f"| export of every enquiry (CSV) | {small['rows']:,} | {small['wall_ms']:,.0f} | {small['cpu_ms']:,.0f} "
        f"| {large['rows']:,} | {large['wall_ms']:,.0f} | {large['cpu_ms']:,.0f} | | |"
    )
    lines += [
        "",
        f"Export: {large['rows']:,} rows, {large['mb']:.1f} MB of CSV; peak memory of the process "
        f"{large['peak_before_mb']:.0f} MB before, growth while streaming {large['peak_growth_mb']:.1f} MB "
        f"(at {FEW:,} enquiries: {small['peak_growth_mb']:.1f} MB).",
        f"Idle poll's query plan at {MANY:,} enquiries ({many['poll']['task_rows']:,} finished task rows): "
        + many["poll"]["plan"],
        "",
        f"| at {many['articles']['articles']:,} articles, {many['articles']['versions_each']} versions each "
        "(as a clinical reviewer) | wall ms (median) | slowest ms | CPU ms |",
        "|---|---:|---:|---:|",
    ]
    for name, figures in many["articles"]["views"].items():
        lines.append(
            f"| {name} | {figures['wall_ms']:.1f} | {figures['max_ms']:.1f} | {figures['cpu_ms']:.1f} |"
        )
    return lines
