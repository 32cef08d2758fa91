"""An embedded sub-process that declares its inputs (`input:<variable>` properties) starts
with those only, each branch of a fan-out with its own; what it leaves is written back over
the parent's data, which keeps everything it had. Each step goes through the database (the
document is dumped and loaded again every time)."""
from __future__ import annotations

from uuid import UUID

import pytest
import sqlalchemy as sa

from app.engine import runtime
from app.models import HumanTask, ProcessInstance, db
from app.models.task import OPEN
from app.services.workflow import deployment, execution, instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput
from tests.conftest import DATA, deploy_test_file, user


def open_tasks(instance_id: int) -> list[HumanTask]:
    return list(db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == OPEN).order_by(HumanTask.id)))


def engine_data(task: HumanTask) -> dict:
    instance = db.session.get(ProcessInstance, task.instance_id, populate_existing=True)
    workflow = runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))
    return dict(workflow.get_task_from_id(UUID(task.id)).data)


def test_each_branch_starts_with_its_declared_inputs_and_the_parent_keeps_its_data(session):
    deploy_test_file("subprocess_inputs.bpmn")
    admin = Actor.of(user("admin"))
    instance = instances.start("subprocess_inputs", admin)

    branches = open_tasks(instance.id)
    assert [t.name for t in branches] == ["answer"] * 3
    seen = [engine_data(t) for t in branches]
    assert all(set(data) == {"item", "label", "seen"} for data in seen)  # no plan, no bulky
    assert sorted((d["item"], d["label"]) for d in seen) == [(1, "一"), (2, "二"), (3, "三")]
    assert all(d["seen"] == "the parent's" for d in seen)
    document = db.session.get(ProcessInstance, instance.id).workflow_json
    assert document.count("x" * 100) == 50  # the bulky value is stored once, not per branch

    for task in reversed(branches):  # answered in any order
        tasks.complete(task.id, {}, admin)

    [check] = open_tasks(instance.id)
    data = engine_data(check)
    assert sorted((r["item"], r["label"], r["seen"]) for r in data["results"]) == [
        (1, "一", "the parent's"), (2, "二", "the parent's"), (3, "三", "the parent's")]
    assert data["total"] == 30 and data["n"] == 3  # the plain sub-process wrote back
    assert data["keep"] == "the parent's" and len(data["bulky"]["notes"]) == 50
    assert "label" not in data  # a branch's variables stay in the branch
    tasks.complete(check.id, {}, admin)
    assert db.session.get(ProcessInstance, instance.id).state == "completed"


@pytest.mark.parametrize(("name", "value", "code", "problem"), [
    ("input:1st", "keep", "input_not_a_name", "input '1st' is not a variable name"),
    ("input:_hidden", "keep", "input_not_a_name", "input '_hidden' is not a variable name"),
    ("input:label", "", "input_without_expression", "input 'label' has no expression"),
    ("input:label", "plan[", "input_does_not_compile", "input 'label' does not compile"),
])
def test_a_declared_input_that_cannot_work_is_refused_at_deploy(session, name, value, code,
                                                                 problem):
    text = (DATA / "subprocess_inputs.bpmn").read_text(encoding="utf-8").replace(
        'name="input:label" value="plan[str(item)]"', f'name="{name}" value="{value}"')
    with pytest.raises(InvalidInput) as refused:
        deployment.deploy([("subprocess_inputs.bpmn", text.encode())], Actor.system("tests"))
    assert refused.value.code == "bpmn_invalid"
    assert any(problem in p["message"] and p["element"] == "branches" and p["code"] == code
               and p["params"] == {"variable": name.removeprefix("input:")}
               for p in refused.value.errors), refused.value.errors
