"""The worker side: Celery wiring, timers and the outbox through a real worker, the launcher.

A worker runs in a thread and has its own database connections, so it cannot see the
per-test savepoint of the `session` fixture: the worker tests use an application of
their own with a file database, built once per module and broker.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine
from celery.contrib.testing.worker import start_worker

from app import create_app, demo, launcher, migrate
from app.models import AuditEvent, CaseLink, Notification, ProcessInstance, User, db, utcnow
from app.models.outbox import DEAD, EMAIL, PENDING, SENT, SMS
from app.models.process import RUNNING
from app.services.calendar import admin as calendar_admin
from app.services.workflow import deployment, instances, notifications
from app.services.workflow.actor import Actor
from tests.conftest import DEMO_DAY, deploy_test_file, require_service
from workers import tasks
from workers.celery_app import (ABSENCE_SWEEP, CALENDAR_SWEEP, CLOCK_SWEEP, LETTER_EXPIRY_SWEEP,
                                LINK_SWEEP, OUTBOX_SWEEP, RATING_REMINDER_SWEEP, SUPERVISION_SWEEP,
                                TIMER_SWEEP, make_celery)

# --- the outbox, on the shared test database ------------------------------------------

def _notification(channel: str, address: str) -> Notification:
    row = notifications.enqueue(channel, "accepted", "已受理", "您的申请已受理", address=address)
    db.session.commit()
    return row


def test_email_without_smtp_host_backs_off_then_dies(app, session, monkeypatch):
    monkeypatch.setitem(app.config, "SMTP_HOST", None)
    row = _notification(EMAIL, "applicant@example.cn")
    with time_machine.travel(utcnow(), tick=False):
        for attempt in range(1, notifications.MAX_ATTEMPTS):
            assert notifications.deliver(row.id) == PENDING
            db.session.refresh(row)
            assert row.attempts == attempt and "SMTP_HOST" in row.last_error
            assert row.next_attempt_at == utcnow() + timedelta(seconds=30 * 2 ** attempt)
            assert row.id not in notifications.due_ids()
        assert notifications.deliver(row.id) == DEAD
    db.session.refresh(row)
    assert row.attempts == notifications.MAX_ATTEMPTS and row.sent_at is None
    assert notifications.deliver(row.id) == DEAD and row.attempts == notifications.MAX_ATTEMPTS


def test_sms_goes_out_through_the_logging_adapter_once(app, session, caplog):
    assert app.config["SMS_ADAPTER"] == "log"
    row = _notification(SMS, "13800000000")
    assert row.id in notifications.due_ids()
    with caplog.at_level(logging.INFO, logger="app.services.workflow.notifications"):
        assert notifications.deliver(row.id) == SENT
        assert notifications.deliver(row.id) == SENT  # a sent row is left alone
    db.session.refresh(row)
    assert row.attempts == 1 and row.sent_at is not None and row.last_error is None
    assert [r.getMessage() for r in caplog.records] == ["SMS to 13800000000: 已受理 您的申请已受理"]
    assert row.id not in notifications.due_ids()


# --- a real worker, per broker ---------------------------------------------------------

@pytest.fixture(scope="module", params=["sqlite", pytest.param("redis", marks=pytest.mark.redis)])
def broker_url(request, tmp_path_factory):
    if request.param == "redis":
        return require_service("TEST_REDIS_URL")
    return f"sqla+sqlite:///{tmp_path_factory.mktemp('broker') / 'broker.sqlite'}"


@pytest.fixture(scope="module")
def worker_app(broker_url, tmp_path_factory):
    path = tmp_path_factory.mktemp("worker_db") / "govflow.sqlite"
    flask_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
                            "SECRET_KEY": "test-secret", "CELERY_BROKER_URL": broker_url})
    with flask_app.app_context():
        migrate.upgrade()
        calendar_admin.seed_from_library("CN", Actor.system("tests"))
        demo.load(flask_app.config["CENTER_CODE"], today=DEMO_DAY)  # letters of the cases' year
        deploy_test_file("timer_reminder.bpmn")
        db.session.commit()
    yield flask_app
    with flask_app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def celery_app(worker_app):
    app = make_celery(worker_app)
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield app


def wait_for(worker_app, query, timeout: float = 30.0):
    """Poll with a fresh session each time, so no transaction stays open on the worker."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with worker_app.app_context():
            result = query()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail("the worker did not do it in time")


