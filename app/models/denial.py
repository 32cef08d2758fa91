"""Denial reports (否定报备, seed 004): a refusal the applicant disputes, or one the handler
may not make alone, goes to the unit leader, who confirms or corrects it. All of them
together are the ledger (否定报备台账).
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import Department, User

NOT_ACCEPTED = "not_accepted"  # 不予受理
DENIED = "denied"  # 不予许可
KINDS = (NOT_ACCEPTED, DENIED)
KIND_LABELS = {NOT_ACCEPTED: "不予受理", DENIED: "不予许可"}

OBJECTION = "objection"  # the applicant disputes the refusal (申请人提出异议)
UNAUTHORIZED = "unauthorized"  # the window holds no power to refuse (经办人无否定权限)
TRIGGERS = (OBJECTION, UNAUTHORIZED)
TRIGGER_LABELS = {OBJECTION: "申请人提出异议", UNAUTHORIZED: "经办窗口无否定权限"}

PENDING, CONFIRMED, CORRECTED = "pending", "confirmed", "corrected"
OUTCOMES = (PENDING, CONFIRMED, CORRECTED)
OUTCOME_LABELS = {PENDING: "待审查", CONFIRMED: "确认否定", CORRECTED: "予以纠正"}


class DenialReport(db.Model):  # 否定报备登记表
    __tablename__ = "denial_report"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # 报备编号
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    item_code: Mapped[str] = mapped_column(sa.String(64))
    item_name: Mapped[str] = mapped_column(sa.String(200))
    case_no: Mapped[str | None] = mapped_column(sa.String(40))
    kind: Mapped[str] = mapped_column(sa.String(16))
    trigger: Mapped[str] = mapped_column(sa.String(16))
    applicant_name: Mapped[str] = mapped_column(sa.String(200))
    applicant_contact: Mapped[dict] = mapped_column(default=dict)  # phone, email
    refused: Mapped[str] = mapped_column(sa.Text, default="")  # what was refused
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    objection: Mapped[str] = mapped_column(sa.Text, default="")  # the applicant's objection
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    filed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    review_due_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(sa.String(16), default=PENDING, index=True)
    reviewed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]
    review_opinion: Mapped[str] = mapped_column(sa.Text, default="")
    overdue: Mapped[bool] = mapped_column(default=False)  # the review passed its due time
    department: Mapped[Department] = relationship(lazy="joined")
    handler: Mapped[User | None] = relationship(foreign_keys=[handler_id], lazy="joined")
    reviewer: Mapped[User | None] = relationship(foreign_keys=[reviewed_by], lazy="joined")
