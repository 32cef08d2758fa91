"""`make test`: the suite's passes, two at a time on separate cores.

The passes (README, Testing): SQLite with everything but the PostgreSQL-only tests, then —
when TEST_DATABASE_URL is set — the whole suite but the browser on PostgreSQL, and the suite
again on SQLite with the clock started on each of TEST_DAYS. The SQLite and PostgreSQL passes
both use the Redis of TEST_REDIS_URL, so they run one after the other in one lane; the day
passes (no Redis, no browser, no contract fuzzing: it sends the same requests on any date,
each its own SQLite files) run in the other. Each pass has its
own temporary folder and log; a log is printed whole when its pass ends, and the exit status
is the first failing pass's."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time

PYTEST = [sys.executable, "-m", "pytest"]


def passes(days: list[str]) -> tuple[list[tuple], list[tuple]]:
    """(name, pytest arguments, environment changes) of each lane's passes, in order."""
    services = []
    if os.environ.get("TEST_DATABASE_URL"):
        services += [("SQLite", ["-m", "not postgres"], {"TEST_DATABASE_URL": None}),
                     ("PostgreSQL (TEST_DATABASE_URL)", ["-m", "not browser"], {})]
    else:
        services += [("SQLite (set TEST_DATABASE_URL to run the PostgreSQL pass too)", [], {})]
    clock = [(f"SQLite with the clock started on {day} (GOVFLOW_TEST_TODAY)",
              ["-q", "-m", "not postgres and not redis and not browser and not contract"],
              {"TEST_DATABASE_URL": None, "GOVFLOW_TEST_TODAY": day}) for day in days]
    return services, clock


def run(name: str, arguments: list[str], changes: dict, folder: str, printing) -> int:
    env = {k: v for k, v in os.environ.items() if changes.get(k, "") is not None}
    env.update({k: v for k, v in changes.items() if v is not None})
    slug = "-".join(filter(None, ("".join(c if c.isalnum() else " " for c in name)).split()))
    log_path = os.path.join(folder, f"{slug}.log")
    started = time.monotonic()
    with open(log_path, "w") as log:
        status = subprocess.call([*PYTEST, *arguments, f"--basetemp={folder}/{slug}"],
                                 stdout=log, stderr=subprocess.STDOUT, env=env)
    with printing, open(log_path) as log:
        print(f"\n== {name} ({time.monotonic() - started:.0f} s, exit {status}) ==", flush=True)
        sys.stdout.write(log.read())
        sys.stdout.flush()
    return status


def lane(items: list[tuple], folder: str, printing, results: list[int]) -> None:
    for name, arguments, changes in items:
        results.append(run(name, arguments, changes, folder, printing))


def main() -> int:
    days = sys.argv[1:]
    printing, results = threading.Lock(), []
    with tempfile.TemporaryDirectory(prefix="govflow-passes-") as folder:
        lanes = [threading.Thread(target=lane, args=(items, folder, printing, results))
                 for items in passes(days) if items]
        for thread in lanes:
            thread.start()
        for thread in lanes:
            thread.join()
    failed = [status for status in results if status != 0]
    print(f"\n== {len(results) - len(failed)} of {len(results)} passes passed ==")
    return failed[0] if failed else 0


if __name__ == "__main__":
    sys.exit(main())
