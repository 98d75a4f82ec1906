"""
`make bench BENCH_ARGS=--data-scale`: the public pages at 2 and at 1,000 published articles, back to
back in one run (issue #15's targets, bench/checks.py).

Each scale has its own database (bench/database.py), migrated and seeded; the 1,000 are the two
seeded articles and 998 made by bench/datagen.py through the publishing service, with all their
parts. Each scale gets two gunicorn servers with the production settings (bench/server.py): the
site as configured, and the same without any cache (for the cold condition page). For every page,
wrk runs at concurrency 16 against the 2-article site, then at once against the 1,000-article site;
`--repeat` rounds, medians. A row gives the HTML size of one response (uncompressed), the workers'
CPU time per request, p99 and req/s.

A page that answers 404 (not built yet) is reported as "page missing", not measured, and fails
its targets.
"""

import os
import shutil
import tempfile
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench import checks
from bench.database import forget_cache_keys, prepare_database
from bench.load import Result, combine, run_wrk
from bench.scenarios import CONDITION, Scenario, fetch
from bench.server import Gunicorn, free_port, manage, tail

SCALES = (2, 1000)
CONCURRENCY = 16
# Searches: nothing matches the first (a word in no article), only the seeded hemifacial spasm
# article matches the second (its other name), and about 150 of the 1,000 match the third
# (bench/datagen.py names about 15% of its articles "... tremor"; no seeded text has the word).
SEARCH_NONE = "kidney stones"
SEARCH_ONE = "tic convulsif"
SEARCH_MANY = "tremor"
STALE_ETAG = '"bench-stale-etag"'


def search_path(query: str) -> str:
    return "/conditions/search/?" + urllib.parse.urlencode({"q": query})


def pages() -> list[Scenario]:
    """The pages issue #15 measures at both scales. The cold condition page: served by the
    server with no cache at all (Django's dummy cache), sent with
    an If-None-Match of an ETag the page never had, so nothing kept between requests can answer
    for it: every request reads the page from the database and renders it in full."""
    return [
        Scenario("home", "/"),
        Scenario("conditions A-Z", "/conditions/"),
        Scenario("conditions, letter H", "/conditions/letter/h/"),
        Scenario("condition page, warm", CONDITION),
        Scenario("condition page, cold", CONDITION, headers={"If-None-Match": STALE_ETAG}, server="cold"),
        Scenario("search, 0 matches", search_path(SEARCH_NONE)),
        Scenario("search, 1 match", search_path(SEARCH_ONE)),
        Scenario("search, ~150 matches", search_path(SEARCH_MANY)),
        Scenario("live search, first keystroke (htmx)", search_path("s"), headers={"HX-Request": "true"}),
        Scenario("write-in form", "/contact/"),
        Scenario("sitemap index", "/sitemap.xml"),
        Scenario("sitemap, articles (first 500)", "/sitemap-conditions.xml"),
    ]


@dataclass
class ScaleRow:
    """One page at one scale: its status, HTML size and what wrk measured (None if missing)."""

    page: str
    articles: int
    status: int
    html_bytes: int
    result: Result | None

    @property
    def missing(self) -> bool:
        return self.status == 404


@dataclass
class Site:
    """One scale: its database (dropped by `drop`) and its servers."""

    articles: int
    env: dict[str, str]
    database: str
    drop: Callable[[], None]
    servers: dict[str, Gunicorn] = field(default_factory=dict)


def new_site(base_env: dict[str, str], workdir: Path, articles: int) -> Site:
    env = {
        **base_env,
        "DJANGO_MEDIA_ROOT": str(workdir / f"media-{articles}"),
        "BENCH_CACHE_PREFIX": f"{base_env['BENCH_CACHE_PREFIX']}-{articles}",
    }
    database, drop = prepare_database(env, workdir, name=f"scale{articles}")
    return Site(articles, env, database, drop)


def fill(site: Site) -> None:
    """Migrate, seed, and generate articles until `site.articles` are published."""
    manage(site.env, "migrate", "--noinput", "-v0")
    manage(site.env, "seed_content")
    script = f"from bench.datagen import main; main(['--articles', '{site.articles}'])"
    print(
        f"{site.articles} articles: " + manage(site.env, "shell", "-v0", "-c", script, timeout=1200).strip()
    )


