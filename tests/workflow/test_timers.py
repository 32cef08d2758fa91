"""Timers: finding due instances, firing them once, firing early, and engine failures."""
from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AuditEvent, db
from app.models.process import COMPLETED, ERROR, RUNNING, SUSPENDED
from app.services.workflow import instances, timers
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict
from tests.conftest import deploy_test_file

T0 = datetime(2030, 3, 4, 9, 0, tzinfo=timezone(timedelta(hours=8)))
REMIND, DEADLINE = T0 + timedelta(hours=1), T0 + timedelta(days=1)
TIMER = Actor.system("timer")


def start(remind_at=REMIND, **variables):
    deploy_test_file("timer_reminder.bpmn")
    data = {"remind_at": remind_at.isoformat(), "deadline_at": DEADLINE.isoformat(),
            "reminder_text": "please review", **variables}
    data = {name: value for name, value in data.items() if value is not None}
    return instances.start("timer_reminder", Actor.system("tests"), variables=data)


def audits(instance_id, action):
    return list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == action)))


@pytest.fixture
def at_t0(session):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


def test_start_stores_the_earliest_timer(at_t0):
    instance = start()
    assert instance.state == RUNNING
    assert instance.next_timer_at == REMIND


def test_due_instance_ids_finds_only_due_running_instances(at_t0):
    due, later, suspended = start(), start(remind_at=T0 + timedelta(hours=3)), start()
    overdue = start(remind_at=T0 + timedelta(minutes=30))
    suspended.state = SUSPENDED
    db.session.commit()
    at_t0.move_to(T0 + timedelta(hours=2))
    found = timers.due_instance_ids()
    assert [i for i in found if i in (due.id, later.id, suspended.id, overdue.id)] == [
        overdue.id, due.id]  # the longest overdue first
    assert timers.due_instance_ids(now=T0 + timedelta(minutes=45)) == [overdue.id]
    assert timers.due_instance_ids(limit=1) == found[:1]


def test_fire_runs_due_timer_and_recomputes_next_timer(at_t0):
    instance = start()
    at_t0.move_to(T0 + timedelta(hours=2))
    assert timers.fire(instance.id, TIMER) is True
    db.session.refresh(instance)
    assert instance.state == RUNNING
    assert instance.next_timer_at == DEADLINE  # the reminder fired; the deadline still waits
    assert instances.variables(instance)["reminder"] == "PLEASE REVIEW"
    assert [t.name for t in instances.open_tasks(instance.id)] == ["review"]
    [fired] = audits(instance.id, "timer.fired")
    assert fired.actor == "system:timer"
    assert datetime.fromisoformat(fired.detail["due"]) == REMIND


def test_second_fire_of_the_same_id_is_a_no_op(at_t0):
    instance = start()
    at_t0.move_to(T0 + timedelta(hours=2))
    assert timers.fire(instance.id, TIMER) is True
    db.session.refresh(instance)
    version, saved = instance.lock_version, instance.workflow_json
    assert timers.fire(instance.id, TIMER) is False
    db.session.refresh(instance)
    assert (instance.lock_version, instance.workflow_json) == (version, saved)
    assert len(audits(instance.id, "timer.fired")) == 1


def test_fire_before_due_time_does_nothing(at_t0):
    instance = start()
    assert timers.fire(instance.id, TIMER) is False
    assert audits(instance.id, "timer.fired") == []


def test_fire_of_a_missing_instance_does_nothing(session):
    assert timers.fire(10**9, TIMER) is False


def test_interrupting_deadline_completes_the_instance(at_t0):
    instance = start()
    at_t0.move_to(DEADLINE + timedelta(minutes=1))
    assert timers.fire(instance.id, TIMER) is True
    db.session.refresh(instance)
    assert instance.state == COMPLETED and instance.next_timer_at is None
    assert instances.variables(instance)["expired"] is True
    assert instances.open_tasks(instance.id) == []
    assert timers.fire(instance.id, TIMER) is False


