"""好差评: the applicant's rating of a case (一事一评), and the 整改 each 差评 opens."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow

# The five national levels (国办发〔2019〕51号), 5 the best; shown as 5 to 1 stars.
LEVEL_LABELS = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
SATISFIED_LEVELS = (5, 4, 3)
BAD_LEVELS = (2, 1)  # 差评: reasons and a comment are required, and a 整改 opens
# The national indicator list (content follows the national version, not altered locally).
REASON_LABELS = {
    "overall": "整体满意度",
    "efficiency": "服务效率", "competence": "服务水平", "attitude": "服务态度",
    "handling_efficiency": "办事效率", "guide_accuracy": "办事指南精确度",
    "convenience": "办事便捷度", "platform_usability": "平台操作性",
}
# 现场 (a window's device) and 网上 (the SMS link, the lookup) are rated on their own sets.
OFFLINE_REASONS = ("overall", "efficiency", "competence", "attitude")
ONLINE_REASONS = ("overall", "handling_efficiency", "guide_accuracy", "convenience",
                  "platform_usability")
CHANNEL_LABELS = {"lookup": "办件查询", "sms": "短信链接", "window": "窗口评价器"}
REASONS_BY_CHANNEL = {"lookup": ONLINE_REASONS, "sms": ONLINE_REASONS, "window": OFFLINE_REASONS}


def reasons_for(channel: str) -> list[tuple[str, str]]:
    """The indicators a rating on `channel` chooses from, with their labels."""
    return [(code, REASON_LABELS[code]) for code in REASONS_BY_CHANNEL.get(channel, ())]

OPEN, RECTIFIED, FOLLOWED_UP, APPEALED, APPEAL_UPHELD = (
    "open", "rectified", "followed_up", "appealed", "appeal_upheld")
RECTIFICATION_STATES = {OPEN: "待整改", RECTIFIED: "已整改待回访", FOLLOWED_UP: "已回访",
                        APPEALED: "申诉复核中", APPEAL_UPHELD: "申诉成立（不计入）"}
CLOSED_STATES = (FOLLOWED_UP, APPEAL_UPHELD)


class Evaluation(db.Model):
    """一事一评 of a case (case_id unique), or 一次一评 of a visit at a window (no case)."""

    __tablename__ = "evaluation"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_case.id"), unique=True)
    level: Mapped[int]
    reasons: Mapped[list] = mapped_column(default=list)  # REASON_LABELS codes
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    channel: Mapped[str] = mapped_column(sa.String(16))
    rated_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Attribution frozen at rating time: 谁办理、谁负责.
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    window_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_window.id"))
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    item_code: Mapped[str | None] = mapped_column(sa.String(64))  # none for a visit
    counted: Mapped[bool] = mapped_column(default=True)  # False once an appeal is upheld
    rectification: Mapped["Rectification | None"] = relationship(
        back_populates="evaluation", uselist=False, lazy="selectin")

    @property
    def bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(db.Model):
    """整改 of one 差评 by the unit that handled the case, then the center's 回访."""

    __tablename__ = "rectification"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(sa.ForeignKey("evaluation.id"), unique=True)
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    report: Mapped[str] = mapped_column(sa.Text, default="")  # the unit's 整改 report
    rectified_at: Mapped[datetime | None]
    follow_up: Mapped[str] = mapped_column(sa.Text, default="")  # the applicant's answer (回访)
    follow_up_due_at: Mapped[datetime | None]  # FOLLOW_UP_WORKING_DAYS after the 整改 report
    followed_up_at: Mapped[datetime | None]
    appeal: Mapped[str] = mapped_column(sa.Text, default="")  # 申诉 by the unit
    appeal_decision: Mapped[str] = mapped_column(sa.Text, default="")  # 复核 by the center
    appealed_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]  # late: the center and the unit's leaders were told
    evaluation: Mapped[Evaluation] = relationship(back_populates="rectification", lazy="joined")

    @property
    def on_time(self) -> bool:
        return self.rectified_at is not None and self.rectified_at <= self.due_at
