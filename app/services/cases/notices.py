"""The written notices (文书) of a case, as plain dicts for the HTML page and the PDF.

行政许可法 art. 32 requires a dated written voucher for acceptance (受理通知书) and refusal
(不予受理决定书), and one notice listing everything to fix when materials are missing
(一次性告知书); art. 38 requires a denial in writing with reasons and the remedy rights.

Every notice is {kind, title, number, recipient, body: [paragraphs], materials: [names]
(the missing ones, only in the supplement notice), remedies: [paragraphs] (only when the
applicant may appeal), contacts: {address, phone, complaintPhone}, signature: {name, date}}.
Which notices a case has follows from the status codes it went through (Case.history).
"""
from __future__ import annotations

from datetime import datetime

from flask import current_app

from app.models import Case, CaseClockEvent, Center, CommitmentCheck, db
from app.models.case_clock import ENDED, EXTENSION, SPECIAL
from app.models.joint import CONDITIONAL, DEEMED, OPINION_LABELS, PENDING, REJECTED
from app.services import calendar, catalog, committee, joint, money
from app.services.cases import clock as case_clock
from app.services.cases import documents, guide
from app.services.workflow.errors import NotFound

ACCEPTED, NOT_ACCEPTED = "accepted", "not_accepted"
SUPPLEMENT, CONCLUDED = "supplement", "concluded"
REVOKED = "revoked"  # 告知承诺不实 (app/services/cases/commitments.py)
KINDS = (ACCEPTED, NOT_ACCEPTED, SUPPLEMENT, CONCLUDED, REVOKED)
TITLES = {ACCEPTED: "受理通知书", NOT_ACCEPTED: "不予受理决定书",
          SUPPLEMENT: "一次性告知书（补正材料通知书）", CONCLUDED: "办结通知书",
          REVOKED: "撤销行政许可决定书"}
TITLE_OF_TERMINATION = "终止办理通知书"  # 容缺受理 materials never brought
TITLE_OF_DENIAL = "不予行政许可决定书"
TITLE_OF_APPROVAL = "准予行政许可决定书"
NUMBER_PREFIX = {ACCEPTED: "受", NOT_ACCEPTED: "不受", SUPPLEMENT: "补告", CONCLUDED: "决",
                 REVOKED: "撤"}

# 行政复议法 (2023) art. 20: 60 days; 行政诉讼法 art. 46: six months. The bodies are the
# center's settings (Center.review_body, Center.court); without them, named generically.
REMEDY_TEXT = ("如不服本决定，可以自收到本决定书之日起六十日内，依法向{review_body}申请行政复议；",
               "或者自收到本决定书之日起六个月内，依法向{court}提起行政诉讼。")
GENERIC_REVIEW_BODY, GENERIC_COURT = "有管辖权的行政复议机关", "有管辖权的人民法院"


def remedies(center: Center) -> list[str]:
    """The remedy rights (art. 38) with the bodies and time limits."""
    names = {"review_body": center.review_body or GENERIC_REVIEW_BODY,
             "court": center.court or GENERIC_COURT}
    return [line.format(**names) for line in REMEDY_TEXT]


_REFUSED, _SUPPLEMENT_STARTED, _WINDOW_ACCEPTED, _DEPARTMENT_ACCEPTED = 5, 6, 3, 8
_CONCLUDED_CODES, _REVOKED_CODE = (11, 12, 13), 15
_APPROVALS = ("approve", "deemed_approved")


def applicable(case: Case) -> list[str]:
    """The notices this case has been through, in the order they were issued (the clock's
    notices, one per extension or pause, after the acceptance)."""
    codes = [entry["code"] for entry in case.history]
    kinds = []
    if _SUPPLEMENT_STARTED in codes and case.supplements:  # not a 补正 pause after acceptance
        kinds.append(SUPPLEMENT)
    if _REFUSED in codes:
        kinds.append(NOT_ACCEPTED)
    if case.case_no and (_WINDOW_ACCEPTED in codes or _DEPARTMENT_ACCEPTED in codes):
        kinds.append(ACCEPTED)
    kinds += [_clock_kind(e) for e in case_clock.events(case.instance_id) if e.notice_no]
    if case.status_code in _CONCLUDED_CODES or _REVOKED_CODE in codes:
        kinds.append(CONCLUDED)
    if _REVOKED_CODE in codes:
        kinds.append(REVOKED)
    return kinds


def titles(case: Case) -> dict[str, str]:
    """The title of each notice of `applicable(case)`, by kind."""
    clock = {_clock_kind(e): _clock_title(e) for e in case_clock.events(case.instance_id)
             if e.notice_no}
    return {**TITLES, **clock}


