"""Garbage collection in long-lived server processes (gunicorn workers, Celery workers).

A step of a wide case builds and drops tens of thousands of objects (the document of a joint
case fanned out to 100 departments). Each time the cyclic collector's oldest generation runs
it walks every object the process holds — the app, SQLAlchemy's mappers, the parsed
processes, the calendar — and the request waits: bench_joint.py saw pauses of 180–230 ms in
two loads of ten. What lives as long as the process is moved out of the collector's sight
once the process is ready (gc.freeze(), as Instagram did for its Django workers); what a
request creates is collected as before.
"""
from __future__ import annotations

import gc


def freeze_long_lived() -> None:
    """Collect once, then keep everything alive now out of later collections."""
    gc.collect()
    gc.freeze()
