"""Lists at scale: 500,000 instances (100,000 running) and 1,000,000 tasks on PostgreSQL.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \
      .venv/bin/python bench/bench_lists.py

BENCH_KEEP=1 measures again on the data of the last run (migrated to the head). Otherwise
the database is created if missing and EMPTIED, migrated and given the demo center (as
bench_assessment.py). Then, by COPY: BENCH_INSTANCES instances of the service item process
(a fifth running, with a timer due some time in the next weeks), each with its case, one
open task per running instance (routed to a role, most to a department, some assigned) and
completed tasks to BENCH_TASKS in all, completed by the demo staff; and two audit events per
task; one case in ten was sent a 预警 (its case.warning event and warned_at). Every
instance carries a real serialized workflow (the demo's, ~BENCH_JSON_KB).

Then each query a page makes is run BENCH_ROUNDS times (30) through the services, as a
window clerk and as an administrator, and its p50 and p99 printed in milliseconds with the
EXPLAIN (ANALYZE, BUFFERS) of its statements: the inbox (first page and page 20 by its
cursor), the instance list (first page and a deep page, by offset and by the API's keyset
cursor), case search (empty, by 1, 2 and 3
characters of the applicant's name, by the start of a case number, by phone), 已办, the timer
sweep's due query and the dashboard's counts. Results go to bench/results/ (not committed).
"""
from __future__ import annotations

import json
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo
import os

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.pg_setup import bench_url, ensure_database, existing_app, setup_app  # noqa: E402

URL = bench_url()
INSTANCES = int(os.environ.get("BENCH_INSTANCES", "500000"))
TASKS = int(os.environ.get("BENCH_TASKS", "1000000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "30"))
JSON_KB = int(os.environ.get("BENCH_JSON_KB", "8"))
ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)
ROLES = ("window_clerk", "approver", "chief_representative", "approving_leader")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"


def _staff():
    """(user id, role, department id) of every membership of the demo staff."""
    from app.models import Membership, db
    return db.session.execute(sa.select(Membership.user_id, Membership.role,
                                        Membership.department_id)
                              .where(Membership.role.in_(ROLES))).all()


def _workflow_json() -> str:
    """A serialized workflow of the demo's size class, padded to about JSON_KB kilobytes."""
    document = {"data": {"note": "x" * 200}, "tasks": {}, "padding": [
        f"{n:06d}" + "y" * 90 for n in range(JSON_KB * 10)]}
    return json.dumps(document)


def generate(app) -> dict:
    from app.models import Item, ProcessDefinition, db
    rng = random.Random(21)
    with app.app_context():
        definition = db.session.scalar(sa.select(ProcessDefinition.id).where(
            ProcessDefinition.key == "service_item"))
        items = list(db.session.scalars(sa.select(Item).where(Item.superseded_at.is_(None))))
        staff = _staff()
        running = INSTANCES // 5
        document = _workflow_json()
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            _copy_instances(cursor, rng, definition, running, document)
            _copy_cases(cursor, rng, items, staff, running)
            _copy_tasks(cursor, rng, items, staff, running)
            cursor.execute("SELECT setval('process_instance_id_seq', %s)", (INSTANCES,))
            cursor.execute("SELECT setval('service_case_id_seq', %s)", (INSTANCES,))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))  # what autovacuum does to a table in use
    return {"instances": INSTANCES, "running": running, "tasks": TASKS}


def _started(n: int) -> datetime:
    return NOW - timedelta(minutes=(INSTANCES - n) * 2)  # the newest last, ~2 years back


def _copy_instances(cursor, rng, definition, running, document) -> None:
    columns = ("id, definition_id, state, workflow_json, serializer_version, started_at, "
               "ended_at, next_timer_at, lock_version")
    with cursor.copy(f"COPY process_instance ({columns}) FROM STDIN") as copy:
        for n in range(1, INSTANCES + 1):
            live = n > INSTANCES - running
            started = _started(n)
            copy.write_row((n, definition, "running" if live else "completed", document, "3.1",
                            started, None if live else started + timedelta(days=5),
                            NOW + timedelta(minutes=rng.randrange(1, 40000)) if live else None,
                            1))


