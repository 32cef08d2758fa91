"""A process that loops (补正 rounds, a reminder every day) keeps running: finished rounds
leave the live task tree for task_history, the tree stays shallow, and the data, the
diagram and the people's record stay whole."""
from __future__ import annotations

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState

from app.engine import history, runtime
from app.models import AuditEvent, HumanTask, ProcessInstance, TaskHistory, db
from app.models.task import OPEN
from app.services.workflow import execution, instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.instances import diagram
from tests.conftest import deploy_test_file, user

# Three levels a round: without the cut, the depth guard (900) stops the case near round 300.
ROUNDS = 320


def open_task(instance_id: int) -> HumanTask | None:
    return db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == OPEN)).first()


def workflow_of(instance_id: int):
    instance = db.session.get(ProcessInstance, instance_id, populate_existing=True)
    return runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))


def deepest(workflow) -> int:
    return max(task.depth for task in workflow.tasks.values())


def test_a_loop_of_many_rounds_runs_to_its_end_with_a_shallow_tree(session):
    deploy_test_file("user_loop.bpmn")
    admin = Actor.of(user("admin"))
    instance = instances.start("user_loop", admin, variables={"limit": ROUNDS})
    depths = []
    for _ in range(ROUNDS):
        tasks.complete(open_task(instance.id).id, {}, admin)  # each step reloads the document
        if (state := db.session.get(ProcessInstance, instance.id).state) == "running":
            depths.append(deepest(workflow_of(instance.id)))
    instance = db.session.get(ProcessInstance, instance.id, populate_existing=True)
    assert instance.state == "completed", instance.incident
    assert instances.variables(instance)["n"] == ROUNDS
    assert instances.variables(instance)["finished"] is True
    assert max(depths) <= history.PRUNE_DEPTH + 4  # cut whenever it grows past the bound
    assert state == "completed"

    cut = db.session.scalars(sa.select(TaskHistory).where(
        TaskHistory.instance_id == instance.id)).all()
    answered = [row for row in cut if row.element == "answer"]
    assert len(answered) > ROUNDS * 0.8 and {row.state for row in answered} == {"COMPLETED"}
    completions = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(
        AuditEvent.instance_id == instance.id, AuditEvent.action == "task.completed"))
    assert completions == ROUNDS  # the people's record keeps every round


def test_the_diagram_still_shows_what_the_cut_rounds_reached(session):
    deploy_test_file("user_loop.bpmn")
    admin = Actor.of(user("admin"))
    instance = instances.start("user_loop", admin, variables={"limit": 1000})
    for _ in range(history.PRUNE_DEPTH):  # enough rounds for the start to be cut away
        tasks.complete(open_task(instance.id).id, {}, admin)
    workflow = workflow_of(instance.id)
    assert "init" not in {t.task_spec.bpmn_id for t in workflow.tasks.values()}  # it was cut

    states = diagram.element_states(db.session.get(ProcessInstance, instance.id))

    assert states.elements["init"] == diagram.COMPLETED and states.names["init"] == "开始"
    assert states.elements["answer"] == diagram.ACTIVE
    assert {"f0", "f1", "f2", "f3", "f_again"} <= set(states.flows)
    assert "f_done" not in states.flows


def test_nothing_live_or_started_is_cut(session):
    deploy_test_file("user_loop.bpmn")
    admin = Actor.of(user("admin"))
    instance = instances.start("user_loop", admin, variables={"limit": 1000})
    for _ in range(history.PRUNE_DEPTH):
        tasks.complete(open_task(instance.id).id, {}, admin)
    workflow = workflow_of(instance.id)
    [ready] = runtime.ready_user_tasks(workflow)
    reminders = [t for t in workflow.tasks.values() if t.task_spec.bpmn_id == "remind"]
    # The reminder still waits beside the answer, under the split they share.
    assert [t.parent for t in reminders if t.state == TaskState.WAITING] == [ready.parent]
    assert ready.data["n"] == history.PRUNE_DEPTH  # the data the round carries is whole
    assert history.prune(workflow) == []  # a second cut finds nothing more to cut
