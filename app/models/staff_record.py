"""What the seeds ask of a person sent to sit at a window (窗口人员配备).

Seed 004 (二、(二) 人员配备到位): a window clerk is formally established staff (正式在编) who has
worked in the department for at least 2 years, holds law-enforcement qualification (行政执法
资格) and serves at the window for at least 2 years; staff sent who do not qualify are sent
back (退回原单位); the window's head (窗口负责人) is the head of the approving section. Seed
000: the chief representative is established staff too, of section rank or above (股级以上),
at the center for a year at least.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow


class StaffRecord(db.Model):  # 窗口人员档案
    __tablename__ = "staff_record"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    established: Mapped[bool] = mapped_column(default=False)  # 正式在编
    section_head: Mapped[bool] = mapped_column(default=False)  # 负责审批的科室负责人
    section_rank: Mapped[bool] = mapped_column(default=False)  # 股级以上 (seed 000: chiefs)
    department_since: Mapped[date | None]  # 在本单位工作起始日期
    enforcement_certificate: Mapped[str] = mapped_column(sa.String(40), default="")  # 执法证号
    window_since: Mapped[date | None]  # 到窗口工作日期
    sent_back_on: Mapped[date | None]  # 退回原单位的日期
    sent_back_reason: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
