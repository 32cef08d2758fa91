"""效能监察's record of the units' and staff's failings (seed 004 section 四): the cards a
late case earns its unit (红黄牌), the register of violations (违规登记), and the consequences
(问责) each one's count in a year brings, each a numbered document with its decision."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

YELLOW = "yellow"  # 黄牌: the case's 预警 was sent
RED = "red"  # 红牌: the case went past its promised time
COLORS = (YELLOW, RED)
COLOR_LABELS = {YELLOW: "黄牌", RED: "红牌"}


class Card(db.Model):  # 红黄牌
    """One color once per case, dealt to the case's unit in the local month it happened."""

    __tablename__ = "supervision_card"
    __table_args__ = (sa.UniqueConstraint("case_id", "color"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("service_case.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    color: Mapped[str] = mapped_column(sa.String(8))
    dealt_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    handler_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


# The kinds of violation seed 004 names; a staff member's rules first, then a unit's.
FIRST_INQUIRY = "first_inquiry"  # 首问负责制
ONE_TIME_NOTICE = "one_time_notice"  # 一次性告知制
DENIAL_REPORT = "denial_report"  # 否定报备制
FOUR_BANS = "four_bans"  # 四条禁令
OVERDUE_CASE = "overdue_case"  # 超时办件
ABSENCE_UNCOVERED = "absence_uncovered"  # 缺岗无人顶岗
UNAPPROVED_ABSENCE = "unapproved_absence"  # 擅自离岗: away without the center's prior consent
LATE_RECTIFICATION = "late_rectification"  # 差评整改逾期
KIND_LABELS = {
    FIRST_INQUIRY: "违反首问负责制", ONE_TIME_NOTICE: "违反一次性告知制",
    DENIAL_REPORT: "违反否定报备制", FOUR_BANS: "违反“四条禁令”", OVERDUE_CASE: "超时办件",
    ABSENCE_UNCOVERED: "缺岗无人顶岗", UNAPPROVED_ABSENCE: "擅自离岗（请假未经中心同意）",
    LATE_RECTIFICATION: "差评整改逾期",
}
KINDS = tuple(KIND_LABELS)

AUTOMATIC, RECORDED = "automatic", "recorded"  # found by the system / by a supervisor
SOURCE_LABELS = {AUTOMATIC: "系统自动记录", RECORDED: "效能监察员登记"}

REGISTERED = "registered"  # counts until a supervisor finds otherwise
UPHELD = "upheld"  # 成立
DISMISSED = "dismissed"  # 不成立: no longer counts
STATE_LABELS = {REGISTERED: "待审核", UPHELD: "成立", DISMISSED: "不成立"}


class Violation(db.Model):  # 违规登记
    __tablename__ = "violation"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(24), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("service_case.id"))
    occurred_at: Mapped[datetime] = mapped_column(index=True)
    year: Mapped[int] = mapped_column(index=True)  # the local year it counts for
    description: Mapped[str] = mapped_column(sa.Text, default="")
    source: Mapped[str] = mapped_column(sa.String(16), default=AUTOMATIC)
    # What an automatic record was found in ("case:12:red"): the same finding is one record.
    source_ref: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    state: Mapped[str] = mapped_column(sa.String(16), default=REGISTERED, index=True)
    review_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reviewed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    reviewed_at: Mapped[datetime | None]

    @property
    def in_force(self) -> bool:
        return self.state != DISMISSED


# The consequences, by the count of violations in force within a year (seed 004).
UNIT_CRITICISM = "unit_criticism"  # 1st of a unit: 通报批评, reported to the county 领导组
UNIT_VETO = "unit_veto"  # 2nd and later of a unit: 年度目标考核"一票否决"
STAFF_CRITICISM = "staff_criticism"  # 1st of a staff member: 由"中心"通报批评
STAFF_RETURN = "staff_return"  # 2nd and later of a staff member: 退回原单位
CONSEQUENCE_LABELS = {UNIT_CRITICISM: "通报批评", UNIT_VETO: "年度目标考核一票否决",
                      STAFF_CRITICISM: "中心通报批评", STAFF_RETURN: "建议退回原单位"}

PROPOSED, ISSUED, WITHDRAWN = "proposed", "issued", "withdrawn"
DECISION_LABELS = {PROPOSED: "待决定", ISSUED: "已印发", WITHDRAWN: "已撤回"}


class Consequence(db.Model):  # 问责文书
    """What one violation in force brings its unit or staff member: proposed when the count
    is reached, issued (then numbered) or withdrawn by a supervisor."""

    __tablename__ = "consequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    violation_id: Mapped[int] = mapped_column(sa.ForeignKey("violation.id"), unique=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    year: Mapped[int] = mapped_column(index=True)
    ordinal: Mapped[int]  # the violation's count within the year (第 n 次)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    staff_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    number: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # 效能通报〔2026〕3号
    text: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[str] = mapped_column(sa.String(16), default=PROPOSED, index=True)
    proposed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
