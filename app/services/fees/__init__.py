"""一口式收费 (seed 004): the competent department assesses a case's fee (核定收费) and issues
its 缴费通知书; every fee is paid at the center's settlement window (中心结算窗口,
fees.payments), and a result is not delivered while a fee assessed on its case is unpaid.

The amount follows the item's 收费标准: its fixed amount, or its rate per 计费单位 times the
quantity; an item whose standard is text alone (按核定的工本费标准收取) is assessed at the
amount the department types, with the basis written on the notice. Money is integer fen.
"""
from __future__ import annotations

from collections.abc import Mapping

import sqlalchemy as sa

from app.models import Case, FeeAssessment, HumanTask, ProcessInstance, db
from app.models.identity import CHIEF_REPRESENTATIVE, WINDOW_CLERK, User
from app.models.process import RUNNING
from app.services import cases, money
from app.services.cases import documents
from app.services.organization import routing
from app.services.organization.checks import Problems
from app.services.workflow import audit, instances, tasks
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, NotFound

ASSESSING_ROLES = (WINDOW_CLERK, CHIEF_REPRESENTATIVE)  # of the item's own department
DELIVERY_TASK = "deliver"  # service_item.bpmn's 办结送达
FREE = "不收费"
MAX_QUANTITY = 10000


class FeeUnpaid(Conflict):
    status, code, title = 409, "fee_unpaid", "A fee assessed on the case is unpaid"


def register() -> None:
    tasks.guard_completion(no_delivery_while_unpaid)


# --- reading ---------------------------------------------------------------------------------

def of_case(instance_id: int) -> list[FeeAssessment]:
    return list(db.session.scalars(sa.select(FeeAssessment).where(
        FeeAssessment.instance_id == instance_id).order_by(FeeAssessment.id)))


def assessment(assessment_id: int) -> FeeAssessment:
    found = db.session.get(FeeAssessment, assessment_id)
    if found is None:
        raise NotFound(f"fee assessment {assessment_id} does not exist", code="fee_not_found")
    return found


def readable(assessment_id: int, user: User) -> FeeAssessment:
    """An assessment for someone who may see it: the settlement window, the center's
    supervisors, or whoever may see its case."""
    found = assessment(assessment_id)
    if not (user.is_cashier or user.is_supervisor):
        instances.viewable(found.instance_id, user)
    return found


def find_for_window(text: str, actor: Actor) -> list[tuple[Case, list[FeeAssessment]]]:
    """结算窗口: the cases (with their fees) a 办件编号, 查询码 or 缴费通知书 number names."""
    if actor.user is None or not actor.user.is_cashier:
        raise Forbidden("only the settlement window's cashier looks cases up to take fees",
                        code="not_cashier")
    text = (text or "").strip()[:80]
    if not text:
        return []
    by_notice = sa.select(FeeAssessment.instance_id).where(FeeAssessment.notice_number == text)
    found = db.session.scalars(sa.select(Case).where(sa.or_(
        Case.case_no == text, Case.query_code == text.upper(),
        Case.instance_id.in_(by_notice))).order_by(Case.id).limit(20))
    return [(case, of_case(case.instance_id)) for case in found]


def outstanding_fen(instance_id: int) -> int:
    """What the case still owes: assessed and not paid (a refund does not make it owed)."""
    return sum(a.amount_fen for a in of_case(instance_id) if a.payment is None)


def no_delivery_while_unpaid(task: HumanTask, actor: Actor, data: dict) -> None:
    if task.name != DELIVERY_TASK:
        return
    unpaid = outstanding_fen(task.instance_id)
    if unpaid:
        raise FeeUnpaid(f"{money.shown(unpaid)} assessed on the case is unpaid; the result is "
                        "delivered once the settlement window has recorded the payment")


def may_assess(user: User | None, case: Case) -> bool:
    """The competent department's window staff or chief representative (not the center)."""
    if user is None:
        return False
    return any((role, case.item.department_id) in routing.scopes(user)
               for role in ASSESSING_ROLES)


# --- assessing -------------------------------------------------------------------------------

