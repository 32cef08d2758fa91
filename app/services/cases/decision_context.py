"""What each decision task shows of the steps before it (issue 16), registered with the
platform's task_context at app start.

Every provider reads what earlier steps recorded on the server: the case, the workflow data
their forms wrote, the completed task rows, the joint opinions, the denial reports. None of
it comes from the form being filled in, so nothing is typed twice and nothing shown can be
changed by what a form posts.
"""
from __future__ import annotations

import sqlalchemy as sa

from app.models import AuditEvent, Case, HumanTask, JointOpinion, User, db
from app.models.denial import KIND_LABELS as DENIAL_KINDS
from app.models.joint import OPINION_LABELS
from app.services import cases
from app.services.cases import notices
from app.services.committee import denials
from app.services.workflow import execution, instances, task_context
from app.services.workflow.errors import InvalidInput
from app.services.workflow.task_context import Entry, Section

# Display names the task page passes through gettext (babel.cfg lists this table).
LABELS = {
    "decision": "拟送达的决定", "outcome": "决定", "reasons": "理由", "legal_basis": "法律依据",
    "decided_by": "决定人", "decided_at": "决定时间", "document": "决定文书",
    "approval_document": "准予行政许可决定书（办结时出具）",
    "denial_document": "不予行政许可决定书（办结时出具）",
    "approve": "准予许可", "deny": "不予许可", "deemed_approved": "超时默认准予",
    "not_accepted": "不予受理", "deemed": "超时默认（系统）",
    "window_review": "窗口审查意见", "recommendation": "窗口建议", "opinion": "审查意见",
    "reviewed_by": "审查人", "reviewed_at": "审查时间", "rec_approve": "建议准予",
    "rec_deny": "建议不予",
    "departments": "各部门意见", "department_opinion": "意见", "conditions": "附加条件",
    "answered_at": "答复时间", "pending": "待答复",
    "supplement": "一次性告知的补正材料", "missing": "需补正材料", "told_at": "告知时间",
    "notice": "一次性告知书",
    "refusal": "否定的决定（取自原决定，无需重填）", "kind": "否定类型", "objection": "申请人异议",
    "report": "否定报备登记表", "number": "编号", "handler": "经办人", "filed_at": "报备时间",
}
# The tasks whose completion is a decision on the application, whoever took it.
DECISION_TASKS = ("decide_on_spot", "department_decision", "officer_decision", "chair_decision",
                  "committee_conclude", "overdue_decision", "unified_decision", "center_decision",
                  "review", "review_or_report")


def _entry(key: str, value: str | None, **extra) -> Entry | None:
    return Entry(LABELS[key], value, **extra) if value else None


def _moment(key: str, when) -> Entry | None:
    return Entry(LABELS[key], when=when) if when else None


def _section(key: str, *entries: Entry | None) -> list[Section]:
    return [Section(LABELS[key], [e for e in entries if e is not None])]


def _variables(task: HumanTask) -> dict:
    return instances.variables(execution.get_instance(task.instance_id))


def _last_completed(instance_id: int, names: tuple[str, ...]) -> HumanTask | None:
    return db.session.scalar(sa.select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.name.in_(names),
        HumanTask.completed_at.is_not(None)).order_by(HumanTask.completed_at.desc()).limit(1))


def _name(user_id: int | None) -> str | None:
    user = db.session.get(User, user_id) if user_id else None
    return user.display_name if user else None


def _decided_by(case: Case, variables: dict) -> list[Entry | None]:
    decided = _last_completed(case.instance_id, DECISION_TASKS)
    if decided is None:  # 超时默认, or a reply from another level
        who = LABELS["deemed"] if case.decision == "deemed_approved" else variables.get(
            "decided_by")
        return [_entry("decided_by", who, translate=case.decision == "deemed_approved"),
                _moment("decided_at", case.concluded_at)]
    return [_entry("decided_by", _name(decided.completed_by)),
            _moment("decided_at", decided.completed_at)]


def delivery(task: HumanTask) -> list[Section]:
    """办结送达: the decision being delivered."""
    case, variables = cases.case_of(task.instance_id), _variables(task)
    if case is None:
        return []
    outcome = case.decision or variables.get("decision")
    approved = outcome in ("approve", "deemed_approved")
    document = Entry(LABELS["document"], LABELS["approval_document" if approved
                                                else "denial_document"], translate=True)
    if notices.CONCLUDED in notices.applicable(case):  # issued already: the page to print
        document = Entry(document.label, document.value, translate=True,
                         link=("web.notice_page", {"instance_id": case.instance_id,
                                                   "kind": notices.CONCLUDED}))
    return _section("decision",
                    _entry("outcome", LABELS.get(outcome or "", outcome), translate=True),
                    _entry("reasons", variables.get("decision_reasons")),
                    _entry("legal_basis", variables.get("legal_basis")),
                    *_decided_by(case, variables), document)