def test_celery_is_configured_for_idempotent_json_tasks(worker_app, celery_app):
    conf = celery_app.conf
    assert worker_app.extensions["celery"] is celery_app
    assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
    assert conf.task_ignore_result and conf.worker_prefetch_multiplier == 1
    assert all(celery_app.tasks[t.name].acks_late for t in
               (tasks.sweep_timers, tasks.fire_timer, tasks.sweep_outbox,
                tasks.deliver_notification, tasks.sweep_absences, tasks.sweep_links,
                tasks.send_link_message, tasks.catch_link_message, tasks.keep_calendar_ahead,
                tasks.watch_case_clocks, tasks.warn_expiring_letters, tasks.remind_unrated,
                tasks.supervise))
    schedule = {e["task"]: e["schedule"] for e in conf.beat_schedule.values()}
    assert schedule == {TIMER_SWEEP: worker_app.config["TIMER_SWEEP_SECONDS"],
                        OUTBOX_SWEEP: worker_app.config["OUTBOX_SWEEP_SECONDS"],
                        ABSENCE_SWEEP: worker_app.config["ABSENCE_SWEEP_SECONDS"],
                        LINK_SWEEP: worker_app.config["LINK_SWEEP_SECONDS"],
                        CALENDAR_SWEEP: worker_app.config["CALENDAR_SWEEP_SECONDS"],
                        CLOCK_SWEEP: worker_app.config["CLOCK_SWEEP_SECONDS"],
                        LETTER_EXPIRY_SWEEP: worker_app.config["LETTER_EXPIRY_SWEEP_SECONDS"],
                        RATING_REMINDER_SWEEP: worker_app.config["RATING_REMINDER_SWEEP_SECONDS"],
                        SUPERVISION_SWEEP: worker_app.config["SUPERVISION_SWEEP_SECONDS"]}
    celery_app.tasks[TIMER_SWEEP]()  # runs in the app context without a request around it


def test_due_timer_fires_through_sweep_and_fire_timer(worker_app, celery_app):
    remind_at, deadline_at = utcnow() + timedelta(seconds=1), utcnow() + timedelta(days=1)
    with worker_app.app_context():
        instance = instances.start("timer_reminder", Actor.system("tests"), variables={
            "remind_at": remind_at.isoformat(), "deadline_at": deadline_at.isoformat(),
            "reminder_text": "please review"})
        instance_id = instance.id
    time.sleep(max(0.0, (remind_at - utcnow()).total_seconds()) + 0.1)
    celery_app.tasks[TIMER_SWEEP].delay()
    [fired] = wait_for(worker_app, lambda: list(db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == instance_id, AuditEvent.action == "timer.fired"))))
    assert fired.actor == "system:timer"
    with worker_app.app_context():
        instance = db.session.get(ProcessInstance, instance_id)
        assert instance.state == RUNNING and instance.next_timer_at == deadline_at
        assert instances.variables(instance)["reminder"] == "PLEASE REVIEW"


def test_outbox_is_delivered_through_sweep_and_deliver(worker_app, celery_app):
    with worker_app.app_context():
        notification_id = _notification(SMS, "13900000000").id
    celery_app.tasks[OUTBOX_SWEEP].delay()
    wait_for(worker_app, lambda: db.session.get(Notification, notification_id).status == SENT)


def test_a_report_reaches_the_city_through_the_link_sweep(worker_app, celery_app, demo_year):
    """三级联动: the county's outbox row is sent and caught by a new city instance."""
    with worker_app.app_context():
        deployment.deploy_directory(worker_app.config["PROCESSES_DIR"], Actor.system("tests"))
        db.session.commit()
        clerk = Actor.of(db.session.scalar(sa.select(User).where(User.username == "hcd_a")))
        instance_id = instances.start("three_level_report", clerk, variables={
            "item_code": "HCD-004", "applicant": {"name": "姚安建工有限公司"}}).id
        _complete(instance_id, "intake", clerk, within_remit=True,
                  materials_received=["application_form", "business_licence", "id_card"])
        _complete(instance_id, "preliminary_review", clerk, preliminary_opinion="同意上报",
                  recommendation="approve")
    celery_app.tasks[LINK_SWEEP].delay()  # sent to the city's inbox, and caught at once
    city = wait_for(worker_app, lambda: db.session.scalar(sa.select(CaseLink.instance_id).where(
        CaseLink.center_code == "532300")))
    with worker_app.app_context():
        assert [t.name for t in instances.open_tasks(city)] == ["review"]


def _complete(instance_id: int, name: str, actor: Actor, **variables) -> None:
    from app.services.workflow import tasks as task_service
    [task] = [t for t in instances.open_tasks(instance_id) if t.name == name]
    task_service.complete(task.id, variables, actor)


# --- the launcher ------------------------------------------------------------------------

def _python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def spawned(monkeypatch):
    children = []
    real_spawn = launcher._spawn

    def spawn(command):
        children.append(real_spawn(command))
        return children[-1]
    monkeypatch.setattr(launcher, "_spawn", spawn)
    return children


def test_launcher_stops_the_other_child_and_fails_when_one_dies(spawned):
    code = launcher.supervise([_python("import time; time.sleep(60)"),
                               _python("import sys, time; time.sleep(0.5); sys.exit(3)")])
    assert code == 3
    assert all(child.poll() is not None for child in spawned)


