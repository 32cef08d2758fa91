"""Completing a user task: end to end over HTTP, and the bare engine step, in one run.

    .venv/bin/python bench/bench_complete.py            # SQLite (a fresh file)
    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/govflow_bench \
        .venv/bin/python bench/bench_complete.py        # SQLite, then PostgreSQL

For each database: `flask --app app setup` (migrations, calendar, processes/, demo users),
`flask --app app deploy --dir bench/processes`, then gunicorn on a free 127.0.0.1 port.
A token for clerk/demo comes from POST /api/auth/token. Instances of bench_two_step
(first -> script -> second) are started untimed; then every POST /api/tasks/{id}/complete
is timed, first by one client, then by 8 concurrent clients (threads, http.client
connections kept open where the server allows). The bare engine step is
load JSON -> complete -> advance -> dump with app.engine.runtime, in this process.

Environment: BENCH_N completions per mode (200), BENCH_CLIENTS (8), BENCH_WORKERS gunicorn
sync workers (4), BENCH_DATABASE_URL (optional). Results also go to bench/results/.

Server CPU per completion: the user and system time the gunicorn workers and every postgres
process of this machine spent while the completions ran (from /proc), divided by the
completions; PostgreSQL's includes its background writers, and anything else using it then.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROCESSES = ROOT / "bench" / "processes"
KEY = "bench_two_step"
STEPS = ("first", "second")

N = int(os.environ.get("BENCH_N", "200"))
CLIENTS = int(os.environ.get("BENCH_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_WORKERS", "4"))
BARE_ROUNDS = int(os.environ.get("BENCH_BARE_ROUNDS", "400"))


# ---------------------------------------------------------------- measuring

def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def summary(latencies: list[float], errors: int, wall: float) -> dict:
    return {"n": len(latencies), "errors": errors,
            "p50_ms": percentile(latencies, 50) * 1000 if latencies else float("nan"),
            "p99_ms": percentile(latencies, 99) * 1000 if latencies else float("nan"),
            "per_s": len(latencies) / wall if wall else float("nan")}


def _ticks(pid: int) -> int:
    """User plus system CPU of one process so far, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def _postgres_pids() -> list[int]:
    """Every postgres process on this machine (the server, its backends, its writers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdecimal():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def server_cpu(workers: list[int]) -> dict[str, float]:
    """CPU seconds spent so far by the gunicorn workers and by PostgreSQL."""
    tick = os.sysconf("SC_CLK_TCK")
    return {"app": sum(map(_ticks, workers)) / tick,
            "postgres": sum(map(_ticks, _postgres_pids())) / tick}


def bare_engine() -> dict:
    """The engine work of one completion, without HTTP, database or services."""
    sys.path.insert(0, str(ROOT))
    from app.engine import runtime

    xml = (PROCESSES / f"{KEY}.bpmn").read_text("utf-8")
    process = runtime.compiled("bench", xml, f"{KEY}.bpmn", KEY)

    def step(snapshot: str, variables: dict) -> tuple[float, str]:
        started = time.perf_counter()
        workflow = runtime.load(snapshot, process)
        [task] = runtime.ready_user_tasks(workflow)
        task.data.update(variables)
        task.run()
        runtime.advance(workflow)
        text = runtime.dump(workflow)
        return time.perf_counter() - started, text

    workflow = runtime.create(process, {"instance_id": 1})
    runtime.advance(workflow)
    at_first = runtime.dump(workflow)
    timings = []
    for _ in range(BARE_ROUNDS):
        first, at_second = step(at_first, {"amount": 21})
        second, _ = step(at_second, {"approved": True})
        timings += [first, second]
    return {"n": len(timings), "p50_ms": percentile(timings, 50) * 1000,
            "p99_ms": percentile(timings, 99) * 1000}


# ---------------------------------------------------------------- HTTP

class Client:
    """One HTTP connection, reopened when the server closes it (gunicorn sync workers do)."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token, self.conn = port, token, None

    def call(self, method: str, path: str, body: object = None) -> tuple[int, object]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        payload = None if body is None else json.dumps(body)
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            try:
                self.conn.request(method, path, body=payload, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionError, BrokenPipeError):
                self.close()
                if attempt == 2:
                    raise
                continue
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, json.loads(data) if data else None
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, database_url: str, workdir: Path):
        self.port = free_port()
        self.log = workdir / "gunicorn.log"
        self.env = {**os.environ, "DATABASE_URL": database_url, "APP_ENV": "development",
                    "SECRET_KEY": "bench-secret", "PYTHONPATH": str(ROOT),
                    "CELERY_BROKER_URL": f"sqla+sqlite:///{workdir / 'broker.sqlite'}"}
        self.process: subprocess.Popen | None = None

    def flask(self, *args: str) -> None:
        subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                       env=self.env, check=True, stdout=subprocess.DEVNULL)

    def __enter__(self) -> Server:
        self.flask("setup")
        self.flask("deploy", "--dir", str(PROCESSES))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(WORKERS), "--log-level", "warning",
             "--config", "python:app.gunicorn_config", "app:create_app()"],
            cwd=ROOT, env=self.env, stdout=self.log.open("w"), stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log.read_text()[-2000:]}")
            try:
                if Client(self.port).call("GET", "/api/health")[0] == 200:
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def workers(self) -> list[int]:
        """The worker processes gunicorn forked (their CPU is the app's)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in children.read_text().split()]

    def __exit__(self, *exc) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()


def open_tasks(client: Client, instance_ids: set[int], name: str) -> list[str]:
    """The inbox page by page, each page after the cursor `next` of the one before."""
    found, after = [], ""
    while True:
        status, page = client.call("GET", f"/api/tasks?limit=500{after}")
        assert status == 200, page
        found += [t["id"] for t in page["items"]
                  if t["processInstanceId"] in instance_ids and t["name"] == name]
        if page["next"] is None:
            return found
        after = f"&after={page['next']}"


def complete_all(port: int, token: str, task_ids: list[str], clients: int) -> tuple[list, int]:
    """Complete the tasks with `clients` threads; returns latencies and the error count."""
    latencies: list[float] = []
    errors = [0]
    queue, lock = list(reversed(task_ids)), threading.Lock()

    def work() -> None:
        client = Client(port, token)
        while True:
            with lock:
                if not queue:
                    break
                task_id = queue.pop()
            started = time.perf_counter()
            status, body = client.call("POST", f"/api/tasks/{task_id}/complete",
                                       {"variables": {"amount": 21, "approved": True}})
            elapsed = time.perf_counter() - started
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    errors[0] += 1
                    if errors[0] <= 3:
                        print(f"  complete failed: {status} {body}", file=sys.stderr)
        client.close()

    threads = [threading.Thread(target=work) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors[0]


def run_mode(server: Server, token: str, instance_ids: set[int], clients: int) -> dict:
    lister = Client(server.port, token)
    latencies, errors, wall = [], 0, 0.0
    cpu = {"app": 0.0, "postgres": 0.0}
    workers = server.workers()
    for name in STEPS:
        task_ids = open_tasks(lister, instance_ids, name)  # untimed
        before, started = server_cpu(workers), time.perf_counter()
        got, failed = complete_all(server.port, token, task_ids, clients)
        wall += time.perf_counter() - started
        after = server_cpu(workers)
        cpu = {k: cpu[k] + after[k] - before[k] for k in cpu}
        latencies += got
        errors += failed + (len(instance_ids) - len(task_ids))
    lister.close()
    done = max(1, len(latencies))
    return {**summary(latencies, errors, wall),
            "app_cpu_ms": cpu["app"] / done * 1000, "db_cpu_ms": cpu["postgres"] / done * 1000}


def bench_database(label: str, database_url: str) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="govflow-bench-") as tmp, \
            Server(database_url, Path(tmp)) as server:
        anonymous = Client(server.port)
        status, body = anonymous.call("POST", "/api/auth/token",
                                      {"username": "clerk", "password": "demo"})
        assert status == 200, body
        client = Client(server.port, body["token"])
        per_mode = max(1, N // len(STEPS))
        groups = {}
        for mode, size in (("warm-up", CLIENTS), ("1", per_mode), (str(CLIENTS), per_mode)):
            ids = set()
            for _ in range(size):
                status, instance = client.call("POST", f"/api/process-definitions/key/{KEY}/start",
                                               {"variables": {}})
                assert status == 201, instance
                ids.add(instance["id"])
            groups[mode] = ids
        client.close()
        run_mode(server, body["token"], groups["warm-up"], CLIENTS)  # compile, connect
        rows = []
        for mode in ("1", str(CLIENTS)):
            result = run_mode(server, body["token"], groups[mode], int(mode))
            rows.append({"database": label, "clients": int(mode), **result})
            print(f"  {label}, {mode} client(s): {result}", file=sys.stderr)
        return rows


# ---------------------------------------------------------------- report

def table(rows: list[dict], bare: dict) -> str:
    lines = ["| database | clients | completions | errors | p50 ms | p99 ms | completions/s "
             "| app CPU ms | PostgreSQL CPU ms | p50 / bare engine p50 |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        db_cpu = f"{r['db_cpu_ms']:.1f}" if r["database"] == "PostgreSQL" else "—"
        lines.append(f"| {r['database']} | {r['clients']} | {r['n']} | {r['errors']} "
                     f"| {r['p50_ms']:.1f} | {r['p99_ms']:.1f} | {r['per_s']:.1f} "
                     f"| {r['app_cpu_ms']:.1f} | {db_cpu} "
                     f"| {r['p50_ms'] / bare['p50_ms']:.1f}x |")
    lines.append(f"| bare engine step (in process) | 1 | {bare['n']} | 0 "
                 f"| {bare['p50_ms']:.2f} | {bare['p99_ms']:.2f} "
                 f"| {1000 / bare['p50_ms']:.0f} | {bare['p50_ms']:.2f} | — | 1.0x |")
    return "\n".join(lines)


def main() -> int:
    print(f"bench_complete: N={N} per mode, {CLIENTS} clients, {WORKERS} gunicorn sync workers",
          file=sys.stderr)
    bare = bare_engine()
    print(f"  bare engine: {bare}", file=sys.stderr)
    rows = []
    with tempfile.TemporaryDirectory(prefix="govflow-bench-db-") as tmp:
        rows += bench_database("SQLite", f"sqlite:///{Path(tmp) / 'bench.sqlite'}")
    if os.environ.get("BENCH_DATABASE_URL"):
        rows += bench_database("PostgreSQL", os.environ["BENCH_DATABASE_URL"])
    when = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")
    report = table(rows, bare)
    print(f"\n{when}; Python {platform.python_version()}; {os.cpu_count()} CPUs; "
          f"N={N} per mode; gunicorn {WORKERS} sync workers\n")
    print(report)
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (results / f"complete-{stamp}.json").write_text(json.dumps(
        {"when": when, "n": N, "clients": CLIENTS, "workers": WORKERS, "bare": bare,
         "rows": rows}, indent=2))
    return 1 if any(r["errors"] for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
