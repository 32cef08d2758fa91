"""The check a chief representative's decision passes when it is submitted.

A task goes to a chief because a letter (授权书) granted the power on the day it was created;
the platform asks this module, at every completion, whether that power still holds.
"""
from __future__ import annotations

from app.models import HumanTask, db
from app.services import authorization
from app.services.workflow import reassign, tasks, working_days
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden


def register() -> None:
    tasks.guard_completion(still_authorized, moves_the_task=True)


def still_authorized(task: HumanTask, actor: Actor, _data: dict) -> None:
    """A lapsed authorization refuses the decision and sends the task where it now belongs;
    the move is kept (committed) although the completion is refused. When the letter that
    follows (续期) gives the same person the same power, the task moves to it and the
    decision stands: a renewal makes the turn of the year invisible to the chief."""
    today = working_days.today()
    reason = authorization.lapse_reason(task, actor.user, today)
    if reason is None:
        return
    reassign.reroute(task, actor, reason)
    if task.authorization_letter_id is not None and task.assignee_id == actor.user.id \
            and authorization.lapse_reason(task, actor.user, today) is None:
        return
    db.session.commit()
    raise Forbidden(reason, code="authorization_lapsed", rerouted=True)
