"""The case record (办件): status codes, case numbers, and the written notices the law requires."""
from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa

from app.models import (Case, CaseCounter, Center, Item, LenientAcceptance, ProcessInstance, db,
                        utcnow)
from app.models.calendar import CONFIRMED
from app.models.identity import APPROVING_LEADER, CENTER_ADMIN, CHIEF_REPRESENTATIVE, WINDOW_CLERK
from app.services import calendar, catalog, sequences
from app.services.cases import certificates, documents, events
from app.services.evaluation import rating
from app.services.organization import routing
from app.services.supervision import case_hooks as supervision
from app.services.workflow import audit, memo, notifications, time_text
from app.services.workflow.actor import Actor
from app.services.workflow.errors import InvalidInput

# 行政复议法 art. 20 (60 days), 行政诉讼法 art. 46 (6 months).
REMEDY_RIGHTS = ("如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，"
                 "或者六个月内依法向人民法院提起行政诉讼。")


def item_by_code(code: str) -> Item:
    """The current version: a new case is accepted under the catalog as it stands today."""
    return catalog.current(code)  # NotFound "item_not_found" for unknown or retired codes


def _clean(value) -> str | None:
    return str(value).strip().upper()[:40] or None if value else None


def open_case(instance: ProcessInstance, item: Item, applicant: dict, actor: Actor) -> Case:
    if not str(applicant.get("name", "")).strip():
        raise InvalidInput("the applicant's name is required",
                           errors=[{"field": "applicant.name", "message": "required"}])
    contact = {k: applicant[k] for k in ("phone", "email", "user_id") if applicant.get(k)}
    case = Case(instance_id=instance.id, item_id=item.id, item=item,
                applicant_name=applicant["name"].strip(), applicant_contact=contact,
                applicant_id_number=_clean(applicant.get("id_number")),
                applicant_phone=_clean(contact.get("phone")),
                received_by=actor.user_id, first_receiver_id=actor.user_id,
                history=[], supplements=[],
                # at 接件, so that an applicant sent away to 补正 can already look it up
                query_code=new_query_code())
    db.session.add(case)
    set_status(case, 1, actor, "接件")
    return case


def case_of(instance_id: int) -> Case | None:
    """The instance's case, read once per transaction (a step's hooks each ask for it)."""
    return memo.remembered("case_of", instance_id, lambda: db.session.scalar(
        sa.select(Case).where(Case.instance_id == instance_id)), depends_on=(Case,))


def set_status(case: Case, code: int, actor: Actor, note: str = "") -> None:
    case.status_code = code
    case.history = [*case.history, {"code": code, "at": utcnow().isoformat(), "note": note}]
    audit.record(actor, "case.status", instance_id=case.instance_id, code=code, note=note)
    events.status_changed(case, code, note, center_code(case))


def local_text(value: datetime | str) -> str:
    """A moment in a message to an applicant or a staff member (local, document style)."""
    return time_text.document_datetime(value)


def tell(case: Case, kind: str, subject: str, body: str) -> None:
    notifications.tell_applicant(case.applicant_contact, kind, subject, body, case.instance_id)


def refused(case: Case, actor: Actor, reasons: str, redirect_to: str = "") -> None:  # 不予受理
    set_status(case, 5, actor, reasons)
    case.concluded_at, case.decision = utcnow(), "not_accepted"
    documents.issue(case, "not_accepted", "not_accepted", case.concluded_at)
    where = f"请向{redirect_to}提出申请。" if redirect_to else ""
    tell(case, "not_accepted", "不予受理决定书",
          f"您申请的「{case.item.name}」不予受理。理由：{reasons}。{where}{REMEDY_RIGHTS}")


def needs_supplement(case: Case, actor: Actor, missing: list) -> None:  # 一次性告知
    names = open_supplement_round(case, missing)
    documents.issue(case, f"supplement-{len(case.supplements) - 1}", "supplement")
    supervision.supplement_round(case, actor)  # a second round asking for new materials
    listed = "；".join(f"{i}. {name}" for i, name in enumerate(names, 1))
    set_status(case, 6, actor, listed)
    tell(case, "missing_materials", "一次性告知书",
          f"您申请的「{case.item.name}」材料不齐全，请一次性补齐以下全部材料：{listed}。")


