"""What the center cannot coordinate, the county government decides (seed 002 art. 5(4):
对涉及两个以上部门联合办理的……事项进行组织和协调，难以协调的报请县政府决定).

The center's coordination decision (中心协调决定) may refer a joint case's dispute to the
county government's approver (县政府审批负责人), with a deadline of COUNTY_DECISION_DAYS
working days. The county's answer binds: the process keeps it (`binding_outcome`, set by a
script, never by a form) and the unified reply (统一答复决定) must follow it.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app

from app.models import HumanTask, db
from app.models.task import COMPLETED
from app.models.identity import COUNTY_APPROVER
from app.services import calendar
from app.services.workflow import instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden, InvalidInput

REPLY_TASK = "unified_decision"
COUNTY_TASK = "county_decision"
DECISION_FOR = {"resolved_agree": "approve", "resolved_reject": "deny"}


def register() -> None:
    tasks.guard_completion(only_the_county_decides)
    tasks.guard_completion(reply_follows_the_county)


def only_the_county_decides(task: HumanTask, actor: Actor, _data: dict) -> None:
    """The county's decision is the county government's own: a center administrator, who
    may otherwise complete any task, referred it there precisely because the center could
    not decide."""
    if task.name == COUNTY_TASK and (actor.user is None
                                     or not actor.user.has_role(COUNTY_APPROVER)):
        raise Forbidden("only the county government's approver decides what the center "
                        "referred to it", code="county_decision_only")


def county_decision_deadline(start: str) -> str:
    """COUNTY_DECISION_DAYS working days after `start`: when the county's decision is due."""
    days = current_app.config.get("COUNTY_DECISION_DAYS", 5)
    return calendar.add_working_days(start, days).isoformat()


def reply_follows_the_county(task: HumanTask, _actor: Actor, data: dict) -> None:
    if task.name != REPLY_TASK or not _decided_by_the_county(task.instance_id):
        return  # the workflow is read only for the few cases the county decided
    binding = instances.task_data(task).get("binding_outcome")
    required = DECISION_FOR.get(binding)
    if required is not None and data.get("decision") != required:
        raise InvalidInput(
            f"the county government decided {binding}: the unified reply must be {required}",
            code="county_decision_binding",
            errors=[{"field": "decision", "message": f"must be {required}, as the county "
                                                     "government decided"}])


def _decided_by_the_county(instance_id: int) -> bool:
    return db.session.scalar(sa.select(HumanTask.id).where(
        HumanTask.instance_id == instance_id, HumanTask.name == COUNTY_TASK,
        HumanTask.state == COMPLETED).limit(1)) is not None