def _copy_cases(cursor, rng, items, staff, running) -> None:
    columns = ("id, instance_id, item_id, applicant_name, applicant_contact, applicant_phone, "
               "case_no, status_code, received_at, received_by, accepted_at, deadline_at, "
               "concluded_at, decision, overdue, major_project, auto_accepted, "
               "decision_limit_exceeded, spot_not_decided, statutory_limit_exceeded, "
               "supplements, history, warned_at")
    clerks = [s.user_id for s in staff if s.role == "window_clerk"]
    warned = []  # a 预警 for one case in ten, the day before its deadline
    with cursor.copy(f"COPY service_case ({columns}) FROM STDIN") as copy:
        for n in range(1, INSTANCES + 1):
            live, started, item = n > INSTANCES - running, _started(n), rng.choice(items)
            name = rng.choice(SURNAMES) + rng.choice(SURNAMES) + str(n % 97)
            warned_at = started + timedelta(days=13) if rng.random() < 0.1 else None
            if warned_at:
                warned.append((n, warned_at))
            copy.write_row((n, n, item.id, name, "{}", f"13{n:09d}", f"B{n:010d}",
                            3 if live else 11, started, rng.choice(clerks), started,
                            started + timedelta(days=14), None if live else started
                            + timedelta(days=5), None if live else "approve", False, False,
                            False, False, False, False, "[]", "[]", warned_at))
    with cursor.copy("COPY audit_event (at, actor, action, instance_id, detail) FROM STDIN") \
            as copy:
        for instance, at in warned:
            copy.write_row((at, "bench", "case.warning", instance, "{}"))


def _copy_tasks(cursor, rng, items, staff, running) -> None:
    columns = ("id, instance_id, name, title, lane, candidate_role, candidate_department_id, "
               "item_code, department_id, assignee_id, state, due_at, created_at, "
               "completed_by, completed_at")
    audit = []
    with cursor.copy(f"COPY human_task ({columns}) FROM STDIN") as copy:
        for n in range(TASKS):
            instance = INSTANCES - running + 1 + n if n < running else rng.randrange(1, INSTANCES + 1)
            member, item = rng.choice(staff), rng.choice(items)
            created = _started(instance) + timedelta(hours=rng.randrange(1, 96))
            open_ = n < running
            copy.write_row((f"{n:08d}-0000-4000-8000-000000000000", instance, "review",
                            "窗口审查", member.role, member.role, member.department_id,
                            item.code, item.department_id,
                            member.user_id if rng.random() < 0.3 else None,
                            "open" if open_ else "completed", created + timedelta(days=10),
                            created, None if open_ else member.user_id,
                            None if open_ else created + timedelta(hours=3)))
            audit.append((instance, created))
    with cursor.copy("COPY audit_event (at, actor, action, instance_id, detail) FROM STDIN") \
            as copy:
        for instance, at in audit:
            copy.write_row((at, "bench", "task.created", instance, "{}"))
            copy.write_row((at + timedelta(hours=1), "bench", "task.completed", instance, "{}"))


class Statements:
    """The SQL a call sends, kept to EXPLAIN afterwards."""

    def __init__(self, engine):
        self.engine, self.seen = engine, []

    def __enter__(self):
        sa.event.listen(self.engine, "before_cursor_execute", self._keep)
        return self

    def __exit__(self, *exc):
        sa.event.remove(self.engine, "before_cursor_execute", self._keep)

    def _keep(self, _conn, _cursor, statement, parameters, _context, _many):
        # A setting (a page planned without parallel workers) is replayed before the EXPLAINs
        # that follow it, so that they show the plans the page ran.
        if statement.lstrip().upper().startswith(("SELECT", "SET", "SHOW")):
            self.seen.append((statement, parameters))


