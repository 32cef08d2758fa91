"""The steps the window takes only under a letter (授权书) granting it the power over the item.

Seeds 000 and 003: a department grants its chief representative (首席代表), and the window
staff working under them, powers over its items by letter; the window acts within them.
Three of those powers decide who takes a step of a case:
- 受理决定权: the intake review (受理审查);
- 协调处置权: the lead window's coordination of a joint case's dissent (牵头窗口协调);
- 办理结果投递权: the delivery of the result (办结送达, a joint case's 统一发证送达).
Each goes to the window while the letter in force that day grants the power over the case's
item, otherwise to the department's approving leader (organization.routing, the same
fallback as an approval). A letter may lapse between the task's creation and its
completion: the clerk's completion is then refused here and the task sent to the leader, as
guard.py does for approvals. A refusal of acceptance (不予受理) is not refused here: without
the power it goes through 否定报备 (committee.denials), which the process already requires.
逾期自动受理 (行政许可法 art. 32) needs no power: the law deems the case accepted; the record
says whether a letter covered it.
"""
from __future__ import annotations

from datetime import date

from app.models import HumanTask, Item, User, db
from app.models.authorization import ACCEPTANCE, COORDINATION, DELIVERY
from app.models.identity import WINDOW_CLERK
from app.services import authorization
from app.services.authorization import letters
from app.services.cases import intake_rules
from app.services.workflow import reassign, task_context, tasks, working_days
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Forbidden
from app.services.workflow.task_context import Entry, Section

# The forms of those steps, where the leader's page says why the step is theirs.
POWER_FORMS = ("window_intake", "service_item_intake", "intake_review", "joint_coordinate",
               "window_deliver", "service_item_deliver")
# What a refusal says (the error code) and who takes the step instead, per power.
MISSING_CODES = {ACCEPTANCE: "acceptance_power_missing",
                 COORDINATION: "coordination_power_missing",
                 DELIVERY: "delivery_power_missing"}
LEADERS_STEPS = {ACCEPTANCE: "受理决定由分管领导作出", COORDINATION: "牵头协调由分管领导办理",
                 DELIVERY: "办结送达由分管领导办理"}

# Display names the task page passes through gettext (babel.cfg lists this table).
LABELS = {"why_leader": "由分管领导办理该环节的原因"}


def register() -> None:
    tasks.guard_completion(window_may_act, moves_the_task=True)
    task_context.provide(POWER_FORMS, why_with_the_leader)
    intake_rules.permit_intake(officer_takes_in)


def officer_takes_in(user: User, item: Item) -> bool:
    """The chief service officer takes in the items of his one-stop letter himself (seed 001)."""
    return authorization.is_one_stop_officer(user, item.department_id, item.code,
                                             working_days.today())


def window_may_act(task: HumanTask, actor: Actor, data: dict) -> None:
    """The window's step passes only under a letter in force today; without one the task
    moves to the leader (kept, committed) and the completion is refused."""
    power = authorization.WINDOW_POWER_TASKS.get(task.name)
    if power is None or task.candidate_role != WINDOW_CLERK:  # with the leader (or admins)
        return
    if power == ACCEPTANCE and data.get("within_remit") is not True:
        return  # 不予受理: 否定报备 decides
    today = working_days.today()
    if authorization.granting_letter(power, task.department_id, task.item_code,
                                     today) is not None:
        return
    reason = _leaders_step(power, task, today)
    reassign.reroute(task, actor, reason)
    db.session.commit()
    raise Forbidden(reason, code=MISSING_CODES[power], rerouted=True)


def why_with_the_leader(task: HumanTask) -> list[Section]:
    """On the leader's step: which letter does not give the window the power."""
    power = authorization.WINDOW_POWER_TASKS.get(task.name)
    if power is None or task.candidate_role == WINDOW_CLERK:
        return []
    today = working_days.today()
    if authorization.granting_letter(power, task.department_id, task.item_code,
                                     today) is not None:
        return []  # granted since: the leader may still do what was given to them
    reason = _leaders_step(power, task, today)
    return [Section(letters.POWER_NAMES[power], [Entry(LABELS["why_leader"], reason)])]


def _leaders_step(power: str, task: HumanTask, day: date) -> str:
    missing = power_missing_reason(power, task.department_id, task.item_code, day)
    return f"{missing}，{LEADERS_STEPS[power]}"


def auto_acceptance_note(department_id: int | None, item_code: str | None) -> str:
    """What the record of an 逾期自动受理 says of the acceptance power on that day."""
    today = working_days.today()
    letter = authorization.acceptance_letter(department_id, item_code, today)
    if letter is not None:
        return f"授权书 {letter.number} 授予窗口受理决定权"
    missing = power_missing_reason(ACCEPTANCE, department_id, item_code, today)
    return f"{missing}；依法视为受理，不受授权限制"


def power_missing_reason(power: str, department_id: int | None, item_code: str | None,
                         day: date) -> str:
    """Why the window may not use `power` over the item on `day` (no letter granting it)."""
    letter = authorization.valid_letter(department_id, day) if department_id else None
    if letter is None:
        return f"本部门 {day.isoformat()} 无有效授权书"
    return f"授权书 {letter.number} 未授予事项 {item_code} 的{letters.POWER_NAMES[power]}"