def start_servers(site: Site, workdir: Path) -> None:
    for name, extra in (("main", {}), ("cold", {"BENCH_CACHE": "none"})):
        port = free_port(range(20000, 30000))
        log = workdir / f"gunicorn-{site.articles}-{name}.log"
        site.servers[name] = Gunicorn(env={**site.env, **extra}, port=port, log=log)
    for server in site.servers.values():
        server.wait_until_answering()


def probe(server: Gunicorn, scenario: Scenario) -> tuple[int, int]:
    """One request (which also warms what a first request warms): its status and HTML size."""
    status, _, body = fetch(server.url + scenario.path, scenario.headers)
    return status, len(body)


def measure(args, sites: list[Site]) -> list[ScaleRow]:
    rows: dict[tuple[str, int], ScaleRow] = {}
    runs: dict[tuple[str, int], list[Result]] = {}
    for scenario in pages():
        for site in sites:
            status, size = probe(site.servers[scenario.server], scenario)
            rows[scenario.name, site.articles] = ScaleRow(scenario.name, site.articles, status, size, None)
    for _ in range(args.repeat):
        for scenario in pages():
            for site in sites:  # back to back: the same page at each scale, one after the other
                row = rows[scenario.name, site.articles]
                if row.missing or row.status != scenario.expect:
                    continue
                result = run_wrk(site.servers[scenario.server], scenario, CONCURRENCY, args.duration)
                runs.setdefault((scenario.name, site.articles), []).append(result)
    for key, results in runs.items():
        rows[key].result = combine(results)
    return list(rows.values())


def table(rows: list[ScaleRow]) -> list[str]:
    by_key = {(row.page, row.articles): row for row in rows}
    lines = [
        f"| page | articles | HTML KB | worker CPU ms/req | CPU vs 2 articles | p99 ms (c{CONCURRENCY}) | req/s | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        if row.missing:
            lines.append(f"| {row.page} | {row.articles:,} | page missing (404) | | | | | |")
            continue
        if row.result is None:
            lines.append(f"| {row.page} | {row.articles:,} | answered {row.status} | | | | | |")
            continue
        small = by_key.get((row.page, SCALES[0]))
        ratio = ""
        if row.articles != SCALES[0] and small and small.result:
            ratio = f"{row.result.cpu_ms / max(small.result.cpu_ms, 1e-9):.2f}x"
        r = row.result
        lines.append(
            f"| {row.page} | {row.articles:,} | {row.html_bytes / 1024:.1f} | {r.cpu_ms:.2f} | {ratio} "
            f"| {r.p99_ms:.1f} | {r.rps:,.0f} | {r.errors} |"
        )
    return lines


def run(args, base_env: dict[str, str]) -> tuple[list[str], list[str]]:
    """The data-scale run: the report's lines and the failures (empty when every target is met)."""
    workdir = Path(tempfile.mkdtemp(prefix="clinic-bench-scale-"))
    sites: list[Site] = []
    load_before = os.getloadavg()[0]
    try:
        manage(base_env, "collectstatic", "--noinput", "-v0")
        for articles in SCALES:
            sites.append(new_site(base_env, workdir, articles))
            fill(sites[-1])
        for site in sites:
            start_servers(site, workdir)
        rows = measure(args, sites)
    except BaseException:
        for site in sites:
            for name, server in site.servers.items():
                print(f"--- {site.articles} articles, {name} server log ---\n{tail(server.log)}")
        raise
    finally:
        for site in sites:
            for server in site.servers.values():
                server.stop()
            forget_cache_keys(site.env)
            site.drop()
        shutil.rmtree(workdir, ignore_errors=True)
    database = sites[0].database
    verdicts = checks.check_data_scale(rows, database)
    lines = [
        f"Data scale: {' and '.join(f'{n:,}' for n in SCALES)} published articles, database {database}, "
        f"wrk at concurrency {CONCURRENCY}, {args.duration}s per run, {args.repeat} round(s), medians "
        f"(load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)",
        "",
        *table(rows),
        "",
        "HTML KB: one response, uncompressed. Cold condition page: the server without any cache,",
        "with a stale If-None-Match. Worker CPU: the gunicorn workers' CPU time per request.",
        "",
        "Targets:",
        *(f"- {'met' if met else 'MISSED'}: {line}" for line, met in verdicts),
    ]
    failures = [f"target missed: {line}" for line, met in verdicts if not met]
    failures += [
        f"unexpected responses in {row.page} ({row.articles} articles): {row.result.statuses}"
        for row in rows
        if row.result and row.result.errors
    ]
    return lines, failures