def assess(instance_id: int, data: Mapping, actor: Actor) -> FeeAssessment:
    """核定收费: one fee of the case, numbered as the department's 缴费通知书 and told to the
    applicant. `data`: quantity (for a rate per unit), amount (元, for a text-only standard),
    description and basis (default: the item's 收费标准 and 收费依据)."""
    case = _open_case(instance_id)
    if not may_assess(actor.user, case):
        raise Forbidden("only the item's department assesses its fees",
                        code="not_fee_assessor")
    item = case.item
    problems = Problems()
    unit_price, quantity = _price(item, data, problems)
    description = _text(data, "description", item.fee if item.fee != FREE else "", 200, problems)
    basis = _text(data, "basis", item.fee_basis, 2000, problems)
    problems.raise_if_any("invalid_fee_assessment", "fee assessment")
    row = FeeAssessment(instance_id=instance_id, department_id=item.department_id,
                        item_code=item.code, description=description, basis=basis,
                        unit_price_fen=unit_price, quantity=quantity, unit=item.fee_unit,
                        amount_fen=unit_price * quantity, assessed_by=actor.user_id,
                        notice_number=_notice_number(case))
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "fee.assessed", instance_id=instance_id, assessment_id=row.id,
                 amount_fen=row.amount_fen, notice_number=row.notice_number,
                 note=f"{row.notice_number} {money.shown(row.amount_fen)}")
    cases.tell(case, "fee_assessed", "缴费通知书",
               f"您申请的「{item.name}」（办件编号 {case.case_no}）应缴费用 "
               f"{money.shown(row.amount_fen)}（{description}；依据：{basis}），"
               f"缴费通知书 {row.notice_number}。请持通知书到政务服务中心结算窗口缴纳，"
               "缴费后领取办理结果。")
    db.session.commit()
    return row


def charges_fee(item) -> bool:
    """Whether the item's 收费标准 charges anything: a structured amount, or a text that is
    not 不收费 (the form is not offered for an item the catalog says is free)."""
    return item.fee_amount is not None or (item.fee or "").strip() not in ("", FREE)


def open_for_fees(case: Case) -> bool:
    """Accepted (it has its 办件编号) and its result not yet delivered (still running)."""
    instance = db.session.get(ProcessInstance, case.instance_id)
    return case.case_no is not None and instance.state == RUNNING


def _open_case(instance_id: int) -> Case:
    case = cases.case_of(instance_id)
    if case is None:
        raise NotFound(f"process instance {instance_id} is not a case", code="case_not_found")
    if not open_for_fees(case):
        raise Conflict("a fee is assessed on an accepted case before its result is delivered",
                       code="fee_case_not_open")
    return case


def _price(item, data: Mapping, problems: Problems) -> tuple[int, int]:
    """(unit price, quantity) in fen and units, from the item's standard or what was typed."""
    if item.fee_amount is None:
        if item.fee == FREE:
            problems.add("amount", "该事项不收费")
            return 0, 1
        return _amount(data.get("amount"), problems), 1
    unit_price = money.to_fen(item.fee_amount)
    if not item.fee_unit:
        return unit_price, 1
    try:
        quantity = int(str(data.get("quantity", "")).strip())
    except ValueError:
        problems.add("quantity", "请填写数量（正整数）")
        return unit_price, 1
    if not 1 <= quantity <= MAX_QUANTITY:
        problems.add("quantity", f"数量应为 1 至 {MAX_QUANTITY}")
    return unit_price, quantity


def _amount(value, problems: Problems) -> int:
    try:
        fen = money.to_fen(value if value not in ("", None) else None)
    except money.BadAmount as err:
        problems.add("amount", str(err))
        return 0
    if fen == 0:
        problems.add("amount", "金额应大于零")
    return fen


def _text(data: Mapping, field: str, default: str, limit: int, problems: Problems) -> str:
    text = str(data.get(field) or default or "").strip()
    if not text:
        problems.add(field, "必填")
    elif len(text) > limit:
        problems.add(field, f"不能超过 {limit} 个字符")
    return text


def _notice_number(case: Case) -> str:
    """The 缴费通知书's number of the department's own 缴 series (documents.SERIES)."""
    count = db.session.scalar(sa.select(sa.func.count()).select_from(FeeAssessment).where(
        FeeAssessment.instance_id == case.instance_id)) or 0
    return documents.issue(case, f"fee-{count + 1}", "fee").number
