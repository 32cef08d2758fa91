"""The supervision sweep the worker runs (govflow.supervise): each part registers a step
(freezing last month's assessment, cards of newly overdue cases, the month's sample, missed
duty), and a step that fails is logged and rolled back alone, so the others still run."""
from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from app.models import db
from app.models.base import utcnow

log = logging.getLogger(__name__)

Step = Callable[[datetime], int]  # does its work as of `now`, returns how many rows it made
STEPS: dict[str, Step] = {}


def step(name: str) -> Callable[[Step], Step]:
    """Registers a sweep step under `name` (once: importing a module again changes nothing).
    A step must be idempotent: the sweep runs it again and again."""
    def register(function: Step) -> Step:
        STEPS.setdefault(name, function)
        return function
    return register


def run(now: datetime | None = None) -> dict[str, int | None]:
    """Every step once, each in its own transaction; None marks a step that failed."""
    now = now or utcnow()
    done: dict[str, int | None] = {}
    for name, function in STEPS.items():
        try:
            done[name] = function(now)
            db.session.commit()
        except Exception:  # one failing step must not stop the others
            db.session.rollback()
            log.exception("supervision step %s failed", name)
            done[name] = None
    return done
