"""What a run must show besides speed: every accepted enquiry stored and notified, static files
served as they should be, a light first load; and the targets the figures must meet."""

import gzip
import operator
import re
import subprocess
import time
from dataclasses import dataclass

from bench.load import Result
from bench.scenarios import CONDITION, fetch
from bench.server import PYTHON, ROOT
from bench.worker import Worker

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
