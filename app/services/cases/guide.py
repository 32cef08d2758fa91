"""The public service guide (办事指南) of an item, generated from its catalog record.

行政许可法 art. 30 and the GB/T 39554 item list require the item, its legal basis,
conditions, materials, procedure, time limits, fees, place and contacts to be published.

`for_item` returns a dict with English camelCase keys; `labels` maps each displayed key to
its Chinese heading, in the order a printed guide shows them:

    itemName 事项名称, basicCode 基本编码, implementationCode 实施编码, category 事项类型,
    kind 办件类型, implementingBody 实施主体, jointDepartments 联办部门, serviceObject 服务对象,
    legalBasis 设定依据, acceptanceConditions 受理条件, materials 申请材料, steps 办理流程,
    legalTimeLimit 法定办结时限, promisedTimeLimit 承诺办结时限,
    decisionTimeLimit 部门审批时限 (promise items, seed 004; "" for others), fee 收费标准,
    feeBasis 收费依据 ("" when the catalog states none), feeAmount 收费金额 (¥20.00/张; ""
    when the standard is text alone),
    approvalLevel 审批层级, address 办理地点, consultationPhone 咨询电话,
    complaintPhone 监督投诉电话, officeHours 办公时间, overdueDefault 超时默认,
    absentDefault 缺席默认, commitmentSystem 告知承诺制, remedies 救济途径, version 版本, effectiveDate 生效日期

Values are display text, except: materials, a list of {name, required, requirement,
deferrable, deferral, copies}; steps and remedies, lists of text; legalDays and
promisedDays, the numbers behind the two time limits; longDecisionReason, the name of
the item's reason to take longer than 2 working days ("" for none); kindCode and
categoryCode, the catalog keys; version, a number; current, whether this version is in force.
"""
from __future__ import annotations

from decimal import Decimal

from app.models import Center, Item, db
from app.models.catalog import INSTANT, JOINT, PROMISE, REPORT
from app.services import calendar, catalog, money, organization

LABELS = {
    "itemName": "事项名称", "basicCode": "基本编码", "implementationCode": "实施编码",
    "category": "事项类型", "kind": "办件类型", "implementingBody": "实施主体",
    "jointDepartments": "联办部门", "serviceObject": "服务对象", "legalBasis": "设定依据",
    "acceptanceConditions": "受理条件", "materials": "申请材料", "steps": "办理流程",
    "legalTimeLimit": "法定办结时限", "promisedTimeLimit": "承诺办结时限",
    "decisionTimeLimit": "部门审批时限", "fee": "收费标准", "feeBasis": "收费依据",
    "feeAmount": "收费金额", "approvalLevel": "审批层级", "address": "办理地点", "consultationPhone": "咨询电话",
    "complaintPhone": "监督投诉电话", "officeHours": "办公时间", "overdueDefault": "超时默认",
    "absentDefault": "缺席默认", "commitmentSystem": "告知承诺制", "remedies": "救济途径", "version": "版本",
    "effectiveDate": "生效日期",
}

STEPS = {
    INSTANT: ["受理", "审查", "当场决定", "送达"],
    PROMISE: ["受理", "审查", "决定", "送达"],
    JOINT: ["牵头受理", "并联审查", "统一答复"],
    REPORT: ["受理", "初审", "报上级机关决定", "送达"],
}

OVERDUE_DEFAULT = {
    True: "本事项实行超时默认：承诺时限届满仍未作出决定的，视为同意，由承办部门承担相应责任。",
    False: "本事项不实行超时默认：逾期未办结的，由政务服务中心督办。",
}
ABSENT_DEFAULT = {
    True: "本事项实行缺席默认：联合办理中，相关部门无正当理由不参加联合踏勘或并联审查的，视为同意。",
    False: "本事项不实行缺席默认。",
}
COMMITMENT_SYSTEM = {
    True: "本事项实行告知承诺制：申请人书面承诺符合条件的，当场或在承诺时限内作出决定；"
          "部门在决定后核查，承诺不实的依法撤销决定。",
    False: "本事项不实行告知承诺制。",
}

