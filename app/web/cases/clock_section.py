"""What the case page shows of the case's clock (延期, 特别程序) and which of its forms the
person looking may use."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_login import current_user

from app.models import Case, CaseClockEvent
from app.models.case_clock import EXTENSION, REQUESTED
from app.models.identity import COUNTY_APPROVER
from app.services.cases import clock as case_clock
from app.web.form_support import FailedForm


@dataclass
class ClockSection:
    rule: case_clock.Rule
    statutory_deadline: object
    extended_days: int
    events: list[CaseClockEvent]
    running: CaseClockEvent | None
    may_request: bool  # the handler, while the case is open
    pending: CaseClockEvent | None
    may_decide: bool
    failed: FailedForm | None
    kinds: dict = field(default_factory=dict)
    procedures: dict = field(default_factory=dict)
    states: dict = field(default_factory=dict)
    approver: str = ""  # who decides, in the page's language


def section(case: Case, failed: FailedForm | None = None) -> ClockSection | None:
    if case.accepted_at is None:
        return None
    rule = case_clock.rule_for(case)
    events = case_clock.events(case.instance_id)
    pending = next((e for e in events if e.kind == EXTENSION and e.state == REQUESTED), None)
    user = current_user._get_current_object()
    return ClockSection(
        rule=rule, statutory_deadline=case_clock.statutory_deadline(case),
        extended_days=case_clock.extended_days(case.instance_id, events), events=events,
        running=case_clock.running_pause(case.instance_id, events),
        may_request=case.concluded_at is None and case_clock.may_handle(user, case),
        pending=pending, may_decide=pending is not None and case_clock.may_approve(user, rule),
        failed=failed, kinds=event_kinds(), procedures=procedure_names(),
        states=state_names(), approver=approver_name(rule))


def approver_name(rule: case_clock.Rule) -> str:
    return _("县政府审批负责人") if rule.approver_role == COUNTY_APPROVER else _("部门负责人")


def event_kinds() -> dict[str, str]:
    return {"extension": _("延期"), "special": _("特别程序"), "correction": _("补正（暂停计时）")}


def procedure_names() -> dict[str, str]:
    """case_clock.PROCEDURES in the page's language (literal, for the message catalog)."""
    return {"hearing": _("听证"), "tender": _("招标"), "auction": _("拍卖"),
            "inspection": _("检验"), "testing": _("检测"), "quarantine": _("检疫"),
            "appraisal": _("鉴定"), "expert_review": _("专家评审")}


def state_names() -> dict[str, str]:
    return {"requested": _("待审批"), "approved": _("已批准"), "refused": _("未批准"),
            "running": _("进行中"), "ended": _("已结束")}
