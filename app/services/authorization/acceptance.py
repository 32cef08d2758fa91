"""受理决定权: the window decides on acceptance only under a letter (授权书) granting it.

Seeds 000 and 003: a department grants its chief representative (首席代表), and the window
staff working under them, the acceptance decision (受理决定权) over its items by letter. The
intake review (受理审查) goes to the window while the letter in force that day grants it over
the case's item, otherwise to the department's approving leader (organization.routing, the
same fallback as an approval). A letter may lapse between the task's creation and its
completion: the clerk's acceptance (within_remit) is then refused here and the task sent to
the leader, as guard.py does for approvals. A refusal (不予受理) is not refused here: without
the power it goes through 否定报备 (committee.denials), which the process already requires.
逾期自动受理 (行政许可法 art. 32) needs no power: the law deems the case accepted; the record
says whether a letter covered it.
"""
from __future__ import annotations

from datetime import date

from app.models import HumanTask, db
from app.models.identity import WINDOW_CLERK
from app.services import authorization
from app.services.workflow import reassign, task_context, tasks, working_days
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden
from app.services.workflow.task_context import Entry, Section

INTAKE_FORMS = ("window_intake", "service_item_intake")  # service item, joint lead window

# Display names the task page passes through gettext (babel.cfg lists this table).
LABELS = {"acceptance_power": "受理决定权", "why_leader": "由分管领导作出受理决定的原因"}


def register() -> None:
    tasks.guard_completion(window_may_accept)
    task_context.provide(INTAKE_FORMS, why_with_the_leader)


def window_may_accept(task: HumanTask, actor: Actor, data: dict) -> None:
    """The window's acceptance passes only under a letter in force today; without one the
    task moves to the leader (kept, committed) and the completion is refused."""
    if task.name not in authorization.ACCEPTANCE_TASKS or data.get("within_remit") is not True:
        return
    if task.candidate_role != WINDOW_CLERK:  # with the leader (or the administrators)
        return
    today = working_days.today()
    if authorization.acceptance_letter(task.department_id, task.item_code, today) is not None:
        return
    reason = _leaders_decision(task, today)
    reassign.reroute(task, actor, reason)
    db.session.commit()
    raise Forbidden(reason, code="acceptance_power_missing", rerouted=True)


def why_with_the_leader(task: HumanTask) -> list[Section]:
    """On the leader's intake review: which letter does not give the window the decision."""
    if task.name not in authorization.ACCEPTANCE_TASKS or task.candidate_role == WINDOW_CLERK:
        return []
    today = working_days.today()
    if authorization.acceptance_letter(task.department_id, task.item_code, today) is not None:
        return []  # granted since: the leader may still decide what was given to them
    reason = _leaders_decision(task, today)
    return [Section(LABELS["acceptance_power"], [Entry(LABELS["why_leader"], reason)])]


def _leaders_decision(task: HumanTask, day: date) -> str:
    missing = authorization.acceptance_missing_reason(task.department_id, task.item_code, day)
    return f"{missing}，受理决定由分管领导作出"


def auto_acceptance_note(department_id: int | None, item_code: str | None) -> str:
    """What the record of an 逾期自动受理 says of the acceptance power on that day."""
    today = working_days.today()
    letter = authorization.acceptance_letter(department_id, item_code, today)
    if letter is not None:
        return f"授权书 {letter.number} 授予窗口受理决定权"
    missing = authorization.acceptance_missing_reason(department_id, item_code, today)
    return f"{missing}；依法视为受理，不受授权限制"