def test_suspended_instance_is_not_fired(at_t0):
    instance = start()
    instance.state = SUSPENDED
    db.session.commit()
    saved = instance.workflow_json
    at_t0.move_to(DEADLINE + timedelta(minutes=1))
    assert timers.fire(instance.id, TIMER) is False
    db.session.refresh(instance)
    assert instance.state == SUSPENDED and instance.workflow_json == saved


def test_fire_now_makes_every_waiting_timer_due(at_t0):
    instance = start()
    admin = Actor.system("admin")
    assert timers.fire_now(instance.id, admin) is True
    db.session.refresh(instance)
    assert instance.state == COMPLETED  # the deadline fired too and interrupted the review
    assert instances.variables(instance)["expired"] is True
    [event] = audits(instance.id, "timer.fired_now")
    assert event.actor == "system:admin"
    moved = {m["timer"]: datetime.fromisoformat(m["was"]) for m in event.detail["timers"]}
    assert moved == {"remind": REMIND, "deadline": DEADLINE}


def test_fire_now_refuses_an_instance_that_is_not_running(at_t0):
    instance = start()
    instance.state = SUSPENDED
    db.session.commit()
    with pytest.raises(Conflict):
        timers.fire_now(instance.id, Actor.system("admin"))
    db.session.rollback()
    assert audits(instance.id, "timer.fired_now") == []


def test_engine_error_during_fire_records_an_incident(at_t0):
    instance = start(reminder_text=None)  # the reminder script needs it
    at_t0.move_to(T0 + timedelta(hours=2))
    assert timers.fire(instance.id, TIMER) is False
    db.session.refresh(instance)
    assert instance.state == ERROR
    assert "reminder_text" in instance.incident
    assert audits(instance.id, "timer.fired") == []
    [incident] = audits(instance.id, "instance.incident")
    assert incident.actor == "system:timer"
    assert timers.fire(instance.id, TIMER) is False  # an instance in error is left alone
    assert instance.id not in timers.due_instance_ids()


def test_a_claimed_instance_is_not_queued_again_until_fired_or_its_lease_lapses(at_t0):
    first, second = start(), start()
    at_t0.move_to(T0 + timedelta(hours=2))
    claimed = timers.claim_due()
    assert {first.id, second.id} <= set(claimed)
    assert not {first.id, second.id} & set(timers.claim_due())  # a duplicate beat's sweep
    assert timers.fire(first.id, TIMER) is True  # the save clears the claim ...
    db.session.refresh(first)
    assert first.timer_claimed_until is None and first.next_timer_at == DEADLINE
    at_t0.move_to(T0 + timedelta(hours=2, minutes=2))
    assert second.id not in timers.claim_due()  # ... a lost claim holds for its lease ...
    at_t0.move_to(T0 + timedelta(hours=2, minutes=6))
    assert second.id in timers.claim_due()  # ... then lapses: the timer is not forgotten


def test_a_claim_found_not_due_is_released(at_t0):
    instance = start()
    at_t0.move_to(T0 + timedelta(hours=2))
    assert instance.id in timers.claim_due()
    assert timers.fire(instance.id, TIMER) is True
    assert timers.fire(instance.id, TIMER) is False  # a duplicate delivery: nothing due
    db.session.refresh(instance)
    assert instance.timer_claimed_until is None


def test_one_sweep_queues_every_due_instance_in_batches_each_once(at_t0):
    started = [start() for _ in range(7)]
    at_t0.move_to(T0 + timedelta(hours=2))
    queued: list[int] = []
    timers.sweep(queued.append, batch=3)
    ours = [i for i in queued if i in {s.id for s in started}]
    assert sorted(ours) == sorted(s.id for s in started) and len(set(queued)) == len(queued)
    again: list[int] = []
    timers.sweep(again.append, batch=3)
    assert not set(again) & set(ours)
