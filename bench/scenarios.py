"""What the benchmark asks of the site: one `Scenario` per kind of request patients make."""

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

CSRF = "benchCsrfSecretToken0123456789ab"  # 32 characters: Django accepts an unmasked secret
CONDITION = "/conditions/hemifacial-spasm/"
CALCULATOR = "/grading/hemifacial-spasm/"
CALCULATOR_ANSWERS = {
    "periocular": "yes",
    "other_regions": "yes",
    "vision_interference": "no",
    "disfiguring_asymmetry": "no",
    "severity": "2",
    "frequency": "3",
}
# {uuid} becomes a fresh value per request (bench/lua/request.lua): the one-time form token, as a
# browser's would be, and the patient's address (at most 3 acknowledgements go to one address a day).
ENQUIRY = {
    "name": "Benchmark Patient",
    "email": "bench-{uuid}@example.sg",  # a patient each: acknowledgements are limited per address
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
    expect: int = 200  # every response must have this status
    server: str = "main"  # which server answers: "main", "cold" (no cache) or "bare" (no middleware)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def site_scenarios(base: str) -> tuple[list[Scenario], int]:
    """The site's scenarios, and the size of the condition page (the floors' size). Form bodies
    follow the site's real forms."""
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
        Scenario("calculator page", CALCULATOR),
        Scenario(
            "calculator htmx POST (partial)",
            CALCULATOR,
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


def floors(page_size: int) -> tuple[Scenario, Scenario]:
    """The site floor (a constant page as large as the condition page, behind the site's whole
    middleware stack) and the bare floor (the same view on a server with no middleware at all)."""
    path = f"/bench/floor/{page_size}/"
    return Scenario("site floor (constant page)", path), Scenario(
        "bare floor (no middleware)", path, server="bare"
    )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check_once(base: str, scenario: Scenario) -> None:
    """One request of the scenario, which must answer as expected (and warms any cache)."""
    headers = dict(scenario.headers)
    data = None
    if scenario.method == "POST":
        headers |= {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"csrftoken={CSRF}"}
        data = scenario.body.replace("{uuid}", str(uuid.uuid4())).encode()
    request = urllib.request.Request(base + scenario.path, data=data, headers=headers, method=scenario.method)
    try:
        status = urllib.request.build_opener(_NoRedirect).open(request, timeout=10).status
    except urllib.error.HTTPError as error:
        status = error.code
    if status != scenario.expect:
        raise SystemExit(f"{scenario.name}: expected HTTP {scenario.expect}, got {status}")