def build(case: Case, kind: str, variables: dict) -> dict:
    """The notice `kind` of `case`; NotFound when the case never reached that state."""
    if kind not in applicable(case):
        raise NotFound(f"case {case.instance_id} has no {kind} notice",
                       code="notice_not_applicable")
    if kind.startswith(_CLOCK_PREFIXES):
        return _clock_notice(case, kind)
    return _BUILDERS[kind](case, variables)


def _local_date(value: datetime | str | None) -> str:
    return calendar.to_local(value).strftime("%Y年%m月%d日") if value else ""


def _last_entry(case: Case, code: int) -> dict:
    return next(entry for entry in reversed(case.history) if entry["code"] == code)


def registration_no(case: Case) -> str:
    """接件登记号: the number a case has from 接件 until 受理 gives it its case number; the
    notices issued before 受理 (一次性告知书, 不予受理决定书) carry it, and the lookup takes it."""
    return f"{case.instance_id:06d}"


def _center(case: Case) -> Center:
    return db.session.get(Center, case.item.department.center_id)


def _document_kind(case: Case, kind: str) -> str:
    """The issued document a notice shows: the 一次性告知书 of the latest 补正 round."""
    return f"supplement-{len(case.supplements) - 1}" if kind == SUPPLEMENT else kind


def _number(case: Case, kind: str, issued_at) -> str:
    found = documents.issued(case.instance_id, _document_kind(case, kind))
    return found.number if found else legacy_number(case, kind, issued_at)


def legacy_number(case: Case, kind: str, issued_at) -> str:
    """The number a document issued before departments numbered their own was shown with:
    the center's name, the type, the year and the case number (or a clock event's own)."""
    center = _center(case)
    if kind.startswith(_CLOCK_PREFIXES):
        event = db.session.get(CaseClockEvent, int(kind.split("-", 1)[1]))
        return f"{center.name}{event.notice_no}"
    year = calendar.to_local(issued_at).year
    reference = case.case_no or registration_no(case)
    return f"{center.name}{NUMBER_PREFIX[kind]}〔{year}〕{reference}号"


def decision_number(case: Case) -> str:
    """The number of a concluded case's decision document (准予/不予行政许可决定书), as its
    notice carries it; "" before the case is concluded."""
    if case.concluded_at is None:
        return ""
    return _number(case, CONCLUDED, case.concluded_at)


def _frame(case: Case, kind: str, issued_at, title: str | None = None) -> dict:
    """What every notice has: heading, number, addressee, contacts and the signature block
    of the competent department (its name and seal); the center is where it was handled."""
    department, center = case.item.department, _center(case)
    return {"kind": kind, "title": title or TITLES[kind],
            "number": _number(case, kind, issued_at),
            "recipient": case.applicant_name, "body": [], "materials": [], "remedies": [],
            "contacts": {"place": center.name, "address": center.address, "phone": center.phone,
                         "complaintPhone": center.complaint_phone},
            "signature": {"name": department.name, "date": _local_date(issued_at),
                          "seal": documents.seal_data_uri(department.id)}}


def frame(case: Case, kind: str, issued_at, title: str) -> dict:
    """The frame of another document of the case (电子证照, 送达回证): `kind` names the issued
    document whose number it carries."""
    return _frame(case, kind, issued_at, title=title)


# 行政许可法 art. 32: accepted from the day the materials were received (逾期自动受理).
_ART_32_ACCEPTED = "依《中华人民共和国行政许可法》第三十二条，自收到申请材料之日起即为受理"


# 即办件 (promise 0 days): 行政许可法 art. 34, decided on the spot, no "0 个工作日".
INSTANT_DECISION = "本事项为即办件，依照《中华人民共和国行政许可法》第三十四条当场作出决定，即时办结。"


def _accepted(case: Case, variables: dict) -> dict:
    notice = _frame(case, ACCEPTED, case.accepted_at)
    days = catalog.format_days(case.item.promised_days)
    notice["body"] = [
        f"你（单位）于{_local_date(case.received_at)}提出的「{case.item.name}」申请，"
        + (f"本机关未在法定期限内告知补正，{_ART_32_ACCEPTED}，即{_local_date(case.accepted_at)}。"
         if case.auto_accepted else
         f"经审查，申请材料齐全、符合法定形式，本机关已于{_local_date(case.accepted_at)}受理。"),
        f"办件编号：{case.case_no}。" + (f"查询码：{case.query_code}。" if case.query_code
                                         else ""),
        INSTANT_DECISION if case.item.promised_days == 0 else
        f"承诺办结时限为 {days} 个工作日，将于{_local_date(case.deadline_at)}前作出决定。",
        "可凭办件编号及查询码（或申请人证件号码后六位）在本中心网站“办件查询”栏目"
        "查询办理进度。",
    ]
    return notice


