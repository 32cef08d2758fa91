"""What the case page shows of the case's fees (一口式收费): each 缴费通知书 and whether it is
paid, and the department's assessing form for those who may assess."""
from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_login import current_user

from app.models import Case, FeeAssessment
from app.services import fees, money
from app.web.form_support import FailedForm


@dataclass
class FeeSection:
    assessments: list[FeeAssessment]
    outstanding_fen: int
    may_assess: bool
    standard: str  # the item's structured 收费标准 (¥20.00/张), "" for text alone
    needs_quantity: bool
    needs_amount: bool
    failed: FailedForm | None


def section(case: Case, failed: FailedForm | None = None) -> FeeSection | None:
    rows = fees.of_case(case.instance_id)
    may = (fees.charges_fee(case.item) and fees.open_for_fees(case)
           and fees.may_assess(current_user._get_current_object(), case))
    if not rows and not may:
        return None
    item = case.item
    return FeeSection(assessments=rows, outstanding_fen=fees.outstanding_fen(case.instance_id),
                      may_assess=may,
                      standard=money.rate_text(item.fee_amount, item.fee_unit),
                      needs_quantity=item.fee_amount is not None and bool(item.fee_unit),
                      needs_amount=item.fee_amount is None, failed=failed)


def state_word(assessment: FeeAssessment) -> str:
    payment = assessment.payment
    if payment is None:
        return _("待缴费")
    if payment.refunded_fen == payment.amount_fen:
        return _("已退费")
    if payment.refunded_fen:
        return _("已缴费（部分退费）")
    return _("已缴费")
