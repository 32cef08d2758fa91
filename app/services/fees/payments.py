"""The settlement window (中心结算窗口): payments and refunds of assessed fees.

Money reaches the center through a PaymentGateway. The one built in is the cashier at the
window (ManualCashier): the applicant pays cash, by card, by scanning the window's code or
by bank transfer, and the cashier records it with the number of the paper 非税收入票据 they
hand over. Those receipts are printed and numbered by the finance bureau, not by us: the
number is typed from the receipt, and a number used twice is refused (one receipt, one
payment). An online gateway plugs in with register_gateway: its collect() checks the
gateway's own confirmation and returns the receipt (电子票据) number it was given.

A payment settles its assessment in full (a cashier takes what the 缴费通知书 says, no
instalments); a refund (退费) returns part or all of a payment, with the reason, never more
than was paid. Both are audited.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.models import FeeAssessment, FeePayment, FeeRefund, db, utcnow
from app.models.fee import METHOD_LABELS
from app.services import fees, money
from app.services.organization.checks import Problems
from app.services.workflow import audit
from app.services.workflow.actor import Actor
from app.services.workflow.errors import Conflict, Forbidden, InvalidInput, NotFound

RECEIPT_PATTERN = re.compile(r"^[A-Za-z0-9-]{4,40}$")


@dataclass(frozen=True)
class Collected:
    """What a gateway confirms it took for an assessment."""
    method: str
    receipt_no: str
    reference: str = ""


class PaymentGateway(Protocol):
    key: str

    def collect(self, assessment: FeeAssessment, data: Mapping, actor: Actor) -> Collected:
        """Confirm the assessment's full amount was taken; raise a ServiceError to refuse."""

    def may_refund(self, actor: Actor) -> bool:
        """Whether `actor` may return money taken through this gateway."""


class ManualCashier:
    """The cashier at the window, typing what they took and the receipt they handed over."""

    key = "cashier"

    def collect(self, assessment: FeeAssessment, data: Mapping, actor: Actor) -> Collected:
        require_cashier(actor)
        problems = Problems()
        _check_amount(data.get("amount"), assessment.amount_fen, problems)
        method = str(data.get("method") or "").strip()
        if method not in METHOD_LABELS:
            problems.add("method", "请选择缴款方式：" + "、".join(METHOD_LABELS.values()))
        receipt_no = str(data.get("receiptNo") or "").strip().upper()
        if not RECEIPT_PATTERN.match(receipt_no):
            problems.add("receiptNo", "请填写票据上的号码（4 至 40 位字母、数字或连字符）")
        problems.raise_if_any("invalid_payment", "payment")
        return Collected(method=method, receipt_no=receipt_no)

    def may_refund(self, actor: Actor) -> bool:
        return is_cashier(actor)


_gateways: dict[str, PaymentGateway] = {}


def register_gateway(gateway: PaymentGateway) -> None:
    _gateways[gateway.key] = gateway


register_gateway(ManualCashier())


def is_cashier(actor: Actor) -> bool:
    return actor.user is not None and actor.user.is_cashier


def require_cashier(actor: Actor) -> None:
    if not is_cashier(actor):
        raise Forbidden("only the settlement window's cashier records payments and refunds",
                        code="not_cashier")


def _check_amount(value, due_fen: int, problems: Problems) -> None:
    try:
        fen = money.to_fen(value)
    except money.BadAmount as err:
        problems.add("amount", str(err))
        return
    if fen != due_fen:
        problems.add("amount", f"应收 {money.shown(due_fen)}，须一次足额缴纳")


