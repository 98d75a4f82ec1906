"""Audit the locked runtime requirements for known vulnerabilities; exit 1 if any is found.

Runs pip-audit (PyPI's vulnerability data) over requirements.txt, the whole tree pinned with hashes
(`make lock`), so pip-audit need not resolve or install anything (--disable-pip). Some package mirrors serve
PyPI's JSON only for each package's newest release, so pip-audit reports "could not be audited"
for every pin. For those, this script reads the newest-release JSON itself: when the pin IS the
newest release, that JSON's `vulnerabilities` list applies to it and is checked; otherwise the pin
is reported as not audited. A vulnerability found either way fails the build.
"""

import json
import re
import subprocess
import sys
import urllib.error
import urllib.request

PYPI_JSON = "https://pypi.org/pypi/{name}/json"
VERSION_IN_REASON = re.compile(r"\(([^()]+)\)\s*$")


def pip_audit() -> dict:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip_audit",
            "-r",
            "requirements.txt",
            "--disable-pip",
            "-f",
            "json",
            "--progress-spinner",
            "off",
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode not in (0, 1):
        sys.exit(f"pip-audit failed to run:\n{result.stderr}")
    return json.loads(result.stdout)


def newest_release_vulnerabilities(name: str, version: str) -> list[dict] | None:
    """Vulnerabilities of name==version from the newest-release JSON, or None if not knowable."""
    try:
        # A fixed https URL with a package name from our own requirements: no user input.
        with urllib.request.urlopen(PYPI_JSON.format(name=name), timeout=30) as response:  # noqa: S310
            data = json.load(response)
    except (urllib.error.URLError, TimeoutError, json.JSONDecodeError):
        return None
    if data.get("info", {}).get("version") != version:
        return None
    return data.get("vulnerabilities", [])


def main() -> int:
    report = pip_audit()
    found, unaudited, audited = [], [], 0
    for dependency in report["dependencies"]:
        name = dependency["name"]
        if "skip_reason" not in dependency:
            audited += 1
            found += [(name, dependency["version"], v["id"]) for v in dependency.get("vulns", [])]
            continue
        match = VERSION_IN_REASON.search(dependency["skip_reason"])
        version = match.group(1) if match else ""
        vulnerabilities = newest_release_vulnerabilities(name, version) if version else None
        if vulnerabilities is None:
            unaudited.append(f"{name} {version}".strip())
            continue
        audited += 1
        found += [(name, version, v.get("id", "?")) for v in vulnerabilities if not v.get("withdrawn")]

    print(f"Audited {audited} of {len(report['dependencies'])} pinned runtime packages.")
    if unaudited:
        print("Not auditable here (no vulnerability data for these versions): " + ", ".join(unaudited))
    if found:
        for name, version, vulnerability in found:
            print(f"VULNERABLE: {name} {version}: {vulnerability}")
        return 1
    print("No known vulnerabilities found.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
