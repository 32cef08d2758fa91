"""The SQL statements one task completion sends, each with the app code that sent it.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \\
      .venv/bin/python bench/completion_sql.py

The database is EMPTIED, migrated and given the demo center, processes/ and bench/processes
(pg_setup). The demo clerk completes, through POST /api/tasks/{id}/complete (Flask's test
client, a bearer token): both user tasks of bench_two_step (the bench_complete.py process),
and the 受理 (intake) of a service_item case of MSA-002. Every statement between the request's
first byte and its commit is counted; the worker is warm (a completion of each kind ran
before), as a server's is. Statements and their callers go to stdout.
"""
from __future__ import annotations

import sys
import traceback
from datetime import date
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.completion_path import ACCEPT  # noqa: E402
from bench.pg_setup import bench_url, ensure_database, setup_app  # noqa: E402

SERVICE_CASE = {"item_code": "MSA-002", "applicant": {"name": "张三"}}
TWO_STEP_FORM = {"amount": 3, "approved": True}


class Counter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn, cursor, statement, params, context, executemany) -> None:
        frames = [f for f in traceback.extract_stack() if f"{ROOT}/app/" in f.filename]
        caller = frames[-1] if frames else None
        where = f"{caller.filename.split('/app/', 1)[1]}:{caller.lineno}" if caller else "?"
        self.statements.append(f"{' '.join(statement.split())[:70]:70}  {where}")


def bench_app():
    """The app on the emptied bench database with bench/processes deployed, its test client,
    and the demo clerk's bearer header."""
    url = bench_url()
    ensure_database(url)
    app = setup_app(url, date(2026, 3, 2))
    with app.app_context():
        from app.models import db
        from app.services.workflow import deployment
        from app.services.workflow.actor import Actor
        deployment.deploy_directory(ROOT / "bench" / "processes", Actor.system("bench"))
        db.session.commit()
    client = app.test_client()
    token = client.post("/api/auth/token", json={"username": "clerk", "password": "demo"})
    return app, client, {"Authorization": f"Bearer {token.json['token']}"}


def main() -> None:
    app, client, headers = bench_app()
    with app.app_context():
        from app.models import db
        engine = db.engine
    counter = Counter()
    sa.event.listen(engine, "before_cursor_execute", counter)
    for round_ in ("warm-up", "counted"):
        for label, key, start, steps in (
                ("bench_two_step", "bench_two_step", {}, (TWO_STEP_FORM, TWO_STEP_FORM)),
                ("service_item 受理", "service_item", SERVICE_CASE, (ACCEPT,))):
            started = client.post(f"/api/process-definitions/key/{key}/start",
                                  headers=headers, json={"variables": start})
            assert started.status_code == 201, started.json
            for number, form in enumerate(steps, 1):
                task_id = open_task(app, started.json["id"])
                counter.statements.clear()
                done = client.post(f"/api/tasks/{task_id}/complete", headers=headers,
                                   json={"variables": form})
                assert done.status_code == 200, done.json
                if round_ == "counted":
                    report(f"{label}, task {number}", counter.statements)


def open_task(app, instance_id: int) -> str:
    from app.models import HumanTask, db
    from app.models.task import OPEN
    with app.app_context():
        return db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == OPEN))


def report(label: str, statements: list[str]) -> None:
    print(f"\n{label}: {len(statements)} statements")
    for statement in statements:
        print(f"  {statement}")


if __name__ == "__main__":
    main()
