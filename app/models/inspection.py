"""案卷抽查 (case file checks, seed 001 第十七条) and 负责人值班 (unit heads' duty at the
window, seed 004 三(一)): the center's two ways of looking at a unit's work in person."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow
from app.models.identity import Department, User

# The checklist of a case file: each criterion is 符合 (True) or 不符合 (False, with a note).
CRITERIA = {"materials": "材料齐全", "time_limits": "时限合规", "notices": "文书合法",
            "signatures": "签章完整"}
ASSIGNED, CONCLUDED = "assigned", "concluded"
CHECK_STATES = {ASSIGNED: "待检查", CONCLUDED: "已检查"}
# A finding's 整改: the unit answers, the center accepts (closes) or returns it.
OPEN, ANSWERED, CLOSED = "open", "answered", "closed"
FINDING_STATES = {OPEN: "待整改", ANSWERED: "已整改待验收", CLOSED: "已验收"}
# 值班 by a unit head: a morning, an afternoon or the whole working day.
DUTY_PARTS = {"morning": "上午", "afternoon": "下午", "full_day": "全天"}


class CheckRound(db.Model):
    """One month's draw (抽查批次): what was drawn from, with which seed, by which rule, so
    that anyone can draw again from the recorded population and get the same sample."""

    __tablename__ = "check_round"

    id: Mapped[int] = mapped_column(primary_key=True)
    month: Mapped[str] = mapped_column(sa.String(7), unique=True)  # local month, "2026-11"
    seed: Mapped[str] = mapped_column(sa.String(64))
    sample_size: Mapped[int]  # the rule at draw time: at least this many a unit …
    sample_percent: Mapped[int]  # … or this percentage of its cases, whichever is more
    population: Mapped[dict] = mapped_column(default=dict)  # {department id: [case ids]}
    drawn_at: Mapped[datetime] = mapped_column(default=utcnow)
    drawn_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # None: sweep
    checks: Mapped[list[CaseCheck]] = relationship(
        back_populates="round", lazy="selectin", order_by="CaseCheck.id")


class CaseCheck(db.Model):
    """One sampled case file, checked by one supervisor against CRITERIA."""

    __tablename__ = "case_check"
    __table_args__ = (sa.UniqueConstraint("round_id", "case_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("check_round.id"), index=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("service_case.id"))
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    checker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default=ASSIGNED)
    answers: Mapped[dict] = mapped_column(default=dict)  # {criterion: {"ok": bool, "note": str}}
    concluded_at: Mapped[datetime | None]
    round: Mapped[CheckRound] = relationship(back_populates="checks")
    findings: Mapped[list[CheckFinding]] = relationship(
        back_populates="check", lazy="selectin", order_by="CheckFinding.id")


class CheckFinding(db.Model):
    """A 不符合 of a check: a 整改 task for the unit, due in working days."""

    __tablename__ = "check_finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    check_id: Mapped[int] = mapped_column(sa.ForeignKey("case_check.id"), index=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    criterion: Mapped[str] = mapped_column(sa.String(16))
    note: Mapped[str] = mapped_column(sa.Text)  # what the checker found
    state: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    answer: Mapped[str] = mapped_column(sa.Text, default="")  # what the unit changed
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    review: Mapped[str] = mapped_column(sa.Text, default="")  # the supervisor's last word
    closed_at: Mapped[datetime | None]
    check: Mapped[CaseCheck] = relationship(back_populates="findings")


class DutyShift(db.Model):
    """A unit head's (分管领导 / 首席代表) duty at the window on one working day."""

    __tablename__ = "duty_shift"
    __table_args__ = (sa.UniqueConstraint("user_id", "day"),)  # one duty a person a day

    id: Mapped[int] = mapped_column(primary_key=True)
    department_id: Mapped[int] = mapped_column(sa.ForeignKey("department.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    day: Mapped[date] = mapped_column(index=True)  # the center's local date
    part: Mapped[str] = mapped_column(sa.String(16))  # DUTY_PARTS
    scheduled_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    scheduled_at: Mapped[datetime] = mapped_column(default=utcnow)
    checked_in_at: Mapped[datetime | None]
    missed_at: Mapped[datetime | None]  # set by the sweep after a day without check-in
    person: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    department: Mapped[Department] = relationship(lazy="joined")
