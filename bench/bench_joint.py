"""One department's opinion in a joint case of 3, 20 and 100 departments, end to end, beside
the bare engine step of the same completion.

    .venv/bin/python bench/bench_joint.py

End to end = POST /api/tasks/{id}/complete through Flask's test client (authentication,
routing, form validation, instance lock, engine, human-task sync, joint_opinion row, audit,
commit) on a fresh SQLite file set up like `flask setup`, or on PostgreSQL when
BENCH_DATABASE_URL is set (the database is EMPTIED and set up the same way); no HTTP server.
For each size, BENCH_CASES joint cases (3) are accepted, then every branch but the
lead's own (assigned to its chief representative) is answered and timed, so the join
never fires inside the measurement; the acceptance that fans the case out is timed too, with
its SQL statements and the notification rows it writes. The bare engine step loads the stored
workflow, completes one branch, advances and dumps it, with app.engine.runtime only: as the
service does it (only the answered branch loaded, app/engine/parking.py) and on the whole
workflow. Results also go to bench/results/.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import time_machine

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = (3, 20, 100)
CASES = int(os.environ.get("BENCH_CASES", "3"))
MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, -(-len(ordered) * q // 100) - 1)]


def setup_app(path: Path):
    from app import create_app, demo, migrate
    from app.models import db
    from app.services.calendar import admin as calendar_admin
    from app.services.workflow import deployment
    from app.services.workflow.actor import Actor
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path / 'bench.sqlite'}",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "CELERY_BROKER_URL": f"sqla+sqlite:///{path / 'broker.sqlite'}"})
    with app.app_context():
        migrate.upgrade()
        calendar_admin.seed_from_library("CN", Actor.system("bench"))
        demo.load(app.config["CENTER_CODE"], today=MONDAY.date())
        deployment.deploy_directory(app.config["PROCESSES_DIR"], Actor.system("bench"))
        db.session.commit()
    return app


def joint_item(size: int) -> str:
    """An item whose case goes to `size` departments (the lead MSA and size-1 new ones)."""
    from app.models import Department, db
    from app.services import catalog
    from app.services.workflow.actor import Actor
    center = db.session.scalar(db.select(Department.center_id).where(Department.code == "MSA"))
    codes = [f"B{size}D{i:03d}" for i in range(1, size)]
    for code in codes:
        db.session.add(Department(code=code, name=f"测试部门{code}", center_id=center))
    db.session.commit()
    code = f"BENCH-J{size}"
    fields = {**catalog.as_fields(catalog.current("MSA-005")), "code": code, "basic_code": code,
              "joint_departments": codes}
    catalog.create(fields, Actor.system("bench"))
    return code


def accepted_case(client, headers, item_code: str) -> tuple[int, dict]:
    """A case accepted at the window: its id, and what the acceptance (the fan-out to every
    department) cost: milliseconds, SQL statements, notification rows written."""
    import sqlalchemy as sa
    from app.models import Notification, db
    from app.services import catalog
    started = client.post("/api/process-definitions/key/joint_approval/start", headers=headers,
                          json={"variables": {"item_code": item_code,
                                              "applicant": {"name": "基准测试公司"}}}).json
    [intake] = started["activeTasks"]
    materials = [m["code"] for m in catalog.current(item_code).materials if m.get("required")]
    statements = []

    def count(*_args) -> None:
        statements.append(1)
    rows_before = db.session.scalar(sa.select(sa.func.count(Notification.id)))
    sa.event.listen(db.engine, "before_cursor_execute", count)
    began = time.perf_counter()
    response = client.post(f"/api/tasks/{intake['id']}/complete", headers=headers,
                           json={"variables": {"within_remit": True,
                                               "materials_received": materials}})
    elapsed = time.perf_counter() - began
    sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200, response.json
    rows = db.session.scalar(sa.select(sa.func.count(Notification.id))) - rows_before
    return started["id"], {"ms": elapsed * 1000, "statements": len(statements),
                           "notification_rows": rows}


def branch_ids(instance_id: int) -> list[str]:
    from app.models import HumanTask, db
    return list(db.session.scalars(db.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.name == "department_opinion",
        HumanTask.state == "open", HumanTask.assignee_id.is_(None)).order_by(HumanTask.created_at, HumanTask.id)))


def bare_step(instance_id: int, task_id: str, *, narrow: bool) -> float:
    """Load, complete one branch, advance, dump: the engine's share of one answer; `narrow`
    as the service does it (only that branch loaded), else the whole workflow."""
    from uuid import UUID
    from app.engine import runtime
    from app.engine.scripting import collecting_effects
    from app.models import ProcessInstance, db
    from app.services.workflow import execution
    instance = db.session.get(ProcessInstance, instance_id)
    process = execution.compiled_for(instance.definition)
    started = time.perf_counter()
    with collecting_effects():  # the scripts' effects are collected, not applied
        workflow = runtime.load(instance.workflow_json, process, focus=task_id, narrow=narrow)
        task = workflow.get_task_from_id(UUID(task_id))
        task.data.update(opinion_decision="agree")
        task.run()
        runtime.advance(workflow)
        runtime.dump(workflow)
    return time.perf_counter() - started


def measure(app, size: int) -> dict:
    from app.models import User, db
    from app.services import auth
    with app.app_context():
        item_code = joint_item(size)
        admin = db.session.scalar(db.select(User).where(User.username == "admin"))
        headers = {"Authorization": f"Bearer {auth.issue_token(admin)}"}
        client = app.test_client()
        timed, bare, whole, accepted = [], [], [], []
        for _ in range(CASES):
            instance_id, acceptance = accepted_case(client, headers, item_code)
            accepted.append(acceptance)
            for task_id in branch_ids(instance_id):  # the lead's own branch stays open
                bare.append(bare_step(instance_id, task_id, narrow=True))
                whole.append(bare_step(instance_id, task_id, narrow=False))
                started = time.perf_counter()
                response = client.post(f"/api/tasks/{task_id}/complete", headers=headers,
                                       json={"variables": {"opinion_decision": "agree"}})
                timed.append(time.perf_counter() - started)
                assert response.status_code == 200, response.json
    return {"departments": size, "n": len(timed),
            "p50_ms": percentile(timed, 50) * 1000, "p99_ms": percentile(timed, 99) * 1000,
            "bare_p50_ms": statistics.median(bare) * 1000,
            "whole_p50_ms": statistics.median(whole) * 1000,
            "ratio": statistics.median(timed) / statistics.median(bare),
            "accept_p50_ms": statistics.median(a["ms"] for a in accepted),
            "accept_statements": statistics.median(a["statements"] for a in accepted),
            "accept_notification_rows": statistics.median(a["notification_rows"]
                                                          for a in accepted)}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, time_machine.travel(MONDAY, tick=True):
        if os.environ.get("BENCH_DATABASE_URL"):  # EMPTIED, migrated, the demo (pg_setup)
            from bench.pg_setup import ensure_database, setup_app as on_postgresql
            ensure_database(os.environ["BENCH_DATABASE_URL"])
            app = on_postgresql(os.environ["BENCH_DATABASE_URL"], MONDAY.date())
        else:
            app = setup_app(Path(tmp))
        from app.gc_tuning import freeze_long_lived
        freeze_long_lived()  # as a server's worker does once it is ready (app/gunicorn_config.py)
        results = [measure(app, size) for size in SIZES]
    for r in results:
        print(f"{r['departments']:>4} departments: n={r['n']:<4} p50 {r['p50_ms']:7.1f} ms  "
              f"p99 {r['p99_ms']:7.1f} ms  bare engine p50 {r['bare_p50_ms']:6.1f} ms  "
              f"(whole workflow {r['whole_p50_ms']:6.1f} ms) "
              f"({r['ratio']:.1f}x); acceptance (the fan-out) {r['accept_p50_ms']:.0f} ms, "
              f"{r['accept_statements']:.0f} statements, "
              f"{r['accept_notification_rows']:.0f} notification rows")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"joint-{datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