def _submitted(task: HumanTask | None) -> dict:
    """What a completed task's form gave, as the audit trail recorded it."""
    if task is None:
        return {}
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.task_id == task.id, AuditEvent.action == "task.completed")
        .order_by(AuditEvent.id.desc()).limit(1))
    return dict((event.detail or {}).get("values") or {}) if event else {}


def window_recommendation(task: HumanTask) -> list[Section]:
    """The approving leader's decision: the window's 建议准予/不予 and its opinion (given
    inside the handling subprocess, so read from the review's own record)."""
    reviewed = _last_completed(task.instance_id, ("window_review",))
    variables = _submitted(reviewed)
    recommendation = variables.get("recommendation")
    if reviewed is None or recommendation not in ("approve", "deny"):
        return []
    return _section("window_review",
                    _entry("recommendation", LABELS[f"rec_{recommendation}"], translate=True),
                    _entry("opinion", variables.get("review_opinion")),
                    _entry("reviewed_by", _name(reviewed.completed_by)),
                    _moment("reviewed_at", reviewed.completed_at))


def department_opinions(task: HumanTask) -> list[Section]:
    """牵头窗口协调 and the center's decision: each department's opinion and conditions."""
    rows = db.session.scalars(sa.select(JointOpinion).where(
        JointOpinion.instance_id == task.instance_id).order_by(JointOpinion.id))
    return [Section(row.department.name, [e for e in (
        _entry("department_opinion", OPINION_LABELS.get(row.state, row.state), translate=True),
        _entry("conditions", row.conditions), _entry("reasons", row.reasons),
        _entry("legal_basis", row.legal_basis),
        _moment("answered_at", row.answered_at))
        if e is not None]) for row in rows]


def missing_materials(task: HumanTask) -> list[Section]:
    """补正: the materials the 一次性告知 named."""
    case = cases.case_of(task.instance_id)
    if case is None or not case.supplements:
        return []
    told = case.supplements[-1]
    notice = None
    if notices.SUPPLEMENT in notices.applicable(case):
        notice = Entry(LABELS["notice"], notices.TITLES[notices.SUPPLEMENT], translate=True,
                       link=("web.notice_page", {"instance_id": case.instance_id,
                                                 "kind": notices.SUPPLEMENT}))
    return _section("supplement",
                    _entry("missing", "、".join(notices.missing_material_names(case))),
                    _moment("told_at", told["started_at"]), notice)


def refusal_being_reported(task: HumanTask) -> list[Section]:
    """否定报备登记表: the reasons the refusal already gave, which the filing copies."""
    variables = _variables(task)
    kind = variables.get("denial_kind")
    refused = kind == "not_accepted"
    return _section("refusal",
                    _entry("kind", DENIAL_KINDS.get(kind or ""), translate=True),
                    _entry("reasons", variables.get("refusal_reasons" if refused
                                                    else "decision_reasons")),
                    _entry("legal_basis", variables.get("refusal_legal_basis" if refused
                                                        else "legal_basis")),
                    _entry("objection", variables.get("objection")))


def report_under_review(task: HumanTask) -> list[Section]:
    """The unit leader's review: the report as filed."""
    try:
        row = denials.pending_report(task.instance_id)
    except InvalidInput:  # reviewed already: the case page keeps the record
        return []
    return _section("report", _entry("number", row.number),
                    _entry("kind", DENIAL_KINDS.get(row.kind), translate=True),
                    _entry("reasons", row.reasons), _entry("legal_basis", row.legal_basis),
                    _entry("objection", row.objection), _entry("handler", _name(row.handler_id)),
                    _moment("filed_at", row.filed_at))


def register() -> None:
    task_context.provide(("window_deliver", "service_item_deliver"), delivery)
    task_context.provide(("service_item_decision", "officer_decision"), window_recommendation)
    task_context.provide(("joint_coordinate", "joint_center", "joint_county"),
                         department_opinions)
    task_context.provide(("service_item_supplement",), missing_materials)
    task_context.provide(("denial_report",), refusal_being_reported)
    task_context.provide(("denial_review",), report_under_review)
