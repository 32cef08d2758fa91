"""Functions BPMN scripts may call, and how their effects are persisted after a run.

Scripts run inside the engine, mid-transaction; they only emit effects. The step that ran
them applies the effects in the same transaction, so a failed step leaves no trace.
"""
from __future__ import annotations

from app.engine.scripting import emit, register_function
from app.models import ProcessInstance, utcnow
from app.services import calendar, cases, committee, joint
from app.services.cases import law_limits as law_intake
from app.services.cases import lenient
from app.services.committee import denials
from app.services.joint import county
from app.services.linkage import effects as link_effects
from app.services.workflow import forms, step_hooks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput


def now_iso() -> str:
    return utcnow().isoformat()


def add_working_days(start: str, days: float) -> str:
    return calendar.add_working_days(start, days).isoformat()


def working_days_between(start: str, end: str) -> int:
    return calendar.working_days_between(start, end)


def _emitter(kind: str):
    def effect(*args, **kwargs):
        emit(kind, args=list(args), kwargs=kwargs)
    effect.__name__ = kind
    return effect


CASE_EFFECTS = {
    "case_refused": cases.refused,  # 不予受理
    "case_needs_supplement": cases.needs_supplement,  # 一次性告知 / 补正开始
    "case_supplemented": cases.supplemented,  # 补正结束
    "case_accepted": cases.accepted,  # 受理
    "case_lenient_accepted": lenient.accepted,  # 容缺受理 (after 受理)
    "case_concluded": cases.concluded,  # 办结
    "case_warned": cases.warned,  # 预警
    "case_overdue": cases.overdue,  # 逾期 / 超时默认
    **joint.EFFECTS,  # 联审联办
    **committee.EFFECTS,  # 审批决策委员会
    **denials.EFFECTS,  # 否定报备
    **link_effects.EFFECTS,  # 三级联动: the levels above the accepting one
    **law_intake.EFFECTS,  # 行政许可法 art. 32 and seed 004's decision limits
}


# What the service-center processes decide and no form may write (forms.reserve): the item's
# facts copied at start, and what their scripts compute for routing, deadlines and votes.
ENGINE_VARIABLES = (
    "instance_id", "item_code", "item_version", "item_name", "item_kind", "department_id",
    "department_name", "promised_days", "legal_days", "overdue_default", "absent_default",
    "joint_departments", "required_materials", "deferrable_materials", "branches",
    "department_ids", "branch_department_id", "formal_department_id", "deemed_department_ids",
    "accepted_at", "deadline_at", "warning_at", "remind_at", "task_due_at", "schedule",
    "supplement_started_at", "paused", "opinion", "opinions", "needs_coordination",
    "has_committee", "committee", "officer_authorized", "escalation_trigger",
    "committee_decision", "ballots", "seat_index", "vote", "votes", "voter_id", "voter_ids",
    "vote_deadline_at", "denial_kind", "denial_trigger", "denial_review_due",
    "long_decision_reason", "received_at", "intake_deadline_at", "intake_warning_at",
    "decision_limit_days", "decision_limited", "decision_limit_at", "spot_deadline_at",
    "case_warning_at", "lenient_deferred", "binding_outcome", "applicant_name",
)


def register() -> None:
    """The functions the processes' scripts call, and the step's effects applied after it."""
    step_hooks.on_effects(apply)
    forms.reserve(ENGINE_VARIABLES, "the service-center processes")
    for name, function in (("now_iso", now_iso), ("add_working_days", add_working_days),
                           ("working_days_between", working_days_between),
                           ("joint_schedule", joint.schedule),
                           ("lenient_deferral", lenient.deferral),
                           ("county_decision_deadline", county.county_decision_deadline)):
        register_function(name, function)
    for name, function in {**committee.FUNCTIONS, **denials.FUNCTIONS}.items():
        register_function(name, function)
    for name in CASE_EFFECTS:
        register_function(name, _emitter(name))


def apply(instance: ProcessInstance, collected: list, actor: Actor) -> None:
    if not collected:
        return
    case = cases.case_of(instance.id)
    for kind, payload in collected:
        if case is None:
            raise InvalidInput(f"{kind}() was called but instance {instance.id} has no case",
                               code="no_case")
        CASE_EFFECTS[kind](case, actor, *payload["args"], **payload["kwargs"])