# 行政复议法 (2023) art. 20: 60 days; 行政诉讼法 art. 46: six months.
REMEDIES = [
    "申请人对办理结果不服的，可以自知道或者应当知道该行政行为之日起六十日内依法申请行政复议"
    "（《中华人民共和国行政复议法》第二十条）。",
    "也可以自知道或者应当知道作出行政行为之日起六个月内依法向人民法院提起行政诉讼"
    "（《中华人民共和国行政诉讼法》第四十六条）。",
]


def of(code: str) -> dict:
    """The guide of the version in force."""
    return for_item(catalog.current(code))


def for_item(item: Item) -> dict:
    return {**_identity(item), **_content(item), **_time_limits(item), **_contacts(item),
            "overdueDefault": OVERDUE_DEFAULT[item.overdue_default],
            "absentDefault": ABSENT_DEFAULT[item.absent_default],
            "commitmentSystem": COMMITMENT_SYSTEM[item.commitment_system],
            "remedies": list(REMEDIES), "version": item.version,
            "effectiveDate": calendar.to_local(item.created_at).date().isoformat(),
            "current": item.is_current, "labels": dict(LABELS)}


def _identity(item: Item) -> dict:
    return {"itemName": item.name, "basicCode": item.basic_code,
            "implementationCode": item.code,
            "category": catalog.CATEGORY_LABELS.get(item.category, item.category),
            "categoryCode": item.category,
            "kind": catalog.KIND_LABELS.get(item.kind, item.kind), "kindCode": item.kind,
            "implementingBody": item.department.name,
            "approvalLevel": catalog.LEVEL_LABELS.get(item.approval_level, item.approval_level)}


def _content(item: Item) -> dict:
    fields = catalog.as_fields(item)
    names = {d.code: d.name for d in organization.list_departments()}
    return {"jointDepartments": [names.get(c, c) for c in
                             (catalog.split_joint(e)[0] for e in fields["joint_departments"])],
            "serviceObject": item.service_object, "legalBasis": item.legal_basis,
            "acceptanceConditions": item.acceptance_conditions,
            "materials": [_material(m) for m in fields["materials"]],
            "steps": list(STEPS.get(item.kind, [])), "fee": item.fee,
            "feeBasis": item.fee_basis, "feeAmount": money.rate_text(item.fee_amount, item.fee_unit)}


def _material(material: dict) -> dict:
    return {"name": material["name"], "required": material["required"],
            "requirement": "必要" if material["required"] else "非必要",
            "deferrable": material["deferrable"],
            "deferral": "可容缺受理" if material["deferrable"] else "不可容缺",
            "copies": material["copies"]}


def days_text(days: Decimal) -> str:
    if days == 0:
        return "即办（当场办结）"
    return f"{catalog.format_days(days)} 个工作日"


def _time_limits(item: Item) -> dict:
    reason = catalog.LONG_DECISION_REASONS.get(item.long_decision_reason, "")
    return {"legalTimeLimit": days_text(item.legal_days),
            "promisedTimeLimit": days_text(item.promised_days),
            "decisionTimeLimit": _decision_text(reason) if item.kind == PROMISE else "",
            "longDecisionReason": reason,
            "legalDays": float(item.legal_days), "promisedDays": float(item.promised_days)}


def _decision_text(reason: str) -> str:
    """Seed 004: 2 working days, unless a reason; major and investment projects 30."""
    first = f"需{reason}，按承诺办结时限办理" if reason else "受理后 2 个工作日内作出决定"
    return first + "；重大项目及招商引资项目 30 个工作日内完成"


def _contacts(item: Item) -> dict:
    center = db.session.get(Center, item.department.center_id)  # the center it is stationed in
    return {"address": center.address, "consultationPhone": center.phone,
            "complaintPhone": center.complaint_phone, "officeHours": center.office_hours}
