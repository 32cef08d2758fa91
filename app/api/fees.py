"""一口式收费: a case's fees (核定收费 by its department), the settlement window's payments
and refunds, and the day's reconciliation (日对账). Money is given as integer fen
(`amountFen`) beside its exact decimal text in 元 (`amount`, "1234.50"), never a float;
amounts sent in may be either a decimal string or a number with at most two decimals."""
from datetime import date

from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp, json_object
from app.models import FeeAssessment, FeePayment, FeeRefund
from app.security import current_actor
from app.services import calendar, fees, money
from app.services.fees import payments, reconciliation
from app.services.workflow import instances
from app.services.workflow.errors import InvalidInput


def _money(fen: int) -> dict:
    return {"amountFen": fen, "amount": str(money.to_yuan(fen))}


def _refund(row: FeeRefund) -> dict:
    return {"id": row.id, **_money(row.amount_fen), "reason": row.reason,
            "refundedAt": row.refunded_at.isoformat()}


def _payment(row: FeePayment) -> dict:
    return {"id": row.id, **_money(row.amount_fen), "method": row.method,
            "gateway": row.gateway, "receiptNo": row.receipt_no, "reference": row.reference,
            "paidAt": row.paid_at.isoformat(), "refunds": [_refund(r) for r in row.refunds]}


def _assessment(row: FeeAssessment) -> dict:
    return {"id": row.id, "processInstanceId": row.instance_id, "noticeNumber": row.notice_number,
            "department": row.department.code, "itemCode": row.item_code,
            "description": row.description, "basis": row.basis, "quantity": row.quantity,
            "unit": row.unit, "unitPriceFen": row.unit_price_fen, **_money(row.amount_fen),
            "assessedAt": row.assessed_at.isoformat(),
            "payment": _payment(row.payment) if row.payment else None}


@bp.get("/cases/<int:instance_id>/fees")
def case_fees(instance_id: int):
    instances.viewable(instance_id, current_actor().user)
    return jsonify({**pages.page(_assessment(a) for a in fees.of_case(instance_id)),
                    "outstanding": _money(fees.outstanding_fen(instance_id))})


@bp.post("/cases/<int:instance_id>/fees")
def assess_case_fee(instance_id: int):
    return jsonify(_assessment(fees.assess(instance_id, json_object(), current_actor()))), 201


@bp.get("/cashier/cases")
def cashier_cases():
    """?q= a 办件编号, 查询码 or 缴费通知书 number: the cases and their fees."""
    found = fees.find_for_window(request.args.get("q", ""), current_actor())
    return jsonify(pages.page({"processInstanceId": case.instance_id, "caseNo": case.case_no,
                               "applicant": case.applicant_name,
                               "fees": [_assessment(a) for a in rows]} for case, rows in found))


@bp.post("/fees/<int:assessment_id>/payments")
def pay_fee(assessment_id: int):
    payment = payments.pay(assessment_id, json_object(), current_actor())
    return jsonify(_payment(payment)), 201


@bp.post("/fee-payments/<int:payment_id>/refunds")
def refund_fee(payment_id: int):
    return jsonify(_refund(payments.refund(payment_id, json_object(), current_actor()))), 201


def _row(row: reconciliation.DepartmentDay) -> dict:
    return {"department": row.name, "assessedCount": row.assessed_count,
            "assessed": _money(row.assessed_fen), "paidCount": row.paid_count,
            "paid": _money(row.paid_fen),
            "byMethod": {m: _money(fen) for m, fen in row.by_method.items()},
            "refundCount": row.refund_count, "refunded": _money(row.refund_fen),
            "net": _money(row.net_fen)}


@bp.get("/fees/reconciliation")
def fee_reconciliation():
    """?day=YYYY-MM-DD (a local date; today when absent)."""
    text = request.args.get("day")
    try:
        day = date.fromisoformat(text) if text else calendar.today()
        if not 1900 <= day.year <= 2999:  # no fee was or will be paid on it
            raise ValueError(text)
    except ValueError:
        raise InvalidInput("day must be a date (YYYY-MM-DD) from 1900 to 2999",
                           code="invalid_day",
                           errors=[{"field": "day", "message": "YYYY-MM-DD"}]) from None
    found = reconciliation.of_day(current_actor().user, day)
    return jsonify({"day": found.day.isoformat(), "departments": [_row(r) for r in found.rows],
                    "total": _row(found.total)})
