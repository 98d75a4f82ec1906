"""
Which cache counts the enquiry rate limit when there is no Redis (docs/operations.md, "Limits
against abuse"): `python bench/ratelimit_cache.py`.

Two processes (two gunicorn workers) check the limit for the same 40 client addresses at the same
moment, 10 submissions per address each, against a limit of 5. For Django's database cache (a table
in the site's SQLite database) and its file cache, two ways of counting: the site's (each
submission takes one of 5 places with `cache.add`) and a plain counter (`add` then `incr`, a read
then a write). Prints the time per check and how many submissions got through: anything over
5 x 40 = 200 is a count lost in a race.
"""

import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESSES, PER_PROCESS, LIMIT, WINDOW = 40, 10, 5, 600
BACKENDS = {
    "database": ("django.core.cache.backends.db.DatabaseCache", "bench_rate_limit"),
    "file": ("django.core.cache.backends.filebased.FileBasedCache", "{folder}/cache"),
}


def django_cache(database: Path, backend: str, location: str):
    os.environ.update(
        DJANGO_SECRET_KEY="bench-" + "k" * 50,
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_SETTINGS_MODULE="clinic.settings",
    )
    sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    django.setup()
    settings.CACHES["bench"] = {"BACKEND": backend, "LOCATION": location, "OPTIONS": {"MAX_ENTRIES": 100_000}}
    from django.core.cache import caches

    return caches["bench"]


def take_place(cache, key: str) -> bool:
    return any(cache.add(f"{key}:{n}", time.time() + WINDOW, timeout=WINDOW) for n in range(LIMIT))


def count(cache, key: str) -> bool:
    cache.add(key, 0, timeout=WINDOW)
    return cache.incr(key) <= LIMIT


def worker(args) -> tuple[list[float], int]:
    database, backend, location, method, start = args
    cache = django_cache(database, backend, location)
    check = take_place if method == "places" else count
    while time.time() < start:
        time.sleep(0.001)
    times, allowed = [], 0
    for address in range(ADDRESSES):
        for _ in range(PER_PROCESS):
            began = time.perf_counter()
            allowed += check(cache, f"client{address}")
            times.append(time.perf_counter() - began)
    return times, allowed


def measure(name: str, method: str) -> str:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "db.sqlite3"
        backend, location = BACKENDS[name]
        location = location.format(folder=folder)
        env = {
            **os.environ,
            "DJANGO_SECRET_KEY": "bench-" + "k" * 50,
            "DJANGO_HTTPS": "0",
            "DATABASE_URL": f"sqlite:///{database}",
        }
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], env=env, check=True)
        if name == "database":
            code = (
                "from django.conf import settings; from django.core.management import call_command; "
                f"settings.CACHES['bench'] = {{'BACKEND': '{backend}', 'LOCATION': '{location}'}}; "
                "call_command('createcachetable', verbosity=0)"
            )
            subprocess.run(
                [sys.executable, str(ROOT / "manage.py"), "shell", "-v", "0", "-c", code], env=env, check=True
            )
        start = time.time() + 3
        with multiprocessing.get_context("spawn").Pool(2) as pool:
            results = pool.map(worker, [(database, backend, location, method, start)] * 2)
    times = sorted(t * 1000 for result in results for t in result[0])
    allowed = sum(result[1] for result in results)
    p99 = times[int(len(times) * 0.99)]
    return (
        f"| {name} | {method} | {statistics.median(times):.2f} | {statistics.mean(times):.2f} | {p99:.1f} "
        f"| {allowed} of {len(times)} (exactly {LIMIT * ADDRESSES} allowed) |"
    )


if __name__ == "__main__":
    print(f"load average {os.getloadavg()[0]:.1f}")
    print("| cache | counting | median ms | mean ms | p99 ms | got through |")
    print("|---|---|---:|---:|---:|---|")
    for name in BACKENDS:
        for method in ("places", "counter"):
            print(measure(name, method), flush=True)