def _queries(users: dict) -> dict:
    from app.models import ProcessInstance, db
    from app.services.cases import dashboard, search
    from app.services.workflow import inbox, instances, task_query, timers
    from app.services.workflow.instances import overview
    clerk, admin = users["clerk"], users["admin"]
    # the cursor the API gives after page 99 (the key of its last row): page 100 by keyset
    page_99_end = db.session.scalar(sa.select(ProcessInstance.id)
                                    .order_by(ProcessInstance.id.desc()).offset(4949).limit(1))
    # the API's cursor after 19 pages of the clerk's task list (its default order)
    task_cursor = None
    for _ in range(19):
        _rows, task_cursor = task_query.page(clerk, task_query.Filters(), task_query.order(),
                                             after=task_cursor, limit=50)
    # the web inbox's cursor after 19 of its pages (50 tasks each, its default order)
    inbox_cursor = ""
    for _ in range(19):
        inbox_cursor = inbox.load(clerk, inbox.Query(after=inbox_cursor), NOW).next or ""
    return {
        "inbox, first page (clerk)": lambda: inbox.load(clerk, inbox.Query(), NOW),
        "inbox, page 20 by cursor (clerk)": lambda: inbox.load(
            clerk, inbox.Query(after=inbox_cursor), NOW),
        "API task list, first page (clerk)": lambda: task_query.page(
            clerk, task_query.Filters(), task_query.order(), after=None, limit=50),
        "API task list, page 20 by cursor (clerk)": lambda: task_query.page(
            clerk, task_query.Filters(), task_query.order(), after=task_cursor, limit=50),
        "API task list by created, first page (clerk)": lambda: task_query.page(
            clerk, task_query.Filters(), task_query.order("created", True), after=None,
            limit=50),
        "instance list, first page (clerk)": lambda: instances.query(viewer=clerk, limit=50),
        "instance list, first page (admin)": lambda: instances.query(viewer=admin, limit=50),
        "instance list, page 100 (admin)": lambda: instances.query(viewer=admin, limit=50,
                                                                   offset=4950),
        "instance list, page 100 by cursor (admin)": lambda: instances.query(
            viewer=admin, limit=50, after=[page_99_end]),
        "case search, no filter (clerk)": lambda: search.find_cases(clerk, search.CaseQuery()),
        "case search, applicant 1 character (clerk)": lambda: search.find_cases(
            clerk, search.CaseQuery(applicant="王")),
        "case search, applicant 2 characters (clerk)": lambda: search.find_cases(
            clerk, search.CaseQuery(applicant="王李")),
        "case search, applicant 3 characters (clerk)": lambda: search.find_cases(
            clerk, search.CaseQuery(applicant="王李3")),
        "case search, case number prefix (clerk)": lambda: search.find_cases(
            clerk, search.CaseQuery(case_no="B000012345")),
        "case search, phone (admin)": lambda: search.find_cases(
            admin, search.CaseQuery(phone="13000400000")),
        "已办, first page (clerk)": lambda: search.completed_tasks(clerk),
        "monitor list, first page (admin)": lambda: overview.listing(overview.Filters()),
        "monitor list, running (admin)": lambda: overview.listing(
            overview.Filters(state="running")),
        "timer sweep due query": lambda: timers.due_instance_ids(NOW + timedelta(minutes=30)),
        "dashboard counts": lambda: (dashboard.instance_counts(),
                                     dashboard.open_tasks_by_department(),
                                     dashboard.cases_in_hand_by_status(),
                                     dashboard.cases_ended_by_status(),
                                     dashboard.overdue_cases(), dashboard.flagged_cases(),
                                     dashboard.warned_cases()),
    }


def measure(app) -> dict:
    from app.models import User, db
    results = {}
    with app.app_context():
        users = {name: db.session.scalar(sa.select(User).where(User.username == name))
                 for name in ("clerk", "admin")}
        for name, call in _queries(users).items():
            timings = []
            for _ in range(ROUNDS):
                db.session.expire_all()
                started = time.perf_counter()
                call()
                timings.append((time.perf_counter() - started) * 1000)
                db.session.rollback()
            with Statements(db.engine) as statements:
                call()
            results[name] = {"p50_ms": statistics.median(timings),
                             "p99_ms": statistics.quantiles(timings, n=100)[98],
                             "statements": len(statements.seen),
                             "plans": [_plan(sql, params) for sql, params in statements.seen]}
            db.session.rollback()
            print(f"{name:40s} p50 {results[name]['p50_ms']:9.1f} ms  "
                  f"p99 {results[name]['p99_ms']:9.1f} ms  {len(statements.seen)} statements",
                  flush=True)
    return results


def _plan(sql: str, params) -> dict:
    from app.models import db
    connection = db.session.connection()
    if sql.lstrip().upper().startswith(("SET", "SHOW")):
        connection.exec_driver_sql(sql, params)
        return {"sql": sql, "plan": []}
    plan = connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql, params).scalars().all()
    return {"sql": sql, "plan": plan}


def main() -> None:
    if os.environ.get("BENCH_KEEP"):  # measure again on the data of the last run, migrated
        app, made = existing_app(URL), "kept"
    else:
        ensure_database(URL)
        app = setup_app(URL, NOW.date())
        started = time.perf_counter()
        made = generate(app)
        print(f"generated {made} in {time.perf_counter() - started:.1f} s", flush=True)
    results = measure(app)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    path = out / f"lists-{stamp}.json"
    path.write_text(json.dumps({"generated": made, "results": results}, indent=1,
                               ensure_ascii=False, default=str))
    print(f"plans in {path}")


if __name__ == "__main__":
    main()
