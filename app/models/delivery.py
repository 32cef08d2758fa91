"""Delivering a case's result to the applicant (送达), and the licence it produces (电子证照).

A delivery record (送达记录) says how the decision reached the applicant and who received
it; its receipt (送达回证) is printed from it. A licence is the concluded approval as a
document of the department: its own number sequence, a holder, a validity and a status.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.catalog import Item
from app.models.identity import Department

WINDOW, MAIL, ELECTRONIC = "window", "mail", "electronic"
METHOD_LABELS = {WINDOW: "当场领取", MAIL: "邮寄送达", ELECTRONIC: "电子送达"}
# The 办结送达 forms: completing one hands the result over (and concludes the case).
DELIVERY_FORMS = ("window_deliver.schema.json", "service_item_deliver.schema.json")

VALID, REVOKED, CANCELLED = "valid", "revoked", "cancelled"
LICENCE_STATUS_LABELS = {VALID: "有效", REVOKED: "已撤销", CANCELLED: "已注销"}


class DeliveryRecord(db.Model):  # 送达记录
    __tablename__ = "delivery_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    # Which of the case's documents was delivered (IssuedDocument.kind): the decision's.
    document_kind: Mapped[str] = mapped_column(sa.String(40), default="concluded")
    method: Mapped[str] = mapped_column(sa.String(16))
    delivered_on: Mapped[date]  # 送达日期 (for mail: the day it was posted)
    recipient_name: Mapped[str] = mapped_column(sa.String(100))  # 受送达人 / 签收人
    by_proxy: Mapped[bool] = mapped_column(default=False)  # 代领
    proxy_name: Mapped[str] = mapped_column(sa.String(100), default="")
    proxy_id_number: Mapped[str] = mapped_column(sa.String(40), default="")
    carrier: Mapped[str] = mapped_column(sa.String(100), default="")  # 邮寄单位
    tracking_number: Mapped[str] = mapped_column(sa.String(64), default="")  # 邮件单号
    electronic_address: Mapped[str] = mapped_column(sa.String(200), default="")  # 送达地址/渠道
    sent_at: Mapped[datetime | None]  # the moment an electronic delivery was sent
    receipt_on: Mapped[date | None]  # 回执日期: the day the mail's receipt came back
    receipt_recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)


class Licence(db.Model):  # 电子证照
    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("item.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    number: Mapped[str] = mapped_column(sa.String(80), unique=True)  # 证照编号
    holder: Mapped[str] = mapped_column(sa.String(200))  # 持证主体
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    valid_from: Mapped[date]
    valid_until: Mapped[date | None]  # None: 长期有效
    status: Mapped[str] = mapped_column(sa.String(16), default=VALID)
    # 制证 (seed 003 制证权): who made it, and the letter under which the window did; a
    # licence the system made at 办结 under the window's letter has no maker.
    made_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    made_under: Mapped[str] = mapped_column(sa.String(64), default="")  # 授权书文号
    status_reason: Mapped[str] = mapped_column(sa.Text, default="")  # why revoked or cancelled
    status_changed_at: Mapped[datetime | None]
    status_changed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    item: Mapped[Item] = relationship(lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
