"""No code of the project uses Django's private APIs (STYLE.md, "Speed without cleverness").

Private means: the SQL compiler and its internals, the database driver's connection under Django's
(`connection.connection`), names imported from Django that start with an underscore, and any
attribute that starts with one read from something other than the code's own object (`self._x`
and `cls._x` are the project's own business). The documented `Model._meta` is the one exception.
Migrations are Django's generated code and are not scanned.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ["clinic", "conditions", "grading", "contact", "staff", "bench"]
FORBIDDEN_TEXT = ["connection.connection", "_compiler", "klass_info", "annotation_col_map"]
# Model._meta, and the documented methods of Python's named tuples (urllib's SplitResult).
ALLOWED_ATTRIBUTES = {"_meta", "_replace", "_asdict", "_fields"}
OWN_OBJECTS = {"self", "cls"}


def private_uses(source: str) -> list[str]:
    """Each private use in `source`, as "line: what"."""
    found = [
        f"{number}: {text}"
        for number, line in enumerate(source.splitlines(), start=1)
        for text in FORBIDDEN_TEXT
        if text in line
    ]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "django":
            modules = [node.module or "", *(alias.name for alias in node.names)]
            found += [f"{node.lineno}: import {name}" for name in modules if is_private_name(name)]
        elif isinstance(node, ast.Import):
            found += [
                f"{node.lineno}: import {alias.name}"
                for alias in node.names
                if alias.name.split(".")[0] == "django" and is_private_name(alias.name)
            ]
        elif (
            isinstance(node, ast.Attribute)
            and is_private_name(node.attr)
            and node.attr not in ALLOWED_ATTRIBUTES
            and not (isinstance(node.value, ast.Name) and node.value.id in OWN_OBJECTS)
        ):
            found.append(f"{node.lineno}: .{node.attr}")
    return sorted(set(found), key=lambda use: int(use.split(":")[0]))


def is_private_name(dotted: str) -> bool:
    return any(part.startswith("_") and not part.startswith("__") for part in dotted.split("."))


def project_files() -> list[Path]:
    return sorted(
        path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


@pytest.mark.parametrize("path", project_files(), ids=lambda path: str(path.relative_to(ROOT)))
def test_the_project_uses_no_private_django_api(path):
    assert private_uses(path.read_text()) == []


@pytest.mark.parametrize(
    ("source", "use"),
    [
        ("cursor = connection.connection.cursor()", "1: connection.connection"),
        ("sql, params = queryset.query.get_compiler('default').as_sql()", "1: _compiler"),
        ("compiler = query._compiler", "1: _compiler"),
        ("rows = compiler.klass_info", "1: klass_info"),
        ("from django.db.models.query import _save_table", "1: import _save_table"),
        ("from django.utils._os import safe_join", "1: import django.utils._os"),
        ("import django.core._private", "1: import django.core._private"),
        ("state = instance._state.adding", "1: ._state"),
        ("client = cache._cache.get_client()", "1: ._cache"),
    ],
)
def test_the_scan_finds_a_planted_private_use(source, use):
    assert use in private_uses(source)


@pytest.mark.parametrize(
    "source",
    [
        "fields = Model._meta.concrete_fields",
        "self._lock = threading.Lock()",
        "cls._instances = {}",
        "class Thing:\n    def __init__(self):\n        self._pages = {}",
        "from django.db import connection",
    ],
)
def test_the_scan_lets_public_and_own_names_be(source):
    assert private_uses(source) == []


def test_no_test_reads_private_attributes_of_the_page_cache():
    readers = []
    for path in sorted((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "pagecache"
                and is_private_name(node.attr)
            ):
                readers.append(f"{path.relative_to(ROOT)}:{node.lineno}: pagecache.{node.attr}")
    assert readers == []
