"""A failing instance stops alone: whatever a step raises becomes an incident on that
instance, rolled back and retryable, and every other instance's timers keep firing."""
from datetime import datetime, timedelta, timezone

import pytest
import time_machine

from app.models import ProcessInstance, db
from app.models.process import ERROR, RUNNING
from app.services.workflow import instances, timers
from app.services.workflow.actor import Actor
from tests.conftest import deploy_test_file

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=8)))
TIMER = Actor.system("timer")


@pytest.fixture
def clock(session):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def start(key: str) -> int:
    variables = {"remind_at": (T0 + timedelta(hours=1)).isoformat(),
                 "deadline_at": (T0 + timedelta(days=1)).isoformat(),
                 "reminder_text": "please review"}
    return instances.start(key, Actor.system("tests"), variables=variables).id


def instance(instance_id: int) -> ProcessInstance:
    row = db.session.get(ProcessInstance, instance_id)
    db.session.refresh(row)
    return row


def test_a_poisoned_instance_stops_alone_and_the_others_fire_on_time(clock):
    deploy_test_file("timer_reminder.bpmn", "timer_poison.bpmn")
    poisoned = start("timer_poison")  # its reminder stores zip(...), which cannot be saved
    healthy = [start("timer_reminder") for _ in range(50)]
    clock.move_to(T0 + timedelta(hours=2))
    due = timers.due_instance_ids()
    assert set(due) == {poisoned, *healthy}
    fired = {instance_id: timers.fire(instance_id, TIMER) for instance_id in due}
    assert fired[poisoned] is False and all(fired[i] for i in healthy)
    stopped = instance(poisoned)
    assert stopped.state == ERROR and "zip" in stopped.incident
    assert all(instances.variables(instance(i))["reminder"] == "PLEASE REVIEW"
               for i in healthy)
    assert timers.due_instance_ids() == []  # the sweep never picks it again until retried
    assert instance(healthy[0]).state == RUNNING


def test_a_completion_whose_step_fails_is_refused_with_the_incident(client, clock):
    from tests.conftest import headers_for
    deploy_test_file("step_poison.bpmn", "two_step_first.schema.json")
    started = instances.start("step_poison", Actor.system("tests"))
    [task] = instances.open_tasks(started.id)
    # the script after the task stores zip(...), which the workflow cannot be saved with
    response = client.post(f"/api/tasks/{task.id}/complete", headers=headers_for("clerk"),
                           json={"variables": {"amount": 3}})
    assert response.status_code == 422 and response.json["code"] == "engine_error"
    assert response.mimetype == "application/problem+json" and response.json["incident"]
    stopped = instance(started.id)
    assert stopped.state == ERROR and stopped.incident == response.json["incident"]
    assert [t.state for t in instances.open_tasks(started.id)] == ["open"]  # rolled back


def test_a_runaway_script_becomes_an_incident_within_its_budget(clock):
    import time

    from app.engine import script_limits
    deploy_test_file("timer_reminder.bpmn", "timer_runaway.bpmn")
    runaway, healthy = start("timer_runaway"), start("timer_reminder")
    clock.move_to(T0 + timedelta(hours=2))
    script_limits.configure(1, 64)
    try:
        started = time.perf_counter()
        assert timers.fire(runaway, TIMER) is False
        assert time.perf_counter() - started < 5  # the lock is released within seconds
    finally:
        script_limits.configure(2, 64)
    stopped = instance(runaway)
    assert stopped.state == ERROR and "longer than 1 s" in stopped.incident
    assert timers.fire(healthy, TIMER) is True  # the next instance is not held up
