"""The data-scale mode's verdicts (bench/checks.py) and table (bench/datascale.py), from figures."""

from bench.checks import check_data_scale, check_staff_scale
from bench.datascale import ScaleRow, table
from bench.load import Result


def row(page: str, articles: int, *, cpu_ms: float = 1.0, kb: float = 10, p99: float = 5, status: int = 200):
    result = Result(page, 16, 1000, 1, p99, 100, 0, cpu_ms) if status == 200 else None
    return ScaleRow(page, articles, status, int(kb * 1024), result)


def verdicts_for(rows: list[ScaleRow], database: str = "sqlite") -> dict[str, bool]:
    return {line: met for line, met in check_data_scale(rows, database)}


def test_a_missing_page_is_reported_and_fails_instead_of_stopping_the_run():
    rows = [row("conditions, letter H", 2, status=404), row("conditions, letter H", 1000, status=404)]

    verdicts = verdicts_for(rows)

    assert verdicts == {"conditions, letter H: page missing (404), not measured": False}
    assert all("page missing (404)" in line for line in table(rows)[2:])


def test_a_page_fails_on_cpu_growth_and_on_size_and_search_on_its_p99():
    rows = [
        row("home", 2, cpu_ms=1.0),
        row("home", 1000, cpu_ms=1.4),
        row("search, 1 match", 2, cpu_ms=2.0, p99=10),
        row("search, 1 match", 1000, cpu_ms=4.0, kb=120, p99=80),
    ]

    verdicts = check_data_scale(rows, "sqlite")

    assert [met for line, met in verdicts if line.startswith("home")] == [True, True]
    search = {line.split(":")[1].strip(): met for line, met in verdicts if line.startswith("search")}
    assert search == {
        "worker CPU at 1,000 articles <= 1.5x at 2": False,
        "HTML <= 100 KB": False,
        "p99 <= 50 ms at 1,000 articles": False,
    }
    # The p99 target is SQLite's only.
    assert not any("p99" in line for line, _ in check_data_scale(rows, "postgresql"))


def test_staff_targets_compare_the_same_view_at_both_sizes():
    def figures(cpu_ms: float) -> dict:
        return {"wall_ms": cpu_ms, "max_ms": cpu_ms, "cpu_ms": cpu_ms, "rows": 50}

    few = {"inbox": {"enquiries": 100, "views": {"default": figures(10), "search by name": figures(10)}},
           "poll": figures(0.5)}  # fmt: skip
    many = {
        "inbox": {"enquiries": 100_000, "views": {"default": figures(20), "search by name": figures(40)}},
        "poll": figures(0.55),
        "export": {"enquiries": 100_000, "rows": 100_000, "peak_growth_mb": 3.0},
        "articles": {"articles": 1000, "versions_each": 20, "views": {"history page": figures(30)}},
    }

    verdicts = [met for _, met in check_staff_scale(few, many)]

    # default 2x: met; by name 4x: missed; export, poll and history page: met.
    assert verdicts == [True, False, True, True, True]
