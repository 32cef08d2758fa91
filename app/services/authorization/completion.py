"""服务窗口审批办结率: how much of each department's work ends at the window (seed 003).

Seed 003 sets the 双百 targets: 向服务窗口授权100%，服务窗口审批办结率100%. A case ends at the
window when the window delivers its result (办结送达): the window takes that step under a
letter granting 办理结果投递权 (window_powers.py), otherwise the department's approving leader
does, away from the center. The rate counts the delivery steps completed from January 1st to
the day: those completed in the window's lane over all of them, per department.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import sqlalchemy as sa

from app.models import HumanTask, db
from app.models.authorization import DELIVERY
from app.models.identity import WINDOW_CLERK
from app.models.task import COMPLETED
from app.services import authorization
from app.services.workflow import working_days

TARGET = Decimal(100)
NAME = "服务窗口审批办结率"


def by_department(day: date, start: date | None = None) -> dict[int, tuple[int, int]]:
    """department id -> (delivered at the window, delivered) from `start` (January 1st of
    the day's year) through `day`."""
    zone = working_days.local_zone()
    since = datetime.combine(start or date(day.year, 1, 1), time(0), tzinfo=zone)
    until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    at_window = sa.func.sum(sa.case((HumanTask.candidate_role == WINDOW_CLERK, 1), else_=0))
    rows = db.session.execute(
        sa.select(HumanTask.department_id, at_window, sa.func.count())
        .where(HumanTask.name.in_(_delivery_steps()), HumanTask.state == COMPLETED,
               HumanTask.completed_at >= since, HumanTask.completed_at < until,
               HumanTask.department_id.is_not(None))
        .group_by(HumanTask.department_id))
    return {department_id: (int(window or 0), int(total)) for department_id, window, total in rows}


def _delivery_steps() -> list[str]:
    return [name for name, power in authorization.WINDOW_POWER_TASKS.items()
            if power == DELIVERY]