def pay(assessment_id: int, data: Mapping, actor: Actor, gateway: str = ManualCashier.key,
        at: datetime | None = None) -> FeePayment:
    """Record the payment of one assessment through `gateway` (`at`: when it was taken)."""
    if gateway not in _gateways:
        raise NotFound(f"no payment gateway {gateway}", code="payment_gateway_not_found")
    assessment = fees.assessment(assessment_id)
    if assessment.payment is not None:
        raise Conflict(f"fee {assessment.notice_number} is already paid",
                       code="fee_already_paid")
    collected = _gateways[gateway].collect(assessment, data, actor)
    _require_unused(collected.receipt_no)
    payment = FeePayment(assessment=assessment, amount_fen=assessment.amount_fen,
                         method=collected.method, gateway=gateway,
                         receipt_no=collected.receipt_no, reference=collected.reference,
                         paid_at=at or utcnow(), cashier_id=actor.user_id)
    db.session.add(payment)
    _flush_or_conflict(collected.receipt_no)
    audit.record(actor, "fee.paid", instance_id=assessment.instance_id,
                 assessment_id=assessment.id, amount_fen=payment.amount_fen,
                 method=payment.method, receipt_no=payment.receipt_no, gateway=gateway,
                 note=f"{payment.receipt_no} {money.shown(payment.amount_fen)}")
    db.session.commit()
    return payment


def _require_unused(receipt_no: str) -> None:
    if db.session.scalar(sa.select(FeePayment.id).where(FeePayment.receipt_no == receipt_no)):
        raise _receipt_used(receipt_no)


def _receipt_used(receipt_no: str) -> Conflict:
    return Conflict(f"receipt {receipt_no} was already recorded for another payment",
                    code="receipt_number_used",
                    errors=[{"field": "receiptNo", "message": "该票据号已登记过一笔缴费"}])


def _flush_or_conflict(receipt_no: str) -> None:
    """Flush; two cashiers recording one receipt at once: the second is refused, not a 500
    (a second payment of one assessment the same way)."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        if db.session.scalar(sa.select(FeePayment.id).where(FeePayment.receipt_no == receipt_no)):
            raise _receipt_used(receipt_no) from None
        raise Conflict("the fee was paid meanwhile", code="fee_already_paid") from None


def payment(payment_id: int, lock: bool = False) -> FeePayment:
    """`lock`: held until commit, so two refunds of one payment cannot both pass the check."""
    found = db.session.get(FeePayment, payment_id, with_for_update=lock or None)
    if found is None:
        raise NotFound(f"payment {payment_id} does not exist", code="payment_not_found")
    return found


def refund(payment_id: int, data: Mapping, actor: Actor, at: datetime | None = None) -> FeeRefund:
    """退费: part or all of a payment back to the payer, with the reason."""
    paid = payment(payment_id, lock=True)
    if not _gateways[paid.gateway].may_refund(actor):
        require_cashier(actor)
    problems = Problems()
    reason = str(data.get("reason") or "").strip()
    if not reason or len(reason) > 500:
        problems.add("reason", "请写明退费原因（500 字以内）")
    fen = _refund_amount(data.get("amount"), paid, problems)
    problems.raise_if_any("invalid_refund", "refund")
    row = FeeRefund(amount_fen=fen, reason=reason, refunded_at=at or utcnow(),
                    cashier_id=actor.user_id)
    paid.refunds.append(row)
    db.session.flush()
    audit.record(actor, "fee.refunded", instance_id=paid.assessment.instance_id,
                 payment_id=paid.id, amount_fen=fen, reason=reason,
                 note=f"{paid.receipt_no} {money.shown(fen)}")
    db.session.commit()
    return row


def _refund_amount(value, paid: FeePayment, problems: Problems) -> int:
    left = paid.amount_fen - paid.refunded_fen
    try:
        fen = money.to_fen(value)
    except money.BadAmount as err:
        problems.add("amount", str(err))
        return 0
    if fen == 0:
        problems.add("amount", "退费金额应大于零")
    elif fen > left:
        raise InvalidInput(f"at most {money.shown(left)} of the payment is left to refund",
                           code="refund_exceeds_paid",
                           errors=[{"field": "amount",
                                    "message": f"最多可退 {money.shown(left)}"}])
    return fen
