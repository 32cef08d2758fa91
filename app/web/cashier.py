"""结算窗口 (/cashier): the center's settlement window finds a case by its 办件编号, 查询码 or
缴费通知书 number, takes its outstanding fees and prints the receipt; refunds are recorded
here too. 日对账 (/fees/reconciliation): one local day per department, with its XLSX."""
from __future__ import annotations

from datetime import date

from flask import Response, render_template, request
from flask_login import current_user

from app.models.fee import METHOD_LABELS
from app.security import current_actor
from app.services import calendar, cases, fees
from app.services.fees import payments, reconciliation
from app.web.blueprint import bp
from app.web.cases.fee_section import state_word
from app.web.form_support import FailedForm, posted, submit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _page(failed: FailedForm | None = None) -> str:
    query = (request.values.get("q") or "").strip()
    found = fees.find_for_window(query, current_actor())
    return render_template("fees/cashier.html", query=query, found=found, failed=failed,
                           methods=METHOD_LABELS, state_word=state_word)


@bp.get("/cashier")
def cashier_page():
    return _page()


@bp.post("/cashier/fees/<int:assessment_id>/payments")
def cashier_payment(assessment_id: int):
    actor = current_actor()
    return submit(f"pay-{assessment_id}", lambda: payments.pay(assessment_id, posted(), actor),
                  _page, "web.cashier_page", q=request.form.get("q", ""))


@bp.post("/cashier/payments/<int:payment_id>/refunds")
def cashier_refund(payment_id: int):
    actor = current_actor()
    return submit(f"refund-{payment_id}", lambda: payments.refund(payment_id, posted(), actor),
                  _page, "web.cashier_page", q=request.form.get("q", ""))


@bp.get("/cashier/payments/<int:payment_id>/receipt")
def cashier_receipt(payment_id: int):
    paid = payments.payment(payment_id)
    assessment = fees.readable(paid.assessment_id, current_user._get_current_object())
    return render_template("fees/receipt.html", payment=paid, assessment=assessment,
                           case=cases.case_of(assessment.instance_id), methods=METHOD_LABELS)


def _day(text: str | None) -> date:
    try:
        return date.fromisoformat(text or "")
    except ValueError:
        return calendar.today()


@bp.get("/fees/reconciliation")
def fee_reconciliation_page():
    found = reconciliation.of_day(current_user._get_current_object(),
                                  _day(request.args.get("day")))
    return render_template("fees/reconciliation.html", found=found, methods=METHOD_LABELS,
                           today=calendar.today())


@bp.get("/fees/reconciliation/<day>.xlsx")
def fee_reconciliation_xlsx(day: str):
    found = reconciliation.of_day(current_user._get_current_object(), _day(day))
    return Response(reconciliation.xlsx(found), mimetype=XLSX, headers={
        "Content-Disposition": f'attachment; filename="reconciliation-{found.day}.xlsx"'})