def open_supplement_round(case: Case, missing: list) -> list[str]:
    """Record a 补正 round on the case; the names of the missing materials, in order. A round
    after the first notes what it asks for beyond the first (两次办结) and why."""
    beyond = beyond_first_notice(case, missing)
    reason = case.supplements[-1].get("recheck_reason", "") if case.supplements else ""
    case.supplements = [*case.supplements, {
        "started_at": utcnow().isoformat(), "ended_at": None, "missing": list(missing),
        **({"new_materials": beyond, "reason": reason} if beyond else {})}]
    return case.material_names(missing)


def beyond_first_notice(case: Case, missing: list) -> list[str]:
    """What a 补正 round would ask for that the first 一次性告知书 did not (两次办结)."""
    first = set(case.supplements[0]["missing"]) if case.supplements else set(missing)
    return [code for code in missing if code not in first]


def supplemented(case: Case, actor: Actor, deadline_at: str | None = None) -> None:
    """补正结束; a level that stopped its clock for the 补正 passes the moved deadline."""
    if deadline_at:
        case.deadline_at = datetime.fromisoformat(deadline_at)
    rounds = [dict(r) for r in case.supplements]
    if rounds and rounds[-1]["ended_at"] is None:
        rounds[-1]["ended_at"] = utcnow().isoformat()
    case.supplements = rounds
    set_status(case, 7, actor, "补正材料已收齐")


def accepted(case: Case, actor: Actor, deadline_at: str, days: float | None = None, *,
             accepted_at: str | None = None, why: str = "") -> None:
    """受理; `days` is the case's limit when it is not the item's (a joint case's longest).
    `accepted_at` dates an acceptance the law deems made earlier, `why` says so (art. 32)."""
    now = datetime.fromisoformat(accepted_at) if accepted_at else utcnow()
    case.accepted_at, case.deadline_at = now, datetime.fromisoformat(deadline_at)
    case.case_no = next_case_number(now, center_code(case))
    case.query_code = case.query_code or new_query_code()
    unconfirmed = provisional_note(case.deadline_at, since=now)
    note = f"{case.case_no}（{why}）" if why else case.case_no
    set_status(case, 3, actor, note + (f"；{unconfirmed}" if unconfirmed else ""))
    documents.issue(case, "accepted", "accepted", now)
    tell(case, "accepted", "受理通知书",
          f"您申请的「{case.item.name}」{why + '，' if why else ''}"
          f"已于{local_text(now)}受理，办件编号 {case.case_no}，"
          + _time_limit_text(Decimal(str(days or case.item.promised_days)), case.deadline_at)
          + ("该期限按暂定工作日历计算，国务院公布放假安排后如有调整将另行告知。" if unconfirmed else ""))


# 查询码: no look-alikes (0/O, 1/I/L), so that it is read off paper and typed without doubt.
QUERY_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
QUERY_CODE_LENGTH = 8


def new_query_code() -> str:
    return "".join(secrets.choice(QUERY_CODE_ALPHABET) for _ in range(QUERY_CODE_LENGTH))


def _time_limit_text(days: Decimal, deadline_at: datetime) -> str:
    if days == 0:  # 即办件 (行政许可法 art. 34): decided on the spot, not "0 个工作日"
        return "本事项为即办件，当场办结。"
    return f"承诺时限 {catalog.format_days(days)} 个工作日，将于{local_text(deadline_at)}前办结。"


def provisional_note(deadline: datetime, since: datetime) -> str:
    """What the case records when its deadline counts through a year not yet confirmed."""
    years = [str(year) for year in range(calendar.to_local(since).year,
                                          calendar.to_local(deadline).year + 1)
             if calendar.year_status(year) != CONFIRMED]
    return f"期限按暂定工作日历计算（{'、'.join(years)} 年放假安排未核定）" if years else ""


