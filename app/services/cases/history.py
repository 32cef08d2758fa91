"""The case's record (办件记录): who did what and when, in one chronological timeline.

Built from the append-only audit trail (every task completed with what its form gave,
every status change, vote, urge, deemed agreement, extension, pause, reassignment and
attachment), joined with the rows the events name (tasks, committee reviews, attachments,
departments) and the notices the case issued. Words are display names the page translates;
data (opinions, reasons, file names) is shown as recorded. A member's vote shows its choice
only once voting has closed, as on the committee's own record.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from app.models import (Attachment, AuditEvent, Case, CaseClockEvent, CommitteeReview,
                        Department, HumanTask, ProcessInstance, User, db)
from app.models.case import STATUS_NAMES
from app.models.committee import CHOICE_LABELS
from app.models.identity import COMMITTEE_VOTE_LANE
from app.models.denial import OUTCOME_LABELS
from app.models.evaluation import CHANNEL_LABELS, LEVEL_LABELS, REASON_LABELS, Rectification
from app.models.joint import OPINION_LABELS
from app.services import committee
from app.services.cases import notices
from app.services.workflow import time_text

# What each recorded action is called on the case page (babel.cfg lists these tables).
ACTIONS = {
    "instance.started": "开始办理", "case.status": "办理状态变更", "task.completed": "办理",
    "task.claimed": "认领任务", "task.unclaimed": "释放任务", "task.reassigned": "改派任务",
    "task.rerouted": "任务转派", "task.handed_over": "任务移交", "task.returned": "任务退回",
    "attachment.added": "上传附件",
    "case.warning": "办理期限预警", "case.intake_warning": "受理期限预警",
    "case.overdue": "办件逾期", "case.auto_accepted": "逾期自动受理",
    "case.major_project": "标记为重大项目", "case.decided": "作出决定",
    "case.decision_limit_exceeded": "超过部门审批时限", "case.spot_not_decided": "即办件未当日办结",
    "case.statutory_limit_exceeded": "超过法定时限",
    "case.extension_requested": "申请延期", "case.extension_decided": "延期审批",
    "case.pause_started": "暂停计时", "case.pause_ended": "恢复计时", "case.pause_held": "暂停期限顺延",
    "deadline.moved": "调整期限", "timer.fired_now": "管理员立即触发定时器",
    "joint.opened": "发起联审联办", "joint.opinion": "部门提出意见", "joint.deemed": "缺席默认",
    "joint.overdue": "部门逾期未提出意见", "joint.reminded": "催办", "joint.formal_opinion": "补报正式意见",
    "joint.coordinated": "牵头窗口协调", "joint.extension_decided": "延期审批",
    "joint.meeting_scheduled": "安排联合踏勘或联席会议", "joint.attendance": "会议出席登记",
    "joint.absent_without_reason": "无故缺席会议",
    "committee.opened": "提交审批决策委员会", "committee.voted": "委员表决",
    "committee.vote_missed": "委员未在期限内表决", "committee.voting_closed": "表决结束",
    "committee.chair_ruled": "主任裁决", "committee.overtaken": "委员会审议因时限届满终止",
    "denial.reported": "否定报备", "denial.reviewed": "领导审查否定报备",
    "denial.review_overdue": "否定报备审查督办",
    "case.lenient_accepted": "容缺受理", "case.lenient_reminded": "容缺材料补交提醒",
    "case.lenient_received": "容缺材料已补齐", "case.commitment_check_opened": "告知承诺待核查",
    "case.commitment_checked": "告知承诺核查", "case.commitment_check_overdue": "告知承诺核查逾期",
    "instance.suspended": "流程挂起", "instance.resumed": "流程恢复", "instance.terminated": "流程终止",
    "instance.migrated": "流程迁移到新版本", "instance.completed": "流程结束",
    "link.sent": "三级联动：报送", "link.received": "三级联动：收到",
    "evaluation.rated": "申请人评价", "evaluation.reminded": "再次邀请评价",
    "rectification.opened": "差评转办理单位整改",
    "rectification.reported": "报送整改情况", "rectification.followed_up": "中心回访",
    "rectification.appealed": "办理单位申诉", "rectification.appeal_decided": "申诉复核",
    "rectification.escalated": "整改逾期，已通报中心及分管领导",
    "agency.case_started": "代办员代为申办（全程代办）", "agency.case_linked": "纳入全程代办项目",
    "agency.reminded": "全程代办催办",
    "fee.assessed": "核定收费", "fee.paid": "缴费", "fee.refunded": "退费",  # 一口式收费
}
WORDS = {
    "system": "系统", "peer": "对接平台", "status": "状态", "note": "说明", "yes": "是",
    "reason": "理由", "days": "工作日数", "lasted": "历时工作日数", "approved": "批准", "refused": "不批准", "result": "结果",
    "deemed": "超时默认：视为同意", "department": "部门", "automatic": "自动催办", "choice": "表决意见",
    "hidden": "表决结束前不显示", "assignee": "改派给", "previous": "原办理人", "outcome": "结论",
    "notice": "文书", "file": "文件", "opinion": "意见", "decision": "决定", "responsible": "责任单位",
    "approve": "准予许可", "deny": "不予许可", "reject": "不予许可", "tally": "表决结果",
    "resolved_agree": "协调一致：同意办理", "resolved_reject": "协调一致：不予办理",
    "escalate": "协调不成，报中心决定", "not_voted": "未表决",
    "level": "满意程度", "reasons": "不满意的方面", "channel": "评价渠道", "due": "整改期限",
    "on_time": "按期整改", "late": "逾期整改", "upheld": "申诉成立，该评价不计入",
    "not_upheld": "申诉不成立，继续整改", "text": "内容",
}
# The national status codes in words a clerk says (the codes stay in the data).
STATUS_WORDS = {
    1: "已接件", 2: "申请人已撤件", 3: "窗口已受理", 4: "不受理", 5: "不予受理",
    6: "待补正（已一次性告知）", 7: "补正材料已收齐", 8: "部门已受理", 9: "特别程序中",
    10: "特别程序结束", 11: "已办结（准予）", 12: "已办结（容缺准予）", 13: "已办结（不予许可）",
    14: "已撤回", 15: "已撤销",
}


@dataclass(frozen=True)
class Detail:
    label: str
    value: str | list[str]  # a list is shown as one enumeration (材料甲、材料乙)
    translate: bool = False


@dataclass(frozen=True)
class Link:
    title: str
    endpoint: str
    params: dict


@dataclass
class HistoryEntry:
    at: datetime
    actor: str
    actor_translate: bool
    what: str
    subject: str = ""  # the task's title: data, shown as recorded
    details: list[Detail] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)


def timeline(case: Case) -> list[HistoryEntry]:
    events = db.session.scalars(sa.select(AuditEvent).where(
        AuditEvent.instance_id == case.instance_id, AuditEvent.action.in_(ACTIONS))
        .order_by(AuditEvent.id))  # append-only: ids are the order things were done
    reader = _Reader(case)
    return [entry for event in events if (entry := reader.entry(event)) is not None]


class _Reader:
    """Turns audit events into entries, caching the rows many events name."""

    def __init__(self, case: Case):
        self.case = case
        self.instance = db.session.get(ProcessInstance, case.instance_id)
        self.issued = set(notices.applicable(case))
        self.titles = notices.titles(case)
        self.names: dict[int, str] = {}

    def entry(self, event: AuditEvent) -> HistoryEntry | None:
        detail = event.detail or {}
        task = db.session.get(HumanTask, event.task_id) if event.task_id else None
        if event.action == "task.completed" and task is not None \
                and task.lane == COMMITTEE_VOTE_LANE:
            return None  # a member's vote: committee.voted says it, hidden while voting
        actor, system = self._actor(event)
        entry = HistoryEntry(event.at, actor, system, ACTIONS[event.action],
                             task.title if task else "")
        describe = _DESCRIBERS.get(event.action, _generic)
        describe(self, entry, detail, task)
        return entry

    def _actor(self, event: AuditEvent) -> tuple[str, bool]:
        if event.actor_id:
            return self.user_name(event.actor_id), False
        return WORDS["peer" if event.actor.startswith("peer:") else "system"], True

    def user_name(self, user_id: int | None) -> str:
        if not user_id:
            return "—"
        if user_id not in self.names:
            user = db.session.get(User, user_id)
            self.names[user_id] = user.display_name if user else str(user_id)
        return self.names[user_id]

    def notice(self, entry: HistoryEntry, kind: str) -> None:
        if kind in self.issued:
            entry.links.append(Link(self.titles.get(kind, kind), "web.notice_page",
                                    {"instance_id": self.case.instance_id, "kind": kind}))

    def form_values(self, task: HumanTask, values: dict) -> list[Detail]:
        schema = (self.instance.definition.forms or {}).get(task.form_schema or "") or {}
        properties = schema.get("properties", {})
        shown = []
        for name, value in values.items():
            prop = properties.get(name, {})
            text, translate = _form_value(prop, value, self.case)
            if text:
                shown.append(Detail(prop.get("title", name), text, translate))
        return shown


def _form_value(prop: dict, value, case: Case) -> tuple[str | list[str], bool]:
    """A submitted value as the form offered it: a choice by its caption, a ticked box as
    是 (an unticked one is left out), a list of materials by their names."""
    if isinstance(value, bool):
        return (WORDS["yes"], True) if value else ("", False)
    captions = {str(o.get("const")): o.get("title", "") for o in prop.get("oneOf", [])}
    if str(value) in captions:
        return captions[str(value)], True
    if isinstance(value, list):
        materials = {m["code"]: m.get("name", m["code"]) for m in case.item.materials or []}
        return [materials.get(str(v), str(v)) for v in value], False
    return ("" if value is None else str(value)), False


def status_word(code: int | None) -> str:
    return STATUS_WORDS.get(code) or STATUS_NAMES.get(code) or str(code)


def _department(department_id) -> str:
    row = db.session.get(Department, department_id) if department_id else None
    return row.name if row else ""


def _generic(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    for key in ("note", "reason"):
        if detail.get(key):
            entry.details.append(Detail(WORDS[key], str(detail[key])))
    if detail.get("department_id"):
        entry.details.insert(0, Detail(WORDS["department"], _department(detail["department_id"])))


def _completed(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    if task is not None:
        entry.details += reader.form_values(task, detail.get("values") or {})


NOTICE_OF_STATUS = {3: notices.ACCEPTED, 8: notices.ACCEPTED, 5: notices.NOT_ACCEPTED,
                    6: notices.SUPPLEMENT, 11: notices.CONCLUDED, 12: notices.CONCLUDED,
                    13: notices.CONCLUDED, 15: notices.REVOKED}


def _status(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    code = detail.get("code")
    entry.details.append(Detail(WORDS["status"], status_word(code), True))
    if detail.get("note"):
        entry.details.append(Detail(WORDS["note"], str(detail["note"])))
    if code in NOTICE_OF_STATUS:
        reader.notice(entry, NOTICE_OF_STATUS[code])


def _attachment(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    row = db.session.scalar(sa.select(Attachment).where(
        Attachment.instance_id == reader.case.instance_id,
        Attachment.sha256 == detail.get("sha256"), Attachment.filename == detail.get("filename"))
        .limit(1))
    if row is not None:
        entry.links.append(Link(row.filename, "api.download_attachment",
                                {"attachment_id": row.id}))
    else:
        entry.details.append(Detail(WORDS["file"], str(detail.get("filename", ""))))


def _reassigned(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    previous = detail.get("previous", detail.get("previous_assignee"))
    if previous:
        entry.details.append(Detail(WORDS["previous"], reader.user_name(previous)))
    if detail.get("assignee"):
        entry.details.append(Detail(WORDS["assignee"], reader.user_name(detail["assignee"])))
    _generic(reader, entry, detail, task)


def _clock(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    """延期 and 暂停: the days, the decision, and the reason or note the clock event keeps
    (its audit event names the event, not always the words)."""
    row = db.session.get(CaseClockEvent, detail.get("event_id") or 0)
    if row is not None:
        asked = entry.what in (ACTIONS["case.extension_requested"], ACTIONS["case.pause_started"])
        detail = {**detail, "reason" if asked else "note": row.reason if asked else (
            detail.get("note") or row.note)}
    for key in ("days", "lasted"):
        if detail.get(key):
            entry.details.append(Detail(WORDS[key], str(detail[key])))
    if "approved" in detail:
        entry.details.append(Detail(WORDS["result"], WORDS["approved" if detail["approved"]
                                                         else "refused"], True))
    _generic(reader, entry, detail, task)
    if detail.get("event_id"):
        reader.notice(entry, f"extension-{detail['event_id']}")
        reader.notice(entry, f"pause-{detail['event_id']}")


def _overdue(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    if detail.get("deemed"):
        entry.details.append(Detail(WORDS["result"], WORDS["deemed"], True))
    if detail.get("responsible_unit"):
        entry.details.append(Detail(WORDS["responsible"], detail["responsible_unit"]))


def _opinion(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    _generic(reader, entry, detail, task)
    state = detail.get("state")
    if state:
        entry.details.append(Detail(WORDS["opinion"], OPINION_LABELS.get(state, state), True))
    if detail.get("outcome"):
        outcome = detail["outcome"]
        entry.details.append(Detail(WORDS["outcome"], WORDS.get(outcome, outcome),
                                    outcome in WORDS))
    if detail.get("notes"):
        entry.details.append(Detail(WORDS["note"], detail["notes"]))


def _voted(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    entry.actor, entry.actor_translate = reader.user_name(detail.get("member_id")), False
    review = db.session.get(CommitteeReview, detail.get("review_id") or 0)
    if review is not None and committee.choices_visible(review):
        choice = detail.get("choice", "")
        entry.details.append(Detail(WORDS["choice"], CHOICE_LABELS.get(choice, choice), True))
    else:
        entry.details.append(Detail(WORDS["choice"], WORDS["hidden"], True))


def _decision(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    decision = detail.get("decision") or detail.get("outcome")
    words = {**OUTCOME_LABELS, **WORDS}
    if decision:
        entry.details.append(Detail(WORDS["decision"], words.get(decision, str(decision)),
                                    decision in words))
    for choice, count in (detail.get("tally") or {}).items():  # 同意 2, 不同意 1, ...
        entry.details.append(Detail(CHOICE_LABELS.get(choice) or WORDS.get(choice, choice),
                                    str(count)))
    _generic(reader, entry, detail, task)


def _rated(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    """好差评: the applicant rates without signing in; the level, reasons and channel."""
    entry.actor, entry.actor_translate = reader.case.applicant_name, False
    entry.details.append(Detail(WORDS["level"], LEVEL_LABELS.get(detail.get("level"), "—"), True))
    if detail.get("reasons"):
        entry.details.append(Detail(WORDS["reasons"], [REASON_LABELS.get(r, r)
                                                        for r in detail["reasons"]], True))
    channel = detail.get("channel", "")
    entry.details.append(Detail(WORDS["channel"], CHANNEL_LABELS.get(channel, channel), True))


def _rectification(reader: _Reader, entry: HistoryEntry, detail: dict, task) -> None:
    """整改, 回访 and 申诉复核: the words recorded on the 整改 row at that step."""
    row = db.session.get(Rectification, detail.get("rectification_id") or 0)
    if row is None:
        return
    if entry.what == ACTIONS["rectification.opened"]:
        entry.details += [Detail(WORDS["responsible"], _department(row.department_id)),
                          Detail(WORDS["due"], time_text.local_datetime(row.due_at))]
    text = {ACTIONS["rectification.reported"]: row.report,
            ACTIONS["rectification.followed_up"]: row.follow_up,
            ACTIONS["rectification.appealed"]: row.appeal,
            ACTIONS["rectification.appeal_decided"]: row.appeal_decision}.get(entry.what)
    if "on_time" in detail:
        entry.details.append(Detail(WORDS["result"], WORDS["on_time" if detail["on_time"]
                                                         else "late"], True))
    if "upheld" in detail:
        entry.details.append(Detail(WORDS["result"], WORDS["upheld" if detail["upheld"]
                                                         else "not_upheld"], True))
    if text:
        entry.details.append(Detail(WORDS["text"], text))


_DESCRIBERS = {
    "task.completed": _completed, "case.status": _status, "attachment.added": _attachment,
    "task.reassigned": _reassigned, "task.rerouted": _reassigned,
    "task.handed_over": _reassigned, "task.returned": _reassigned,
    "case.extension_requested": _clock, "case.extension_decided": _clock,
    "case.pause_started": _clock, "case.pause_ended": _clock, "case.pause_held": _clock,
    "joint.extension_decided": _clock, "case.overdue": _overdue,
    "joint.opinion": _opinion, "joint.formal_opinion": _opinion, "joint.coordinated": _opinion,
    "committee.voted": _voted, "committee.voting_closed": _decision,
    "committee.chair_ruled": _decision, "denial.reviewed": _decision,
    "case.decided": _decision, "evaluation.rated": _rated,
    **{action: _rectification for action in ACTIONS if action.startswith("rectification.")},
}