def test_launcher_fails_even_when_a_child_exits_cleanly(spawned):
    assert launcher.supervise([_python("import time; time.sleep(60)"), _python("pass")]) == 1
    assert all(child.poll() is not None for child in spawned)


def test_launcher_kills_a_child_that_ignores_sigterm(spawned, monkeypatch):
    monkeypatch.setattr(launcher, "STOP_GRACE_SECONDS", 1)
    stubborn = ("import signal, time; signal.signal(signal.SIGTERM, signal.SIG_IGN);"
                " time.sleep(60)")
    started = time.monotonic()
    assert launcher.supervise([_python(stubborn),
                               _python("import sys, time; time.sleep(1); sys.exit(2)")]) == 2
    assert time.monotonic() - started < 10
    assert spawned[0].returncode == -signal.SIGKILL


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_launcher_stops_both_children_on_a_signal_and_exits_zero(tmp_path, signum):
    pids = tmp_path / "pids"
    child = ["sh", "-c", f"echo $$ >> {pids}; exec sleep 60"]
    script = f"import sys; from app.launcher import supervise; sys.exit(supervise({[child] * 2!r}))"
    process = subprocess.Popen(_python(script))
    deadline = time.monotonic() + 10
    while (not pids.exists() or len(pids.read_text().split()) < 2) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = [int(pid) for pid in pids.read_text().split()]
    assert len(children) == 2 and all(_alive(pid) for pid in children)
    process.send_signal(signum)  # to the launcher only, as a supervisor would
    assert process.wait(timeout=10) == 0
    assert not any(_alive(pid) for pid in children)


def test_promise_case_deadline_fires_through_the_worker(worker_app, celery_app):
    """超时默认 on a real 承诺件, with the deadline fired by beat's sweep and a worker."""
    from app.models import Case
    from app.services.workflow import deployment
    from app.services.workflow import tasks as task_service
    from tests.cases.service_item_steps import ALL_MATERIALS
    shanghai = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 3, 2, 9, 30, tzinfo=shanghai)):
        with worker_app.app_context():
            deployment.deploy_directory(worker_app.config["PROCESSES_DIR"], Actor.system("t"))
            clerk = db.session.scalar(sa.select(User).where(User.username == "clerk"))
            started = instances.start("service_item", Actor.of(clerk), variables={
                "item_code": "MSA-002", "applicant": {"name": "李四"}})
            instance_id = started.id
            [intake] = instances.open_tasks(instance_id)
            task_service.complete(intake.id, {"within_remit": True,
                                              "materials_received": ALL_MATERIALS},
                                  Actor.of(clerk))
    with time_machine.travel(datetime(2026, 3, 17, 8, 0, tzinfo=shanghai)):
        celery_app.tasks[TIMER_SWEEP].delay()
        case = wait_for(worker_app, lambda: db.session.scalar(sa.select(Case).where(
            Case.instance_id == instance_id, Case.decision == "deemed_approved")))
    assert case.overdue and case.responsible_unit == "县市场监督管理局"
    with worker_app.app_context():
        assert [t.name for t in instances.open_tasks(instance_id)] == ["deliver"]


def test_two_workers_delivering_the_same_row_at_once_send_it_once(worker_app, monkeypatch):
    """SQLite has no row locks: the claim, one conditional UPDATE committed before the send,
    lets only one of them through (before it, 12 SMS went out for 10 rows)."""
    import threading
    sent, barrier = [], threading.Barrier(4)

    class Gateway:
        def send(self, phone, text):
            sent.append(phone)
            time.sleep(0.05)

    monkeypatch.setitem(notifications.SMS_ADAPTERS, "log", Gateway)
    with worker_app.app_context():
        rows = [notifications.enqueue(SMS, "accepted", "已受理", "x", address=f"1380000{i:04d}")
                for i in range(10)]
        db.session.commit()
        ids = [row.id for row in rows]

    failures = []

    def worker():
        with worker_app.app_context():
            barrier.wait()
            try:
                for notification_id in ids:
                    notifications.deliver(notification_id)
            except Exception as err:  # shown by the assertion below
                failures.append(repr(err))
            db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(sent) == sorted(f"1380000{i:04d}" for i in range(10))
    with worker_app.app_context():
        rows = db.session.scalars(sa.select(Notification).where(Notification.id.in_(ids))).all()
        assert {r.status for r in rows} == {SENT} and {r.attempts for r in rows} == {1}


def test_a_claim_left_by_a_dead_worker_is_taken_again_after_its_lease(app, session):
    row = _notification(SMS, "13800000001")
    assert notifications._claim(row.id)  # the worker claimed it, then died
    assert notifications.deliver(row.id) == "sending"  # not sent twice meanwhile
    assert row.id not in notifications.due_ids()
    with time_machine.travel(utcnow() + notifications.CLAIM_LEASE + timedelta(seconds=1)):
        assert row.id in notifications.due_ids()
        assert notifications.deliver(row.id) == SENT