def _before_acceptance_lookup(case: Case) -> str:
    """What a notice issued before 受理 tells the applicant to look the case up with."""
    if not case.query_code:  # a case received before query codes existed
        return ""
    return (f"接件登记号：{registration_no(case)}。查询码：{case.query_code}。"
            "可凭接件登记号及查询码在本中心网站“办件查询”栏目查询办理进度。")


def _not_accepted(case: Case, variables: dict) -> dict:
    refusal = _last_entry(case, _REFUSED)
    notice = _frame(case, NOT_ACCEPTED, refusal["at"])
    reasons = variables.get("refusal_reasons") or refusal.get("note", "")
    notice["body"] = [
        f"你（单位）于{_local_date(case.received_at)}提出的「{case.item.name}」申请，"
        f"经审查，决定不予受理。",
        f"理由：{reasons}。",
    ]
    if variables.get("refusal_legal_basis"):  # 否定报备: the basis goes with the reasons
        notice["body"].append(f"法律依据：{variables['refusal_legal_basis']}。")
    if variables.get("redirect_to"):
        notice["body"].append(f"请向{variables['redirect_to']}提出申请。")
    if not case.case_no and (lookup := _before_acceptance_lookup(case)):
        notice["body"].append(lookup)
    notice["remedies"] = remedies(_center(case))
    return notice


def missing_material_names(case: Case, round_index: int = -1) -> list[str]:
    """The names of the materials one 补正 round asked for, all of them, in catalog order."""
    return case.material_names(case.supplements[round_index]["missing"])


def _supplement(case: Case, variables: dict) -> dict:
    """Seed 004's 一次性告知单: the item's name, legal basis, procedure, conditions, every
    missing material, fees, the promised time limit and the date to supplement by."""
    started_at = case.supplements[-1]["started_at"]
    notice = _frame(case, SUPPLEMENT, started_at)
    notice["materials"] = missing_material_names(case)
    item = case.item
    notice["body"] = [
        f"你（单位）于{_local_date(case.received_at)}提出的「{item.name}」申请，"
        "经审查，申请材料不齐全或者不符合法定形式。",
        "现一次性告知你（单位）需要补正的全部材料如下，请补齐后向本窗口提交：",
        *[f"{number}. {name}" for number, name in enumerate(notice["materials"], 1)],
        f"请于{_local_date(supplement_due(started_at))}前补齐全部材料；"
        "补齐全部材料之日起，本机关依法予以受理。",
        "本事项办理须知：",
        f"设定依据：{item.legal_basis or '见办事指南'}。",
        f"受理条件：{item.acceptance_conditions or '见办事指南'}。",
        f"办理程序：{'、'.join(guide.STEPS.get(item.kind, []))}。",
        f"收费标准：{item.fee or '不收费'}"
        + (f"，{money.rate_text(item.fee_amount, item.fee_unit)}" if item.fee_amount else "")
        + (f"（{item.fee_basis}）" if item.fee_basis else "") + "。",
        f"承诺时限：{guide.days_text(item.promised_days)}，自受理之日起计算。",
    ]
    if not case.case_no and (lookup := _before_acceptance_lookup(case)):
        notice["body"].append(lookup)
    return notice


def supplement_due(started_at: str) -> datetime:
    """The date the applicant is asked to supplement by: SUPPLEMENT_WORKING_DAYS working days
    from the notice, counted on the calendar in force (a calendar change moves it)."""
    return calendar.add_working_days(started_at, current_app.config["SUPPLEMENT_WORKING_DAYS"])


def _concluded(case: Case, variables: dict) -> dict:
    approved = case.decision in _APPROVALS
    if case.decision == "lenient_terminated":
        return _terminated(case)
    title = TITLE_OF_APPROVAL if approved else TITLE_OF_DENIAL
    notice = _frame(case, CONCLUDED, case.concluded_at, title=title)
    notice["body"] = [f"你（单位）申请的「{case.item.name}」（办件编号 {case.case_no}），"
                      f"本机关已于{_local_date(case.concluded_at)}办结。"]
    if case.decision == "deemed_approved":
        notice["body"] += [
            "决定：准予许可。",
            "本事项实行超时默认制，承诺时限届满未作出决定，视为同意；"
            f"由此产生的责任由{case.responsible_unit or case.item.department.name}承担。"]
    elif approved:
        notice["body"].append("决定：准予许可。")
    else:
        reasons = variables.get("decision_reasons") or _last_entry(case, 13).get("note", "")
        notice["body"] += ["决定：不予许可。", f"理由：{reasons}。",
                           f"法律依据：{variables.get('legal_basis', '')}。"]
        notice["remedies"] = remedies(_center(case))
    notice["body"] += _joint_opinions(case) + _committee_decided(case)
    return notice


