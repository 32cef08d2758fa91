"""两次办结 (seed 004's 一次告知制): the applicant is told every missing material at once, so a
case needs at most two visits — the application and one 补正. A later round may ask only for
what the first 一次性告知书 listed; asking for anything else needs a reason the window writes
down (a new fact), which the round keeps and supervision counts.

Checked where every completion passes (tasks.guard_completion), for any task whose form
reports the materials received; the reason is noted on the round being closed, in the same
transaction as the completion, and the next round (cases.needs_supplement) takes it over.
"""
from __future__ import annotations

from app.models import HumanTask
from app.services import cases
from app.services.workflow import tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput


class BeyondFirstNotice(InvalidInput):
    status, code, title = 422, "supplement_beyond_first_notice", \
        "Only the materials of the first notice may be asked for again"


def register() -> None:
    tasks.guard_completion(only_what_was_told)


def only_what_was_told(task: HumanTask, actor: Actor, data: dict) -> None:
    received = data.get("materials_received")
    case = cases.case_of(task.instance_id) if isinstance(received, list) else None
    if case is None or not case.supplements:
        return  # the first check may ask for whatever is missing
    new = cases.beyond_first_notice(case, still_missing(case, received))
    reason = (data.get("new_fact_reason") or "").strip()
    if new and not reason:
        names = case.material_names(new)
        raise BeyondFirstNotice(
            f"the first 一次性告知书 did not ask for {', '.join(new)}",
            errors=[{"field": "new_fact_reason", "message": "、".join(names)}])
    if new:
        rounds = [dict(r) for r in case.supplements]
        rounds[-1]["recheck_reason"] = reason
        case.supplements = rounds


def still_missing(case, received: list) -> list[str]:
    return [m["code"] for m in case.item.materials if m.get("required")
            and m["code"] not in received]
