"""A process that loops 1,000 times (a 补正 round, a daily reminder: a person answers, a
script counts, a gateway goes back), every round completed through the service, beside the
bare engine doing the same round.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \\
      .venv/bin/python bench/bench_loop.py

The database is EMPTIED, migrated and given the demo center (pg_setup), then
bench/processes/bench_loop.bpmn is started with `limit` = BENCH_ROUNDS (1000) and each round's
`tasks.complete` is timed in process (lock, load, complete, advance, cut the finished history,
dump, task sync, audit, commit). The bare engine runs the same rounds on the document
alone: load, complete, advance, cut, dump. Printed: the median of rounds 1–20 ("round 10"),
of the 20 around the middle and of the last 20, for both, their ratios, and the document's
size. Without the cut the
instance would stop at about round 300 (the engine's depth guard).
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg_setup import bench_url, ensure_database, setup_app  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "1000"))
# Medians of 20 rounds around round 10, the middle round and the last one.
WINDOWS = {"round 10": (1, 20), f"round {ROUNDS // 2}": (ROUNDS // 2 - 9, ROUNDS // 2 + 10),
           f"round {ROUNDS}": (ROUNDS - 19, ROUNDS)}


def service_rounds(app) -> tuple[list[float], int]:
    import sqlalchemy as sa
    from app.models import HumanTask, ProcessInstance, User, db
    from app.models.task import OPEN
    from app.services.workflow import deployment, instances, tasks
    from app.services.workflow.actor import Actor
    with app.app_context():
        deployment.deploy_directory(ROOT / "bench" / "processes", Actor.system("bench"))
        db.session.commit()
        admin = Actor.of(db.session.scalar(sa.select(User).where(User.username == "admin")))
        instance_id = instances.start("bench_loop", admin, variables={"limit": ROUNDS}).id
        db.session.commit()
        timed = []
        for _ in range(ROUNDS):
            task_id = db.session.scalar(sa.select(HumanTask.id).where(
                HumanTask.instance_id == instance_id, HumanTask.state == OPEN))
            started = time.perf_counter()
            tasks.complete(task_id, {}, admin)
            timed.append(time.perf_counter() - started)
        instance = db.session.get(ProcessInstance, instance_id, populate_existing=True)
        assert instance.state == "completed", instance.incident
        return timed, len(instance.workflow_json)


def bare_rounds() -> tuple[list[float], list[int]]:
    from app.engine import history, runtime
    from app.engine.scripting import collecting_effects
    xml = (ROOT / "bench" / "processes" / "bench_loop.bpmn").read_text()
    process = runtime.compiled("bench-loop", xml, "bench_loop.bpmn", "bench_loop")
    timed, sizes = [], []
    with collecting_effects():
        workflow = runtime.create(process, {"limit": ROUNDS})
        runtime.advance(workflow)
        document = runtime.dump(workflow)
        for _ in range(ROUNDS):
            started = time.perf_counter()
            workflow = runtime.load(document, process)
            [task] = runtime.ready_user_tasks(workflow)
            task.run()
            runtime.advance(workflow)
            history.prune(workflow)
            document = runtime.dump(workflow)
            timed.append(time.perf_counter() - started)
            sizes.append(len(document))
    return timed, sizes


def window(values: list[float], first: int, last: int) -> float:
    return statistics.median(values[first - 1:last]) * 1000


def main() -> None:
    url = bench_url()
    ensure_database(url)
    app = setup_app(url, date(2026, 3, 2))
    service, final_size = service_rounds(app)
    bare, sizes = bare_rounds()
    rows = {label: (window(service, *span), window(bare, *span),
                    statistics.median(sizes[span[0] - 1:span[1]]))
            for label, span in WINDOWS.items()}
    print(f"{ROUNDS} rounds on {url.split('@')[-1]}")
    print(f"{'':12} {'service ms':>11} {'bare engine ms':>15} {'document bytes':>15}")
    for label, (svc, eng, size) in rows.items():
        print(f"{label:12} {svc:11.2f} {eng:15.2f} {size:15.0f}")
    first, last = rows["round 10"], rows[f"round {ROUNDS}"]
    print(f"round {ROUNDS} / round 10: service {last[0] / first[0]:.2f}x, "
          f"bare engine {last[1] / first[1]:.2f}x; final document {final_size} bytes")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"loop-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(
        {"rounds": ROUNDS, "windows": rows, "final_document_bytes": final_size}, indent=2))


if __name__ == "__main__":
    main()
