"""Timers at scale: N instances due in the same second, fired by one Celery worker.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_timers \
    BENCH_REDIS_URL=redis://127.0.0.1:6379/13 .venv/bin/python bench/bench_timers.py

The database is EMPTIED, migrated and given the demo center; bench/processes is deployed and
N instances of bench_timer (start -> timer on `due_at` -> script -> end) are started, every
one due at the same moment D, chosen after the starts are done (or spread evenly over the
BENCH_SPREAD seconds after D: "due in the same minute" is BENCH_SPREAD=60). Then one worker is started
as `flask run-all` starts it (`celery worker -B`, concurrency BENCH_CONCURRENCY, beat's timer
sweep every TIMER_SWEEP_SECONDS), on Redis. Measured from the audit trail: when the last
instance fired after D, due->fired p50/p99, and how many instances fired more than once.
A second worker (BENCH_WORKERS=2, each with its own beat: a duplicate beat) shows that claims
keep the firings at one per instance.

Environment: BENCH_N (10000), BENCH_CONCURRENCY (2), BENCH_WORKERS (1), BENCH_TIMEOUT (600 s).
"""
from __future__ import annotations

import math
import os
import statistics
import subprocess
import sys
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.pg_setup import bench_url, ensure_database, setup_app  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
N = int(os.environ.get("BENCH_N", "10000"))
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "2"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "1"))
TIMEOUT = float(os.environ.get("BENCH_TIMEOUT", "600"))
SPREAD = float(os.environ.get("BENCH_SPREAD", "0"))  # seconds over which the N come due
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def start_instances(app) -> datetime:
    """N waiting instances, all due at one moment D after the last start; returns D."""
    from app.models import db
    from app.services.workflow import deployment, instances
    from app.services.workflow.actor import Actor
    actor = Actor.system("bench")
    placeholder = datetime(2099, 1, 1, tzinfo=timezone.utc)
    with app.app_context():
        deployment.deploy_directory(str(ROOT / "bench" / "processes"), actor)
        db.session.commit()
        started = time.perf_counter()
        for number in range(N):
            instances.start("bench_timer", actor, variables={"due_at": placeholder.isoformat()})
            if number % 1000 == 999:
                print(f"  {number + 1} started ({time.perf_counter() - started:.0f} s)",
                      flush=True)
        due = datetime.now(timezone.utc) + timedelta(seconds=15)
        # Each instance's timer (and the sweep's column) moved to its moment: D, or spread
        # evenly over the SPREAD seconds after D.
        ids = db.session.scalars(sa.text("SELECT id FROM process_instance ORDER BY id")).all()
        for index, instance_id in enumerate(ids):
            at = due + timedelta(seconds=SPREAD * index / len(ids))
            db.session.execute(sa.text(
                "UPDATE process_instance SET next_timer_at = :at, "
                "workflow_json = replace(workflow_json, :old, :new) WHERE id = :id"),
                {"at": at, "old": placeholder.isoformat(), "new": at.isoformat(),
                 "id": instance_id})
        db.session.commit()
    return due


def worker(url: str) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": REDIS,
           "SECRET_KEY": "bench-" + "x" * 40,
           "TIMER_SWEEP_SECONDS": os.environ.get("TIMER_SWEEP_SECONDS", "1")}
    return subprocess.Popen([sys.executable, "-m", "celery", "-A", "workers.worker", "worker",
                             "-B", f"--concurrency={CONCURRENCY}", "--loglevel=WARNING",
                             "--pool=prefork", f"--hostname=bench{os.getpid()}-%h-{time.time()}"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)


def fired(app) -> list[tuple[int, datetime, datetime]]:
    """(instance, when it fired, when it was due) of every firing in the audit trail."""
    from app.models import db
    with app.app_context():
        rows = db.session.execute(sa.text(
            "SELECT instance_id, at, detail FROM audit_event "
            "WHERE action = 'timer.fired'")).all()
        db.session.rollback()
    return [(row[0], row[1], datetime.fromisoformat(row[2]["due"])) for row in rows]


def main() -> None:
    url = bench_url().replace("govflow_bench", "govflow_timers")
    import redis
    redis.Redis.from_url(REDIS).flushdb()
    ensure_database(url)
    app = setup_app(url, date.today())
    print(f"{N} instances of bench_timer on {url}")
    due = start_instances(app)
    processes = [worker(url) for _ in range(WORKERS)]
    try:
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            rows = fired(app)
            if len({row[0] for row in rows}) >= N:
                break
            time.sleep(2)
        time.sleep(6)  # one more sweep: a duplicate would show now
        rows = fired(app)
    finally:
        for process in processes:
            os.killpg(process.pid, 15)
        for process in processes:
            process.wait(timeout=30)
    first: dict[int, tuple[datetime, datetime]] = {}
    counts: dict[int, int] = {}
    for instance_id, at, due_at in rows:
        if instance_id not in first or at < first[instance_id][0]:
            first[instance_id] = (at, due_at)
        counts[instance_id] = counts.get(instance_id, 0) + 1
    print(f"workers {WORKERS} x concurrency {CONCURRENCY}, sweep every "
          f"{os.environ.get('TIMER_SWEEP_SECONDS', '1')} s, due over {SPREAD:.0f} s; "
          f"fired {len(first)}/{N}, more than once: {sum(1 for c in counts.values() if c > 1)}")
    if first:
        lags = [(at - due_at).total_seconds() for at, due_at in first.values()]
        span = (max(at for at, _ in first.values()) - due).total_seconds()
        print(f"all fired {span:.1f} s after the first came due; due->fired p50 "
              f"{statistics.median(lags):.1f} s, p99 {percentile(lags, 99):.1f} s, "
              f"max {max(lags):.1f} s")


if __name__ == "__main__":
    main()
