"""What a run must show besides speed: every accepted enquiry stored and notified, static files
served as they should be, a light first load; and the targets the figures must meet."""

import gzip
import operator
import re
import subprocess
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.load import Result
from bench.scenarios import CONDITION, fetch
from bench.server import PYTHON, ROOT
from bench.worker import Worker

if TYPE_CHECKING:
    from bench.datascale import ScaleRow

WEIGHT_LIMIT_KB = 50
DRAIN_TIMEOUT = 300  # seconds for the task worker to catch up after the runs


@dataclass(frozen=True)
class Target:
    """A figure a scenario must reach at every concurrency it ran at (or only at `concurrency`)."""

    scenario: str
    measure: str  # "ratio" (req/s over the site floor's), "cpu" (worker CPU over the site floor's), "rps"
    limit: float
    concurrency: int | None = None
    database: str | None = None  # only checked on this database engine

    @property
    def is_minimum(self) -> bool:
        return self.measure != "cpu"

    def describe(self) -> str:
        unit = {"ratio": "x the site floor's req/s", "cpu": "x the site floor's worker CPU", "rps": " req/s"}
        sign = ">=" if self.is_minimum else "<="
        where = f" at concurrency {self.concurrency}" if self.concurrency else ""
        return f"{self.scenario}: {sign} {self.limit:g}{unit[self.measure]}{where}"


# Issue #14's targets, on the same run and machine as the floors they are compared with.
TARGETS = [
    Target("condition page, warm", "ratio", 0.7),
    Target("condition page, warm", "cpu", 1.4),
    Target("home", "ratio", 0.7),
    Target("conditions list", "ratio", 0.7),
    Target("calculator page", "ratio", 0.6),
    Target("calculator htmx POST (partial)", "ratio", 0.6),
    Target("enquiry POST (database write)", "rps", 300, concurrency=16, database="sqlite"),
]


def check_targets(
    results: list[Result], site_floor: dict[int, Result], database: str
) -> list[tuple[str, bool]]:
    """Each target's verdict for the scenarios that ran, as (line, met)."""
    verdicts = []
    for target in TARGETS:
        if target.database and target.database != database:
            continue
        for result in results:
            if result.name != target.scenario or target.concurrency not in (None, result.concurrency):
                continue
            floor = site_floor[result.concurrency]
            value = {
                "ratio": result.ratio or 0.0,
                "cpu": result.cpu_ms / max(floor.cpu_ms, 1e-9),
                "rps": result.rps,
            }[target.measure]
            met = (operator.ge if target.is_minimum else operator.le)(value, target.limit)
            figure = f"{value:,.0f} req/s" if target.measure == "rps" else f"{value:.2f}x"
            verdicts.append((f"{target.describe()} (c{result.concurrency}): {figure}", met))
    return verdicts


def page_weight(base: str) -> tuple[list[tuple[str, int]], list[str]]:
    """What a first visit to a condition page downloads before anything below the fold, compressed:
    the HTML (gzip, as the proxy in front would send it), and the CSS, JS and images it names
    (lazy-loaded figures and print-only stylesheets excluded) as whitenoise serves them. Also
    checks that static files come with hashed names and a one-year cache."""
    _, _, html = fetch(base + CONDITION)
    items = [("HTML (gzip -6)", len(gzip.compress(html, 6)))]
    problems = []
    text = html.decode()
    urls = [
        re.search(r'href="([^"]+)"', tag).group(1)
        for tag in re.findall(r'<link rel="(?:stylesheet|icon)"[^>]*>', text)
        if 'media="print"' not in tag
    ]
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
    if sum(size for _, size in items) > WEIGHT_LIMIT_KB * 1024:
        problems.append(f"the first load is over the {WEIGHT_LIMIT_KB} KB budget")
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
    env: dict[str, str], accepted: int, in_flight: int, worker: Worker | None
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
            f"The task worker (`manage.py db_worker`, a separate process at nice {worker.nice}, as in production: see "
            f"docs/operations.md, Deployment) sent the mails at {cpu_ms:.1f} ms CPU per enquiry and had "
            f"caught up {waited:.0f} s after all scenarios were done."
        )
    return text, ok


# Issue #15's targets for the data-scale mode (bench/datascale.py).
SCALE_CPU_RATIO = 1.5  # worker CPU at 1,000 articles over the same page at 2
PAGE_LIMIT_KB = 100  # HTML of any public page, uncompressed
SEARCH_P99_MS = 50  # search with 1,000 articles at concurrency 16, on SQLite


