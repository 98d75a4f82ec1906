"""The benchmark's table, as Markdown (printed, and kept in bench/results/)."""

from bench.load import Result


def table(results: list[Result]) -> list[str]:
    lines = [
        "| scenario | concurrency | req/s | p50 ms | p99 ms | ratio to site floor | worker CPU ms/req | requests | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.ratio:.2f}x" if r.ratio is not None else "(floor)"
        lines.append(
            f"| {r.name} | {r.concurrency} | {r.rps:,.0f} | {r.p50_ms:.1f} | {r.p99_ms:.1f} | {ratio} "
            f"| {r.cpu_ms:.2f} | {r.requests:,} | {r.errors} |"
        )
    return lines


def middleware_table(shares: list[tuple[str, float]]) -> list[str]:
    """Worker CPU per request of the floor page as the site's middleware is added one by one."""
    lines = ["| middleware added | worker CPU ms/req | its share ms |", "|---|---:|---:|"]
    previous = None
    for name, cpu_ms in shares:
        share = "" if previous is None else f"{cpu_ms - previous:+.3f}"
        lines.append(f"| {name} | {cpu_ms:.3f} | {share} |")
        previous = cpu_ms
    return lines
