"""Six people complete the six branches of one parallel gateway at the same moment.

Each completion runs in its own thread, app context and database session, with committed
transactions (the `session` fixture's savepoint would be invisible to other connections).
Nothing may be lost: six completions, one join, one task after it, all six values seen.
On PostgreSQL the instance row is locked FOR UPDATE; on SQLite writers queue on
BEGIN IMMEDIATE and the instance's version column catches any lost race.
"""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from app import demo, migrate
from app.models import HumanTask, ProcessInstance, db
from app.models.task import COMPLETED, OPEN
from app.services.workflow import deployment, instances
from app.services.workflow.actor import Actor
from tests.concurrency import clerk, committed_app, complete_at_barrier, delete_instance
from tests.conftest import DATA, require_service

BRANCHES = 6


def run_parallel_completions(app) -> None:
    with app.app_context():
        [deployed] = deployment.deploy(
            [(name, (DATA / name).read_bytes())
             for name in ("parallel_six.bpmn", "parallel_branch.schema.json")],
            Actor.system("tests"))
        created_definition = deployed.definition.id if deployed.created else None
        instance_id = instances.start("parallel_six", clerk(), business_key="CONC-6").id
        branch_tasks = {row.name: row.id for row in instances.open_tasks(instance_id)}
        db.session.remove()
    try:
        assert sorted(branch_tasks) == [f"b{i}" for i in range(1, BRANCHES + 1)]
        barrier = threading.Barrier(BRANCHES)
        outcomes: dict[str, str] = {}
        threads = [threading.Thread(target=complete_at_barrier,
                                    args=(app, branch_tasks[f"b{i}"], {f"r{i}": i}, barrier,
                                          outcomes))
                   for i in range(1, BRANCHES + 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a completion hung"
        assert outcomes == {task_id: "ok" for task_id in branch_tasks.values()}

        with app.app_context():
            rows = db.session.scalars(sa.select(HumanTask)
                                      .where(HumanTask.instance_id == instance_id)).all()
            by_name = {}
            for row in rows:
                by_name.setdefault(row.name, []).append(row)
            branch_rows = [r for name, rs in by_name.items() if name != "review" for r in rs]
            assert len(branch_rows) == BRANCHES
            assert {r.state for r in branch_rows} == {COMPLETED}
            assert all(r.completed_by is not None and r.completed_at for r in branch_rows)
            [review] = by_name["review"]  # the join fired exactly once
            assert review.state == OPEN
            instance = db.session.get(ProcessInstance, instance_id)
            data = instances.variables(instance)
            assert data["results"] == list(range(1, BRANCHES + 1))
            assert data["result_count"] == BRANCHES
            assert instance.lock_version == 1 + 1 + BRANCHES  # insert, start's save, 6 steps
            db.session.remove()
    finally:
        with app.app_context():
            delete_instance(instance_id, created_definition)
            db.session.remove()


@pytest.mark.postgres
def test_parallel_branches_completed_at_once_on_postgresql(app, tmp_path):
    url = require_service("TEST_DATABASE_URL")
    # `app` (requested first) has migrated and seeded this database; work on it committed.
    run_parallel_completions(committed_app(url, tmp_path))


# Each thread reads (the clerk, the task) before it locks, as a request does after auth. This
# lost 5 of 6 completions ("database is locked": a WAL read snapshot cannot become a writer)
# until begin_write() ended the read transaction and began IMMEDIATE (commit 0aa31e9).
def test_parallel_branches_completed_at_once_on_sqlite_file(tmp_path):
    application = committed_app(f"sqlite:///{tmp_path / 'concurrency.sqlite'}", tmp_path)
    with application.app_context():
        migrate.upgrade()
        demo.load(application.config["CENTER_CODE"])
        db.session.commit()
        db.session.remove()
    run_parallel_completions(application)