def _terminated(case: Case) -> dict:
    notice = _frame(case, CONCLUDED, case.concluded_at, title=TITLE_OF_TERMINATION)
    notice["body"] = [f"你（单位）申请的「{case.item.name}」（办件编号 {case.case_no}），本机关已于"
                      f"{_local_date(case.accepted_at)}容缺受理。你（单位）承诺补交的材料未在补正"
                      "期限内补齐，依容缺受理承诺书，本机关决定终止办理。"]
    notice["remedies"] = remedies(_center(case))
    return notice


def _revoked(case: Case, variables: dict) -> dict:
    check = db.session.get(CommitmentCheck, case.id)
    notice = _frame(case, REVOKED, check.checked_at)
    notice["body"] = [
        f"你（单位）申请的「{case.item.name}」（办件编号 {case.case_no}），本机关按告知承诺制于"
        f"{_local_date(case.concluded_at)}作出准予许可决定（{decision_number(case)}）。",
        f"经核查，你（单位）的承诺与实际情况不符：{check.findings}。",
        "依照《中华人民共和国行政许可法》第六十九条，本机关决定撤销该准予许可决定。"]
    notice["remedies"] = remedies(_center(case))
    return notice


# The decision document spells out what a deemed opinion means and who bears it.
_OPINION_WORDS = {**OPINION_LABELS, PENDING: "未提出意见",
                  DEEMED: "视为同意（逾期未提出意见，按缺席默认制处理，后果由该部门承担）"}


def _joint_opinions(case: Case) -> list[str]:
    """统一答复: a joint case's decision lists every department's opinion."""
    rows = joint.opinions(case.instance_id)
    if not rows:
        return []
    lines = ["联审联办各部门意见："]
    for number, row in enumerate(rows, 1):
        detail = {CONDITIONAL: row.conditions, REJECTED: row.reasons}.get(row.state, "")
        lines.append(f"{number}. {row.department.name}：{_OPINION_WORDS[row.state]}"
                     + (f"（{detail}）" if detail else ""))
    return lines


def _committee_decided(case: Case) -> list[str]:
    """首席服务员制: a decision the department's committee took says so (not how each voted)."""
    decided = [r for r in committee.reviews_of(case.instance_id) if r.decision]
    if not decided:
        return []
    return [f"本件经{case.item.department.name}审批决策委员会集体研究决定。"]


# The clock's written notices (行政许可法 art. 42, 45): "extension-<id>", "pause-<id>".
_CLOCK_PREFIXES = ("extension-", "pause-")


def _clock_kind(event: CaseClockEvent) -> str:
    return f"{'extension' if event.kind == EXTENSION else 'pause'}-{event.id}"


def _clock_title(event: CaseClockEvent) -> str:
    if event.kind == EXTENSION:
        return "延长审批期限通知书"
    return "特别程序告知书" if event.kind == SPECIAL else "补正期间暂停计时告知书"


def _clock_notice(case: Case, kind: str) -> dict:
    event = db.session.get(CaseClockEvent, int(kind.split("-", 1)[1]))
    issued = event.decided_at if event.kind == EXTENSION else event.requested_at
    notice = _frame(case, kind, issued, title=_clock_title(event))
    opening = (f"你（单位）申请的「{case.item.name}」（办件编号 {case.case_no}），本机关已于"
               f"{_local_date(case.accepted_at)}受理。")
    if event.kind == EXTENSION:
        notice["body"] = [opening, f"因{event.reason}，本机关在法定期限内不能作出决定。经本机关"
                          f"{'及县人民政府' if case.item.kind == 'joint' else ''}负责人批准，"
                          f"依照《中华人民共和国行政许可法》第四十二条，办理期限延长 "
                          f"{event.days} 个工作日。"]
    else:
        what = f"{case_clock.PROCEDURES[event.procedure]}" if event.kind == SPECIAL else "补正"
        notice["body"] = [opening, f"因{event.reason}，需要进行{what}，预计需要 {event.days} "
                          "个工作日。依照《中华人民共和国行政许可法》第四十五条，所需时间不计算在"
                          "办理期限内，办结期限按实际所需的工作日顺延。"]
        if event.state == ENDED:
            notice["body"].append(f"{what}已于{_local_date(event.decided_at)}结束，历时 "
                                  f"{event.moved_days} 个工作日。")
    notice["body"].append(f"本件将于{_local_date(case.deadline_at)}前作出决定。")
    return notice


_BUILDERS = {ACCEPTED: _accepted, NOT_ACCEPTED: _not_accepted, SUPPLEMENT: _supplement,
             CONCLUDED: _concluded, REVOKED: _revoked}
