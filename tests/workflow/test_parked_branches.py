"""A step of a fan-out loads only the branches it must run; the idle ones stay as stored
(app/engine/parking.py). Each step goes through the database: the document is dumped and
loaded again every time. A step that reaches an idle branch after all (a deadline on the
fan-out, a completion condition) runs again on the whole workflow."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from uuid import UUID

import pytest
import sqlalchemy as sa
import time_machine
from SpiffWorkflow.util.task import TaskState

from app.engine import parking, runtime, serializer
from app.engine.scripting import collecting_effects
from app.models import HumanTask, ProcessInstance, db
from app.models.task import CANCELLED, OPEN
from app.services.workflow import execution, instances, tasks, timers
from app.services.workflow.actor import Actor
from tests.conftest import deploy_test_file, user

T0 = datetime(2030, 3, 4, 1, 0, tzinfo=timezone.utc)
HOUR = timedelta(hours=1)


@pytest.fixture
def clock(session):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def retried(monkeypatch) -> list[str]:
    """What made a narrowed step run again on the whole workflow."""
    reasons, dumps = [], serializer.dumps

    def watched(workflow):
        try:
            return dumps(workflow)
        except parking.ParkedBranchTouched as err:
            reasons.append(str(err))
            raise
    monkeypatch.setattr(serializer, "dumps", watched)
    return reasons


def start(rejecting: int = 0) -> ProcessInstance:
    deploy_test_file("parked_branches.bpmn")
    return instances.start("parked_branches", Actor.system("tests"),
                           variables={"rejecting": rejecting})


def open_tasks(instance_id: int) -> list[HumanTask]:
    return list(db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == OPEN).order_by(HumanTask.id)))


def stored(instance_id: int) -> ProcessInstance:
    return db.session.get(ProcessInstance, instance_id, populate_existing=True)


def branch_lines(text: str) -> dict[str, str]:
    head, _, rest = text.partition("\n")
    keys = [key for key, _summary in json.loads(head)[serializer.PARTS_KEY]]
    return dict(zip(keys, rest.split("\n")))


def whole(instance: ProcessInstance):
    return runtime.load(instance.workflow_json, execution.compiled_for(instance.definition))


def data_of(task: HumanTask) -> dict:
    return whole(stored(task.instance_id)).get_task_from_id(UUID(task.id)).data


def test_an_answer_loads_its_branch_only_and_writes_the_others_back_as_they_were(clock,
                                                                                 retried):
    instance = start()
    first, *others = open_tasks(instance.id)
    assert len(others) == 3
    before = branch_lines(stored(instance.id).workflow_json)
    narrowed = runtime.load(stored(instance.id).workflow_json,
                            execution.compiled_for(instance.definition), focus=first.id,
                            narrow=True)
    assert (len(narrowed.subprocesses), len(parking.parked(narrowed))) == (1, 3)

    tasks.complete(first.id, {}, Actor.of(user("admin")))

    after = branch_lines(stored(instance.id).workflow_json)
    assert after.keys() == before.keys()
    changed = {key for key in after if after[key] != before[key]}
    assert len(changed) == 1  # the answered branch; the three others byte for byte
    assert [t.id for t in open_tasks(instance.id)] == [t.id for t in others]
    earliest = min(data_of(t)["item"] for t in others) * 2 * HOUR  # a parked reminder
    assert stored(instance.id).next_timer_at == T0 + earliest
    assert retried == []


def test_a_narrowed_step_writes_what_a_step_on_the_whole_workflow_writes(clock):
    instance = start()
    task = open_tasks(instance.id)[1]
    process = execution.compiled_for(instance.definition)
    documents = []
    for narrow in (False, True):
        workflow = runtime.load(stored(instance.id).workflow_json, process, focus=task.id,
                                narrow=narrow)
        with collecting_effects():
            workflow.get_task_from_id(UUID(task.id)).run()
            runtime.advance(workflow)
            documents.append(serializer.document(runtime.dump(workflow)))
    assert documents[0] == documents[1]


def test_all_answers_by_narrowed_steps_join_with_every_branch_s_result(clock):
    instance = start()
    for task in reversed(open_tasks(instance.id)):
        tasks.complete(task.id, {}, Actor.of(user("admin")))
    [check] = open_tasks(instance.id)
    assert check.name == "check"
    assert data_of(check)["results"] == ["agree"] * 4


def test_a_timer_step_loads_the_branch_whose_reminder_is_due(clock):
    instance = start()
    clock.move_to(T0 + 2 * HOUR + timedelta(minutes=1))
    text = stored(instance.id).workflow_json
    narrowed = runtime.load(text, execution.compiled_for(instance.definition), narrow=True)
    assert (len(narrowed.subprocesses), len(parking.parked(narrowed))) == (1, 3)

    assert timers.fire(instance.id, Actor.system("timer")) is True

    workflow = whole(stored(instance.id))
    reminded = sorted(sub.last_task.data.get("reminded", 0)
                      for sub in workflow.subprocesses.values()
                      if any(t.task_spec.bpmn_id == "note" and t.state == TaskState.COMPLETED
                             for t in sub.tasks.values()))
    assert reminded == [1]
    assert stored(instance.id).next_timer_at == T0 + 4 * HOUR
    assert len(open_tasks(instance.id)) == 4  # a reminder is not an answer


def test_the_fan_out_s_deadline_reaches_the_parked_branches_and_ends_them_all(clock, retried):
    instance = start()
    for hours in (2, 4):  # the first two branches' reminders
        clock.move_to(T0 + hours * HOUR + timedelta(minutes=1))
        assert timers.fire(instance.id, Actor.system("timer")) is True
    clock.move_to(T0 + 5 * HOUR + timedelta(minutes=1))  # no branch has a timer due
    text = stored(instance.id).workflow_json
    narrowed = runtime.load(text, execution.compiled_for(instance.definition), narrow=True)
    assert len(parking.parked(narrowed)) == 4

    assert timers.fire(instance.id, Actor.system("timer")) is True, stored(instance.id).incident

    assert len(retried) == 1 and "changed" in retried[0]
    assert [t.name for t in open_tasks(instance.id)] == ["late"]
    branch_rows = db.session.scalars(sa.select(HumanTask).where(
        HumanTask.instance_id == instance.id, HumanTask.name == "answer"))
    assert {row.state for row in branch_rows} == {CANCELLED}
    assert not any(not sub.completed and sub.get_tasks(state=TaskState.READY)
                   for sub in whole(stored(instance.id)).subprocesses.values())


def test_a_completion_condition_met_in_one_branch_cancels_the_parked_ones(clock, retried):
    instance = start(rejecting=2)
    rejecting = next(t for t in open_tasks(instance.id) if data_of(t)["item"] == 2)

    tasks.complete(rejecting.id, {}, Actor.of(user("admin")))

    assert len(retried) == 1
    [check] = open_tasks(instance.id)
    assert check.name == "check"
    assert data_of(check)["results"] == ["reject"]


def test_a_document_of_one_line_written_before_the_split_still_loads(clock):
    instance = start()
    row = stored(instance.id)
    row.workflow_json = json.dumps(serializer.document(row.workflow_json))  # the old format
    db.session.commit()
    first, *others = open_tasks(instance.id)

    tasks.complete(first.id, {}, Actor.of(user("admin")))

    assert "\n" in stored(instance.id).workflow_json  # written in lines again
    assert [t.id for t in open_tasks(instance.id)] == [t.id for t in others]


def test_postgresql_compresses_the_rewritten_document_by_lz4(clock):
    connection = db.session.connection()
    if connection.dialect.name != "postgresql":
        pytest.skip("a column setting of PostgreSQL (migration b6e3d9a4c2f7)")
    instance = start()
    tasks.complete(open_tasks(instance.id)[0].id, {}, Actor.of(user("admin")))
    row = stored(instance.id)
    assert len(row.workflow_json) > 2500  # over TOAST's threshold: compressed
    assert db.session.scalar(sa.text(
        "SELECT pg_column_compression(workflow_json) FROM process_instance WHERE id = :id"),
        {"id": instance.id}) == "lz4"


def test_a_parked_task_s_delta_is_rewritten_as_a_whole_dump_would_write_it():
    """Every way the fan-out's data can change between load and dump (a key added, removed,
    changed, changed back), against every way the task's own delta can hold a key."""
    import random

    shuffled = random.Random(21)
    keys, values = ("a", "b", "c", "d"), (None, 1, [1], {"x": 1})
    for _ in range(2000):
        before = {k: shuffled.choice(values) for k in keys if shuffled.random() < 0.7}
        current = {k: (shuffled.choice(values) if shuffled.random() < 0.4 else before.get(k, 2))
                   for k in keys if shuffled.random() < 0.8}
        own = {k: shuffled.choice(values) for k in keys if shuffled.random() < 0.3}
        own = {k: v for k, v in own.items() if before.get(k, object()) != v}
        deleted = [k for k in before if k not in own and shuffled.random() < 0.2]
        stored = {"id": "t", "delta": {"updates": own, "deletions": deleted}}
        data = {**{k: v for k, v in before.items() if k not in deleted}, **own}
        changed = parking._changed_keys(before, current)

        rebased = parking._rebased(stored, before, current, changed, lambda v: v)["delta"]

        assert rebased["updates"] == {k: v for k, v in data.items()
                                      if k not in current or current[k] != v}
        assert rebased["deletions"] == [k for k in current if k not in data]
