"""Where a task completion's CPU goes: cProfile over completions through the test client.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \\
      .venv/bin/python bench/profile_complete.py

The database is EMPTIED and set up as for completion_sql.py (pg_setup). The demo clerk starts
BENCH_N instances of bench_two_step (bench_complete.py's process) untimed, then completes
their first task through POST /api/tasks/{id}/complete (Flask's test client, a bearer token)
with cProfile on. Printed: the wall time per completion with and without the profiler, the
share of the profiled time spent inside each layer (a function's own time goes to the layer
of its file), the 25 functions with the most own time, and the 40 app functions with the
most cumulative time.
"""
from __future__ import annotations

import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.completion_sql import TWO_STEP_FORM, bench_app, open_task  # noqa: E402

N = int(os.environ.get("BENCH_N", "300"))
# Most specific first: a function's own time goes to the first layer its file matches.
LAYERS = (("app/engine/", "app: engine glue"), ("app/api/", "app: routes"),
          ("app/services/workflow/", "app: workflow platform"),
          ("app/services/", "app: domain services"), ("app/models/", "app: models"),
          ("/app/", "app: other"), ("SpiffWorkflow", "SpiffWorkflow"),
          ("sqlalchemy/orm", "SQLAlchemy ORM"), ("sqlalchemy", "SQLAlchemy Core"),
          ("psycopg", "psycopg"), ("werkzeug", "Werkzeug"), ("flask", "Flask + extensions"),
          ("jsonschema", "jsonschema"), ("json", "json"), ("lxml", "lxml"))


def main() -> None:
    app, client, headers = bench_app()
    tasks = [open_task(app, start(client, headers)) for _ in range(2 * N + 20)]
    complete = lambda task_id: client.post(  # noqa: E731
        f"/api/tasks/{task_id}/complete", headers=headers, json={"variables": TWO_STEP_FORM})
    for task_id in tasks[:20]:          # warm: the first requests import and compile
        complete(task_id)
    plain = timed(complete, tasks[20:20 + N])
    profiler = cProfile.Profile()
    profiler.enable()
    profiled = timed(complete, tasks[20 + N:])
    profiler.disable()
    print(f"{N} completions: {plain * 1000 / N:.2f} ms each without the profiler, "
          f"{profiled * 1000 / N:.2f} ms with it")
    report(pstats.Stats(profiler))


def start(client, headers) -> int:
    started = client.post("/api/process-definitions/key/bench_two_step/start",
                          headers=headers, json={"variables": {}})
    assert started.status_code == 201, started.json
    return started.json["id"]


def timed(complete, task_ids) -> float:
    began = time.perf_counter()
    for task_id in task_ids:
        response = complete(task_id)
        assert response.status_code == 200, response.json
    return time.perf_counter() - began


def layer_of(filename: str) -> str:
    for fragment, layer in LAYERS:
        if fragment in filename:
            return layer
    return "Python and the rest"


def report(stats: pstats.Stats) -> None:
    own: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():
        own[layer_of(filename)] += tottime
        total += tottime
    print("\nown time by layer:")
    for layer, seconds in sorted(own.items(), key=lambda item: -item[1]):
        print(f"  {layer:28} {100 * seconds / total:5.1f} %")
    print("\nfunctions with the most own time:")
    stats.sort_stats("tottime").print_stats(25)
    print("app functions by cumulative time (what each costs with all it calls):")
    stats.sort_stats("cumulative").print_stats(f"{ROOT}/app/", 40)


if __name__ == "__main__":
    main()
