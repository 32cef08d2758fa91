"""One locking path for every write, on an SQLite file with committed transactions (each
thread its own session, as separate requests and workers are): 催办, absences, meeting
attendance and task moves taken at the same moment all succeed or are refused by name —
never "database is locked" — and two paths moving the same task never overwrite each other:
the task ends where the last recorded move put it."""
from __future__ import annotations

import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app import demo, migrate
from app.models import AuditEvent, HumanTask, User, db
from app.services import calendar, catalog
from app.services.calendar import admin as calendar_admin
from app.services.joint import board as joint_board
from app.services.organization import absence_reports as absence_admin
from app.services.workflow import deployment, instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import ServiceError
from tests.joint.joint_steps import department_id
from tests.concurrency import committed_app

MONDAY = datetime(2026, 3, 2, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def committed(tmp_path):
    application = committed_app(f"sqlite:///{tmp_path / 'writes.sqlite'}", tmp_path)
    with time_machine.travel(MONDAY, tick=True), application.app_context():
        migrate.upgrade()
        calendar_admin.seed_from_library("CN", Actor.system("tests"))
        demo.load(application.config["CENTER_CODE"], today=MONDAY.date())
        deployment.deploy_directory(application.config["PROCESSES_DIR"], Actor.system("tests"))
        db.session.commit()
        calendar.invalidate()
        yield application
        db.session.remove()


def actor(username: str) -> Actor:
    return Actor.of(db.session.scalar(sa.select(User).where(User.username == username)))


def run_at_once(app, actions: dict) -> dict:
    """Each action in a thread of its own, released together; its outcome by name."""
    barrier, outcomes = threading.Barrier(len(actions)), {}

    def run(name, action):
        with app.app_context():
            try:
                action(barrier)
                outcomes[name] = "ok"
            except ServiceError as err:  # a refusal by name is fine; a crash is not
                outcomes[name] = err.code
                db.session.rollback()
            except Exception as err:
                outcomes[name] = f"{type(err).__name__}: {err}"
                db.session.rollback()
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=item) for item in actions.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not any(t.is_alive() for t in threads), "a writer hung"
    return outcomes


def accepted_joint_case() -> int:
    clerk = actor("clerk")
    instance_id = instances.start("joint_approval", clerk, variables={
        "item_code": "MSA-005", "applicant": {"name": "并发餐饮店"}}).id
    [intake] = instances.open_tasks(instance_id)
    materials = [m["code"] for m in catalog.current("MSA-005").materials if m.get("required")]
    tasks.complete(intake.id, {"within_remit": True, "materials_received": materials}, clerk)
    return instance_id


def absence_of(username: str):
    def report(barrier):
        person = actor(username).user
        barrier.wait()
        absence_admin.report({"userId": person.id, "startsOn": MONDAY.date().isoformat(),
                              "endsOn": MONDAY.date().isoformat(), "reason": "leave"},
                             actor("admin"))
    return report


def test_urges_absences_and_a_meeting_at_the_same_moment_all_land(committed):
    with committed.app_context():
        case_id = accepted_joint_case()
        hea, hcd = department_id("HEA"), department_id("HCD")
        db.session.remove()

    def urge(department):
        def action(barrier):
            lead = actor("clerk")
            barrier.wait()
            joint_board.urge(case_id, department, lead)
        return action

    def meeting(barrier):
        lead = actor("clerk")
        barrier.wait()
        joint_board.schedule_meeting(case_id, "inspection", "2026-03-04T09:00", "现场", lead)

    outcomes = run_at_once(committed, {
        "urge HEA": urge(hea), "urge HCD": urge(hcd), "meeting": meeting,
        "absence hea_a": absence_of("hea_a"), "absence hcd_a": absence_of("hcd_a")})
    assert outcomes == dict.fromkeys(outcomes, "ok")
    with committed.app_context():
        reminded = db.session.scalars(sa.select(AuditEvent.detail).where(
            AuditEvent.instance_id == case_id, AuditEvent.action == "joint.reminded")).all()
        assert sorted(d["department_id"] for d in reminded) == sorted([hea, hcd])


def test_two_paths_moving_the_same_task_never_overwrite_each_other(committed):
    with committed.app_context():
        clerk = actor("clerk")
        instance_id = instances.start("service_item", clerk, variables={
            "item_code": "MSA-001", "applicant": {"name": "并发个体户"}}).id
        [intake] = instances.open_tasks(instance_id)
        task_id = intake.id
        db.session.remove()

    def unclaim(barrier):
        person = actor("clerk")
        barrier.wait()
        tasks.unclaim(task_id, person)

    def reassign(barrier):
        admin, target = actor("admin"), actor("msa_b")
        barrier.wait()
        tasks.reassign(task_id, target.user, admin)

    outcomes = run_at_once(committed, {"absence": absence_of("clerk"), "unclaim": unclaim,
                                       "reassign": reassign})
    assert all(o == "ok" or not o[0].isupper() for o in outcomes.values()), outcomes
    with committed.app_context():
        task = db.session.get(HumanTask, task_id)
        moves = db.session.scalars(sa.select(AuditEvent).where(
            AuditEvent.task_id == task_id, AuditEvent.action != "task.claimed")
            .order_by(AuditEvent.id)).all()
        assert len(moves) >= 2, [m.action for m in moves]
        last = moves[-1]
        assert task.assignee_id == last.detail.get("assignee"), [m.action for m in moves]
