"""应诉: a 行政复议 or 行政诉讼 brought against a case's decision, and who answers it.

The department is the respondent (被申请人 / 被告). It must answer in writing with the evidence
and the legal basis of its decision: within 10 working days of receiving the copy of the
application for 行政复议 (行政复议法 2023 arts. 48, 88), within 15 days of receiving the copy
of the complaint for 行政诉讼 (行政诉讼法 art. 67). Seed 003's 应诉代理权 and seed 001 (五)
decide who prepares it: the window's chief under a letter granting that power over the item,
otherwise the department's approving leader.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

RECONSIDERATION, LITIGATION_SUIT = "reconsideration", "litigation"  # 行政复议, 行政诉讼
REMEDY_KINDS = (RECONSIDERATION, LITIGATION_SUIT)
OPEN, ANSWERED = "open", "answered"


class RemedyMatter(db.Model):  # 复议 / 诉讼应诉事项
    __tablename__ = "remedy_matter"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    reference: Mapped[str] = mapped_column(sa.String(80), default="")  # 复议/诉讼案号
    body: Mapped[str] = mapped_column(sa.String(200))  # 复议机关 / 人民法院
    received_on: Mapped[date]  # 收到申请书副本 / 起诉状副本之日
    answer_due: Mapped[date]  # 书面答复 / 答辩状的最后一日
    representative_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id"), index=True)  # 应诉代理人
    letter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("authorization_letter.id"))
    status: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    answer: Mapped[str] = mapped_column(sa.Text, default="")  # 答复 / 答辩要点
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
