"""The case's fees on pages (一口式收费): the department assesses a fee from the case page and
prints its 缴费通知书; payments and refunds are the settlement window's (app/web/cashier.py)."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user

from app.models.fee import METHOD_LABELS
from app.security import current_actor
from app.services import cases, fees, money
from app.services.cases import documents
from app.web.blueprint import bp
from app.web.cases.intake import case_view
from app.web.form_support import posted, submit

bp.add_app_template_filter(money.shown, "fen")  # integer fen as ¥1,234.50


@bp.app_template_filter("money")
def yuan_text(amount) -> str:
    """A catalog amount in 元 (Decimal) as ¥1,234.50."""
    return money.shown(money.to_fen(amount))


@bp.post("/cases/<int:instance_id>/fees")
def case_fee_assess(instance_id: int):
    actor = current_actor()
    return submit("fee", lambda: fees.assess(instance_id, posted(), actor),
                  lambda failed: case_view(instance_id, fee_failed=failed), "web.case_page",
                  instance_id=instance_id, _anchor="fees")


@bp.get("/fees/<int:assessment_id>/notice")
def fee_notice_page(assessment_id: int):
    """缴费通知书, printable, in the department's name under its seal."""
    assessment = fees.readable(assessment_id, current_user._get_current_object())
    return render_template("cases/fee_notice.html", assessment=assessment,
                           case=cases.case_of(assessment.instance_id),
                           issuer=assessment.department,
                           seal=documents.seal_data_uri(assessment.department_id),
                           methods=METHOD_LABELS)