# What other parts do after 办结 (registered at app start): (case, actor, approved).
_concluded_hooks: list = []


def on_concluded(hook) -> None:
    if hook not in _concluded_hooks:
        _concluded_hooks.append(hook)


def approved_code(case: Case) -> int:
    """11 办结（通过）, or 12 办结（容缺通过） for a case accepted 容缺."""
    return 12 if db.session.get(LenientAcceptance, case.id) is not None else 11


def concluded(case: Case, actor: Actor, decision: str, reasons: str = "",
              legal_basis: str = "") -> None:  # 办结
    approved = decision in ("approve", "deemed_approved")
    case.concluded_at, case.decision = utcnow(), decision
    set_status(case, approved_code(case) if approved else 13, actor, reasons)
    documents.issue(case, "concluded", "approval" if approved else "denial", case.concluded_at)
    certificates.at_conclusion(case, actor)  # 电子证照: made now under 制证权, or 待制证
    if approved:
        body = f"您申请的「{case.item.name}」（办件编号 {case.case_no}）已办结，决定：准予许可。"
    else:
        body = (f"您申请的「{case.item.name}」（办件编号 {case.case_no}）已办结，决定：不予许可。"
                f"理由：{reasons}。法律依据：{legal_basis}。{REMEDY_RIGHTS}")
    tell(case, "concluded", "办结通知", body)
    rating.invite(case)  # 好差评: one evaluation per case, asked for at 办结
    for hook in _concluded_hooks:
        hook(case, actor, approved)


def warned(case: Case, actor: Actor) -> None:  # 预警
    case.warned_at = utcnow()
    audit.record(actor, "case.warning", instance_id=case.instance_id)
    supervision.warned(case, actor)  # 黄牌
    tell_staff(case, "warning", "预警：办件即将到期",
                f"办件 {case.case_no}「{case.item.name}」将于{local_text(case.deadline_at)}到期，请抓紧办理。")


def overdue(case: Case, actor: Actor, deemed: bool) -> None:  # 逾期 / 超时默认
    case.overdue, case.responsible_unit = True, case.item.department.name
    audit.record(actor, "case.overdue", instance_id=case.instance_id, deemed=deemed,
                 responsible_unit=case.responsible_unit)
    supervision.overdue(case, actor)  # 红牌
    if deemed:
        case.decision = "deemed_approved"
        tell_staff(case, "deemed_approved", "超时默认通知书",
                    f"办件 {case.case_no}「{case.item.name}」已超过承诺时限，按超时默认制视为同意，"
                    f"由此产生的责任由{case.responsible_unit}承担。")
    else:
        tell_staff(case, "overdue", "逾期：办件已超过承诺时限",
                    f"办件 {case.case_no}「{case.item.name}」已逾期，已报中心督办。", admins=True)


def tell_staff(case: Case, kind: str, subject: str, body: str, admins: bool = False,
               department_id: int | None = None) -> None:
    """The windows, chief representative and leaders of the case's department (or another)."""
    department_id = department_id or case.item.department_id
    people = {u.id: u for role in (WINDOW_CLERK, CHIEF_REPRESENTATIVE, APPROVING_LEADER)
              for u in routing.holders(role, department_id)}
    if admins:
        people.update({u.id: u for u in routing.holders(CENTER_ADMIN, None)})
    for user in people.values():
        notifications.tell_user(user, kind, subject, body, case.instance_id)


def center_code(case: Case) -> str:
    """The code of the center whose department handles the case (a deployment may serve several)."""
    center_id = case.item.department.center_id
    return memo.remembered("center_code", center_id, lambda: db.session.scalar(
        sa.select(Center.code).where(Center.id == center_id)), depends_on=(Center,))


def next_case_number(now: datetime, center: str) -> str:
    """Center code + local date + a per-day sequence: unique platform-wide (办件编号)."""
    day = calendar.to_local(now).strftime("%Y%m%d")
    last = sequences.next_value(CaseCounter, center_code=center, day=day)
    return f"{center}{day}{last:05d}"
