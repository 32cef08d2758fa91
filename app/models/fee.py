"""一口式收费 (seed 004): every fee of a case is paid at the center's settlement window
(中心结算窗口), never at a department's own window.

The competent department assesses the fee (核定收费) and issues its 缴费通知书; the center's
cashier (收费员) takes the money and records the 非税收入票据 number; a refund (退费) is
recorded against the payment it returns. Money is integer fen (分) throughout: no float,
and every sum reconciles to the cent.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import Department

CASH, CARD, QR, TRANSFER = "cash", "card", "qr", "transfer"
METHOD_LABELS = {CASH: "现金", CARD: "刷卡", QR: "扫码", TRANSFER: "转账"}  # 缴款方式


class FeeAssessment(db.Model):  # 核定收费, with its 缴费通知书
    __tablename__ = "fee_assessment"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="assessed_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(64))
    # What is charged for and under which 收费标准 and 收费依据, as the notice prints it.
    description: Mapped[str] = mapped_column(sa.String(200))
    basis: Mapped[str] = mapped_column(sa.Text)
    unit_price_fen: Mapped[int] = mapped_column(sa.BigInteger)
    quantity: Mapped[int] = mapped_column(default=1)  # units of the item's 计费单位
    unit: Mapped[str] = mapped_column(sa.String(20), default="")
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    notice_number: Mapped[str] = mapped_column(sa.String(80), unique=True)  # 缴费通知书 文号
    assessed_by: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    department: Mapped[Department] = relationship(lazy="joined")
    payment: Mapped[FeePayment | None] = relationship(back_populates="assessment",
                                                      lazy="selectin", uselist=False)


class FeePayment(db.Model):  # 缴费, recorded at the 结算窗口
    __tablename__ = "fee_payment"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="paid_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # One payment settles one assessment in full: the cashier takes what the notice says.
    assessment_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_assessment.id"), unique=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    method: Mapped[str] = mapped_column(sa.String(16))  # METHOD_LABELS
    gateway: Mapped[str] = mapped_column(sa.String(32))  # who took it: "cashier", or online
    receipt_no: Mapped[str] = mapped_column(sa.String(40), unique=True)  # 非税收入票据号
    reference: Mapped[str] = mapped_column(sa.String(100), default="")  # a gateway's own id
    paid_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cashier_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    assessment: Mapped[FeeAssessment] = relationship(back_populates="payment")
    refunds: Mapped[list[FeeRefund]] = relationship(lazy="selectin", order_by="FeeRefund.id")

    @property
    def refunded_fen(self) -> int:
        return sum(r.amount_fen for r in self.refunds)


class FeeRefund(db.Model):  # 退费
    __tablename__ = "fee_refund"
    __table_args__ = (sa.CheckConstraint("amount_fen > 0", name="refund_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(sa.ForeignKey("fee_payment.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(sa.BigInteger)
    reason: Mapped[str] = mapped_column(sa.Text)
    refunded_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    cashier_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
