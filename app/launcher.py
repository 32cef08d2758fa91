"""`flask --app app run-all`: the web server and one Celery worker (beat embedded) together.

Each child runs in a process group of its own, so a signal meant for the launcher (Ctrl-C
in a terminal, SIGTERM from a supervisor) reaches only the launcher, which then asks each
child to stop with one SIGTERM to the child itself. A signal sent to a whole process
group would also hit Celery's pool processes directly, and a pool process killed while it
holds the pool's queue lock leaves the worker hanging at shutdown.
"""
from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time

import click

STOP_GRACE_SECONDS = 20
_PR_SET_PDEATHSIG = 1


def web_command(host: str, port: int, threads: int = 4) -> list[str]:
    return [sys.executable, "-m", "gunicorn", "--bind", f"{host}:{port}",
            "--threads", str(threads), "--config", "python:app.gunicorn_config",
            "--access-logfile", "-", "app:create_app()"]


def worker_command(concurrency: int = 2) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "workers.worker", "worker", "-B",
            "--loglevel=info", f"--concurrency={concurrency}"]


def supervise(commands: list[list[str]], poll_seconds: float = 0.2) -> int:
    """Run the commands until a signal (exit 0) or until one of them exits (non-zero)."""
    stopping: list[int] = []
    handlers = {sig: signal.signal(sig, lambda signum, _frame: stopping.append(signum))
                for sig in (signal.SIGINT, signal.SIGTERM)}
    children = []
    try:
        children = [_spawn(command) for command in commands]
        while not stopping:
            ended = next((c for c in children if c.poll() is not None), None)
            if ended is not None:
                click.echo(f"run-all: '{' '.join(ended.args)}' exited with"
                           f" {ended.returncode}; stopping", err=True)
                return ended.returncode if ended.returncode > 0 else 1
            time.sleep(poll_seconds)
        return 0
    finally:
        _stop_all(children)
        for sig, handler in handlers.items():
            signal.signal(sig, handler)


def _spawn(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(command, start_new_session=True, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if the launcher itself is killed (even with SIGKILL)."""
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def _stop_all(children: list[subprocess.Popen]) -> None:
    """SIGTERM each child; what is still running after the grace period is killed."""
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    for child in children:
        try:
            child.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            pass
        _kill_group(child.pid)  # the child's own group: its workers and anything left over
        child.wait()


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


@click.command("run-all", help="Run the web server and a Celery worker with beat together;"
               " Ctrl-C stops both.")
@click.option("--host", default=lambda: os.environ.get("HOST", "127.0.0.1"),
              show_default="HOST or 127.0.0.1")
@click.option("--port", type=int, default=lambda: int(os.environ.get("PORT", "5000")),
              show_default="PORT or 5000")
def run_all(host: str, port: int) -> None:
    sys.exit(supervise([web_command(host, port), worker_command()]))
