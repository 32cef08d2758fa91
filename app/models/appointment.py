"""首席事务代表任命书 (seed 000 三): the department appoints its chief representative.

The appointment (任命书) says who represents the department at the center and the range of
their duties; it is filed with the center's 政务服务股 (备案). The authorization letter
(授权书, authorization.py) then grants that person powers over items: it names only a
chief representative under an appointment in force. An appointment is never edited: it ends
(另行委派, 人事调动) with a reason, and a new one is issued.
"""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

APPOINTED, ENDED = "active", "ended"


class AppointmentLetter(db.Model):  # 任命书
    __tablename__ = "appointment_letter"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(64), unique=True)  # 文号
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    appointee_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(120))  # the department's head who signs
    duties: Mapped[str] = mapped_column(sa.Text, default="")  # 职责权限范围
    issued_on: Mapped[date]
    filed_on: Mapped[date]  # 报县政务服务管理局政务服务股备案
    status: Mapped[str] = mapped_column(sa.String(16), default=APPOINTED)
    ended_on: Mapped[date | None]
    ended_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    end_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    def in_force_on(self, day: date) -> bool:
        return self.issued_on <= day and (self.ended_on is None or day < self.ended_on)
