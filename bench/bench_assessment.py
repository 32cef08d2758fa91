"""The monthly assessment (月度效能考评) of a month of 100,000 cases on PostgreSQL.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \
      .venv/bin/python bench/bench_assessment.py

The database (BENCH_DATABASE_URL, else TEST_DATABASE_URL, else the URL above) is created if
missing and EMPTIED (schema public dropped), migrated, and given the demo center. Then, by
COPY: BENCH_CASES cases (100,000) accepted in November 2026 and as many again spread over
the eleven months before it (so that the month is found by the indexes, not by reading
everything), with instant and promised items of every department, received by the
departments' window clerks, a share concluded late, open past the deadline, deemed, with 补正
rounds; a rating for one concluded case in five, denial reports and deemed joint opinions.

It then computes the month's whole assessment (every registered indicator, three
dimensions, the 超时件 list: what freezing a month does) BENCH_ROUNDS times (5) and prints the
median seconds, and the EXPLAIN ANALYZE of the main aggregate (the month's cases by unit and staff member).
Results go to bench/results/ too (not committed).
"""
from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.pg_setup import bench_url, ensure_database, setup_app  # noqa: E402

URL = bench_url()
CASES = int(os.environ.get("BENCH_CASES", "100000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
MONTH = "2026-11"
QUIET_MONTH = "2026-06"  # about BENCH_CASES / 11 cases
ZONE = ZoneInfo("Asia/Shanghai")
MONTH_START = datetime(2026, 11, 1, tzinfo=ZONE)
NOW = datetime(2026, 12, 3, 10, 0, tzinfo=ZONE)  # the month has ended: as the sweep sees it


def _clerks_by_department() -> dict[int, list[int]]:
    from app.models import Window, db
    found: dict[int, list[int]] = {}
    for window in db.session.scalars(sa.select(Window)):
        for department in window.departments:
            for post in window.posts:
                found.setdefault(department.id, []).extend([post.a_user_id, post.b_user_id])
    return found


def _case_row(rng: random.Random, case_id: int, item, clerks: list[int], accepted: datetime):
    """One case: its times and outcome drawn so that every indicator has work to do."""
    instant = item.kind == "instant"
    days = 0 if instant else rng.choice((3, 5, 10, 15, 20))
    deadline = accepted.replace(hour=17, minute=30) + timedelta(days=days * 7 // 5)
    fate = rng.random()
    if fate < 0.08:  # still open (a part of them past the deadline)
        concluded, decision = None, None
    elif fate < 0.16:  # late
        concluded, decision = deadline + timedelta(hours=rng.randint(2, 200)), "approve"
    elif fate < 0.18:  # 超时默认
        concluded, decision = deadline + timedelta(seconds=5), "deemed_approved"
    else:
        concluded = accepted + (deadline - accepted) * rng.random()
        decision = "approve" if rng.random() < 0.93 else "deny"
    rounds = rng.choice((0, 0, 0, 1, 1, 2))
    supplements = json.dumps([{"started_at": accepted.isoformat(), "ended_at": None,
                               "missing": ["id_card"]}] * rounds)
    status = 3 if concluded is None else (11 if decision != "deny" else 13)
    return (case_id, case_id, item.id, "申请人", "{}", status, accepted, rng.choice(clerks),
            accepted, deadline, concluded, decision, False, False, False, False, False, False,
            supplements, "[]")


CASE_COLUMNS = ("id", "instance_id", "item_id", "applicant_name", "applicant_contact",
                "status_code", "received_at", "received_by", "accepted_at", "deadline_at",
                "concluded_at", "decision", "overdue", "major_project", "auto_accepted",
                "decision_limit_exceeded", "spot_not_decided", "statutory_limit_exceeded",
                "supplements", "history")


def generate(app) -> int:
    from app.models import Item, ProcessDefinition, db
    rng = random.Random(18)
    with app.app_context():
        items = list(db.session.scalars(sa.select(Item).where(Item.superseded_at.is_(None))))
        clerks = _clerks_by_department()
        items = [i for i in items if i.department_id in clerks]
        definition = db.session.scalar(sa.select(ProcessDefinition.id).limit(1))
        rows, ratings = [], []
        year_start = datetime(2025, 12, 1, tzinfo=ZONE)
        for n in range(1, 2 * CASES + 1):
            item = rng.choice(items)
            if n <= CASES:  # the month assessed, working hours
                accepted = MONTH_START + timedelta(days=rng.randrange(30),
                                                   hours=rng.uniform(9, 17))
            else:
                accepted = year_start + timedelta(days=rng.randrange(335), hours=rng.uniform(9, 17))
            row = _case_row(rng, n, item, clerks[item.department_id], accepted)
            rows.append(row)
            if row[10] is not None and rng.random() < 0.2:
                level = rng.choices((5, 4, 3, 2, 1), (60, 20, 10, 6, 4))[0]
                ratings.append((n, level, "[]", "", "window", row[10] + timedelta(hours=1),
                                item.department_id, None, row[7], item.code, True))
        raw = db.session.connection().connection.driver_connection
        with raw.cursor() as cursor:
            with cursor.copy("COPY process_instance (id, definition_id, state, workflow_json, "
                             "serializer_version, started_at, lock_version) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row((row[0], definition, "completed", "", "", row[6], 1))
            with cursor.copy(f"COPY service_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            with cursor.copy("COPY evaluation (case_id, level, reasons, comment, channel, "
                             "rated_at, department_id, window_id, staff_id, item_code, counted) "
                             "FROM STDIN") as copy:
                for rating in ratings:
                    copy.write_row(rating)
            cursor.execute("SELECT setval('process_instance_id_seq', %s)", (len(rows),))
            cursor.execute("SELECT setval('service_case_id_seq', %s)", (len(rows),))
        _records(rng, rows)
        db.session.commit()
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    return len(rows)


def _records(rng: random.Random, rows: list) -> None:
    """Denial reports and deemed joint opinions in the month, a few hundred of each."""
    from app.models import DenialReport, Item, JointOpinion, db
    items = {i.id: i for i in db.session.scalars(sa.select(Item))}
    for row in rng.sample(rows[:CASES], 600):
        item = items[row[2]]
        db.session.add(DenialReport(
            instance_id=row[1], department_id=item.department_id, item_code=item.code,
            item_name=item.name, kind="denied", trigger="objection", applicant_name="申请人",
            handler_id=row[7], filed_at=row[6], review_due_at=row[6] + timedelta(days=3),
            state=rng.choice(("pending", "confirmed", "corrected"))))
        db.session.add(JointOpinion(instance_id=row[1], department_id=item.department_id,
                                    days=3, deadline_at=row[9], state="deemed",
                                    answered_at=row[9], overdue=True))


def measure(app) -> dict:
    from app.models import db
    from app.services.supervision import assessment
    from app.services.supervision.indicator_cases import aggregate_query
    timings = []
    with app.app_context():
        for _ in range(ROUNDS):
            db.session.expire_all()
            started = time.perf_counter()
            figures = assessment.compute(MONTH, NOW)
            timings.append(time.perf_counter() - started)
        plan = _plan(aggregate_query(assessment.period_of(MONTH, NOW)))
        # A month of the year before: a twelfth of the other cases, found by the indexes.
        started = time.perf_counter()
        assessment.compute(QUIET_MONTH, NOW)
        quiet_seconds = time.perf_counter() - started
        quiet_plan = _plan(aggregate_query(assessment.period_of(QUIET_MONTH, NOW)))
        rows = {d: len(r) for d, r in figures["rows"].items()}
        overdue = sum(r["values"].get("overdue", 0) for r in figures["rows"]["department"])
        total = db.session.scalar(sa.text("SELECT count(*) FROM service_case"))
    return {"cases_in_table": total, "cases_in_month": CASES, "rounds": ROUNDS,
            "seconds": timings, "median_seconds": statistics.median(timings),
            "rows": rows, "overdue_cases": overdue, "overdue_listed": len(figures["overdue_cases"]),
            "plan": plan, "quiet_month_seconds": quiet_seconds, "quiet_plan": quiet_plan}


def _plan(query) -> list[str]:
    from app.models import db
    compiled = query.compile(dialect=db.engine.dialect)
    return db.session.connection().exec_driver_sql(
        "EXPLAIN (ANALYZE, BUFFERS) " + str(compiled), compiled.params).scalars().all()


def main() -> None:
    ensure_database(URL)
    app = setup_app(URL, MONTH_START.date())
    started = time.perf_counter()
    made = generate(app)
    print(f"generated {made} cases in {time.perf_counter() - started:.1f} s")
    result = measure(app)
    print(f"assessment of {MONTH}: {result['cases_in_month']} cases in the month, "
          f"{result['cases_in_table']} in the table, {result['overdue_cases']} overdue, "
          f"rows {result['rows']}")
    print("seconds per computation:", ", ".join(f"{t:.2f}" for t in result["seconds"]))
    print(f"median: {result['median_seconds']:.2f} s")
    print("EXPLAIN ANALYZE of the cases aggregate (by unit and staff member):")
    print("\n".join(result["plan"]))
    print(f"{QUIET_MONTH} (a month of the other cases): {result['quiet_month_seconds']:.2f} s; "
          "its aggregate:")
    print("\n".join(result["quiet_plan"]))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
    (out / f"assessment-{stamp}.json").write_text(json.dumps(result, indent=1, default=str))


if __name__ == "__main__":
    main()
