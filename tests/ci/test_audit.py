"""The dependency audit fails the build on a known vulnerability, whichever way it learns of it."""

import importlib.util
import io
import json
from pathlib import Path

import pytest

SPEC = importlib.util.spec_from_file_location(
    "ci_audit", Path(__file__).resolve().parents[2] / ".ci" / "audit.py"
)
audit = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(audit)


def fake_pypi(monkeypatch, releases: dict[str, tuple[str, list]]):
    def urlopen(url, timeout):
        name = url.rstrip("/").split("/")[-2]
        newest, vulnerabilities = releases[name]
        return io.BytesIO(
            json.dumps({"info": {"version": newest}, "vulnerabilities": vulnerabilities}).encode()
        )

    monkeypatch.setattr(audit.urllib.request, "urlopen", urlopen)


def test_a_vulnerability_reported_by_pip_audit_fails(monkeypatch, capsys):
    report = {"dependencies": [{"name": "django", "version": "6.1.0", "vulns": [{"id": "PYSEC-2026-1"}]}]}
    monkeypatch.setattr(audit, "pip_audit", lambda: report)
    assert audit.main() == 1
    assert "VULNERABLE: django 6.1.0: PYSEC-2026-1" in capsys.readouterr().out


def test_a_vulnerable_newest_release_found_through_the_fallback_fails(monkeypatch, capsys):
    skipped = "Dependency not found on PyPI and could not be audited: pillow (13.0.0)"
    monkeypatch.setattr(
        audit, "pip_audit", lambda: {"dependencies": [{"name": "pillow", "skip_reason": skipped}]}
    )
    fake_pypi(monkeypatch, {"pillow": ("13.0.0", [{"id": "GHSA-xxxx", "withdrawn": None}])})
    assert audit.main() == 1
    assert "VULNERABLE: pillow 13.0.0: GHSA-xxxx" in capsys.readouterr().out


def test_clean_packages_pass_and_older_pins_are_reported_as_unaudited(monkeypatch, capsys):
    reason = "Dependency not found on PyPI and could not be audited: {} ({})"
    report = {
        "dependencies": [
            {"name": "nh3", "skip_reason": reason.format("nh3", "0.3.8")},
            {"name": "redis", "skip_reason": reason.format("redis", "7.0.0")},
            {"name": "gunicorn", "version": "27.0.1", "vulns": []},
        ]
    }
    monkeypatch.setattr(audit, "pip_audit", lambda: report)
    fake_pypi(monkeypatch, {"nh3": ("0.3.8", []), "redis": ("8.1.0", [])})
    assert audit.main() == 0
    out = capsys.readouterr().out
    assert "Audited 2 of 3" in out
    assert "Not auditable here" in out and "redis 7.0.0" in out


@pytest.mark.parametrize("withdrawn", ["2026-01-01T00:00:00"])
def test_a_withdrawn_advisory_does_not_fail(monkeypatch, withdrawn):
    skipped = "Dependency not found on PyPI and could not be audited: nh3 (0.3.8)"
    monkeypatch.setattr(
        audit, "pip_audit", lambda: {"dependencies": [{"name": "nh3", "skip_reason": skipped}]}
    )
    fake_pypi(monkeypatch, {"nh3": ("0.3.8", [{"id": "GHSA-old", "withdrawn": withdrawn}])})
    assert audit.main() == 0
