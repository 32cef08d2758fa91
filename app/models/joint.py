"""Joint approval (联审联办): each participating department's opinion on one joint case, and
the joint site inspections and meetings (联合踏勘 / 联席会议) the lead window schedules.

The engine holds the opinions too (the multi-instance output); these rows are what the lead
window's board reads without loading any workflow, written in the same transaction.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import Department

PENDING = "pending"
AGREED = "agreed"  # 同意
CONDITIONAL = "conditional"  # 附条件同意
REJECTED = "rejected"  # 不同意
DEEMED = "deemed"  # 缺席默认 / 超时默认: deemed to agree, the department bears the consequences
OPINION_STATES = (PENDING, AGREED, CONDITIONAL, REJECTED, DEEMED)
OPINION_LABELS = {PENDING: "待答复", AGREED: "同意", CONDITIONAL: "附条件同意",
                  REJECTED: "不同意", DEEMED: "视为同意"}

# What a department answers (form value) and the state it leaves the opinion in.
DECISION_STATES = {"agree": AGREED, "conditional": CONDITIONAL, "reject": REJECTED}

INSPECTION = "inspection"  # 联合踏勘
MEETING = "meeting"  # 联席会议
MEETING_KINDS = (INSPECTION, MEETING)


class JointOpinion(db.Model):
    __tablename__ = "joint_opinion"
    __table_args__ = (sa.UniqueConstraint("instance_id", "department_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"))
    lead: Mapped[bool] = mapped_column(default=False)  # the department whose window accepted
    days: Mapped[float]  # the department's promised limit in working days
    deadline_at: Mapped[datetime]
    state: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    reasons: Mapped[str] = mapped_column(sa.Text, default="")
    legal_basis: Mapped[str] = mapped_column(sa.Text, default="")
    overdue: Mapped[bool] = mapped_column(default=False)  # its deadline passed unanswered
    formal_state: Mapped[str | None] = mapped_column(sa.String(16))  # filed after being deemed
    formal_reasons: Mapped[str] = mapped_column(sa.Text, default="")
    formal_at: Mapped[datetime | None]
    reminders: Mapped[list] = mapped_column(default=list)  # 催办: [{at, by, automatic}]
    department: Mapped[Department] = relationship(lazy="joined")

    @property
    def answered(self) -> bool:
        return self.state != PENDING


class JointMeeting(db.Model):
    __tablename__ = "joint_meeting"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    held_at: Mapped[datetime]
    place: Mapped[str] = mapped_column(sa.String(200))
    scheduled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # {department_id: {"attended": bool, "reason": str}}; a refusal without reason is recorded
    attendance: Mapped[dict] = mapped_column(default=dict)
