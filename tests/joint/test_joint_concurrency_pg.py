"""Eight departments answer one joint case at the same moment, each from its own thread,
session and committed transaction: all eight opinions land and the join fires once."""
from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import Department, HumanTask, Item, JointOpinion, ProcessInstance, db
from app.models.task import COMPLETED, OPEN
from app.services import catalog, organization
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor
from tests.conftest import require_service
from tests.joint.joint_steps import CHIEFS
from tests.concurrency import clerk, committed_app, complete_at_barrier, delete_instance

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
ITEM = "JNT-CONC-8"


def _actor(username: str) -> Actor:
    return clerk(username)


def _joint_item_of_every_department() -> None:
    codes = sorted(db.session.scalars(sa.select(Department.code).where(
        Department.center_id == organization.home_center().id)))
    assert len(codes) == 8  # the county's (the city's and province's are tenants too)
    fields = {**catalog.as_fields(catalog.current("MSA-005")), "code": ITEM,
              "basic_code": ITEM, "joint_departments": [c for c in codes if c != "MSA"]}
    catalog.create(fields, Actor.system("tests"))


def _accepted_case(app, started: list[int]) -> tuple[int, dict[str, str]]:
    with app.app_context():
        _joint_item_of_every_department()
        instance_id = instances.start("joint_approval", _actor("clerk"), variables={
            "item_code": ITEM, "applicant": {"name": "并发测试公司"}}).id
        started.append(instance_id)
        [intake] = instances.open_tasks(instance_id)
        materials = [m["code"] for m in catalog.current(ITEM).materials if m.get("required")]
        # A new item no letter names: the leader decides on acceptance (受理决定权).
        tasks.complete(intake.id, {"within_remit": True, "materials_received": materials},
                       _actor("leader"))
        branches = _branch_tasks(instance_id)
        db.session.remove()
    return instance_id, branches


def _branch_tasks(instance_id: int) -> dict[str, str]:
    rows = db.session.execute(
        sa.select(Department.code, HumanTask.id).join(Department,
                                                      HumanTask.department_id == Department.id)
        .where(HumanTask.instance_id == instance_id, HumanTask.state == OPEN,
               HumanTask.name == "department_opinion")).all()
    return dict(rows)


def _check(app, instance_id: int) -> None:
    with app.app_context():
        opinions = db.session.scalars(sa.select(JointOpinion)
                                      .where(JointOpinion.instance_id == instance_id)).all()
        assert len(opinions) == 8 and {o.state for o in opinions} == {"agreed"}
        branch_rows = db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.name == "department_opinion")).all()
        assert len(branch_rows) == 8 and {r.state for r in branch_rows} == {COMPLETED}
        after = db.session.scalars(sa.select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.name == "unified_decision")).all()
        assert [r.state for r in after] == [OPEN]  # the join fired exactly once
        data = instances.variables(db.session.get(ProcessInstance, instance_id))
        assert sorted(o["department_id"] for o in data["opinions"]) == sorted(
            o.department_id for o in opinions)
        db.session.remove()


@pytest.mark.postgres
def test_eight_departments_answer_at_once_on_postgresql(app, tmp_path):
    url = require_service("TEST_DATABASE_URL")
    committed = committed_app(url, tmp_path)
    started: list[int] = []
    with time_machine.travel(MONDAY, tick=True):
        try:
            instance_id, branches = _accepted_case(committed, started)
            assert sorted(branches) == sorted(CHIEFS)
            barrier, outcomes = threading.Barrier(8), {}
            answer = {"opinion_decision": "agree"}
            threads = [threading.Thread(target=complete_at_barrier,
                                        args=(committed, task_id, answer, barrier, outcomes,
                                              CHIEFS[code]))
                       for code, task_id in branches.items()]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            assert not any(t.is_alive() for t in threads), "an answer hung"
            assert outcomes == {task_id: "ok" for task_id in branches.values()}
            _check(committed, instance_id)
        finally:
            with committed.app_context():  # committed rows: removed even when a step failed
                db.session.rollback()
                for instance_id in started:
                    delete_instance(instance_id, None)
                db.session.execute(sa.delete(Item).where(Item.code == ITEM))
                db.session.commit()
                db.session.remove()