def check_data_scale(rows: list["ScaleRow"], database: str) -> list[tuple[str, bool]]:
    """Each page's verdicts at 1,000 articles against 2: CPU ratio, HTML size, and p99 for search."""
    by_key = {(row.page, row.articles): row for row in rows}
    small, large = sorted({row.articles for row in rows})
    verdicts = []
    for page in dict.fromkeys(row.page for row in rows):
        few, many = by_key[page, small], by_key[page, large]
        if few.missing or many.missing:
            verdicts.append((f"{page}: page missing (404), not measured", False))
            continue
        if few.result is None or many.result is None:
            verdicts.append((f"{page}: answered {few.status} / {many.status}, not measured", False))
            continue
        ratio = many.result.cpu_ms / max(few.result.cpu_ms, 1e-9)
        verdicts.append(
            (
                f"{page}: worker CPU at {large:,} articles <= {SCALE_CPU_RATIO:g}x at {small}: {ratio:.2f}x "
                f"({many.result.cpu_ms:.2f} ms against {few.result.cpu_ms:.2f} ms)",
                ratio <= SCALE_CPU_RATIO,
            )
        )
        size_kb = max(few.html_bytes, many.html_bytes) / 1024
        verdicts.append((f"{page}: HTML <= {PAGE_LIMIT_KB} KB: {size_kb:.1f} KB", size_kb <= PAGE_LIMIT_KB))
        if "search" in page and database == "sqlite":
            p99 = many.result.p99_ms
            verdicts.append(
                (
                    f"{page}: p99 <= {SEARCH_P99_MS} ms at {large:,} articles: {p99:.1f} ms",
                    p99 <= SEARCH_P99_MS,
                )
            )
    return verdicts


# Issues #13 and #16's targets for the staff-scale mode (bench/staffscale.py).
INBOX_CPU_RATIO = 3.0  # the coordinators' list at 100,000 enquiries over the same view at 100
EXPORT_GROWTH_MB = 100  # peak memory growth while exporting every enquiry
POLL_RATIO = 1.5  # the idle poll at 100,000 over at 100 ("costs the same"), unless within POLL_SLACK_MS
POLL_SLACK_MS = 0.1
STAFF_PAGE_MEDIAN_MS = 500  # the history page and a publish: "well under a second", on a shared machine
STAFF_PAGE_MAX_MS = 1000


def check_staff_scale(few: dict, many: dict) -> list[tuple[str, bool]]:
    verdicts = []
    small_n, large_n = few["inbox"]["enquiries"], many["inbox"]["enquiries"]
    for name, small in few["inbox"]["views"].items():
        large = many["inbox"]["views"][name]
        ratio = large["cpu_ms"] / max(small["cpu_ms"], 1e-9)
        verdicts.append(
            (
                f"coordinators' list, {name}: CPU at {large_n:,} enquiries <= {INBOX_CPU_RATIO:g}x at "
                f"{small_n:,}: {ratio:.2f}x ({large['cpu_ms']:.1f} ms against {small['cpu_ms']:.1f} ms)",
                ratio <= INBOX_CPU_RATIO,
            )
        )
    exported = many["export"]
    verdicts.append(
        (
            f"export of all {exported['enquiries']:,} enquiries: {exported['rows']:,} rows, peak memory growth "
            f"< {EXPORT_GROWTH_MB} MB: {exported['peak_growth_mb']:.1f} MB",
            exported["rows"] == exported["enquiries"] and exported["peak_growth_mb"] < EXPORT_GROWTH_MB,
        )
    )
    small, large = few["poll"]["wall_ms"], many["poll"]["wall_ms"]
    verdicts.append(
        (
            f"task worker's idle poll at {large_n:,} enquiries <= {POLL_RATIO:g}x at {small_n:,} (or within "
            f"{POLL_SLACK_MS} ms): {large:.2f} ms against {small:.2f} ms ({large / max(small, 1e-9):.2f}x)",
            large <= POLL_RATIO * small or large - small <= POLL_SLACK_MS,
        )
    )
    for name, figures in many["articles"]["views"].items():
        if name == "sign-off form":
            continue
        verdicts.append(
            (
                f"{name} at {many['articles']['articles']:,} articles x {many['articles']['versions_each']} "
                f"versions: median <= {STAFF_PAGE_MEDIAN_MS} ms and slowest <= {STAFF_PAGE_MAX_MS} ms: "
                f"{figures['wall_ms']:.1f} ms, slowest {figures['max_ms']:.1f} ms",
                figures["wall_ms"] <= STAFF_PAGE_MEDIAN_MS and figures["max_ms"] <= STAFF_PAGE_MAX_MS,
            )
        )
    return verdicts
